/**
 * Server identity check with "verify-full" semantics (RFC 6125 / RFC 2818, as libpq and OpenSSL's
 * X509_check_host do it by default):
 *  - a host name is compared with the SAN dNSName entries; the subject CN (the most specific one) is used
 *    only when the certificate has no dNSName and no iPAddress SAN at all;
 *  - an IP address (v4, or v6 with or without [brackets]) is compared only with iPAddress SANs, byte for byte;
 *  - comparison is ASCII case-insensitive and ignores one trailing dot on either side;
 *  - a wildcard is accepted only as the whole left-most label (`*.example.com`), matches exactly one
 *    non-empty label, and needs at least two labels after it (`*.com` never matches); partial
 *    (`f*.example.com`) or non-left-most wildcards never match; wildcards never match IP addresses.
 */
import * as net from 'node:net';
import { bytesEqual } from '../util/bytes';
import { formatIp, parseIp } from './extensions';

export interface CertIdentity {
  /** SAN dNSName values. */
  dnsNames: readonly string[];
  /** SAN iPAddress values (4 or 16 octets). */
  ipAddresses: readonly Uint8Array[];
  /** Subject commonName values, least specific first (encoding order). */
  commonNames: readonly string[];
}

export interface HostnameResult {
  ok: boolean;
  /** What matched, e.g. "DNS:*.example.com", "IP:10.0.0.5", "CN:db.example.com". */
  matchedBy?: string;
  /** One-line reason when ok is false. */
  reason?: string;
}

const norm = (s: string): string => {
  const l = s.toLowerCase();
  return l.endsWith('.') ? l.slice(0, -1) : l;
};

/** Is `host` an IP address literal? Returns its octets, else null. */
export function ipLiteral(host: string): Uint8Array | null {
  let h = host;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return net.isIP(h) ? parseIp(h) : null;
}

/** One name pattern (from a certificate) against one host name (not an IP). */
export function hostMatchesPattern(pattern: string, host: string): boolean {
  const p = norm(pattern);
  const h = norm(host);
  if (p === '' || h === '' || h.includes('*')) return false;
  if (!p.includes('*')) return p === h;
  if (!p.startsWith('*.')) return false;
  const rest = p.slice(2);
  if (rest.includes('*') || !rest.includes('.') || rest.split('.').some((l) => l === '')) return false;
  const dot = h.indexOf('.');
  if (dot <= 0) return false;
  return h.slice(dot + 1) === rest;
}

export function matchHostname(id: CertIdentity, host: string): HostnameResult {
  const ip = ipLiteral(host);
  if (ip) {
    for (const a of id.ipAddresses) if (bytesEqual(a, ip)) return { ok: true, matchedBy: `IP:${formatIp(a)}` };
    const have = id.ipAddresses.map((a) => formatIp(a));
    return { ok: false, reason: have.length ? `IP address ${host} is not one of the certificate's IP addresses (${have.join(', ')})` : `the certificate has no IP address subject alternative name matching ${host}` };
  }
  if (id.dnsNames.length > 0 || id.ipAddresses.length > 0) {
    for (const d of id.dnsNames) if (hostMatchesPattern(d, host)) return { ok: true, matchedBy: `DNS:${d}` };
    return {
      ok: false,
      reason: id.dnsNames.length
        ? `host name ${host} does not match the certificate's DNS names (${id.dnsNames.join(', ')})`
        : `host name ${host} does not match: the certificate has IP address names only`,
    };
  }
  const cn = id.commonNames[id.commonNames.length - 1];
  if (cn !== undefined && hostMatchesPattern(cn, host)) return { ok: true, matchedBy: `CN:${cn}` };
  return { ok: false, reason: cn !== undefined ? `host name ${host} does not match the certificate's common name ${cn}` : `the certificate has no DNS name or common name to match ${host}` };
}

/**
 * `ktool fetch` output. JSON (schema in docs/fetch.md, pinned by tests):
 * { host, port, starttls, protocol, cipher, certificates: [ certificate objects of `list --json`,
 *   as the server sent them, leaf first ], verified: true|false|null, verifyError: string|null }
 */
import type { FetchResult } from '../net/fetch';
import { formatHostPort } from '../net/fetch';
import type { ChainVerdict } from '../ops/server-trust';
import { CertView, certToJson } from '../x509/certificate';

export function fetchToJson(r: FetchResult, verdict: ChainVerdict) {
  return {
    host: r.host,
    port: r.port,
    starttls: r.starttls,
    protocol: r.protocol,
    cipher: r.cipher,
    certificates: r.certificates.map((d) => certToJson(CertView.from(d))),
    verified: verdict.verified,
    verifyError: verdict.verifyError,
  };
}

const HOW: Record<FetchResult['starttls'], string> = {
  none: 'direct TLS',
  postgres: 'PostgreSQL SSLRequest',
  mysql: 'MySQL/MariaDB SSL request',
};

const day = (d: Date): string => d.toISOString().replace(/\.000Z$/, 'Z');

function validity(v: CertView, now: Date): string {
  const note = now < v.notBefore ? ' (NOT YET VALID)' : now > v.notAfter ? ' (EXPIRED)' : '';
  return `${day(v.notBefore)} until ${day(v.notAfter)}${note}`;
}

export interface FetchTextOptions {
  /** What the chain was judged against, e.g. "truststore.p12" (absent: nothing given). */
  trustLabel?: string;
  hostname?: string;
  now?: Date;
}

export function renderFetchText(r: FetchResult, verdict: ChainVerdict, opts: FetchTextOptions = {}): string {
  const now = opts.now ?? new Date();
  const lines: string[] = [];
  const via = r.address !== r.host ? ` (${r.address})` : '';
  lines.push(`Server: ${formatHostPort(r.host, r.port)}${via}, ${HOW[r.starttls]}${r.serverVersion ? `, ${r.serverVersion}` : ''}`);
  lines.push(`TLS: ${r.protocol}, ${r.cipher}${r.alpnProtocol ? `, ALPN ${r.alpnProtocol}` : ''}${r.servername ? `, SNI ${r.servername}` : ''}`);
  const n = r.certificates.length;
  r.certificates.forEach((der, i) => {
    const v = CertView.from(der);
    const role = i === 0 ? ' (server)' : v.subject.toRfc2253() === v.issuer.toRfc2253() ? ' (self-signed)' : '';
    lines.push('', `Certificate ${i + 1} of ${n}${role}:`);
    lines.push(`  Subject:  ${v.subject.toRfc2253()}`);
    lines.push(`  Issuer:   ${v.issuer.toRfc2253()}`);
    lines.push(`  Valid:    ${validity(v, now)}`);
    lines.push(`  SHA-256:  ${v.sha256}`);
    if (v.san.length) lines.push(`  SAN:      ${v.san.join(', ')}`);
  });
  lines.push('');
  if (verdict.verified === null) lines.push('Verified: not checked (give --truststore or --ca)');
  else {
    const against = `against ${opts.trustLabel ?? 'the given trust'}${opts.hostname !== undefined ? `, host name ${opts.hostname}` : ''}`;
    lines.push(verdict.verified ? `Verified: yes (${against})` : `Verified: NO (${against}): ${verdict.verifyError}`);
  }
  return lines.join('\n');
}

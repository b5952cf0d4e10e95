/**
 * `ktool verify`: validate a certificate (or a store entry's chain) against trust anchors, with the
 * checks of src/x509/verify.ts plus the key/certificate match of a key entry. Pure: the CLI gathers bytes.
 */
import { Purpose, VerifyResult, displayName, verifyChain } from '../x509/verify';
import { keyMatchesCertificate } from '../x509/keyinfo';

export interface VerifyInput {
  /** Certificates in any order (a PEM bundle, or an entry's chain plus --untrusted extras). */
  certs: Uint8Array[];
  /** The leaf when known (a key entry's first certificate). */
  leaf?: Uint8Array;
  anchors: Uint8Array[];
  crls: Uint8Array[];
  /** CRL_MISSING for the leaf ('leaf', like openssl -crl_check) or every non-anchor ('all'). */
  crlCheck?: 'leaf' | 'all';
  host?: string;
  purpose: Purpose;
  at: Date;
  /** A key entry's opened private key: checked against the leaf. */
  pkcs8?: Uint8Array;
}

export interface VerifyReport {
  ok: boolean;
  result: VerifyResult;
  keyMatches?: boolean;
  lines: string[];
}

export function verifyCertificate(input: VerifyInput): VerifyReport {
  const result = verifyChain({
    leaf: input.leaf,
    certs: input.certs,
    anchors: input.anchors,
    crls: input.crls,
    crlCheck: input.crls.length ? (input.crlCheck ?? 'leaf') : 'none',
    hostname: input.host,
    purpose: input.purpose,
    at: input.at,
  });
  const lines = result.problems.map((p) => `${p.code}: ${p.subject}: ${p.message}`);
  let keyMatches: boolean | undefined;
  if (input.pkcs8) {
    keyMatches = keyMatchesCertificate(input.pkcs8, result.chain[0].der);
    if (!keyMatches) lines.push(`KEY_MISMATCH: ${displayName(result.chain[0].subject)}: the entry's private key does not belong to its certificate`);
  }
  const ok = result.ok && keyMatches !== false;
  lines.unshift(...result.chain.map((c, i) => `${i === 0 ? 'leaf' : result.anchored && i === result.chain.length - 1 ? 'anchor' : 'issuer'}[${i}]: ${displayName(c.subject)}`));
  if (result.hostname?.ok) lines.push(`host ${input.host} matched by ${result.hostname.matchedBy}`);
  lines.push(ok ? 'OK' : `FAILED: ${lines.filter((l) => /^[A-Z_]+: /.test(l)).length} problem(s)`);
  return { ok, result, keyMatches, lines };
}

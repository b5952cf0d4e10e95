/**
 * Judging and trusting a chain fetched from a server (`ktool fetch`): verification against given
 * anchors and a host name, the choice of the one certificate to trust (root, issuer or leaf), and the
 * --expect-fingerprint check that makes trust-on-first-use safe to script.
 */
import { KtoolError } from '../model/errors';
import { bytesEqual, colonHex, fromHex } from '../util/bytes';
import { orderChain } from '../x509/chain';
import { type ParsedCert, displayName, parseCertificate, verifyChain } from '../x509/verify';
import { sha256Hex } from './aliases';

export type TrustChoice = 'root' | 'issuer' | 'leaf';
export const TRUST_CHOICES: readonly TrustChoice[] = ['root', 'issuer', 'leaf'];

export interface ChainVerdict {
  /** null: no trust material was given, so nothing was judged. */
  verified: boolean | null;
  verifyError: string | null;
}

/**
 * The chain as a TLS client would judge it: path to one of `anchors` for server authentication and,
 * when given, the host name (DNS name or IP literal) against the leaf.
 */
export function judgeChain(certs: readonly Uint8Array[], anchors: readonly Uint8Array[] | null, hostname?: string): ChainVerdict {
  if (anchors === null) return { verified: null, verifyError: null };
  const v = verifyChain({ certs, leaf: certs[0], anchors, purpose: 'server', hostname });
  if (v.ok) return { verified: true, verifyError: null };
  return { verified: false, verifyError: v.problems.map((p) => `${p.subject}: ${p.message}`).join('; ') };
}

export interface ChosenCertificate {
  der: Uint8Array;
  /** Position in the chain as the server sent it. */
  index: number;
  /** What it is: 'top' is the highest issuer sent when the root was not. */
  role: 'root' | 'issuer' | 'leaf' | 'top';
  subject: string;
  /** Set when the wanted certificate was not sent and another was chosen. */
  warning?: string;
}

const selfIssued = (c: ParsedCert): boolean => bytesEqual(c.subject, c.issuer);

/**
 * Picks the certificate to trust from the chain the server sent (leaf first). 'root': the
 * self-signed end of the path from the leaf, else the highest issuer sent (with a warning);
 * 'issuer': the leaf's issuer; 'leaf': the server certificate itself (pinning).
 */
export function chooseTrustCertificate(sent: readonly Uint8Array[], want: TrustChoice): ChosenCertificate {
  if (!sent.length) throw new KtoolError('NOT_FOUND', 'the server sent no certificate');
  const path = orderChain(sent, sent[0]).map(parseCertificate);
  const pick = (c: ParsedCert, role: ChosenCertificate['role'], warning?: string): ChosenCertificate => ({
    der: c.der,
    index: sent.findIndex((d) => bytesEqual(d, c.der)),
    role,
    subject: displayName(c.subject),
    ...(warning ? { warning } : {}),
  });
  const leaf = path[0];
  if (want === 'leaf') return pick(leaf, 'leaf');
  if (selfIssued(leaf)) return pick(leaf, 'root');
  const noIssuer = () =>
    new KtoolError('NOT_FOUND', `the server sent only its own certificate, not its issuer ${displayName(leaf.issuer)}: get that CA elsewhere, or pin the server certificate with --trust leaf`);
  if (path.length < 2) throw noIssuer();
  if (want === 'issuer') return pick(path[1], 'issuer');
  const top = path[path.length - 1];
  if (selfIssued(top)) return pick(top, 'root');
  return pick(top, 'top', `the server did not send its root CA (${displayName(top.issuer)}): trusting the highest issuer it sent, ${displayName(top.subject)}`);
}

/** A SHA-256 fingerprint as 64 lower-case hex digits; colons, spaces and a "SHA256:" prefix are accepted. */
export function normalizeFingerprint(text: string): string {
  const hex = text
    .trim()
    .replace(/^sha-?256[:=\s]/i, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new KtoolError('USAGE', `--expect-fingerprint: not a SHA-256 fingerprint (64 hex digits, colons allowed): ${JSON.stringify(text)}`);
  return hex;
}

/** A mismatch gets its own exit status (see src/cli/exit-codes.ts), hence the reason. */
export class FingerprintMismatch extends KtoolError {
  readonly reason = 'fingerprint';
  constructor(message: string) {
    super('VERIFY', message);
  }
}

const colons = (hex: string): string => colonHex(fromHex(hex));

/** Refuses unless the chosen certificate has the expected SHA-256 (naming the one that does, if sent). */
export function checkFingerprint(chosen: ChosenCertificate, expected: string, sent: readonly Uint8Array[]): void {
  const want = normalizeFingerprint(expected);
  const got = sha256Hex(chosen.der);
  if (got === want) return;
  const other = sent.findIndex((d) => sha256Hex(d) === want);
  let hint = '';
  if (other >= 0) {
    const which = TRUST_CHOICES.find((t) => {
      try {
        return bytesEqual(chooseTrustCertificate(sent, t).der, sent[other]);
      } catch {
        return false;
      }
    });
    hint = `; that is certificate #${other + 1} sent (${displayName(parseCertificate(sent[other]).subject)})${which ? `: choose it with --trust ${which}` : ''}`;
  }
  throw new FingerprintMismatch(`fingerprint mismatch: ${chosen.subject} has SHA-256 ${colons(got)}, expected ${colons(want)}${hint}; nothing imported`);
}

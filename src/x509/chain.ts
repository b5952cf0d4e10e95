/**
 * Putting certificates in chain order (leaf first, root last) from whatever order a PEM bundle or
 * PKCS#7 file had them in, and finding the certificate of a private key. Links are issuer name ==
 * subject name (DER), checked against AuthorityKeyIdentifier/SubjectKeyIdentifier when both exist.
 */
import { X509Certificate } from 'node:crypto';
import { Asn1, TAG } from '../asn1/der';
import { digest } from '../crypto/digest';
import { KtoolError, corrupt } from '../model/errors';
import { bytesEqual } from '../util/bytes';
import { keyMatchesCertificate } from './keyinfo';

const OID_SKI = '2.5.29.14';
const OID_AKI = '2.5.29.35';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

interface CertFacts {
  readonly index: number;
  readonly der: Uint8Array;
  readonly sha256: string;
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  readonly ski?: Uint8Array;
  readonly aki?: Uint8Array;
  readonly isCa: boolean;
  /** node's one-line names: a fallback when two encodings of one name differ (PrintableString vs UTF8String). */
  readonly subjectText: string;
  readonly issuerText: string;
  readonly notBefore: number;
}

function certFacts(der: Uint8Array, index: number): CertFacts {
  const where = `certificate #${index + 1}`;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(der));
  } catch {
    throw corrupt(`${where}: not a valid X.509 certificate`);
  }
  const tbs = Asn1.parse(der, where).child(0, where).expect(TAG.SEQUENCE, `${where} tbsCertificate`);
  const k = tbs.children;
  const i = k[0]?.isContext(0) ? 1 : 0;
  const issuer = tbs.child(i + 2, `${where} issuer`).der;
  const subject = tbs.child(i + 4, `${where} subject`).der;
  let ski: Uint8Array | undefined;
  let aki: Uint8Array | undefined;
  let isCa = false;
  const exts = k.find((c) => c.isContext(3));
  if (exts) {
    for (const ext of exts.child(0, `${where} extensions`).children) {
      const id = ext.child(0).oid();
      const value = ext.children[ext.children.length - 1].octets();
      try {
        if (id === OID_SKI) ski = Asn1.parse(value, 'SubjectKeyIdentifier').expect(TAG.OCTET_STRING, 'SubjectKeyIdentifier').content;
        else if (id === OID_AKI) aki = Asn1.parse(value, 'AuthorityKeyIdentifier').children.find((c) => c.isContext(0))?.content;
        else if (id === OID_BASIC_CONSTRAINTS) {
          const first = Asn1.parse(value, 'BasicConstraints').children[0];
          isCa = first !== undefined && first.tag === TAG.BOOLEAN && first.content[0] !== 0;
        }
      } catch {
        // A malformed optional extension only weakens the match; names still link.
      }
    }
  }
  return {
    index,
    der,
    sha256: digest('sha256', der).toString('hex'),
    subject,
    issuer,
    ski,
    aki,
    isCa,
    subjectText: x509.subject,
    issuerText: x509.issuer,
    notBefore: Date.parse(x509.validFrom),
  };
}

/** Is `child` signed by `parent`'s subject, by names and key identifiers? */
function issuedBy(child: CertFacts, parent: CertFacts): boolean {
  const names = bytesEqual(child.issuer, parent.subject) || child.issuerText === parent.subjectText;
  if (!names) return false;
  if (child.aki && parent.ski) return bytesEqual(child.aki, parent.ski);
  return true;
}

const keyIdsMatch = (child: CertFacts, parent: CertFacts): boolean => !!child.aki && !!parent.ski && bytesEqual(child.aki, parent.ski);
const selfIssued = (c: CertFacts): boolean => issuedBy(c, c);

function dedupe(certs: readonly Uint8Array[]): CertFacts[] {
  const seen = new Set<string>();
  const out: CertFacts[] = [];
  certs.forEach((der, i) => {
    const f = certFacts(der, i);
    if (!seen.has(f.sha256)) {
      seen.add(f.sha256);
      out.push(f);
    }
  });
  return out;
}

/** Follow issuers from `leaf` through `pool` (each certificate at most once). */
function walk(leaf: CertFacts, pool: readonly CertFacts[]): CertFacts[] {
  const chain = [leaf];
  const used = new Set([leaf.sha256]);
  for (;;) {
    const cur = chain[chain.length - 1];
    if (selfIssued(cur)) break;
    const candidates = pool.filter((c) => !used.has(c.sha256) && issuedBy(cur, c));
    if (candidates.length === 0) break;
    const next = candidates.find((c) => keyIdsMatch(cur, c)) ?? candidates[0];
    chain.push(next);
    used.add(next.sha256);
  }
  return chain;
}

export interface OrderedChain {
  /** Leaf first, then each issuer, root (or the last issuer present) last. */
  chain: Uint8Array[];
  /** Certificates that are not part of that chain (other chains, unrelated roots), in input order. */
  unused: Uint8Array[];
}

const nameOf = (c: CertFacts): string => c.subjectText.replace(/\n/g, ', ') || '(empty subject)';

/**
 * Order certificates leaf -> root, dropping duplicates. With `leafHint` the chain starts there;
 * without it the leaf is the certificate that issues none of the others (the longest chain wins
 * if there are several; a tie is a USAGE error since the caller must say which).
 */
export function orderChainDetailed(certs: readonly Uint8Array[], leafHint?: Uint8Array): OrderedChain {
  const all = dedupe(leafHint ? [leafHint, ...certs] : certs);
  if (all.length === 0) throw new KtoolError('USAGE', 'no certificates to order');
  let chain: CertFacts[];
  if (leafHint) {
    chain = walk(all[0], all);
  } else {
    const leaves = all.filter((c) => !all.some((o) => o !== c && issuedBy(o, c)));
    const candidates = (leaves.length ? leaves : all).map((l) => walk(l, all));
    const longest = Math.max(...candidates.map((c) => c.length));
    let best = candidates.filter((c) => c.length === longest);
    // An end-entity certificate beats a stray CA certificate as the leaf.
    const endEntity = best.filter((c) => !c[0].isCa);
    if (best.length > 1 && endEntity.length === 1) best = endEntity;
    if (best.length > 1) {
      throw new KtoolError('USAGE', `the certificates form ${best.length} separate chains (leaves: ${best.map((c) => nameOf(c[0])).join('; ')}): give the private key or fewer certificates`);
    }
    chain = best[0];
  }
  const inChain = new Set(chain.map((c) => c.sha256));
  return { chain: chain.map((c) => c.der), unused: all.filter((c) => !inChain.has(c.sha256)).map((c) => c.der) };
}

export function orderChain(certs: readonly Uint8Array[], leafHint?: Uint8Array): Uint8Array[] {
  return orderChainDetailed(certs, leafHint).chain;
}

/**
 * The certificate whose public key is the private key's. Several (a renewed certificate for the
 * same key): prefer one that issues no other given certificate, then the newest.
 */
export function findLeafForKey(pkcs8: Uint8Array, certs: readonly Uint8Array[]): Uint8Array {
  if (certs.length === 0) throw new KtoolError('USAGE', 'no certificate given for the private key');
  const all = dedupe(certs);
  const matching = all.filter((c) => keyMatchesCertificate(pkcs8, c.der));
  if (matching.length === 0) {
    throw new KtoolError('USAGE', `no certificate matches the private key (checked ${all.length} certificate${all.length === 1 ? '' : 's'})`);
  }
  const rank = (c: CertFacts): number => (all.some((o) => o !== c && issuedBy(o, c)) ? 1 : 0);
  matching.sort((a, b) => rank(a) - rank(b) || b.notBefore - a.notBefore || a.index - b.index);
  return matching[0].der;
}

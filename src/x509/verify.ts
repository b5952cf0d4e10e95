/**
 * Certification path building and validation (a practical subset of RFC 5280 6.1, with OpenSSL's
 * purpose checks), reporting every problem found rather than stopping at the first.
 *
 * Certificates are read with our own DER walk (parseCertificate) rather than node's X509Certificate:
 * we need the exact TBS bytes and both signature AlgorithmIdentifiers (to refuse a mismatch), the raw
 * extensions with their criticality (to refuse unknown critical ones), pathLen, KU bits and EKU OIDs, and
 * the same code path for CRLs and CSRs; X509Certificate exposes only parts of that, and its checkHost /
 * checkIP follow OpenSSL flags we do not control. Signatures are checked with node:crypto verify over the
 * TBS bytes, with the algorithm (and RSASSA-PSS parameters) taken from the certificate.
 *
 * Checked: each link's signature by the next certificate's key; validity at `at` for every certificate
 * including the anchor; basicConstraints cA for every issuer (a trust anchor without basicConstraints is
 * accepted, e.g. v1 roots); pathLenConstraint (self-issued intermediates not counted); keyUsage
 * keyCertSign for issuers when keyUsage is present; extendedKeyUsage for the purpose on the leaf and,
 * as OpenSSL does, on CAs that carry one (absent = any; anyExtendedKeyUsage accepted); keyUsage of the
 * leaf for the purpose; unknown critical extensions; CRLs (signature by the issuer, issuer's keyUsage
 * cRLSign, thisUpdate/nextUpdate around `at`, serial listed = revoked with its reason); optionally the
 * host name. Not checked: name constraints and certificate policies (a critical one is reported as
 * unhandled), delta CRLs, indirect CRLs, OCSP.
 */
import * as crypto from 'node:crypto';
import { Asn1, TAG } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';
import { bytesEqual, toHex } from '../util/bytes';
import { SigAlg, publicKeyFromSpki, sigAlgFromAlgId, verifyData } from './algorithms';
import { ParsedCrl, findRevoked, parseCrl, reasonName, verifyCrlSignature } from './crl';
import {
  EKU_OID,
  EXT_OID,
  Ext,
  GeneralName,
  KeyUsageName,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeExtendedKeyUsage,
  decodeExtensions,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeSubjectKeyIdentifier,
  findExt,
} from './extensions';
import { CertIdentity, HostnameResult, matchHostname } from './hostname';
import { X500Name } from './name';

export interface ParsedCert {
  der: Uint8Array;
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serial: bigint;
  /** Null when the algorithm is not supported (sigAlgOid says which). */
  sigAlg: SigAlg | null;
  sigAlgOid: string;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  extensions: Ext[];
  signature: Uint8Array;
  basicConstraints?: { ca: boolean; pathLen?: number };
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  subjectAltNames?: GeneralName[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
}

const isTime = (n: Asn1 | undefined): n is Asn1 => !!n && (n.tag === TAG.UTC_TIME || n.tag === TAG.GENERALIZED_TIME);

/** Parse a DER X.509 certificate (v1-v3). Extension values that do not decode make it CORRUPT. */
export function parseCertificate(der: Uint8Array): ParsedCert {
  const top = Asn1.parse(der, 'certificate').expect(TAG.SEQUENCE, 'certificate');
  const tbsNode = top.child(0, 'certificate').expect(TAG.SEQUENCE, 'TBSCertificate');
  const outerAlg = top.child(1, 'certificate').expect(TAG.SEQUENCE, 'certificate signature algorithm');
  const signature = top.child(2, 'certificate').expect(TAG.BIT_STRING, 'certificate signature').bits();
  const f = tbsNode.children;
  let i = 0;
  let version = 1;
  if (f[0]?.isContext(0)) {
    version = f[0].child(0, 'certificate version').int() + 1;
    i++;
  }
  const serial = tbsNode.child(i++, 'TBSCertificate').expect(TAG.INTEGER, 'serial number').bigint();
  const innerAlg = tbsNode.child(i++, 'TBSCertificate');
  if (!bytesEqual(innerAlg.der, outerAlg.der)) throw corrupt('certificate: the signature algorithm inside and outside the signed part differ');
  const issuer = tbsNode.child(i++, 'TBSCertificate').expect(TAG.SEQUENCE, 'issuer').der;
  const validity = tbsNode.child(i++, 'TBSCertificate').expect(TAG.SEQUENCE, 'validity');
  const nb = validity.child(0, 'validity');
  const na = validity.child(1, 'validity');
  if (!isTime(nb) || !isTime(na)) throw corrupt('certificate: bad validity');
  const subject = tbsNode.child(i++, 'TBSCertificate').expect(TAG.SEQUENCE, 'subject').der;
  const spki = tbsNode.child(i++, 'TBSCertificate').expect(TAG.SEQUENCE, 'subjectPublicKeyInfo').der;
  let extensions: Ext[] = [];
  for (; i < f.length; i++) if (f[i].isContext(3)) extensions = decodeExtensions(f[i].child(0, 'extensions'));
  const sigAlgOid = outerAlg.child(0, 'AlgorithmIdentifier').oid();
  let sigAlg: SigAlg | null = null;
  try {
    sigAlg = sigAlgFromAlgId(outerAlg);
  } catch (e) {
    if (!(e instanceof KtoolError)) throw e;
  }
  const c: ParsedCert = { der, tbs: tbsNode.der, version, serial, sigAlg, sigAlgOid, issuer, subject, notBefore: nb.time(), notAfter: na.time(), spki, extensions, signature };
  const get = (o: string) => findExt(extensions, o)?.value;
  const bc = get(EXT_OID.basicConstraints);
  if (bc) c.basicConstraints = decodeBasicConstraints(bc);
  const ku = get(EXT_OID.keyUsage);
  if (ku) c.keyUsage = decodeKeyUsage(ku);
  const eku = get(EXT_OID.extKeyUsage);
  if (eku) c.extKeyUsage = decodeExtendedKeyUsage(eku);
  const san = get(EXT_OID.subjectAltName);
  if (san) c.subjectAltNames = decodeGeneralNames(san);
  const skid = get(EXT_OID.subjectKeyIdentifier);
  if (skid) c.subjectKeyId = decodeSubjectKeyIdentifier(skid);
  const akid = get(EXT_OID.authorityKeyIdentifier);
  if (akid) {
    const k = decodeAuthorityKeyIdentifier(akid).keyId;
    if (k) c.authorityKeyId = k;
  }
  return c;
}

/** Subject commonName values in encoding order (least specific first). */
export function commonNames(nameDer: Uint8Array): string[] {
  const out: string[] = [];
  for (const rdn of Asn1.parse(nameDer, 'name').children)
    for (const ava of rdn.children) if (ava.child(0, 'attribute').oid() === '2.5.4.3') out.push(ava.child(1, 'attribute').text());
  return out;
}

/** The names a host name is checked against. */
export function certIdentity(c: ParsedCert): CertIdentity {
  const sans = c.subjectAltNames ?? [];
  return {
    dnsNames: sans.flatMap((g) => (g.type === 'dns' ? [g.value] : [])),
    ipAddresses: sans.flatMap((g) => (g.type === 'ip' && g.bytes ? [g.bytes] : [])),
    commonNames: commonNames(c.subject),
  };
}

export function checkCertHostname(c: ParsedCert, host: string): HostnameResult {
  return matchHostname(certIdentity(c), host);
}

/** A display form of a Name (Java's X500Name.toString), hex if it cannot be read. */
export function displayName(nameDer: Uint8Array): string {
  try {
    return X500Name.fromDer(nameDer).toString();
  } catch {
    return toHex(nameDer);
  }
}

export type Purpose = 'server' | 'client' | 'any';

export type ProblemCode =
  | 'NO_TRUSTED_ANCHOR'
  | 'BAD_SIGNATURE'
  | 'UNSUPPORTED_ALGORITHM'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NOT_CA'
  | 'PATH_LENGTH'
  | 'KEY_USAGE'
  | 'EXTENDED_KEY_USAGE'
  | 'UNHANDLED_CRITICAL_EXTENSION'
  | 'REVOKED'
  | 'CRL_MISSING'
  | 'CRL_BAD_SIGNATURE'
  | 'CRL_EXPIRED'
  | 'CRL_NOT_YET_VALID'
  | 'CRL_SIGNER_KEY_USAGE'
  | 'HOSTNAME_MISMATCH';

export interface Problem {
  /** Position in `chain` (0 = leaf). */
  index: number;
  subject: string;
  code: ProblemCode;
  message: string;
}

export interface VerifyOptions {
  /** The end-entity certificate; default: the one in `certs` that issued none of the others (first such). */
  leaf?: Uint8Array;
  /** Untrusted certificates in any order (may contain the leaf). */
  certs?: readonly Uint8Array[];
  /** Trusted certificates. */
  anchors: readonly Uint8Array[];
  /** Validation time (default now). */
  at?: Date;
  purpose?: Purpose;
  crls?: readonly Uint8Array[];
  /**
   * Which certificates must be checked against a CRL: 'leaf' or 'all' (every non-anchor) report
   * CRL_MISSING when no CRL from the issuer was given; 'available' (default when crls are given) checks
   * those for which one was given.
   */
  crlCheck?: 'none' | 'available' | 'leaf' | 'all';
  hostname?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Leaf first; ends with the trust anchor when one was reached. */
  chain: ParsedCert[];
  /** True when the last element of chain is a trust anchor. */
  anchored: boolean;
  problems: Problem[];
  hostname?: HostnameResult;
}

const HANDLED_EXTENSIONS = new Set<string>([
  EXT_OID.subjectKeyIdentifier,
  EXT_OID.keyUsage,
  EXT_OID.subjectAltName,
  EXT_OID.issuerAltName,
  EXT_OID.basicConstraints,
  EXT_OID.crlDistributionPoints,
  EXT_OID.authorityKeyIdentifier,
  EXT_OID.extKeyUsage,
  EXT_OID.authorityInfoAccess,
  EXT_OID.subjectInfoAccess,
]);

const PURPOSE_EKU: Record<Purpose, string | null> = { server: EKU_OID.serverAuth, client: EKU_OID.clientAuth, any: null };
/** Leaf keyUsage bits acceptable for a purpose (any one of them), as OpenSSL's purpose checks. */
const PURPOSE_KU: Record<Purpose, KeyUsageName[] | null> = {
  server: ['digitalSignature', 'keyEncipherment', 'keyAgreement'],
  client: ['digitalSignature', 'keyAgreement'],
  any: null,
};

const selfIssued = (c: ParsedCert): boolean => bytesEqual(c.subject, c.issuer);

/** Could `issuer` have issued `c`? (names equal and, when both are present, AKID = SKID.) */
function mayIssue(issuer: ParsedCert, c: ParsedCert): boolean {
  if (!bytesEqual(issuer.subject, c.issuer)) return false;
  if (c.authorityKeyId && issuer.subjectKeyId && !bytesEqual(c.authorityKeyId, issuer.subjectKeyId)) return false;
  return true;
}

function signatureOk(c: ParsedCert, issuerSpki: Uint8Array): boolean {
  if (!c.sigAlg) return false;
  try {
    return verifyData(c.sigAlg, publicKeyFromSpki(issuerSpki), c.tbs, c.signature);
  } catch {
    return false;
  }
}

/** Depth-first search for a path from `leaf` to an anchor; falls back to the longest path found. */
function buildPath(leaf: ParsedCert, pool: ParsedCert[], anchors: ParsedCert[]): { chain: ParsedCert[]; anchored: boolean } {
  let best: ParsedCert[] = [leaf];
  const isAnchor = (c: ParsedCert) => anchors.some((a) => bytesEqual(a.der, c.der));
  const walk = (path: ParsedCert[]): ParsedCert[] | null => {
    const cur = path[path.length - 1];
    if (isAnchor(cur)) return path;
    if (path.length > best.length) best = path;
    if (path.length > 16) return null;
    const candidates = (list: ParsedCert[]) =>
      list
        .filter((x) => mayIssue(x, cur) && !path.some((p) => bytesEqual(p.der, x.der)))
        .sort((a, b) => Number(signatureOk(cur, b.spki)) - Number(signatureOk(cur, a.spki)));
    for (const a of candidates(anchors)) if (signatureOk(cur, a.spki)) return [...path, a];
    if (selfIssued(cur) && signatureOk(cur, cur.spki)) return null; // an untrusted root: nowhere further to go
    for (const x of candidates(pool)) {
      const r = walk([...path, x]);
      if (r) return r;
    }
    // An anchor with the right name whose signature does not verify: keep it, so the problem is reported.
    const named = candidates(anchors)[0];
    if (named && path.length + 1 > best.length) best = [...path, named];
    return null;
  };
  const found = walk([leaf]);
  if (found) return { chain: found, anchored: true };
  const last = best[best.length - 1];
  return { chain: best, anchored: anchors.includes(last) };
}

function pickLeaf(certs: ParsedCert[]): ParsedCert {
  const issuesOther = (x: ParsedCert) => certs.some((c) => c !== x && !selfIssued(c) && mayIssue(x, c));
  return certs.find((c) => !issuesOther(c)) ?? certs[0];
}

const fmtDate = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** Build and validate the path for a leaf certificate. */
export function verifyChain(opts: VerifyOptions): VerifyResult {
  const at = opts.at ?? new Date();
  const purpose = opts.purpose ?? 'any';
  const pool = (opts.certs ?? []).map(parseCertificate);
  const anchors = opts.anchors.map(parseCertificate);
  let leaf: ParsedCert;
  if (opts.leaf) leaf = parseCertificate(opts.leaf);
  else if (pool.length > 0) leaf = pickLeaf(pool);
  else throw new KtoolError('USAGE', 'no certificate to verify');
  const intermediates = pool.filter((c) => !bytesEqual(c.der, leaf.der));
  const { chain, anchored } = buildPath(leaf, intermediates, anchors);
  const problems: Problem[] = [];
  const add = (index: number, code: ProblemCode, message: string) => problems.push({ index, subject: displayName(chain[index].subject), code, message });
  const n = chain.length - 1;
  const last = chain[n];

  if (!anchored) {
    if (selfIssued(last) && signatureOk(last, last.spki)) add(n, 'NO_TRUSTED_ANCHOR', `no trusted anchor: self-signed certificate ${displayName(last.subject)} is not trusted`);
    else add(n, 'NO_TRUSTED_ANCHOR', `no trusted anchor: issuer ${displayName(last.issuer)} of ${displayName(last.subject)} was not found among the certificates and trust anchors`);
  }

  chain.forEach((c, i) => {
    const isLeaf = i === 0;
    const isAnchorCert = anchored && i === n;
    // Signature by the next certificate in the path (the anchor's own signature is not relied on).
    if (i < n) {
      if (!c.sigAlg || (c.sigAlg.pss && c.sigAlg.pss.mgf1Hash !== c.sigAlg.pss.hash)) add(i, 'UNSUPPORTED_ALGORITHM', `unsupported signature algorithm ${c.sigAlg?.name ?? c.sigAlgOid}`);
      else if (!signatureOk(c, chain[i + 1].spki)) add(i, 'BAD_SIGNATURE', `signature does not verify with the key of ${displayName(chain[i + 1].subject)}`);
    }
    if (at.getTime() < c.notBefore.getTime()) add(i, 'NOT_YET_VALID', `certificate is not valid until ${fmtDate(c.notBefore)} (checked at ${fmtDate(at)})`);
    if (at.getTime() > c.notAfter.getTime()) add(i, 'EXPIRED', `certificate expired on ${fmtDate(c.notAfter)} (checked at ${fmtDate(at)})`);
    for (const e of c.extensions) if (e.critical && !HANDLED_EXTENSIONS.has(e.oid)) add(i, 'UNHANDLED_CRITICAL_EXTENSION', `unhandled critical extension ${e.oid}`);

    if (!isLeaf) {
      // An issuer.
      if (c.basicConstraints) {
        if (!c.basicConstraints.ca) add(i, 'NOT_CA', 'issuer certificate is not a CA (basicConstraints cA is false)');
      } else if (!isAnchorCert) add(i, 'NOT_CA', 'issuer certificate is not a CA (no basicConstraints extension)');
      if (c.keyUsage && !c.keyUsage.has('keyCertSign')) add(i, 'KEY_USAGE', 'issuer keyUsage does not allow keyCertSign');
      const pathLen = c.basicConstraints?.pathLen;
      if (pathLen !== undefined) {
        const below = chain.slice(1, i).filter((x) => !selfIssued(x)).length;
        if (below > pathLen) add(i, 'PATH_LENGTH', `path length constraint ${pathLen} exceeded: ${below} intermediate CA certificate(s) below it`);
      }
    }
    const want = PURPOSE_EKU[purpose];
    if (want && c.extKeyUsage && !c.extKeyUsage.includes(want) && !c.extKeyUsage.includes(EKU_OID.anyExtendedKeyUsage))
      add(i, 'EXTENDED_KEY_USAGE', `extendedKeyUsage does not allow ${purpose === 'server' ? 'serverAuth' : 'clientAuth'}`);
    const ku = PURPOSE_KU[purpose];
    if (isLeaf && ku && c.keyUsage && !ku.some((k) => c.keyUsage!.has(k))) add(i, 'KEY_USAGE', `keyUsage does not allow ${purpose} authentication (needs one of ${ku.join(', ')})`);
  });

  // Revocation.
  const crls: ParsedCrl[] = (opts.crls ?? []).map(parseCrl);
  const mode = opts.crlCheck ?? (crls.length > 0 ? 'available' : 'none');
  if (mode !== 'none') {
    for (let i = 0; i < n; i++) {
      if (mode === 'leaf' && i > 0) break;
      const c = chain[i];
      const issuer = chain[i + 1];
      const mine = crls.filter((l) => bytesEqual(l.issuer, c.issuer) && (!l.authorityKeyId || !issuer.subjectKeyId || bytesEqual(l.authorityKeyId, issuer.subjectKeyId)));
      if (mine.length === 0) {
        if (mode === 'leaf' || mode === 'all') add(i, 'CRL_MISSING', `no CRL from ${displayName(c.issuer)} was given`);
        continue;
      }
      const signed = mine.filter((l) => {
        try {
          return verifyCrlSignature(l, publicKeyFromSpki(issuer.spki));
        } catch {
          return false;
        }
      });
      if (signed.length === 0) {
        add(i, 'CRL_BAD_SIGNATURE', `the CRL from ${displayName(c.issuer)} is not signed by its key`);
        continue;
      }
      if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) add(i, 'CRL_SIGNER_KEY_USAGE', `issuer ${displayName(issuer.subject)} keyUsage does not allow cRLSign`);
      const current = signed.filter((l) => l.thisUpdate.getTime() <= at.getTime() && (!l.nextUpdate || l.nextUpdate.getTime() >= at.getTime()));
      if (current.length === 0) {
        const l = signed[0];
        if (l.thisUpdate.getTime() > at.getTime()) add(i, 'CRL_NOT_YET_VALID', `the CRL from ${displayName(c.issuer)} is not valid until ${fmtDate(l.thisUpdate)}`);
        else add(i, 'CRL_EXPIRED', `the CRL from ${displayName(c.issuer)} expired on ${fmtDate(l.nextUpdate!)}`);
      }
      for (const l of current.length ? current : signed) {
        const e = findRevoked(l, c.serial);
        if (e) {
          add(i, 'REVOKED', `certificate revoked (${e.reason !== undefined ? reasonName(e.reason) : 'no reason given'}) on ${fmtDate(e.revocationDate)}`);
          break;
        }
      }
    }
  }

  let hostname: HostnameResult | undefined;
  if (opts.hostname !== undefined) {
    hostname = checkCertHostname(leaf, opts.hostname);
    if (!hostname.ok) add(0, 'HOSTNAME_MISMATCH', hostname.reason ?? `host name ${opts.hostname} does not match`);
  }
  const res: VerifyResult = { ok: problems.length === 0, chain, anchored, problems };
  if (hostname) res.hostname = hostname;
  return res;
}

/** A public KeyObject for a parsed certificate. */
export const certPublicKey = (c: ParsedCert): crypto.KeyObject => publicKeyFromSpki(c.spki);

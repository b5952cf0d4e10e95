/**
 * X.509 v2 CRLs (RFC 5280 5): build and sign, parse, verify the signature.
 *
 *   CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL (v2 = 1), signature, issuer Name, thisUpdate Time,
 *                    nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE { userCertificate
 *                    INTEGER, revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
 *                    crlExtensions [0] EXPLICIT Extensions OPTIONAL }
 */
import * as crypto from 'node:crypto';
import { Asn1, TAG, bitString, explicit, integer, seq, time, tlv } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';
import { bytesEqual } from '../util/bytes';
import { JdkVersion, SigAlg, defaultSigAlg, resolveSigAlg, sigAlgFromAlgId, sigAlgIdDer, signData, spkiOf, verifyData } from './algorithms';
import { EXT_OID, Ext, authorityKeyIdentifier, decodeAuthorityKeyIdentifier, decodeExtensions, encodeExtensions, findExt, keyIdentifier } from './extensions';

/** CRLReason (RFC 5280 5.3.1); 7 is unused. */
export const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export function reasonCode(r: number | string): number {
  if (typeof r === 'number') {
    if (!Number.isInteger(r) || r < 0 || r > 10 || r === 7) throw new KtoolError('USAGE', `Invalid CRL reason code: ${r}`);
    return r;
  }
  if (/^\d+$/.test(r)) return reasonCode(Number(r));
  const i = CRL_REASONS.findIndex((n) => n !== '' && n.toLowerCase() === r.toLowerCase());
  if (i < 0) throw new KtoolError('USAGE', `Unknown CRL reason: ${r}`);
  return i;
}
export const reasonName = (code: number): string => CRL_REASONS[code] || `reason ${code}`;

export interface RevokedSpec {
  serial: bigint;
  date: Date;
  /** Reason code or name (keyCompromise ...). */
  reason?: number | string;
}

export interface CrlSpec {
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked?: readonly RevokedSpec[];
  /** CRL number extension (2.5.29.20). */
  crlNumber?: bigint;
  /** AKID keyIdentifier; default: computed from the signer's public key (pass null to omit). */
  authorityKeyId?: Uint8Array | null;
  extraExtensions?: readonly Ext[];
  signerKey: crypto.KeyObject;
  sigAlg?: string | SigAlg;
  jdk?: JdkVersion;
}

export interface CrlEntry {
  serial: bigint;
  revocationDate: Date;
  reason?: number;
  extensions: Ext[];
}

export interface ParsedCrl {
  der: Uint8Array;
  version: number;
  sigAlg: SigAlg;
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: CrlEntry[];
  extensions: Ext[];
  crlNumber?: bigint;
  authorityKeyId?: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
}

/** Build and sign a CRL; returns its DER. Version 2 whenever there is any extension. */
export function buildCrl(spec: CrlSpec): Uint8Array {
  const alg = resolveSigAlg(spec.sigAlg ?? defaultSigAlg(spec.signerKey, spec.jdk ?? 17), spec.signerKey, spec.jdk ?? 17);
  const crlExts: Ext[] = [];
  if (spec.crlNumber !== undefined) crlExts.push({ oid: EXT_OID.crlNumber, critical: false, value: integer(spec.crlNumber) });
  const akid = spec.authorityKeyId === undefined ? keyIdentifier(spkiOf(spec.signerKey)) : spec.authorityKeyId;
  if (akid) crlExts.push(authorityKeyIdentifier(akid));
  crlExts.push(...(spec.extraExtensions ?? []));
  let anyEntryExt = false;
  const entries = (spec.revoked ?? []).map((r) => {
    if (r.serial <= 0n) throw new KtoolError('USAGE', `Invalid serial number to revoke: ${r.serial}`);
    const parts = [integer(r.serial), time(r.date)];
    if (r.reason !== undefined) {
      anyEntryExt = true;
      parts.push(encodeExtensions([{ oid: EXT_OID.crlReason, critical: false, value: tlv(TAG.ENUMERATED, integer(reasonCode(r.reason)).subarray(2)) }]));
    }
    return seq(...parts);
  });
  const fields: Uint8Array[] = [];
  if (crlExts.length > 0 || anyEntryExt) fields.push(integer(1));
  fields.push(sigAlgIdDer(alg), spec.issuer, time(spec.thisUpdate));
  if (spec.nextUpdate) fields.push(time(spec.nextUpdate));
  if (entries.length > 0) fields.push(seq(...entries));
  if (crlExts.length > 0) fields.push(explicit(0, encodeExtensions(crlExts)));
  const tbs = seq(...fields);
  return seq(tbs, sigAlgIdDer(alg), bitString(signData(alg, spec.signerKey, tbs)));
}

const isTime = (n: Asn1 | undefined): boolean => !!n && (n.tag === TAG.UTC_TIME || n.tag === TAG.GENERALIZED_TIME);

export function parseCrl(der: Uint8Array): ParsedCrl {
  const top = Asn1.parse(der, 'CRL').expect(TAG.SEQUENCE, 'CRL');
  const tbsNode = top.child(0, 'CRL').expect(TAG.SEQUENCE, 'TBSCertList');
  const outerAlg = top.child(1, 'CRL');
  const sigNode = top.child(2, 'CRL').expect(TAG.BIT_STRING, 'CRL signature');
  const f = tbsNode.children;
  let i = 0;
  let version = 1;
  if (f[i]?.tag === TAG.INTEGER) version = f[i++].int() + 1;
  const innerAlg = f[i++];
  if (!innerAlg || !bytesEqual(innerAlg.der, outerAlg.der)) throw corrupt('CRL: the signature algorithm inside and outside the signed part differ');
  const issuer = tbsNode.child(i++, 'TBSCertList').expect(TAG.SEQUENCE, 'CRL issuer').der;
  const thisNode = f[i++];
  if (!isTime(thisNode)) throw corrupt('CRL: bad thisUpdate');
  const thisUpdate = thisNode.time();
  let nextUpdate: Date | undefined;
  if (isTime(f[i])) nextUpdate = f[i++].time();
  const entries: CrlEntry[] = [];
  if (f[i]?.tag === TAG.SEQUENCE) {
    for (const e of f[i++].children) {
      e.expect(TAG.SEQUENCE, 'revoked certificate');
      const serial = e.child(0, 'revoked certificate').expect(TAG.INTEGER, 'revoked serial').bigint();
      const dn = e.child(1, 'revoked certificate');
      if (!isTime(dn)) throw corrupt('CRL: bad revocationDate');
      const exts = e.children[2] ? decodeExtensions(e.children[2]) : [];
      const r = findExt(exts, EXT_OID.crlReason);
      const entry: CrlEntry = { serial, revocationDate: dn.time(), extensions: exts };
      if (r) entry.reason = Asn1.parse(r.value, 'CRLReason').expect(TAG.ENUMERATED, 'CRLReason').int();
      entries.push(entry);
    }
  }
  let extensions: Ext[] = [];
  if (f[i]?.isContext(0)) extensions = decodeExtensions(f[i++].child(0, 'crlExtensions'));
  if (i !== f.length) throw corrupt('CRL: unexpected fields in TBSCertList');
  const out: ParsedCrl = { der, version, sigAlg: sigAlgFromAlgId(outerAlg), issuer, thisUpdate, entries, extensions, tbs: tbsNode.der, signature: sigNode.bits() };
  if (nextUpdate) out.nextUpdate = nextUpdate;
  const num = findExt(extensions, EXT_OID.crlNumber);
  if (num) out.crlNumber = Asn1.parse(num.value, 'CRLNumber').expect(TAG.INTEGER, 'CRLNumber').bigint();
  const akid = findExt(extensions, EXT_OID.authorityKeyIdentifier);
  if (akid) {
    const k = decodeAuthorityKeyIdentifier(akid.value).keyId;
    if (k) out.authorityKeyId = k;
  }
  return out;
}

/** Whether the CRL's signature verifies with the issuer's public key. */
export function verifyCrlSignature(crl: ParsedCrl, issuerPublicKey: crypto.KeyObject): boolean {
  return verifyData(crl.sigAlg, issuerPublicKey, crl.tbs, crl.signature);
}

/** The entry revoking `serial`, if listed. */
export const findRevoked = (crl: ParsedCrl, serial: bigint): CrlEntry | undefined => crl.entries.find((e) => e.serial === serial);

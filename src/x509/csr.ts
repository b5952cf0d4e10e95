/**
 * PKCS#10 certification requests (RFC 2986): build and sign, parse and verify.
 *
 *   CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject Name, subjectPKInfo,
 *                                           attributes [0] IMPLICIT SET OF Attribute }
 * Requested extensions go in the PKCS#9 extensionRequest attribute (1.2.840.113549.1.9.14), as keytool
 * -certreq and openssl req write them.
 */
import * as crypto from 'node:crypto';
import { Asn1, TAG, bitString, implicit, integer, oid, seq, set, setOfSorted } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';
import { concatBytes } from '../util/bytes';
import { JdkVersion, SigAlg, defaultSigAlg, publicKeyFromSpki, resolveSigAlg, sigAlgFromAlgId, sigAlgIdDer, signData, spkiOf, verifyData } from './algorithms';
import { Ext, decodeExtensions, encodeExtensions } from './extensions';

export const EXTENSION_REQUEST_OID = '1.2.840.113549.1.9.14';
export const CHALLENGE_PASSWORD_OID = '1.2.840.113549.1.9.7';

export interface CsrSpec {
  /** Name DER. */
  subject: Uint8Array;
  /** The private key that signs the request; its public key is the request's key unless publicKeySpki is given. */
  signerKey: crypto.KeyObject;
  publicKeySpki?: Uint8Array;
  /** Put in an extensionRequest attribute when non-empty. */
  extensions?: readonly Ext[];
  /** Extra attributes (type OID + DER values). */
  attributes?: readonly { oid: string; values: readonly Uint8Array[] }[];
  sigAlg?: string | SigAlg;
  jdk?: JdkVersion;
}

export interface ParsedCsr {
  der: Uint8Array;
  version: number;
  subject: Uint8Array;
  publicKeySpki: Uint8Array;
  attributes: { oid: string; values: Uint8Array[] }[];
  /** From the extensionRequest attribute (empty when none). */
  extensions: Ext[];
  sigAlg: SigAlg;
  /** Whether the signature verifies with the request's own public key. */
  signatureValid: boolean;
  info: Uint8Array;
  signature: Uint8Array;
}

/** Build and sign a PKCS#10 request; returns its DER. */
export function buildCsr(spec: CsrSpec): Uint8Array {
  const spki = spec.publicKeySpki ?? spkiOf(spec.signerKey);
  const alg = resolveSigAlg(spec.sigAlg ?? defaultSigAlg(spec.signerKey, spec.jdk ?? 17), spec.signerKey, spec.jdk ?? 17);
  const attrs: Uint8Array[] = [];
  if (spec.extensions && spec.extensions.length > 0) attrs.push(seq(oid(EXTENSION_REQUEST_OID), set(encodeExtensions(spec.extensions))));
  for (const a of spec.attributes ?? []) attrs.push(seq(oid(a.oid), setOfSorted([...a.values])));
  const sortedAttrs = [...attrs].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const info = seq(integer(0), spec.subject, spki, implicit(0, concatBytes(sortedAttrs), true));
  const sig = signData(alg, spec.signerKey, info);
  return seq(info, sigAlgIdDer(alg), bitString(sig));
}

/** Parse a DER PKCS#10 request and check its self-signature. */
export function parseCsr(der: Uint8Array): ParsedCsr {
  const top = Asn1.parse(der, 'certificate request').expect(TAG.SEQUENCE, 'certificate request');
  const infoNode = top.child(0, 'certificate request').expect(TAG.SEQUENCE, 'CertificationRequestInfo');
  const algNode = top.child(1, 'certificate request');
  const sigNode = top.child(2, 'certificate request').expect(TAG.BIT_STRING, 'request signature');
  const version = infoNode.child(0, 'CertificationRequestInfo').expect(TAG.INTEGER, 'request version').int();
  if (version !== 0) throw corrupt(`certificate request: unsupported version ${version}`);
  const subject = infoNode.child(1, 'CertificationRequestInfo').expect(TAG.SEQUENCE, 'request subject').der;
  const spki = infoNode.child(2, 'CertificationRequestInfo').expect(TAG.SEQUENCE, 'request public key').der;
  const attributes: { oid: string; values: Uint8Array[] }[] = [];
  let extensions: Ext[] = [];
  const attrNode = infoNode.children[3];
  if (attrNode) {
    if (!attrNode.isContext(0)) throw corrupt('certificate request: bad attributes');
    for (const a of attrNode.children) {
      a.expect(TAG.SEQUENCE, 'request attribute');
      const id = a.child(0, 'request attribute').oid();
      const values = a.child(1, 'request attribute').expect(TAG.SET, 'attribute values').children;
      attributes.push({ oid: id, values: values.map((v) => v.der) });
      if (id === EXTENSION_REQUEST_OID && values[0]) extensions = decodeExtensions(values[0]);
    }
  }
  const sigAlg = sigAlgFromAlgId(algNode);
  const signature = sigNode.bits();
  let signatureValid = false;
  try {
    signatureValid = verifyData(sigAlg, publicKeyFromSpki(spki), infoNode.der, signature);
  } catch (e) {
    if (!(e instanceof KtoolError)) throw e;
  }
  return { der, version, subject, publicKeySpki: spki, attributes, extensions, sigAlg, signatureValid, info: infoNode.der, signature };
}

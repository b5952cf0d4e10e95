/**
 * Signature algorithms: Java names <-> OIDs / AlgorithmIdentifier DER <-> node:crypto calls.
 *
 * Defaults follow keytool's SignatureUtil.getDefaultSigAlgForKey, which changed between JDK 17 and 25:
 *   JDK 17: RSA/DSA  <= 3072 -> SHA256, <= 7680 -> SHA384, else SHA512;  EC < 384 -> SHA256, < 512 -> SHA384, else SHA512.
 *   JDK 25: RSA < 624 -> SHA256, <= 7680 -> SHA384, else SHA512;  EC < 512 -> SHA384, else SHA512;  DSA always SHA256withDSA.
 * EdDSA keys sign as Ed25519 / Ed448, RSASSA-PSS keys as RSASSA-PSS (parameters from the key size, as the JDK's
 * getDefaultParamSpec does: hash SHA-256/384/512, MGF1 with the same hash, salt = hash length, trailer 1).
 * ECDSA and DSA signatures are DER SEQUENCE { r, s }, as X.509 wants.
 */
import * as crypto from 'node:crypto';
import { Asn1, algId, explicit, integer, seq, TAG } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'dsa' | 'ed25519' | 'ed448';

export interface PssParams {
  hash: HashName;
  mgf1Hash: HashName;
  saltLength: number;
}

export interface SigAlg {
  /** Java standard name (SHA256withRSA, RSASSA-PSS, Ed25519, ...). */
  name: string;
  oid: string;
  /** Digest for node's sign/verify; null for EdDSA. */
  hash: HashName | null;
  /** Key types (KeyObject.asymmetricKeyType) that can make this signature. */
  keyTypes: readonly KeyType[];
  /** Only for RSASSA-PSS. */
  pss?: PssParams;
}

const HASH_OID: Record<HashName, string> = {
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const HASH_LEN: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const MGF1_OID = '1.2.840.113549.1.1.8';
export const RSASSA_PSS_OID = '1.2.840.113549.1.1.10';

const RSA: readonly KeyType[] = ['rsa'];
const EC: readonly KeyType[] = ['ec'];
const DSA: readonly KeyType[] = ['dsa'];

/** The plain (parameter-free) algorithms, by Java name. */
const TABLE: readonly SigAlg[] = [
  { name: 'SHA1withRSA', oid: '1.2.840.113549.1.1.5', hash: 'sha1', keyTypes: RSA },
  { name: 'SHA224withRSA', oid: '1.2.840.113549.1.1.14', hash: 'sha224', keyTypes: RSA },
  { name: 'SHA256withRSA', oid: '1.2.840.113549.1.1.11', hash: 'sha256', keyTypes: RSA },
  { name: 'SHA384withRSA', oid: '1.2.840.113549.1.1.12', hash: 'sha384', keyTypes: RSA },
  { name: 'SHA512withRSA', oid: '1.2.840.113549.1.1.13', hash: 'sha512', keyTypes: RSA },
  { name: 'SHA1withECDSA', oid: '1.2.840.10045.4.1', hash: 'sha1', keyTypes: EC },
  { name: 'SHA224withECDSA', oid: '1.2.840.10045.4.3.1', hash: 'sha224', keyTypes: EC },
  { name: 'SHA256withECDSA', oid: '1.2.840.10045.4.3.2', hash: 'sha256', keyTypes: EC },
  { name: 'SHA384withECDSA', oid: '1.2.840.10045.4.3.3', hash: 'sha384', keyTypes: EC },
  { name: 'SHA512withECDSA', oid: '1.2.840.10045.4.3.4', hash: 'sha512', keyTypes: EC },
  { name: 'SHA1withDSA', oid: '1.2.840.10040.4.3', hash: 'sha1', keyTypes: DSA },
  { name: 'SHA224withDSA', oid: '2.16.840.1.101.3.4.3.1', hash: 'sha224', keyTypes: DSA },
  { name: 'SHA256withDSA', oid: '2.16.840.1.101.3.4.3.2', hash: 'sha256', keyTypes: DSA },
  { name: 'Ed25519', oid: '1.3.101.112', hash: null, keyTypes: ['ed25519'] },
  { name: 'Ed448', oid: '1.3.101.113', hash: null, keyTypes: ['ed448'] },
];

export function pssParamsFor(hash: HashName): PssParams {
  return { hash, mgf1Hash: hash, saltLength: HASH_LEN[hash] };
}

function pss(params: PssParams): SigAlg {
  return { name: 'RSASSA-PSS', oid: RSASSA_PSS_OID, hash: params.hash, keyTypes: ['rsa', 'rsa-pss'], pss: params };
}

export type JdkVersion = 17 | 25;

/** Key size in bits as the JDK's KeyUtil.getKeySize reports it (EC: field size; Ed: 255/448). */
export function keySizeOf(key: crypto.KeyObject): number {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa':
      return d.modulusLength ?? -1;
    case 'ec':
      return curveBits(d.namedCurve ?? '');
    case 'ed25519':
      return 255;
    case 'ed448':
      return 448;
    default:
      return -1;
  }
}

function curveBits(curve: string): number {
  switch (curve) {
    case 'prime256v1':
    case 'P-256':
    case 'secp256k1':
      return 256;
    case 'secp384r1':
    case 'P-384':
      return 384;
    case 'secp521r1':
    case 'P-521':
      return 521;
    case 'secp224r1':
      return 224;
    default:
      return -1;
  }
}

function ifcFfcStrength(bits: number, jdk: JdkVersion): HashName {
  if (bits > 7680) return 'sha512';
  if (jdk === 17) return bits > 3072 ? 'sha384' : 'sha256';
  return bits >= 624 ? 'sha384' : 'sha256';
}
function ecStrength(bits: number, jdk: JdkVersion): HashName {
  if (bits >= 512) return 'sha512';
  if (jdk === 17) return bits >= 384 ? 'sha384' : 'sha256';
  return 'sha384';
}
const H = (h: HashName): string => h.toUpperCase();

/** keytool's default -sigalg for a signer key (getDefaultSigAlgForKey), as a Java name. */
export function defaultSigAlg(key: crypto.KeyObject, jdk: JdkVersion = 17): string {
  const bits = keySizeOf(key);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `${H(ifcFfcStrength(bits, jdk))}withRSA`;
    case 'rsa-pss':
      return 'RSASSA-PSS';
    case 'ec':
      return `${H(ecStrength(bits, jdk))}withECDSA`;
    case 'dsa':
      return jdk === 17 ? `${H(ifcFfcStrength(bits, jdk))}withDSA` : 'SHA256withDSA';
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      throw new KtoolError('UNSUPPORTED', 'Cannot derive signature algorithm');
  }
}

/**
 * A signature algorithm by Java name (case-insensitive; "EdDSA" means the key's curve). RSASSA-PSS takes
 * its parameters from `key` (its own PSS restrictions if any, else by key size for the JDK version) or
 * SHA-256 when no key is given.
 */
export function sigAlgByName(name: string, key?: crypto.KeyObject, jdk: JdkVersion = 17): SigAlg {
  const n = name.trim();
  const upper = n.toUpperCase();
  if (upper === 'RSASSA-PSS') {
    if (!key) return pss(pssParamsFor('sha256'));
    const d = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType === 'rsa-pss' && d.hashAlgorithm) {
      const h = nodeHash(d.hashAlgorithm);
      const m = nodeHash(d.mgf1HashAlgorithm ?? d.hashAlgorithm);
      return pss({ hash: h, mgf1Hash: m, saltLength: d.saltLength ?? HASH_LEN[h] });
    }
    return pss(pssParamsFor(ifcFfcStrength(keySizeOf(key), jdk)));
  }
  if (upper === 'EDDSA') {
    if (key?.asymmetricKeyType === 'ed448') return TABLE.find((a) => a.name === 'Ed448')!;
    return TABLE.find((a) => a.name === 'Ed25519')!;
  }
  const found = TABLE.find((a) => a.name.toUpperCase() === upper || a.oid === n);
  if (!found) throw new KtoolError('UNSUPPORTED', `Unsupported signature algorithm: ${name}`);
  return found;
}

function nodeHash(h: string): HashName {
  const x = h.toLowerCase().replace('-', '');
  if (x === 'sha1' || x === 'sha224' || x === 'sha256' || x === 'sha384' || x === 'sha512') return x;
  throw new KtoolError('UNSUPPORTED', `Unsupported digest in RSASSA-PSS parameters: ${h}`);
}

function hashByOid(o: string): HashName {
  for (const [h, v] of Object.entries(HASH_OID)) if (v === o) return h as HashName;
  throw new KtoolError('UNSUPPORTED', `Unsupported digest OID in RSASSA-PSS parameters: ${o}`);
}

/** AlgorithmIdentifier DER: RSA with NULL parameters, ECDSA/DSA/EdDSA with none (RFC 5758, 8410), PSS with RFC 4055 params. */
export function sigAlgIdDer(alg: SigAlg): Uint8Array {
  if (alg.pss) {
    const p = alg.pss;
    const fields: Uint8Array[] = [];
    // DEFAULT values (sha1, mgf1-sha1, salt 20, trailer 1) are omitted, as DER requires.
    if (p.hash !== 'sha1') fields.push(explicit(0, algId(HASH_OID[p.hash])));
    if (p.mgf1Hash !== 'sha1') fields.push(explicit(1, algId(MGF1_OID, algId(HASH_OID[p.mgf1Hash]))));
    if (p.saltLength !== 20) fields.push(explicit(2, integer(p.saltLength)));
    return algId(RSASSA_PSS_OID, seq(...fields));
  }
  if (alg.keyTypes.includes('rsa')) return algId(alg.oid, null);
  return algId(alg.oid);
}

/** The signature algorithm of an AlgorithmIdentifier (certificate, CRL, CSR). */
export function sigAlgFromAlgId(node: Asn1 | Uint8Array): SigAlg {
  const n = node instanceof Uint8Array ? Asn1.parse(node, 'AlgorithmIdentifier') : node;
  n.expect(TAG.SEQUENCE, 'AlgorithmIdentifier');
  const o = n.child(0, 'AlgorithmIdentifier').oid();
  if (o === RSASSA_PSS_OID) {
    let hash: HashName = 'sha1';
    let mgf1Hash: HashName = 'sha1';
    let saltLength = 20;
    const params = n.children[1];
    if (params && params.tag === TAG.SEQUENCE) {
      for (const f of params.children) {
        const inner = f.child(0, 'RSASSA-PSS parameters');
        if (f.isContext(0)) hash = hashByOid(inner.child(0).oid());
        else if (f.isContext(1)) {
          if (inner.child(0).oid() !== MGF1_OID) throw new KtoolError('UNSUPPORTED', 'RSASSA-PSS: only MGF1 is supported');
          mgf1Hash = hashByOid(inner.child(1, 'MGF1 parameters').child(0).oid());
        } else if (f.isContext(2)) saltLength = inner.int();
        else if (f.isContext(3)) {
          if (inner.int() !== 1) throw new KtoolError('UNSUPPORTED', 'RSASSA-PSS: trailer field must be 1');
        }
      }
    }
    return pss({ hash, mgf1Hash, saltLength });
  }
  const found = TABLE.find((a) => a.oid === o);
  if (!found) throw new KtoolError('UNSUPPORTED', `Unsupported signature algorithm OID ${o}`);
  return found;
}

function checkKey(alg: SigAlg, key: crypto.KeyObject): void {
  const t = key.asymmetricKeyType as KeyType | undefined;
  if (!t || !alg.keyTypes.includes(t)) throw new KtoolError('USAGE', `Signature algorithm ${alg.name} cannot be used with a ${t ?? 'unknown'} key`);
  if (alg.pss && alg.pss.mgf1Hash !== alg.pss.hash) throw new KtoolError('UNSUPPORTED', 'RSASSA-PSS with an MGF1 digest different from the message digest is not supported');
}

function nodeOptions(alg: SigAlg, key: crypto.KeyObject): crypto.SignKeyObjectInput & crypto.VerifyKeyObjectInput {
  if (alg.pss) return { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss.saltLength };
  if (key.asymmetricKeyType === 'rsa') return { key, padding: crypto.constants.RSA_PKCS1_PADDING };
  if (key.asymmetricKeyType === 'ec' || key.asymmetricKeyType === 'dsa') return { key, dsaEncoding: 'der' };
  return { key };
}

export function resolveSigAlg(alg: SigAlg | string, key: crypto.KeyObject, jdk: JdkVersion = 17): SigAlg {
  return typeof alg === 'string' ? sigAlgByName(alg, key, jdk) : alg;
}

/** Sign `data` (e.g. a TBSCertificate) with `privateKey`. */
export function signData(alg: SigAlg | string, privateKey: crypto.KeyObject, data: Uint8Array): Uint8Array {
  const a = resolveSigAlg(alg, privateKey);
  checkKey(a, privateKey);
  return new Uint8Array(crypto.sign(a.hash, data, nodeOptions(a, privateKey)));
}

/** True when `sig` is a valid signature of `data`; false for a bad signature or a key of the wrong type. */
export function verifyData(alg: SigAlg | string, publicKey: crypto.KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    const a = resolveSigAlg(alg, publicKey);
    checkKey(a, publicKey);
    return crypto.verify(a.hash, data, nodeOptions(a, publicKey), sig);
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'UNSUPPORTED') throw e;
    return false;
  }
}

/** A public KeyObject from SubjectPublicKeyInfo DER. */
export function publicKeyFromSpki(spki: Uint8Array): crypto.KeyObject {
  try {
    return crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw corrupt(`unreadable public key: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** SubjectPublicKeyInfo DER of a (public or private) KeyObject. */
export function spkiOf(key: crypto.KeyObject): Uint8Array {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
}

/**
 * Facts about keys (algorithm, size, curve, public half) as keytool reports them, with node:crypto
 * doing the parsing. Names follow Java (secp256r1, not node's prime256v1).
 */
import { X509Certificate, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Asn1, TAG } from '../asn1/der';
import { OID } from '../asn1/oids';
import { KtoolError } from '../model/errors';
import { bytesEqual } from '../util/bytes';

export interface KeyFacts {
  /** Java's algorithm name: RSA, EC, Ed25519, Ed448, DSA, RSASSA-PSS, X25519, X448, DH. */
  algorithm: string;
  /** RSA/DSA: modulus (p) bits; EC: field bits; EdDSA/XDH: 255 or 448. */
  size: number;
  /** EC and EdDSA/XDH only, with the Java name. */
  curve?: string;
}

export interface CurveInfo {
  /** node:crypto / OpenSSL short name. */
  readonly node: string;
  /** The name Java (and the fixtures' manifest) uses. */
  readonly java: string;
  readonly oid: string;
  /** Field size in bits, what keytool prints as the key size. */
  readonly bits: number;
  /** Length of the private scalar in ECPrivateKey (bytes of the group order). */
  readonly orderBytes: number;
}

export const CURVES: readonly CurveInfo[] = [
  { node: 'prime256v1', java: 'secp256r1', oid: OID.secp256r1, bits: 256, orderBytes: 32 },
  { node: 'secp384r1', java: 'secp384r1', oid: OID.secp384r1, bits: 384, orderBytes: 48 },
  { node: 'secp521r1', java: 'secp521r1', oid: OID.secp521r1, bits: 521, orderBytes: 66 },
  { node: 'secp256k1', java: 'secp256k1', oid: '1.3.132.0.10', bits: 256, orderBytes: 32 },
  { node: 'secp224r1', java: 'secp224r1', oid: '1.3.132.0.33', bits: 224, orderBytes: 28 },
  { node: 'prime192v1', java: 'secp192r1', oid: '1.2.840.10045.3.1.1', bits: 192, orderBytes: 24 },
  { node: 'brainpoolP256r1', java: 'brainpoolP256r1', oid: '1.3.36.3.3.2.8.1.1.7', bits: 256, orderBytes: 32 },
  { node: 'brainpoolP384r1', java: 'brainpoolP384r1', oid: '1.3.36.3.3.2.8.1.1.11', bits: 384, orderBytes: 48 },
  { node: 'brainpoolP512r1', java: 'brainpoolP512r1', oid: '1.3.36.3.3.2.8.1.1.13', bits: 512, orderBytes: 64 },
];

export const curveByNodeName = (name: string): CurveInfo | undefined => CURVES.find((c) => c.node === name || c.java === name);
export const curveByOid = (oid: string): CurveInfo | undefined => CURVES.find((c) => c.oid === oid);

const KNOWN_KEY_OIDS: Record<string, string> = {
  [OID.rsaEncryption]: 'RSA',
  [OID.rsassaPss]: 'RSASSA-PSS',
  [OID.ecPublicKey]: 'EC',
  [OID.dsa]: 'DSA',
  [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448',
  [OID.x25519]: 'X25519',
  [OID.x448]: 'X448',
  '1.2.840.113549.1.3.1': 'DH',
};

/** The algorithm OID of a PKCS#8 PrivateKeyInfo or SubjectPublicKeyInfo, or undefined if unreadable. */
export function keyAlgorithmOid(der: Uint8Array): string | undefined {
  try {
    const top = Asn1.parse(der, 'key');
    const alg = top.children.find((c) => c.tag === TAG.SEQUENCE);
    return alg?.child(0).oid();
  } catch {
    return undefined;
  }
}

/** A node:crypto failure on a key, as a KtoolError: unknown algorithm -> UNSUPPORTED, else CORRUPT. */
function keyError(der: Uint8Array, what: string): KtoolError {
  const oid = keyAlgorithmOid(der);
  if (oid && !KNOWN_KEY_OIDS[oid]) return new KtoolError('UNSUPPORTED', `${what}: unsupported key algorithm (OID ${oid})`);
  return new KtoolError('CORRUPT', `${what}: not a valid ${oid ? KNOWN_KEY_OIDS[oid] + ' ' : ''}key`);
}

export function privateKeyObject(pkcs8: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw keyError(pkcs8, 'PKCS#8 private key');
  }
}

export function publicKeyObject(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    throw keyError(spki, 'public key');
  }
}

export function describeKeyObject(key: KeyObject): KeyFacts {
  const d = key.asymmetricKeyDetails ?? {};
  // A plain string: node's KeyType union lacks some types OpenSSL reports (dh).
  const type: string | undefined = key.asymmetricKeyType;
  switch (type) {
    case 'rsa':
      return { algorithm: 'RSA', size: d.modulusLength ?? 0 };
    case 'rsa-pss':
      return { algorithm: 'RSASSA-PSS', size: d.modulusLength ?? 0 };
    case 'dsa':
      return { algorithm: 'DSA', size: d.modulusLength ?? 0 };
    case 'dh':
      return { algorithm: 'DH', size: d.modulusLength ?? 0 };
    case 'ec': {
      const c = curveByNodeName(d.namedCurve ?? '');
      if (c) return { algorithm: 'EC', size: c.bits, curve: c.java };
      return { algorithm: 'EC', size: 0, ...(d.namedCurve ? { curve: d.namedCurve } : {}) };
    }
    case 'ed25519':
      return { algorithm: 'Ed25519', size: 255, curve: 'Ed25519' };
    case 'ed448':
      return { algorithm: 'Ed448', size: 448, curve: 'Ed448' };
    case 'x25519':
      return { algorithm: 'X25519', size: 255, curve: 'X25519' };
    case 'x448':
      return { algorithm: 'X448', size: 448, curve: 'X448' };
    default:
      throw new KtoolError('UNSUPPORTED', `unsupported key type ${type ?? 'unknown'}`);
  }
}

export function describePrivateKey(pkcs8: Uint8Array): KeyFacts {
  return describeKeyObject(privateKeyObject(pkcs8));
}

export function describePublicKey(key: Uint8Array | KeyObject): KeyFacts {
  return describeKeyObject(key instanceof Uint8Array ? publicKeyObject(key) : key);
}

/** SubjectPublicKeyInfo DER of a private key's public half. */
export function publicKeyOfPrivate(pkcs8: Uint8Array): Uint8Array {
  const priv = privateKeyObject(pkcs8);
  try {
    return new Uint8Array(createPublicKey(priv).export({ type: 'spki', format: 'der' }));
  } catch {
    throw new KtoolError('UNSUPPORTED', `cannot derive the public key of this ${describeKeyObject(priv).algorithm} key`);
  }
}

export function certificatePublicKey(certDer: Uint8Array): KeyObject {
  try {
    return new X509Certificate(Buffer.from(certDer)).publicKey;
  } catch {
    throw new KtoolError('CORRUPT', 'not a valid X.509 certificate');
  }
}

/** Public fields of a JWK, to compare keys whose SPKI encodings differ (compressed EC points). */
function publicJwkFields(k: KeyObject): string | undefined {
  try {
    const j = k.export({ format: 'jwk' });
    return JSON.stringify([j.kty, j.crv, j.n, j.e, j.x, j.y]);
  } catch {
    return undefined;
  }
}

/** Does this private key belong to this certificate? */
export function keyMatchesCertificate(pkcs8: Uint8Array, certDer: Uint8Array): boolean {
  const priv = privateKeyObject(pkcs8);
  const certKey = certificatePublicKey(certDer);
  if (priv.asymmetricKeyType !== certKey.asymmetricKeyType) return false;
  let pub: KeyObject | undefined;
  try {
    pub = createPublicKey(priv);
  } catch {
    pub = undefined;
  }
  if (pub) {
    const a = pub.export({ type: 'spki', format: 'der' });
    const b = certKey.export({ type: 'spki', format: 'der' });
    if (bytesEqual(a, b)) return true;
    const ja = publicJwkFields(pub);
    return ja !== undefined && ja === publicJwkFields(certKey);
  }
  return signVerifyMatches(priv, certKey);
}

/** Last resort when the public half cannot be derived: a signature made by one verifies with the other. */
function signVerifyMatches(priv: KeyObject, pub: KeyObject): boolean {
  const data = Buffer.from('ktool key/certificate match test');
  const digest = priv.asymmetricKeyType === 'ed25519' || priv.asymmetricKeyType === 'ed448' ? null : 'sha256';
  try {
    return verify(digest, data, pub, sign(digest, data, priv));
  } catch {
    return false;
  }
}

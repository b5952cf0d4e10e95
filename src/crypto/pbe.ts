/**
 * Password-based encryption for PKCS#12 bags, encrypted SafeContents and encrypted PKCS#8 files:
 *   PBES2 (RFC 8018): PBKDF2 with an HMAC PRF, then AES/3DES/DES-CBC; password as UTF-8 bytes.
 *   PKCS#12 PBE (RFC 7292 App. C): the PKCS#12 KDF with SHA-1, then 3DES/2DES/RC2/RC4; password as BMPString.
 *   PBES1 (RFC 8018 6.1): PBKDF1 with MD5/SHA-1, then DES/RC2-64; password as UTF-8 bytes.
 * AlgorithmIdentifiers are written the way the JDK writes them, so keytool-made files re-encode byte for byte.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { Asn1, TAG, integer, nullValue, octetString, oid, seq } from '../asn1/der';
import { OID } from '../asn1/oids';
import { KtoolError, corrupt } from '../model/errors';
import type { DigestName, PbeSpec, Pbes1Algorithm, Pkcs12PbeAlgorithm } from '../model/keystore';
import { KDF_IV, KDF_KEY, pkcs12Kdf, pkcs12PasswordBytes } from './pkcs12-kdf';
import type { RandomSource } from './random';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2';
import { rc4 } from './rc4';
import { digest as digestOf } from './digest';
import { checkIterations } from './iterations';

type Pbes2Cipher = Extract<PbeSpec, { scheme: 'pbes2' }>['cipher'];

const PBES2_CIPHERS: Record<Pbes2Cipher, { oid: string; keyLength: number; ivLength: number }> = {
  'aes-128-cbc': { oid: OID.aes128CBC, keyLength: 16, ivLength: 16 },
  'aes-192-cbc': { oid: OID.aes192CBC, keyLength: 24, ivLength: 16 },
  'aes-256-cbc': { oid: OID.aes256CBC, keyLength: 32, ivLength: 16 },
  'des-ede3-cbc': { oid: OID.desEDE3CBC, keyLength: 24, ivLength: 8 },
  'des-cbc': { oid: OID.desCBC, keyLength: 8, ivLength: 8 },
};

export const HMAC_PRFS: Record<DigestName, string> = {
  sha1: OID.hmacWithSHA1,
  sha224: OID.hmacWithSHA224,
  sha256: OID.hmacWithSHA256,
  sha384: OID.hmacWithSHA384,
  sha512: OID.hmacWithSHA512,
  'sha512-224': OID.hmacWithSHA512_224,
  'sha512-256': OID.hmacWithSHA512_256,
};

type LegacyCipher = { kind: 'des3'; keyLength: 24 | 16 } | { kind: 'rc2'; keyLength: number } | { kind: 'rc4'; keyLength: number };

const PKCS12_PBE: Record<Pkcs12PbeAlgorithm, { oid: string; cipher: LegacyCipher }> = {
  'sha1-rc4-128': { oid: OID.pbeWithSHAAnd128BitRC4, cipher: { kind: 'rc4', keyLength: 16 } },
  'sha1-rc4-40': { oid: OID.pbeWithSHAAnd40BitRC4, cipher: { kind: 'rc4', keyLength: 5 } },
  'sha1-3des': { oid: OID.pbeWithSHAAnd3KeyTripleDESCBC, cipher: { kind: 'des3', keyLength: 24 } },
  'sha1-2des': { oid: OID.pbeWithSHAAnd2KeyTripleDESCBC, cipher: { kind: 'des3', keyLength: 16 } },
  'sha1-rc2-128': { oid: OID.pbeWithSHAAnd128BitRC2CBC, cipher: { kind: 'rc2', keyLength: 16 } },
  'sha1-rc2-40': { oid: OID.pbewithSHAAnd40BitRC2CBC, cipher: { kind: 'rc2', keyLength: 5 } },
};

const PBES1: Record<Pbes1Algorithm, { oid: string; digest: 'md5' | 'sha1'; cipher: 'des' | 'rc2' }> = {
  'md5-des': { oid: OID.pbeWithMD5AndDES, digest: 'md5', cipher: 'des' },
  'sha1-des': { oid: OID.pbeWithSHA1AndDES, digest: 'sha1', cipher: 'des' },
  'md5-rc2-64': { oid: OID.pbeWithMD5AndRC2, digest: 'md5', cipher: 'rc2' },
  'sha1-rc2-64': { oid: OID.pbeWithSHA1AndRC2, digest: 'sha1', cipher: 'rc2' },
};

const byOid = <K extends string>(table: Record<K, { oid: string }>, o: string): K | undefined =>
  (Object.keys(table) as K[]).find((k) => table[k].oid === o);

export function digestOfPrf(prfOid: string): DigestName {
  const d = byOid(Object.fromEntries(Object.entries(HMAC_PRFS).map(([k, v]) => [k, { oid: v }])) as Record<DigestName, { oid: string }>, prfOid);
  if (!d) throw new KtoolError('UNSUPPORTED', `unsupported PBKDF2 PRF ${prfOid}`);
  return d;
}


// ------------------------------------------------------------------ parameter parsing

export interface Pbkdf2Params {
  salt: Uint8Array;
  iterations: number;
  keyLength?: number;
  prf: DigestName;
}

/** PBKDF2-params (RFC 8018 A.2) from the AlgorithmIdentifier { pbkdf2, params }. */
export function readPbkdf2(kdf: Asn1): Pbkdf2Params {
  const kdfOid = kdf.expect(TAG.SEQUENCE, 'PBES2 key derivation').child(0, 'PBES2 key derivation').oid();
  if (kdfOid !== OID.pbkdf2) throw new KtoolError('UNSUPPORTED', `unsupported key derivation function ${kdfOid}`);
  const p = kdf.child(1, 'PBKDF2 parameters').expect(TAG.SEQUENCE, 'PBKDF2 parameters');
  const saltNode = p.child(0, 'PBKDF2 parameters');
  if (saltNode.tag !== TAG.OCTET_STRING) throw new KtoolError('UNSUPPORTED', 'PBKDF2 salt from another source is not supported');
  const salt = saltNode.octets();
  const iterations = checkIterations(p.child(1, 'PBKDF2 parameters').expect(TAG.INTEGER, 'PBKDF2 iteration count').int(), 'PBKDF2');
  let keyLength: number | undefined;
  let prf: DigestName = 'sha1'; // DEFAULT algid-hmacWithSHA1
  for (const extra of p.children.slice(2)) {
    if (extra.tag === TAG.INTEGER) {
      keyLength = extra.int();
      if (keyLength < 1 || keyLength > 1024) throw corrupt(`PBKDF2: key length ${keyLength} out of range`);
    } else if (extra.tag === TAG.SEQUENCE) {
      prf = digestOfPrf(extra.child(0, 'PBKDF2 PRF').oid());
      const prfParams = extra.children[1];
      if (extra.children.length > 2 || (prfParams && (prfParams.tag !== TAG.NULL || prfParams.content.length !== 0))) throw corrupt('PBKDF2 PRF: unexpected parameters');
    }
    else throw corrupt('PBKDF2 parameters: unexpected element');
  }
  return { salt, iterations, keyLength, prf };
}

/** AlgorithmIdentifier { pbkdf2, PBKDF2-params } as the JDK writes it: keyLength present, PRF with NULL. */
export function writePbkdf2(salt: Uint8Array, iterations: number, keyLength: number, prf: DigestName): Uint8Array {
  return seq(oid(OID.pbkdf2), seq(octetString(salt), integer(iterations), integer(keyLength), seq(oid(HMAC_PRFS[prf]), nullValue())));
}

interface Pbes2Params {
  kdf: Pbkdf2Params;
  cipher: Pbes2Cipher;
  iv: Uint8Array;
}

function readPbes2(params: Asn1): Pbes2Params {
  params.expect(TAG.SEQUENCE, 'PBES2 parameters');
  const kdf = readPbkdf2(params.child(0, 'PBES2 parameters'));
  const enc = params.child(1, 'PBES2 parameters').expect(TAG.SEQUENCE, 'PBES2 encryption scheme');
  const encOid = enc.child(0, 'PBES2 encryption scheme').oid();
  const cipher = byOid(PBES2_CIPHERS, encOid);
  if (!cipher) throw new KtoolError('UNSUPPORTED', `unsupported PBES2 cipher ${encOid}`);
  const iv = enc.child(1, 'PBES2 cipher IV').expect(TAG.OCTET_STRING, 'PBES2 cipher IV').octets();
  const c = PBES2_CIPHERS[cipher];
  if (iv.length !== c.ivLength) throw corrupt(`PBES2: IV of ${iv.length} bytes for ${cipher}`);
  if (kdf.keyLength !== undefined && kdf.keyLength !== c.keyLength) throw corrupt(`PBES2: key length ${kdf.keyLength} does not fit ${cipher}`);
  return { kdf, cipher, iv };
}

/** PKCS#12 PBE and PBES1 share pkcs-12PbeParams / PBEParameter: SEQUENCE { salt, iterations }. */
function readSaltIterations(params: Asn1 | undefined, what: string): { salt: Uint8Array; iterations: number } {
  if (!params) throw corrupt(`${what}: missing parameters`);
  params.expect(TAG.SEQUENCE, `${what} parameters`);
  const salt = params.child(0, `${what} parameters`).expect(TAG.OCTET_STRING, `${what} salt`).octets();
  const iterations = checkIterations(params.child(1, `${what} parameters`).expect(TAG.INTEGER, `${what} iterations`).int(), what);
  return { salt, iterations };
}

/** What an AlgorithmIdentifier asks for; unknown schemes are UNSUPPORTED naming the OID. */
export function readPbeSpec(algorithmIdentifier: Asn1): PbeSpec {
  const algOid = algorithmIdentifier.expect(TAG.SEQUENCE, 'encryption algorithm').child(0, 'encryption algorithm').oid();
  const params = algorithmIdentifier.children[1];
  if (algOid === OID.pbes2) {
    if (!params) throw corrupt('PBES2: missing parameters');
    const p = readPbes2(params);
    return { scheme: 'pbes2', prf: p.kdf.prf, cipher: p.cipher, iterations: p.kdf.iterations, saltLength: p.kdf.salt.length };
  }
  const p12 = byOid(PKCS12_PBE, algOid);
  if (p12) {
    const { salt, iterations } = readSaltIterations(params, 'PKCS#12 PBE');
    return { scheme: 'pkcs12-pbe', algorithm: p12, iterations, saltLength: salt.length };
  }
  const p1 = byOid(PBES1, algOid);
  if (p1) {
    const { salt, iterations } = readSaltIterations(params, 'PBES1');
    return { scheme: 'pbes1', algorithm: p1, iterations, saltLength: salt.length };
  }
  throw new KtoolError('UNSUPPORTED', `unsupported encryption algorithm ${algOid}`);
}

// ------------------------------------------------------------------ ciphers

const wrongPassword = (): KtoolError => new KtoolError('WRONG_PASSWORD', 'Cannot decrypt: wrong password (bad padding)');

/** node:crypto CBC with PKCS#5 padding; its errors become KtoolErrors. */
function nodeCbc(mode: 'encrypt' | 'decrypt', cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const block = cipher.startsWith('aes') ? 16 : 8;
  if (mode === 'decrypt' && (data.length === 0 || data.length % block !== 0)) throw corrupt(`encrypted data length ${data.length} is not a multiple of the ${block}-byte block`);
  let c;
  try {
    c = mode === 'encrypt' ? createCipheriv(cipher, key, iv) : createDecipheriv(cipher, key, iv);
  } catch (e) {
    throw new KtoolError('UNSUPPORTED', `cipher ${cipher} unavailable: ${(e as Error).message}`);
  }
  try {
    // A Uint8Array view of the joined output, not another copy (megabytes for a big store).
    const out = Buffer.concat([c.update(data), c.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    if (mode === 'decrypt') throw wrongPassword();
    throw new KtoolError('UNSUPPORTED', `cipher ${cipher} failed`);
  }
}

/** 3DES with 24 bytes; 16 bytes is two-key 3DES (K1 K2 K1); 8 bytes single DES (K K K). */
function des3Key(key: Uint8Array): Uint8Array {
  if (key.length === 24) return key;
  const out = new Uint8Array(24);
  if (key.length === 16) {
    out.set(key);
    out.set(key.subarray(0, 8), 16);
  } else {
    out.set(key);
    out.set(key, 8);
    out.set(key, 16);
  }
  return out;
}

function legacyCipher(mode: 'encrypt' | 'decrypt', c: LegacyCipher | { kind: 'des'; keyLength: 8 }, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  switch (c.kind) {
    case 'rc4':
      return rc4(key, data);
    case 'rc2': {
      if (mode === 'encrypt') return rc2CbcEncrypt(key, key.length * 8, iv, data);
      if (data.length === 0 || data.length % 8 !== 0) throw corrupt(`encrypted data length ${data.length} is not a multiple of the 8-byte block`);
      const out = rc2CbcDecrypt(key, key.length * 8, iv, data);
      if (!out) throw wrongPassword();
      return out;
    }
    case 'des3':
    case 'des':
      return nodeCbc(mode, 'des-ede3-cbc', des3Key(key), iv, data);
  }
}

// ------------------------------------------------------------------ key derivation

function pbkdf2(password: string, p: { salt: Uint8Array; iterations: number; prf: DigestName }, keyLength: number): Uint8Array {
  return new Uint8Array(pbkdf2Sync(Buffer.from(password, 'utf8'), p.salt, p.iterations, keyLength, p.prf));
}

/** PBKDF1 (RFC 8018 5.1): T = H^c(P || S); key = T[0..8], IV = T[8..16]. */
function pbkdf1(password: string, digest: 'md5' | 'sha1', salt: Uint8Array, iterations: number): { key: Uint8Array; iv: Uint8Array } {
  let t: Buffer = createHash(digest).update(Buffer.from(password, 'utf8')).update(salt).digest();
  for (let i = 1; i < iterations; i++) t = digestOf(digest, t);
  return { key: new Uint8Array(t.subarray(0, 8)), iv: new Uint8Array(t.subarray(8, 16)) };
}

function decryptOnce(algOid: string, params: Asn1 | undefined, ciphertext: Uint8Array, password: string): Uint8Array {
  if (algOid === OID.pbes2) {
    if (!params) throw corrupt('PBES2: missing parameters');
    const p = readPbes2(params);
    const key = pbkdf2(password, p.kdf, PBES2_CIPHERS[p.cipher].keyLength);
    return p.cipher === 'des-cbc' ? legacyCipher('decrypt', { kind: 'des', keyLength: 8 }, key, p.iv, ciphertext) : nodeCbc('decrypt', p.cipher, key, p.iv, ciphertext);
  }
  const p12 = byOid(PKCS12_PBE, algOid);
  if (p12) {
    const { salt, iterations } = readSaltIterations(params, 'PKCS#12 PBE');
    const c = PKCS12_PBE[p12].cipher;
    const pw = pkcs12PasswordBytes(password);
    const key = pkcs12Kdf('sha1', pw, salt, iterations, KDF_KEY, c.keyLength);
    const iv = c.kind === 'rc4' ? new Uint8Array(0) : pkcs12Kdf('sha1', pw, salt, iterations, KDF_IV, 8);
    return legacyCipher('decrypt', c, key, iv, ciphertext);
  }
  const p1 = byOid(PBES1, algOid);
  if (p1) {
    const { salt, iterations } = readSaltIterations(params, 'PBES1');
    const { key, iv } = pbkdf1(password, PBES1[p1].digest, salt, iterations);
    return legacyCipher('decrypt', PBES1[p1].cipher === 'des' ? { kind: 'des', keyLength: 8 } : { kind: 'rc2', keyLength: 8 }, key, iv, ciphertext);
  }
  throw new KtoolError('UNSUPPORTED', `unsupported encryption algorithm ${algOid}`);
}

/**
 * Decrypt with the scheme the AlgorithmIdentifier names. Bad padding -> WRONG_PASSWORD.
 * An empty password that fails is retried as a single NUL char, as the JDK does (RetryWithZero):
 * older JDKs wrote an empty PKCS#12 password without the 00 00 terminator.
 */
export function pbeDecrypt(algorithmIdentifier: Asn1, ciphertext: Uint8Array, password: string): Uint8Array {
  const algOid = algorithmIdentifier.expect(TAG.SEQUENCE, 'encryption algorithm').child(0, 'encryption algorithm').oid();
  const params = algorithmIdentifier.children[1];
  try {
    return decryptOnce(algOid, params, ciphertext, password);
  } catch (e) {
    if (password === '' && e instanceof KtoolError && e.code === 'WRONG_PASSWORD') return decryptOnce(algOid, params, ciphertext, '\0');
    if (e instanceof KtoolError) throw e;
    throw corrupt(`decryption failed: ${(e as Error).message}`);
  }
}

export function pbeEncrypt(plain: Uint8Array, password: string, spec: PbeSpec, random: RandomSource): { algorithmIdentifier: Uint8Array; ciphertext: Uint8Array } {
  checkIterations(spec.iterations, 'PBE', 'write');
  const salt = random(spec.saltLength);
  switch (spec.scheme) {
    case 'pbes2': {
      const c = PBES2_CIPHERS[spec.cipher];
      if (!c) throw new KtoolError('UNSUPPORTED', `unsupported PBES2 cipher ${String(spec.cipher)}`);
      const iv = random(c.ivLength);
      const key = pbkdf2(password, { salt, iterations: spec.iterations, prf: spec.prf }, c.keyLength);
      const ciphertext = spec.cipher === 'des-cbc' ? legacyCipher('encrypt', { kind: 'des', keyLength: 8 }, key, iv, plain) : nodeCbc('encrypt', spec.cipher, key, iv, plain);
      const algorithmIdentifier = seq(oid(OID.pbes2), seq(writePbkdf2(salt, spec.iterations, c.keyLength, spec.prf), seq(oid(c.oid), octetString(iv))));
      return { algorithmIdentifier, ciphertext };
    }
    case 'pkcs12-pbe': {
      const a = PKCS12_PBE[spec.algorithm];
      if (!a) throw new KtoolError('UNSUPPORTED', `unsupported PKCS#12 PBE ${String(spec.algorithm)}`);
      const pw = pkcs12PasswordBytes(password);
      const key = pkcs12Kdf('sha1', pw, salt, spec.iterations, KDF_KEY, a.cipher.keyLength);
      const iv = a.cipher.kind === 'rc4' ? new Uint8Array(0) : pkcs12Kdf('sha1', pw, salt, spec.iterations, KDF_IV, 8);
      return { algorithmIdentifier: seq(oid(a.oid), seq(octetString(salt), integer(spec.iterations))), ciphertext: legacyCipher('encrypt', a.cipher, key, iv, plain) };
    }
    case 'pbes1': {
      const a = PBES1[spec.algorithm];
      if (!a) throw new KtoolError('UNSUPPORTED', `unsupported PBES1 algorithm ${String(spec.algorithm)}`);
      if (spec.saltLength !== 8) throw new KtoolError('UNSUPPORTED', 'PBES1 needs an 8-byte salt');
      const { key, iv } = pbkdf1(password, a.digest, salt, spec.iterations);
      const ciphertext = legacyCipher('encrypt', a.cipher === 'des' ? { kind: 'des', keyLength: 8 } : { kind: 'rc2', keyLength: 8 }, key, iv, plain);
      return { algorithmIdentifier: seq(oid(a.oid), seq(octetString(salt), integer(spec.iterations))), ciphertext };
    }
  }
}

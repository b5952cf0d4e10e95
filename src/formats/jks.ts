/**
 * JKS (magic 0xFEEDFEED) and JCEKS (0xCECECECE): one big-endian container, entries tagged
 * 1 (private key + chain), 2 (trusted certificate), 3 (JCEKS secret key as a serialized
 * SealedObject), closed by SHA-1(password as UTF-16BE || "Mighty Aphrodite" || everything before).
 * Entries are written in java.util.Hashtable order so a store written here is byte for byte what
 * the JDK would write from the same entries.
 */
import { createHash } from 'node:crypto';
import { Asn1, TAG, integer, octetString, seq } from '../asn1/der';
import { type RandomSource, secureRandom } from '../crypto/random';
import { KtoolError, corrupt } from '../model/errors';
import type { DecodedStore, Entry, JavaKeyForm, KeyStore, SecretKeyEntry } from '../model/keystore';
import { ByteReader, ByteWriter, bytesEqual, utf16be } from '../util/bytes';
import type { EncodeOptions, StoreCodec } from './codec';
import { hashtableOrder } from './hashtable-order';
import { readSealedObject, readSerializedStream } from './javaser';
import { checkIterations } from '../crypto/iterations';

// Key protection is loaded when a key is opened or sealed: listing and trusted entries never need it.
const epki = () => require('../crypto/epki') as typeof import('../crypto/epki');
const jceksPbe = () => require('../crypto/jceks-pbe') as typeof import('../crypto/jceks-pbe');
const javaser = () => require('./javaser') as typeof import('./javaser');

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
const TAG_PRIVATE_KEY = 1;
const TAG_TRUSTED_CERT = 2;
const TAG_SECRET_KEY = 3;
const DIGEST_LEN = 20;
const CERT_TYPE = 'X.509';
const SEAL_ALG = 'PBEWithMD5AndTripleDES';
/** Java Date range that JS Date can represent exactly. */
const MAX_DATE_MS = 8.64e15;

type ContainerType = 'JKS' | 'JCEKS';

/** The keyed hash that closes both formats; the whitening phrase is fixed by the format. */
function keyedHash(password: string, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(utf16be(password)).update('Mighty Aphrodite', 'latin1').update(body).digest());
}

function readCert(r: ByteReader, version: number): Uint8Array {
  if (version === 2) {
    const certType = r.utf();
    // Java resolves "X.509" and its alias "X509"; nothing else has ever been written by the JDK.
    if (certType !== CERT_TYPE && certType !== 'X509') throw corrupt(`unsupported certificate type ${JSON.stringify(certType)}`);
  }
  // A view of the store's bytes, not a copy (as in the PKCS#12 reader): the file stays in memory
  // while its entries are used anyway.
  const der = r.bytes(r.u32());
  // CertificateFactory would reject anything that is not a DER SEQUENCE.
  Asn1.parse(der, 'certificate').expect(TAG.SEQUENCE, 'certificate');
  return der;
}

function decodeContainer(bytes: Uint8Array, password: string | null, type: ContainerType): DecodedStore {
  const r = new ByteReader(bytes, `${type} keystore`);
  const magic = r.u32();
  if (magic !== JKS_MAGIC && !(type === 'JCEKS' && magic === JCEKS_MAGIC)) throw corrupt(`Invalid keystore format (not a ${type} keystore)`);
  const version = r.u32();
  if (version !== 1 && version !== 2) throw corrupt(`Invalid keystore format (version ${version})`);
  const count = r.u32();
  // Smallest entry: tag(4) + empty alias(2) + date(8).
  if (count > r.remaining / 14) throw corrupt(`entry count ${count} runs past the end of the keystore`);

  const entries: Entry[] = [];
  const warnings: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const tag = r.u32();
    if (tag !== TAG_PRIVATE_KEY && tag !== TAG_TRUSTED_CERT && !(tag === TAG_SECRET_KEY && type === 'JCEKS')) {
      throw corrupt(`Unrecognized keystore entry: ${tag | 0}`);
    }
    const alias = r.utf();
    // A signed 64-bit count of milliseconds, as two 32-bit halves: exact below 2^53, and anything
    // that large is out of range anyway.
    const ms = r.i32() * 2 ** 32 + r.u32();
    if (Math.abs(ms) > MAX_DATE_MS) throw corrupt(`alias ${alias}: creation date out of range`);
    const created = new Date(ms);
    let entry: Entry;
    if (tag === TAG_PRIVATE_KEY) {
      const epki = r.bytes(r.u32()).slice();
      const n = r.u32();
      // Each certificate takes at least a type string length and a DER length.
      if (n > r.remaining / 6) throw corrupt(`alias ${alias}: chain length ${n} runs past the end`);
      const chain: Uint8Array[] = [];
      for (let j = 0; j < n; j++) chain.push(readCert(r, version));
      entry = { type: 'PrivateKeyEntry', alias, created, key: { form: 'encrypted', epki }, chain };
    } else if (tag === TAG_TRUSTED_CERT) {
      entry = { type: 'trustedCertEntry', alias, created, cert: readCert(r, version) };
    } else {
      const { end } = readSerializedStream(bytes, r.offset);
      const serialized = r.bytes(end - r.offset).slice();
      try {
        readSealedObject(serialized);
      } catch {
        warnings.push(`alias ${alias}: secret key is not a sealed key the JDK can read; kept unchanged`);
      }
      entry = { type: 'SecretKeyEntry', alias, created, secret: { form: 'jceks-sealed', serialized } };
    }
    // Hashtable.put: a repeated alias replaces the earlier value in its place.
    const at = index.get(alias);
    if (at !== undefined) {
      entries[at] = entry;
      warnings.push(`alias ${alias} occurs more than once; the last entry is used`);
    } else {
      index.set(alias, entries.length);
      entries.push(entry);
    }
  }

  const bodyEnd = r.offset;
  if (r.remaining < DIGEST_LEN) throw corrupt(`${type} keystore is truncated (integrity digest missing)`);
  const digest = r.bytes(DIGEST_LEN);
  if (r.remaining !== 0) throw corrupt(`${type} keystore has ${r.remaining} unexpected bytes after the integrity digest`);

  let integrityChecked = false;
  if (password !== null) {
    if (!bytesEqual(keyedHash(password, bytes.subarray(0, bodyEnd)), digest)) {
      throw new KtoolError('TAMPERED', 'Keystore was tampered with, or password was incorrect');
    }
    integrityChecked = true;
  }
  return { store: { type, entries, protection: { kind: 'keyed-sha1' } }, info: { integrityChecked, version, warnings } };
}

function keyMaterialFor(type: ContainerType, alias: string, entry: Entry & { type: 'PrivateKeyEntry' }): Uint8Array {
  if (entry.key.form !== 'encrypted') {
    throw new KtoolError('UNSUPPORTED', `alias ${alias}: private key is not sealed; seal it with its key password before writing ${type}`);
  }
  let kind: string;
  try {
    kind = epki().keyProtectionOf(entry.key.epki).kind;
  } catch {
    throw new KtoolError('UNSUPPORTED', `alias ${alias}: private key protection not recognised; cannot write it to ${type}`);
  }
  // JKS recovers only its own protector; JCEKS also reads JKS-protected keys (JDK 1.2 style).
  if (kind === 'jks' || (type === 'JCEKS' && kind === 'jceks')) return entry.key.epki;
  throw new KtoolError('UNSUPPORTED', `alias ${alias}: private key is sealed for another store type; re-seal it for ${type}`);
}

function secretMaterialFor(type: ContainerType, entry: SecretKeyEntry): Uint8Array {
  if (type === 'JKS') throw new KtoolError('UNSUPPORTED', `alias ${entry.alias}: JKS cannot hold secret keys (use JCEKS or PKCS12)`);
  if (entry.secret.form !== 'jceks-sealed') {
    throw new KtoolError('UNSUPPORTED', `alias ${entry.alias}: secret key is not sealed for JCEKS; seal it with its key password before writing`);
  }
  return entry.secret.serialized;
}

function encodeContainer(store: KeyStore, password: string | null, type: ContainerType): Uint8Array {
  if (password === null) throw new KtoolError('USAGE', `a store password is needed to write a ${type} keystore`);
  if (type === 'JKS') {
    const secrets = store.entries.filter((e) => e.type === 'SecretKeyEntry').map((e) => e.alias);
    if (secrets.length > 0) throw new KtoolError('UNSUPPORTED', `JKS cannot hold secret keys (alias ${secrets.join(', ')}); use JCEKS or PKCS12`);
  }
  const byAlias = new Map<string, Entry>();
  for (const e of store.entries) {
    if (byAlias.has(e.alias)) throw new KtoolError('EXISTS', `alias ${e.alias} occurs more than once`);
    byAlias.set(e.alias, e);
  }
  const w = new ByteWriter();
  w.u32(type === 'JKS' ? JKS_MAGIC : JCEKS_MAGIC).u32(2).u32(store.entries.length);
  for (const alias of hashtableOrder(store.entries.map((e) => e.alias))) {
    const e = byAlias.get(alias)!;
    // No date (PKCS#12 trusted certificates): the JDK would stamp the time of the put.
    const when = BigInt.asUintN(64, BigInt((e.created ?? new Date()).getTime()));
    switch (e.type) {
      case 'PrivateKeyEntry': {
        const epki = keyMaterialFor(type, alias, e);
        w.u32(TAG_PRIVATE_KEY).utf(alias).u64(when).u32(epki.length).raw(epki).u32(e.chain.length);
        for (const c of e.chain) w.utf(CERT_TYPE).u32(c.length).raw(c);
        break;
      }
      case 'trustedCertEntry':
        w.u32(TAG_TRUSTED_CERT).utf(alias).u64(when).utf(CERT_TYPE).u32(e.cert.length).raw(e.cert);
        break;
      case 'SecretKeyEntry': {
        const ser = secretMaterialFor(type, e);
        w.u32(TAG_SECRET_KEY).utf(alias).u64(when).raw(ser);
        break;
      }
    }
  }
  const body = w.toBytes();
  return new ByteWriter().raw(body).raw(keyedHash(password, body)).toBytes();
}

export const jksCodec: StoreCodec = {
  decode: (bytes, password) => decodeContainer(bytes, password, 'JKS'),
  encode: (store, password, _options?: EncodeOptions) => encodeContainer(store, password, 'JKS'),
};

export const jceksCodec: StoreCodec = {
  decode: (bytes, password) => decodeContainer(bytes, password, 'JCEKS'),
  encode: (store, password, _options?: EncodeOptions) => encodeContainer(store, password, 'JCEKS'),
};

// ---------------------------------------------------------------------------------------------
// Sealing helpers: the codec never sees key passwords, so keys are sealed before encode().


/** PKCS#8 -> EncryptedPrivateKeyInfo with the JKS key protector. */
export function sealJksPrivateKey(pkcs8: Uint8Array, keyPassword: string, random: RandomSource = secureRandom): Uint8Array {
  return epki().encryptPrivateKeyInfo(pkcs8, keyPassword, { kind: 'jks' }, random);
}

/** PKCS#8 -> EncryptedPrivateKeyInfo with PBEWithMD5AndTripleDES (JCEKS). */
export function sealJceksPrivateKey(pkcs8: Uint8Array, keyPassword: string, iterations = epki().JCEKS_DEFAULT_ITERATIONS, random: RandomSource = secureRandom): Uint8Array {
  return epki().encryptPrivateKeyInfo(pkcs8, keyPassword, { kind: 'jceks', iterations: checkIterations(iterations, 'JCEKS', 'write') }, random);
}

export interface JceksSecret {
  algorithm: string;
  key: Uint8Array;
  javaForm?: JavaKeyForm;
}

/**
 * Java serializes PBE keys (SecretKeyFactory "PBE", as `keytool -importpass` makes them) through
 * KeyRep and everything else as SecretKeySpec.
 */
function defaultJavaForm(algorithm: string): JavaKeyForm {
  return algorithm.toUpperCase().startsWith('PBE') ? 'KeyRep' : 'SecretKeySpec';
}

/** A secret key -> the serialized SealedObjectForKeyProtector a JCEKS tag-3 entry holds. */
export function sealJceksSecretKey(secret: JceksSecret, keyPassword: string, iterations = epki().JCEKS_DEFAULT_ITERATIONS, random: RandomSource = secureRandom): Uint8Array {
  const it = checkIterations(iterations, 'JCEKS', 'write');
  const inner = javaser().writeSerializedSecretKey({ algorithm: secret.algorithm, key: secret.key, javaForm: secret.javaForm ?? defaultJavaForm(secret.algorithm) });
  const salt = random(8);
  const encryptedContent = jceksPbe().jceksEncrypt(inner, keyPassword, salt, it);
  const encodedParams = seq(octetString(salt), integer(it));
  return javaser().writeSealedObject({ encodedParams, encryptedContent, paramsAlg: SEAL_ALG, sealAlg: SEAL_ALG });
}

/** Open a JCEKS sealed secret key. Wrong password -> WRONG_PASSWORD. */
export function openJceksSecretKey(serialized: Uint8Array, keyPassword: string): { algorithm: string; key: Uint8Array; javaForm: JavaKeyForm } {
  const so = readSealedObject(serialized);
  if (so.sealAlg !== SEAL_ALG) throw new KtoolError('UNSUPPORTED', `sealed key uses ${JSON.stringify(so.sealAlg)}, not ${SEAL_ALG}`);
  if (!so.encodedParams || !so.encryptedContent) throw corrupt('sealed key: parameters or content missing');
  let salt: Uint8Array;
  let iterations: number;
  try {
    const p = Asn1.parse(so.encodedParams, 'PBE parameters').expect(TAG.SEQUENCE, 'PBE parameters');
    salt = p.child(0, 'PBE parameters').expect(TAG.OCTET_STRING, 'PBE salt').octets();
    iterations = p.child(1, 'PBE parameters').expect(TAG.INTEGER, 'PBE iteration count').int();
  } catch (e) {
    if (e instanceof KtoolError) throw e;
    throw corrupt('sealed key: malformed PBE parameters');
  }
  checkIterations(iterations, 'sealed key: PBE');
  const plain = jceksPbe().jceksDecrypt(so.encryptedContent, keyPassword, salt, iterations);
  // A wrong password passes the padding check now and then; its output is not a serialization stream.
  if (plain.length < 4 || plain[0] !== 0xac || plain[1] !== 0xed || plain[2] !== 0x00 || plain[3] !== 0x05) {
    throw new KtoolError('WRONG_PASSWORD', 'Cannot recover key: wrong key password');
  }
  return javaser().readSerializedSecretKey(plain);
}

/** Open a JKS/JCEKS private key (either protector) to PKCS#8. */
export function openJksPrivateKey(sealed: Uint8Array, keyPassword: string): Uint8Array {
  return epki().decryptPrivateKeyInfo(sealed, keyPassword);
}

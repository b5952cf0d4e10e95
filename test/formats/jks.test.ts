/**
 * JKS / JCEKS codec against every JKS and JCEKS store of the fixture manifest (written by keytool 17
 * and 25): contents, keys opened with their key passwords, byte-exact re-encoding, integrity and
 * robustness. Also the Hashtable order model and the Java serialization of sealed secret keys.
 */
import { createHash } from 'node:crypto';
import { decryptPrivateKeyInfo } from '../../src/crypto/epki';
import { isJdk17SafePassword, jceksDecrypt, jceksEncrypt } from '../../src/crypto/jceks-pbe';
import { jksProtect, jksRecover } from '../../src/crypto/jks-keyprotector';
import { hashtableOrder, javaStringHash } from '../../src/formats/hashtable-order';
import { parseSerialized, readSealedObject, readSerializedSecretKey, writeSerializedSecretKey } from '../../src/formats/javaser';
import { jceksCodec, jksCodec, openJceksSecretKey, sealJceksPrivateKey, sealJceksSecretKey, sealJksPrivateKey } from '../../src/formats/jks';
import { KtoolError } from '../../src/model/errors';
import type { Entry, KeyStore, PrivateKeyEntry, SecretKeyEntry } from '../../src/model/keystore';
import { ByteWriter, fromHex, toHex } from '../../src/util/bytes';
import { type ManifestStore, manifest, readFixture } from '../helpers/fixtures';

const STORES = manifest().stores.filter((s) => s.store_type === 'JKS' || s.store_type === 'JCEKS');
const codecOf = (s: ManifestStore) => (s.store_type === 'JKS' ? jksCodec : jceksCodec);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fingerprint = (der: Uint8Array): string =>
  sha256(der)
    .toUpperCase()
    .match(/../g)!
    .join(':');

/** A counter-based random source so sealing is reproducible. */
function fixedRandom(seed = 1): (n: number) => Uint8Array {
  let c = seed;
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KtoolError) return e.code;
    return `non-KtoolError: ${String(e)}`;
  }
  return 'ok';
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

test('the manifest has JKS and JCEKS stores with secret keys', () => {
  expect(STORES.some((s) => s.store_type === 'JKS')).toBe(true);
  expect(STORES.some((s) => s.entries.some((e) => e.entry_type === 'SecretKeyEntry'))).toBe(true);
});

describe('Hashtable order', () => {
  test('String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    // Wraps to a negative 32-bit value.
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  test.each(STORES.map((s) => [s.file, s] as const))('loading %s in file order gives the JDK enumeration order', (_f, s) => {
    expect(hashtableOrder(s.file_order!.map((e) => e.alias))).toEqual(s.aliases_enumeration_order);
  });

  // Replays the keytool commands that built each store: every command loads the file into a fresh
  // table in file order, puts its alias, and writes in iteration order.
  const replayable = STORES.filter((s) => (s as unknown as { commands: string[][] }).commands.every((c) => !c.includes('-importkeystore')));
  test.each(replayable.map((s) => [s.file, s] as const))('replaying the keytool commands of %s reproduces its file order', (_f, s) => {
    let order: string[] = [];
    for (const cmd of (s as unknown as { commands: string[][] }).commands) {
      if (!cmd.some((a) => /^-(genkeypair|genkey|importcert|import|genseckey|importpass)$/.test(a))) continue;
      const i = cmd.indexOf('-alias');
      const alias = (i >= 0 ? cmd[i + 1] : 'mykey').toLowerCase();
      order = hashtableOrder([...order, alias]);
    }
    expect(order).toEqual(s.file_order!.map((e) => e.alias));
  });

  test('rehashing: many keys keep each key once', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `alias-${i}`);
    const out = hashtableOrder(keys);
    expect(new Set(out).size).toBe(500);
    expect(hashtableOrder([...keys, 'alias-3'])).toEqual(out);
  });
});

describe.each(STORES.map((s) => [s.file, s] as const))('%s', (_f, s) => {
  const bytes = readFixture(s.file);
  const codec = codecOf(s);
  const decoded = codec.decode(bytes, s.store_password);

  test('decodes: aliases in file order, types, dates, certificates', () => {
    expect(decoded.info.integrityChecked).toBe(true);
    expect(decoded.info.version).toBe(2);
    expect(decoded.store.type).toBe(s.store_type);
    expect(decoded.store.protection).toEqual({ kind: 'keyed-sha1' });
    expect(decoded.store.entries.map((e) => [e.alias, e.type])).toEqual(s.file_order!.map((e) => [e.alias, e.entry_type]));
    expect(decoded.store.entries).toHaveLength(s.entry_count);
    for (const me of s.entries) {
      const e = decoded.store.entries.find((x) => x.alias === me.alias)!;
      expect(e).toBeDefined();
      expect(e.type).toBe(me.entry_type);
      expect(e.created?.getTime()).toBe(me.creation_time_ms);
      const certs = e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : [];
      expect(certs.map(fingerprint)).toEqual(me.certificates.map((c) => c.sha256));
    }
  });

  const keyEntries = s.entries.filter((e) => e.entry_type !== 'trustedCertEntry');
  if (keyEntries.length > 0) {
    test('opens every key with its key password; a wrong password gives WRONG_PASSWORD', () => {
      for (const me of keyEntries) {
        const e = decoded.store.entries.find((x) => x.alias === me.alias)!;
        if (e.type === 'PrivateKeyEntry') {
          if (e.key.form !== 'encrypted') throw new Error('expected an encrypted key');
          expect(sha256(decryptPrivateKeyInfo(e.key.epki, me.key_password!))).toBe(me.pkcs8_sha256);
          expect(codeOf(() => decryptPrivateKeyInfo((e.key as { epki: Uint8Array }).epki, `${me.key_password}x`))).toBe('WRONG_PASSWORD');
        } else if (e.type === 'SecretKeyEntry') {
          if (e.secret.form !== 'jceks-sealed') throw new Error('expected a sealed secret');
          const k = openJceksSecretKey(e.secret.serialized, me.key_password!);
          expect(toHex(k.key)).toBe(me.secret_key_hex);
          expect(k.algorithm).toBe(me.key_algorithm);
          expect(codeOf(() => openJceksSecretKey((e.secret as { serialized: Uint8Array }).serialized, `${me.key_password}x`))).toBe('WRONG_PASSWORD');
        }
      }
    });
  }

  test('re-encodes in the JDK order (byte-identical when the JDK would write the file unchanged)', () => {
    const out = codec.encode(decoded.store, s.store_password);
    const sameOrder = s.file_order!.every((e, i) => e.alias === s.aliases_enumeration_order[i]);
    if (sameOrder) {
      expect(toHex(out)).toBe(toHex(bytes));
    } else {
      // Loading a file into a fresh Hashtable reverses chains of colliding aliases, so a JDK
      // load+store writes them in a different order than the keytool run that made the file
      // (test/interop/jks-jdk.test.ts checks this against keytool itself). Same entries, new order.
      const again = codec.decode(out, s.store_password);
      expect(again.store.entries.map((e) => e.alias)).toEqual(s.aliases_enumeration_order);
      const byAlias = new Map(again.store.entries.map((e) => [e.alias, e]));
      for (const e of decoded.store.entries) expect(byAlias.get(e.alias)).toEqual(e);
    }
  });

  test('wrong store password -> TAMPERED; no password -> loads without the check', () => {
    expect(codeOf(() => codec.decode(bytes, `${s.store_password}!`))).toBe('TAMPERED');
    try {
      codec.decode(bytes, 'wrong');
    } catch (e) {
      expect((e as Error).message).toBe('Keystore was tampered with, or password was incorrect');
    }
    const open = codec.decode(bytes, null);
    expect(open.info.integrityChecked).toBe(false);
    expect(open.store.entries).toEqual(decoded.store.entries);
  });

  test('trailing bytes, unknown tags and truncation are CORRUPT', () => {
    const trailing = new Uint8Array([...bytes, 0]);
    expect(codeOf(() => codec.decode(trailing, s.store_password))).toBe('CORRUPT');
    expect(codeOf(() => codec.decode(trailing, null))).toBe('CORRUPT');
    const badTag = Uint8Array.from(bytes);
    badTag[15] = 9; // first entry's tag
    expect(codeOf(() => codec.decode(badTag, s.store_password))).toBe('CORRUPT');
    for (const cut of [0, 3, 8, 11, 16, 40, bytes.length >> 1, bytes.length - 21, bytes.length - 20, bytes.length - 1]) {
      expect([cut, codeOf(() => codec.decode(bytes.subarray(0, cut), s.store_password))]).toEqual([cut, 'CORRUPT']);
      expect([cut, codeOf(() => codec.decode(bytes.subarray(0, cut), null))]).toEqual([cut, 'CORRUPT']);
    }
  });
});

describe('robustness on the smallest stores', () => {
  const smallest = (t: string, withSecret = false) =>
    STORES.filter((s) => s.store_type === t && (!withSecret || s.entries.some((e) => e.entry_type === 'SecretKeyEntry'))).sort(
      (a, b) => readFixture(a.file).length - readFixture(b.file).length,
    )[0];
  const picks = [smallest('JKS'), smallest('JCEKS', true)];

  test.each(picks.map((s) => [s.file, s] as const))('every flipped byte of %s is CORRUPT or TAMPERED', (_f, s) => {
    const bytes = readFixture(s.file);
    const codec = codecOf(s);
    const seen = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      const b = Uint8Array.from(bytes);
      b[i] ^= 0x55;
      const withPw = codeOf(() => codec.decode(b, s.store_password));
      if (withPw !== 'CORRUPT' && withPw !== 'TAMPERED') throw new Error(`byte ${i}: ${withPw}`);
      seen.add(withPw);
      // Without a password nothing checks the bytes of a certificate or key, so some flips load.
      const noPw = codeOf(() => codec.decode(b, null));
      if (noPw !== 'ok' && noPw !== 'CORRUPT') throw new Error(`byte ${i} (no password): ${noPw}`);
    }
    expect(seen).toEqual(new Set(['CORRUPT', 'TAMPERED']));
  });

  test.each(picks.map((s) => [s.file, s] as const))('every truncation of %s is CORRUPT', (_f, s) => {
    const bytes = readFixture(s.file);
    const codec = codecOf(s);
    for (let n = 0; n < bytes.length; n++) {
      const c = codeOf(() => codec.decode(bytes.subarray(0, n), s.store_password));
      if (c !== 'CORRUPT') throw new Error(`length ${n}: ${c}`);
    }
  });
});

test('creation dates: the signed 64-bit milliseconds round-trip, out-of-range ones are CORRUPT', () => {
  const s = STORES.find((x) => x.store_type === 'JKS' && x.entries.some((e) => e.entry_type === 'trustedCertEntry'))!;
  const cert = (jksCodec.decode(readFixture(s.file), s.store_password).store.entries.find((e) => e.type === 'trustedCertEntry') as Extract<Entry, { type: 'trustedCertEntry' }>).cert;
  const withDate = (ms: number): KeyStore => ({ type: 'JKS', entries: [{ type: 'trustedCertEntry', alias: 'a', created: new Date(ms), cert }], protection: { kind: 'keyed-sha1' } });
  for (const ms of [0, 1, -1, 1764633600123, -86400000 * 365 * 300, 2 ** 40 + 7, -(2 ** 40) - 7, 8.64e15, -8.64e15]) {
    const back = jksCodec.decode(jksCodec.encode(withDate(ms), 'pw'), 'pw').store.entries[0];
    expect({ ms, got: back.created?.getTime() }).toEqual({ ms, got: ms });
  }
  // 8.64e15 + 1 ms is past Java's Date range: the raw field, written by hand.
  const bytes = jksCodec.encode(withDate(0), 'pw');
  const at = 4 + 4 + 4 + 4 + 2 + 1; // magic, version, count, tag, alias length and 'a'
  Buffer.from(bytes.buffer, bytes.byteOffset).writeBigInt64BE(8640000000000001n, at);
  expect(codeOf(() => jksCodec.decode(bytes, null))).toBe('CORRUPT');
});

describe('type handling', () => {
  const jks = STORES.find((s) => s.store_type === 'JKS' && s.entries.some((e) => e.entry_type === 'PrivateKeyEntry'))!;
  const jceks = STORES.find((s) => s.entries.some((e) => e.entry_type === 'SecretKeyEntry'))!;

  test('JCEKS reads a JKS file (and writes it as JCEKS); JKS refuses a JCEKS file', () => {
    const d = jceksCodec.decode(readFixture(jks.file), jks.store_password);
    expect(d.store.type).toBe('JCEKS');
    expect(d.store.entries.map((e) => e.alias)).toEqual(jks.file_order!.map((e) => e.alias));
    const out = jceksCodec.encode(d.store, jks.store_password);
    expect(toHex(out.subarray(0, 4))).toBe('cececece');
    expect(jceksCodec.decode(out, jks.store_password).store.entries).toEqual(d.store.entries);
    expect(codeOf(() => jksCodec.decode(readFixture(jceks.file), jceks.store_password))).toBe('CORRUPT');
  });

  test('JKS cannot hold secret keys; unsealed keys are not written', () => {
    const d = jceksCodec.decode(readFixture(jceks.file), jceks.store_password);
    const secret = d.store.entries.find((e) => e.type === 'SecretKeyEntry')!;
    try {
      jksCodec.encode(d.store, 'pw');
      throw new Error('expected an error');
    } catch (e) {
      expect((e as KtoolError).code).toBe('UNSUPPORTED');
      expect((e as Error).message).toContain(secret.alias);
    }
    const plainKey: PrivateKeyEntry = { type: 'PrivateKeyEntry', alias: 'k', created: new Date(0), key: { form: 'plain', pkcs8: new Uint8Array(4) }, chain: [] };
    expect(codeOf(() => jksCodec.encode({ type: 'JKS', entries: [plainKey], protection: { kind: 'keyed-sha1' } }, 'pw'))).toBe('UNSUPPORTED');
    const plainSecret: SecretKeyEntry = { type: 'SecretKeyEntry', alias: 's', created: new Date(0), secret: { form: 'plain', algorithm: 'AES', key: new Uint8Array(16) } };
    expect(codeOf(() => jceksCodec.encode({ type: 'JCEKS', entries: [plainSecret], protection: { kind: 'keyed-sha1' } }, 'pw'))).toBe('UNSUPPORTED');
    // A JCEKS-protected private key cannot go into JKS.
    const jceksKey = d.store.entries.find((e) => e.type === 'PrivateKeyEntry')!;
    expect(codeOf(() => jksCodec.encode({ type: 'JKS', entries: [jceksKey], protection: { kind: 'keyed-sha1' } }, 'pw'))).toBe('UNSUPPORTED');
    expect(codeOf(() => jksCodec.encode({ type: 'JKS', entries: [], protection: { kind: 'keyed-sha1' } }, null))).toBe('USAGE');
  });

  test('reads version 1 files (no certificate type strings)', () => {
    const d = jksCodec.decode(readFixture(jks.file), jks.store_password);
    const w = new ByteWriter().u32(0xfeedfeed).u32(1).u32(d.store.entries.length);
    for (const e of d.store.entries) {
      const when = BigInt(e.created!.getTime());
      if (e.type === 'PrivateKeyEntry' && e.key.form === 'encrypted') {
        w.u32(1).utf(e.alias).u64(when).u32(e.key.epki.length).raw(e.key.epki).u32(e.chain.length);
        for (const c of e.chain) w.u32(c.length).raw(c);
      } else if (e.type === 'trustedCertEntry') {
        w.u32(2).utf(e.alias).u64(when).u32(e.cert.length).raw(e.cert);
      }
    }
    const body = w.toBytes();
    const digest = createHash('sha1').update(Buffer.from(jks.store_password!, 'utf16le').swap16()).update('Mighty Aphrodite').update(body).digest();
    const v1 = jksCodec.decode(new Uint8Array(Buffer.concat([body, digest])), jks.store_password);
    expect(v1.info.version).toBe(1);
    expect(v1.store.entries).toEqual(d.store.entries);
    // Written back as version 2, exactly as the JDK would write the same entries.
    expect(toHex(jksCodec.encode(v1.store, jks.store_password))).toBe(toHex(jksCodec.encode(d.store, jks.store_password)));
  });

  test('an empty store', () => {
    const empty: KeyStore = { type: 'JKS', entries: [], protection: { kind: 'keyed-sha1' } };
    const out = jksCodec.encode(empty, 'pw');
    expect(out.length).toBe(12 + 20);
    expect(jksCodec.decode(out, 'pw').store.entries).toEqual([]);
  });
});

describe('key protection', () => {
  const pemEntry = STORES.flatMap((s) => s.entries).find((e) => e.private_key_pem)!;
  const pkcs8 = pemToDer(require('node:fs').readFileSync(require('../helpers/fixtures').fixturePath(pemEntry.private_key_pem!), 'utf8'));

  test('JKS key protector round trip, any password, 40 bytes of overhead', () => {
    for (const pw of ['', 'changeit', 'pässwörd €', '\u{1F511}key']) {
      const data = jksProtect(pkcs8, pw, fixedRandom());
      expect(data.length).toBe(pkcs8.length + 40);
      expect(toHex(jksRecover(data, pw))).toBe(toHex(pkcs8));
      expect(codeOf(() => jksRecover(data, `${pw}?`))).toBe('WRONG_PASSWORD');
    }
    expect(codeOf(() => jksRecover(new Uint8Array(39), 'x'))).toBe('CORRUPT');
  });

  test('sealed private keys open with decryptPrivateKeyInfo', () => {
    const jksEpki = sealJksPrivateKey(pkcs8, 'kp', fixedRandom());
    expect(toHex(jksEpki)).toContain('300e060a2b060104012a021101010500');
    expect(toHex(decryptPrivateKeyInfo(jksEpki, 'kp'))).toBe(toHex(pkcs8));
    const jceksEpki = sealJceksPrivateKey(pkcs8, 'kp', 1000, fixedRandom());
    expect(toHex(decryptPrivateKeyInfo(jceksEpki, 'kp'))).toBe(toHex(pkcs8));
    expect(codeOf(() => decryptPrivateKeyInfo(jceksEpki, 'kq'))).toBe('WRONG_PASSWORD');
    expect(codeOf(() => sealJceksPrivateKey(pkcs8, 'kp', 0))).toBe('USAGE');
  });

  test('PBEWithMD5AndTripleDES: round trip, equal salt halves, UTF-8 passwords', () => {
    const salt = fromHex('0102030401020304');
    const ct = jceksEncrypt(pkcs8, 'pw', salt, 10);
    expect(toHex(jceksDecrypt(ct, 'pw', salt, 10))).toBe(toHex(pkcs8));
    // Equal halves are de-duplicated before derivation, so this salt differs from its swapped twin only in how it is used.
    expect(toHex(jceksEncrypt(pkcs8, 'pw', fromHex('0403020101020304'), 10))).toBe(toHex(ct));
    expect(toHex(jceksDecrypt(jceksEncrypt(pkcs8, 'grüße', salt, 3), 'grüße', salt, 3))).toBe(toHex(pkcs8));
    expect(isJdk17SafePassword('changeit ~')).toBe(true);
    expect(isJdk17SafePassword('grüße')).toBe(false);
    expect(isJdk17SafePassword('tab\t')).toBe(false);
    expect(codeOf(() => jceksDecrypt(new Uint8Array(7), 'pw', salt, 1))).toBe('CORRUPT');
  });

  test('sealed secret keys: SecretKeySpec and KeyRep forms round trip', () => {
    const aes = { algorithm: 'AES', key: fromHex('000102030405060708090a0b0c0d0e0f') };
    const sealed = sealJceksSecretKey(aes, 'kp', 1000, fixedRandom());
    expect(openJceksSecretKey(sealed, 'kp')).toEqual({ ...aes, javaForm: 'SecretKeySpec' });
    expect(codeOf(() => openJceksSecretKey(sealed, 'kq'))).toBe('WRONG_PASSWORD');
    const so = readSealedObject(sealed);
    expect(so.sealAlg).toBe('PBEWithMD5AndTripleDES');
    expect(toHex(so.encodedParams!)).toBe('300e0408' + '0102030405060708' + '020203e8');
    const pbe = { algorithm: 'PBEWithMD5AndDES', key: new Uint8Array(Buffer.from('secret-pw')) };
    expect(openJceksSecretKey(sealJceksSecretKey(pbe, 'kp', 1000), 'kp')).toEqual({ ...pbe, javaForm: 'KeyRep' });
  });
});

describe('Java serialization', () => {
  // What keytool 17 -importpass sealed for the text "secret-pw" (decrypted from the JCEKS it wrote).
  const KEYREP =
    'aced0005737200146a6176612e73656375726974792e4b6579526570bdf94fb3889aa5430200044c0009616c676f726974686d7400124c6a6176612f6c616e672f537472696e673b5b0007656e636f6465647400025b424c0006666f726d617471007e00014c00047479706574001b4c6a6176612f73656375726974792f4b657952657024547970653b7870740010504245576974684d4435416e64444553757200025b42acf317f8060854e00200007870000000097365637265742d70777400035241577e7200196a6176612e73656375726974792e4b6579526570245479706500000000000000001200007872000e6a6176612e6c616e672e456e756d00000000000000001200007870740006534543524554';
  // keytool 17 -genseckey -keyalg HmacSHA256, as sealed in the fixture (key bytes replaced by 00..1f).
  const SPEC =
    'aced00057372001f6a617661782e63727970746f2e737065632e5365637265744b6579537065635b470b66e230614d0200024c0009616c676f726974686d7400124c6a6176612f6c616e672f537472696e673b5b00036b65797400025b42787074000a486d6163534841323536757200025b42acf317f8060854e0020000787000000020' +
    '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

  test('reads and writes KeyRep and SecretKeySpec exactly as the JDK', () => {
    const rep = readSerializedSecretKey(fromHex(KEYREP));
    expect(rep).toEqual({ algorithm: 'PBEWithMD5AndDES', key: new Uint8Array(Buffer.from('secret-pw')), javaForm: 'KeyRep' });
    expect(toHex(writeSerializedSecretKey(rep))).toBe(KEYREP);
    const spec = readSerializedSecretKey(fromHex(SPEC));
    expect(spec.algorithm).toBe('HmacSHA256');
    expect(toHex(writeSerializedSecretKey(spec))).toBe(SPEC);
  });

  test('every sealed entry of the fixtures re-serializes to the same bytes', () => {
    const { writeSealedObject } = require('../../src/formats/javaser') as typeof import('../../src/formats/javaser');
    let n = 0;
    for (const s of STORES.filter((x) => x.store_type === 'JCEKS')) {
      for (const e of codecOf(s).decode(readFixture(s.file), s.store_password).store.entries) {
        if (e.type !== 'SecretKeyEntry' || e.secret.form !== 'jceks-sealed') continue;
        const so = readSealedObject(e.secret.serialized);
        const again = writeSealedObject({ encodedParams: so.encodedParams!, encryptedContent: so.encryptedContent!, paramsAlg: so.paramsAlg!, sealAlg: so.sealAlg! });
        expect(toHex(again)).toBe(toHex(e.secret.serialized));
        n++;
      }
    }
    expect(n).toBeGreaterThan(0);
  });

  test('hostile streams fail with CORRUPT', () => {
    const bad = [
      '', 'aced', 'aced0004', 'aced000571007e0009', 'aced000575', 'aced00057b', 'aced000577', 'aced00057400ff41',
      // array of 2^31-1 bytes
      'aced0005757200025b42acf317f8060854e002000078707fffffff',
      // object whose class descriptor is a reference to itself being defined
      'aced00057371007e0000',
      // externalizable data without block framing
      'aced000573720001410000000000000001040000787078',
      // unknown field type code
      'aced0005737200014100000000000000010200015800016178707078',
    ];
    for (const h of bad) expect([h, codeOf(() => parseSerialized(fromHex(h)))]).toEqual([h, 'CORRUPT']);
    // Deep nesting: arrays of arrays of objects.
    let deep = 'aced0005';
    for (let i = 0; i < 200; i++) deep += '757200135b4c6a6176612e6c616e672e4f626a6563743b0000000000000001020000787000000001';
    expect(codeOf(() => parseSerialized(fromHex(deep)))).toBe('CORRUPT');
    // Strings, nulls, enums, block data in writeObject annotations and TC_RESET are understood.
    const ok =
      'aced0005' +
      '7372000143' + '0000000000000001' + '03' + '0001' + '4c000178' + '7400124c6a6176612f6c616e672f537472696e673b' + '7870' +
      '740002686977020a0b78';
    const v = parseSerialized(fromHex(ok));
    expect(v && v.kind === 'object' && v.classData[0].annotations.length).toBe(1);
  });
});

describe('writing a new store', () => {
  test('entries written in Hashtable order, readable back', () => {
    const cert = readFixture(STORES.find((s) => s.entries.some((e) => e.entry_type === 'trustedCertEntry'))!.file);
    const trusted = jksCodec.decode(cert, null).store.entries.find((e) => e.type === 'trustedCertEntry')!;
    const aliases = ['zeta', 'alpha', 'ünïcödé', '\u{1F511} key', 'x\u0000y', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const entries: Entry[] = aliases.map((alias, i) => ({ ...trusted, alias, created: new Date(1_700_000_000_000 + i) }));
    const out = jksCodec.encode({ type: 'JKS', entries, protection: { kind: 'keyed-sha1' } }, 'pässwörd');
    const back = jksCodec.decode(out, 'pässwörd');
    expect(back.store.entries.map((e) => e.alias)).toEqual(hashtableOrder(aliases));
    // Modified UTF-8: U+0000 as C0 80, a supplementary character as two 3-byte surrogates.
    expect(toHex(out)).toContain('78c08079');
    expect(toHex(out)).toContain('eda0bdedb491');
  });
});

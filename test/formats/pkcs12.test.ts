/**
 * PKCS#12 codec against the shared fixtures (keytool 17/25 and OpenSSL files), plus the crypto
 * building blocks against published test vectors.
 */
import { createHash } from 'node:crypto';
import { Asn1, TAG } from '../../src/asn1/der';
import { OID } from '../../src/asn1/oids';
import { pbeDecrypt, pbeEncrypt, readPbeSpec } from '../../src/crypto/pbe';
import { KDF_IV, KDF_KEY, KDF_MAC, pkcs12Kdf, pkcs12PasswordBytes } from '../../src/crypto/pkcs12-kdf';
import { readMacData, verifyMac } from '../../src/crypto/pkcs12-mac';
import { rc2DecryptBlock, rc2EncryptBlock, rc2ExpandKey } from '../../src/crypto/rc2';
import { rc4 } from '../../src/crypto/rc4';
import { nameToRfc2253 } from '../../src/formats/pkcs12-dn';
import { describeProfile, profileByName, profileMatching, PROFILE_NAMES } from '../../src/formats/pkcs12-profiles';
import { openPkcs12SecretKey, pkcs12Codec, sealPkcs12PrivateKey, sealPkcs12SecretKey } from '../../src/formats/pkcs12';
import { KtoolError } from '../../src/model/errors';
import type { DecodedStore, Entry, KeyStore, PbeSpec } from '../../src/model/keystore';
import { type ManifestStore, readFixture, storesOfType } from '../helpers/fixtures';

import { decryptPrivateKeyInfo } from '../../src/crypto/epki';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const fingerprint = (der: Uint8Array): string =>
  createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Deterministic "random" bytes for reproducible output. */
function seededRandom(seed = 1): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) out.set(createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, Math.min(32, n - o)), o);
    return out;
  };
}

/** Hands out given byte strings in order (to replay a file's salts and IVs). */
function replay(values: Uint8Array[]): (n: number) => Uint8Array {
  const queue = [...values];
  return (n) => {
    const v = queue.shift();
    if (!v || v.length !== n) throw new Error(`replay: asked for ${n} bytes, have ${v?.length}`);
    return v;
  };
}

function expectKtoolError(fn: () => unknown, codes: string[]): KtoolError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KtoolError);
    expect(codes).toContain((e as KtoolError).code);
    return e as KtoolError;
  }
  throw new Error('expected a KtoolError');
}

// ------------------------------------------------------------------ structural walk

const OPENSSL_PBE_NAMES: Record<string, string> = {
  'sha1-3des': 'pbeWithSHA1And3-KeyTripleDES-CBC',
  'sha1-rc2-40': 'pbeWithSHA1And40BitRC2-CBC',
  'sha1-rc2-128': 'pbeWithSHA1And128BitRC2-CBC',
};

/** The text `openssl pkcs12 -info` prints for a PBE AlgorithmIdentifier. */
function opensslPbe(spec: PbeSpec): string {
  if (spec.scheme === 'pbes2') return `PBES2, PBKDF2, ${spec.cipher.toUpperCase()}, Iteration ${spec.iterations}, PRF hmacWith${spec.prf.toUpperCase()}`;
  return `${OPENSSL_PBE_NAMES[spec.algorithm] ?? spec.algorithm}, Iteration ${spec.iterations}`;
}

interface Walk {
  contentInfos: string[];
  shroudedKeyBags: string[];
  mac: { digest: string; iterations: number; mac_length: number; salt_length: number } | null;
  /** Salts and IVs in the order ktool's encoder draws them (cert encryption, then MAC). */
  randomness: Uint8Array[];
}

function walk(bytes: Uint8Array, password: string | null): Walk {
  const pfx = Asn1.parse(bytes);
  const authSafe = Asn1.parse(pfx.child(1).child(1).child(0).octets());
  const w: Walk = { contentInfos: [], shroudedKeyBags: [], mac: null, randomness: [] };
  const bags = (safe: Uint8Array) => {
    for (const bag of Asn1.parse(safe).children) {
      if (bag.child(0).oid() === OID.pkcs8ShroudedKeyBag) w.shroudedKeyBags.push(opensslPbe(readPbeSpec(bag.child(1).child(0).child(0))));
    }
  };
  for (const ci of authSafe.children) {
    if (ci.child(0).oid() === OID.data) {
      w.contentInfos.push('data');
      bags(ci.child(1).child(0).octets());
    } else {
      const eci = ci.child(1).child(0).child(1);
      const alg = eci.child(1);
      w.contentInfos.push(`encryptedData: ${opensslPbe(readPbeSpec(alg))}`);
      if (alg.child(0).oid() === OID.pbes2) {
        w.randomness.push(alg.child(1).child(0).child(1).child(0).octets(), alg.child(1).child(1).child(1).octets());
      } else w.randomness.push(alg.child(1).child(0).octets());
      if (password !== null) bags(pbeDecrypt(alg, eci.child(2).octets(), password));
    }
  }
  if (pfx.children[2]) {
    const m = readMacData(pfx.children[2]);
    if (m.spec.kind === 'hmac') w.mac = { digest: m.spec.digest, iterations: m.iterations, mac_length: m.mac.length, salt_length: m.salt.length };
    w.randomness.push(m.salt);
  }
  return w;
}

// ------------------------------------------------------------------ comparing stores

/** Everything an entry means, for equality checks across encode/decode. */
function contentOf(s: KeyStore): unknown[] {
  return s.entries.map((e: Entry) => {
    const base = { alias: e.alias, type: e.type, created: e.created?.getTime() ?? null, extras: e.extraAttributes?.map((a) => [a.oid, a.values.map(hex)]) };
    if (e.type === 'trustedCertEntry') return { ...base, cert: sha256(e.cert), friendlyName: e.friendlyName, usage: e.trustedUsage };
    if (e.type === 'PrivateKeyEntry') return { ...base, chain: e.chain.map(sha256), key: e.key.form === 'plain' ? sha256(e.key.pkcs8) : sha256(e.key.epki), keyId: e.localKeyId && hex(e.localKeyId), friendlyName: e.friendlyName };
    return { ...base, secret: e.secret.form === 'pkcs12-encrypted' ? sha256(e.secret.epki) : e.secret.form, keyId: e.localKeyId && hex(e.localKeyId), friendlyName: e.friendlyName };
  });
}

const stores = storesOfType('PKCS12');
const decoded = new Map<string, DecodedStore>();
const load = (s: ManifestStore): DecodedStore => {
  let d = decoded.get(s.file);
  if (!d) {
    d = pkcs12Codec.decode(readFixture(s.file), s.store_password);
    decoded.set(s.file, d);
  }
  return d;
};

describe('PKCS12 fixtures', () => {
  test('the manifest has PKCS12 stores', () => {
    expect(stores.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(stores.map((s) => [s.file, s] as const))('%s', (_file, s) => {
    test('entries, chains, keys and dates match the manifest', () => {
      const { store, info } = load(s);
      expect(store.type).toBe('PKCS12');
      expect(info.integrityChecked).toBe(s.pkcs12_profile_seen_by_openssl?.mac != null && s.store_password !== null);
      const byAlias = new Map(store.entries.map((e) => [e.alias, e]));
      expect([...byAlias.keys()].sort()).toEqual(s.entries.map((e) => e.alias).sort());
      expect(store.entries).toHaveLength(s.entry_count);
      for (const m of s.entries) {
        const e = byAlias.get(m.alias)!;
        expect(e.type).toBe(m.entry_type);
        if (m.creation_date_persisted) expect(e.created?.getTime()).toBe(m.creation_time_ms);
        if (e.type === 'trustedCertEntry') {
          expect([fingerprint(e.cert)]).toEqual(m.certificates.map((c) => c.sha256));
          expect(e.friendlyName?.toLowerCase()).toBe(m.alias);
        } else if (e.type === 'PrivateKeyEntry') {
          expect(e.chain.map(fingerprint)).toEqual(m.certificates.map((c) => c.sha256));
          const pkcs8 = e.key.form === 'plain' ? e.key.pkcs8 : decryptPrivateKeyInfo(e.key.epki, m.key_password!);
          expect(sha256(pkcs8)).toBe(m.pkcs8_sha256);
        } else {
          expect(e.secret.form).toBe('pkcs12-encrypted');
          if (e.secret.form !== 'pkcs12-encrypted') continue;
          const open = openPkcs12SecretKey(e.secret.epki, m.key_password!);
          expect(hex(open.key)).toBe(m.secret_key_hex);
          expect(open.algorithm).toBe(m.key_algorithm);
        }
        const fn = m.pkcs12_attributes?.find((a) => a.name === OID.friendlyName)?.value;
        if (fn !== undefined && e.type !== 'trustedCertEntry') expect(e.friendlyName ?? e.alias).toBe(fn);
        if (fn !== undefined && e.type === 'trustedCertEntry') expect(e.friendlyName).toBe(fn);
      }
    });

    test('the protection read equals what openssl saw', () => {
      const seen = s.pkcs12_profile_seen_by_openssl!;
      const w = walk(readFixture(s.file), s.store_password);
      expect(w.contentInfos).toEqual(seen.content_infos);
      if (s.store_password !== null) expect(w.shroudedKeyBags).toEqual(seen.shrouded_keybags);
      expect(w.mac).toEqual(seen.mac);
      const { store } = load(s);
      if (store.protection.kind !== 'pkcs12') throw new Error('not pkcs12');
      const p = store.protection.profile;
      const firstEncrypted = seen.content_infos.find((c) => c.startsWith('encryptedData: '));
      expect(p.certProtection ? `encryptedData: ${opensslPbe(p.certProtection)}` : undefined).toBe(firstEncrypted);
      if (seen.shrouded_keybags.length > 0) expect(opensslPbe(p.keyProtection)).toBe(seen.shrouded_keybags[0]);
      if (seen.mac) expect(p.mac).toEqual({ kind: 'hmac', digest: seen.mac.digest, iterations: seen.mac.iterations, saltLength: seen.mac.salt_length });
      else expect(p.mac).toBeNull();
      expect(describeProfile(p)).toContain('PKCS12 profile: ');
    });

    test('decode -> encode -> decode keeps the content and the protection', () => {
      const { store } = load(s);
      const bytes = pkcs12Codec.encode(store, s.store_password, { random: seededRandom() });
      const again = pkcs12Codec.decode(bytes, s.store_password);
      expect(contentOf(again.store)).toEqual(contentOf(store));
      // (A store without entries writes no certificate ContentInfo, so there is no cert protection to see.)
      if (store.entries.length > 0) expect(again.store.protection).toEqual(store.protection);
      expect(again.info.integrityChecked).toBe(load(s).info.integrityChecked);
    });

    if (s.written_by.tool === 'keytool') {
      test('re-encoding with the same salts and IVs gives the identical file', () => {
        const original = readFixture(s.file);
        const { store } = load(s);
        const bytes = pkcs12Codec.encode(store, s.store_password, { random: replay(walk(original, s.store_password).randomness) });
        expect(hex(bytes)).toBe(hex(original));
      });
    }
  });

  test('a null password reads a password-protected store without its encrypted certificates', () => {
    const s = stores.find((x) => x.file.endsWith('p12-17-default.p12'))!;
    const d = pkcs12Codec.decode(readFixture(s.file), null);
    expect(d.info.integrityChecked).toBe(false);
    expect(d.info.warnings.join('\n')).toMatch(/encrypted certificate data skipped/);
    expect(d.store.entries.filter((e) => e.type === 'trustedCertEntry')).toHaveLength(0);
    expect(d.store.entries.filter((e) => e.type !== 'trustedCertEntry')).toHaveLength(s.entries.filter((e) => e.entry_type !== 'trustedCertEntry').length);
    for (const e of d.store.entries) if (e.type === 'PrivateKeyEntry') expect(e.chain).toHaveLength(0);
  });

  test('certificates without the Java trust attribute are reported, not listed', () => {
    const s = stores.find((x) => x.file.endsWith('openssl-truststore-noattr.p12'))!;
    const d = load(s);
    expect(d.store.entries).toHaveLength(0);
    expect(d.info.warnings).toContain('1 certificate without the Java trust attribute is invisible to Java');
  });

  test('chain CA certificates get the RFC 2253 subject as friendlyName', () => {
    const s = stores.find((x) => x.file.endsWith('p12-17-default.p12'))!;
    const e = load(s).store.entries.find((x) => x.type === 'PrivateKeyEntry' && x.chain.length === 3) as Extract<Entry, { type: 'PrivateKeyEntry' }>;
    const m = s.entries.find((x) => x.alias === e.alias)!;
    expect(e.chain.slice(1).map((c) => nameToRfc2253(Asn1.parse(c).child(0).children[5]))).toEqual(m.certificates.slice(1).map((c) => c.subject.replace(/, /g, ',')));
  });
});

describe('PKCS12 integrity and damage', () => {
  const macd = stores.find((x) => x.file.endsWith('pg-client-17.p12'))!;
  const legacy = stores.find((x) => x.file.endsWith('p12-17-legacy.p12'))!;

  test('wrong password -> TAMPERED with the JDK message', () => {
    for (const s of [macd, legacy]) {
      const err = expectKtoolError(() => pkcs12Codec.decode(readFixture(s.file), 'not-the-password'), ['TAMPERED']);
      expect(err.message).toBe('Keystore was tampered with, or password was incorrect');
      expect(err.message).not.toContain('not-the-password');
    }
  });

  test('every flipped byte (sampled) is refused, never loaded as valid', () => {
    const original = readFixture(macd.file);
    const positions = new Set<number>();
    for (let i = 0; i < 160; i++) positions.add(i);
    for (let i = original.length - 160; i < original.length; i++) positions.add(i);
    for (let i = 160; i < original.length - 160; i += 23) positions.add(i);
    const codes = new Map<string, number>();
    for (const pos of positions) {
      const bad = Uint8Array.from(original);
      bad[pos] ^= 0x01 << (pos % 8);
      const err = expectKtoolError(() => pkcs12Codec.decode(bad, macd.store_password), ['TAMPERED', 'CORRUPT', 'WRONG_PASSWORD', 'UNSUPPORTED']);
      if (err.code === 'UNSUPPORTED') expect(err.message).toMatch(/\d+\.\d+\.\d+|version/);
      codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
    }
    expect(codes.get('TAMPERED')).toBeGreaterThan(positions.size / 2);
  });

  test('damaged encrypted certificates are reported as tampering: the MAC verdict comes before a decryption failure', () => {
    // The certificates are decrypted before the MAC is checked (to overlap V8's compile of the MAC code).
    const original = readFixture(macd.file);
    const pfx = Asn1.parse(original);
    const authSafeBytes = pfx.child(1).child(1).child(0).octets();
    const at = authSafeBytes.byteOffset - original.byteOffset;
    const encrypted = Asn1.parse(authSafeBytes).children.find((ci) => ci.child(0).oid() === OID.encryptedData)!;
    const ciphertext = encrypted.child(1).child(0).child(1).children[2];
    for (const pos of [ciphertext.contentEnd - 1, ciphertext.contentEnd - 17, ciphertext.contentStart]) {
      const bad = Uint8Array.from(original);
      bad[at + pos] ^= 0x5a;
      const err = expectKtoolError(() => pkcs12Codec.decode(bad, macd.store_password), ['TAMPERED']);
      expect(err.message).toBe('Keystore was tampered with, or password was incorrect');
    }
    // A broken structure in the plain key bags of a MAC-protected store is tampering too.
    const plain = Asn1.parse(authSafeBytes).children.find((ci) => ci.child(0).oid() === OID.data)!;
    const keyBags = plain.child(1).child(0);
    const broken = Uint8Array.from(original);
    broken[at + keyBags.contentStart] ^= 0x01; // the SafeContents SEQUENCE tag 0x30 becomes 0x31
    expect(() => pkcs12Codec.decode(broken.subarray(0), null)).toThrow(KtoolError); // unverified: CORRUPT
    expect(expectKtoolError(() => pkcs12Codec.decode(broken, macd.store_password), ['TAMPERED']).message).toBe('Keystore was tampered with, or password was incorrect');
    // Without a password nothing is decrypted or checked.
    const noPassword = Uint8Array.from(original);
    noPassword[at + ciphertext.contentEnd - 1] ^= 0x5a;
    expect(pkcs12Codec.decode(noPassword, null).info.integrityChecked).toBe(false);
  });

  test('truncation -> CORRUPT', () => {
    const original = readFixture(macd.file);
    for (let n = 0; n < original.length; n += 97) expectKtoolError(() => pkcs12Codec.decode(original.subarray(0, n), macd.store_password), ['CORRUPT']);
    expectKtoolError(() => pkcs12Codec.decode(original.subarray(0, original.length - 1), macd.store_password), ['CORRUPT']);
  });

  test('iteration counts: above 1,000,000 refused at once unless KTOOL_MAX_ITERATIONS allows them; above the JDK\'s 5,000,000 never', () => {
    const { store } = load(macd);
    const withMac = (iterations: number) => ({ ...profileByName('modern'), name: 'x', mac: { kind: 'hmac' as const, digest: 'sha1' as const, iterations, saltLength: 20 } });
    expectKtoolError(() => pkcs12Codec.encode(store, macd.store_password, { profile: withMac(1_000_001) }), ['USAGE']);
    const saved = process.env.KTOOL_MAX_ITERATIONS;
    try {
      process.env.KTOOL_MAX_ITERATIONS = '1000001';
      const heavy = pkcs12Codec.encode(store, macd.store_password, { profile: withMac(1_000_001) });
      expect(pkcs12Codec.decode(heavy, macd.store_password).store.entries).toHaveLength(store.entries.length);
      process.env.KTOOL_MAX_ITERATIONS = '';
      const t0 = Date.now();
      const e = expectKtoolError(() => pkcs12Codec.decode(heavy, macd.store_password), ['UNSUPPORTED']);
      expect(Date.now() - t0).toBeLessThan(500); // refused before any key derivation
      expect(e.message).toMatch(/iteration count 1000001 is above ktool's limit of 1000000 \(KTOOL_MAX_ITERATIONS raises it/);
      process.env.KTOOL_MAX_ITERATIONS = '9000000'; // capped at the JDK's limit
      expectKtoolError(() => pkcs12Codec.encode(store, macd.store_password, { profile: withMac(5_000_001) }), ['USAGE']);
    } finally {
      if (saved === undefined) delete process.env.KTOOL_MAX_ITERATIONS;
      else process.env.KTOOL_MAX_ITERATIONS = saved;
    }
  });

  test('an empty password and no MAC are different states', () => {
    const { store } = load(macd);
    const withEmpty = pkcs12Codec.encode(store, '', { random: seededRandom(3) });
    const empty = pkcs12Codec.decode(withEmpty, '');
    expect(empty.info.integrityChecked).toBe(true);
    expect(empty.store.protection.kind === 'pkcs12' && empty.store.protection.profile.mac).toBeTruthy();
    expectKtoolError(() => pkcs12Codec.decode(withEmpty, 'x'), ['TAMPERED']);
    const noPw = pkcs12Codec.encode(store, null, { random: seededRandom(3) });
    const d = pkcs12Codec.decode(noPw, null);
    expect(d.store.protection.kind === 'pkcs12' && d.store.protection.profile.mac).toBeNull();
    expect(d.store.protection.kind === 'pkcs12' && d.store.protection.profile.certProtection).toBeNull();
    expect(contentOf(d.store)).toEqual(contentOf(store));
  });

  test('plain keys without a password are refused naming the alias', () => {
    const store: KeyStore = {
      type: 'PKCS12',
      protection: { kind: 'pkcs12', profile: profileByName('passwordless') },
      entries: [{ type: 'SecretKeyEntry', alias: 'my-secret', created: new Date(0), secret: { form: 'plain', algorithm: 'AES', key: new Uint8Array(16) } }],
    };
    const err = expectKtoolError(() => pkcs12Codec.encode(store, null), ['UNSUPPORTED']);
    expect(err.message).toContain('my-secret');
  });
});

describe('PKCS12 crypto building blocks', () => {
  // RFC 7292 KDF vectors (the well-known "smeg"/"queeg" set published with OpenSSL's PKCS#12 work,
  // also used by Bouncy Castle's PKCS12Test): SHA-1, 24-byte key (ID 1), 8-byte IV (ID 2), 20-byte MAC key (ID 3).
  test.each([
    ['smeg', '0A58CF64530D823F', 1, KDF_KEY, 24, '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3'],
    ['smeg', '0A58CF64530D823F', 1, KDF_IV, 8, '79993DFE048D3B76'],
    ['smeg', '642B99AB44FB4B1F', 1, KDF_KEY, 24, 'F3A95FEC48D7711E985CFE67908C5AB79FA3D7C5CAA5D966'],
    ['smeg', '642B99AB44FB4B1F', 1, KDF_IV, 8, 'C0A38D64A79BEA1D'],
    ['smeg', '3D83C0E4546AC140', 1, KDF_MAC, 20, '8D967D88F6CAA9D714800AB3D48051D63F73A312'],
    ['queeg', '05DEC959ACFF72F7', 1000, KDF_KEY, 24, 'ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4'],
    ['queeg', '05DEC959ACFF72F7', 1000, KDF_IV, 8, '11DEDAD7758D4860'],
    ['queeg', '1682C0FC5B3F7EC5', 1000, KDF_KEY, 24, '483DD6E919D7DE2E8E648BA8F862F3FBFBDC2BCB2C02957F'],
    ['queeg', '1682C0FC5B3F7EC5', 1000, KDF_IV, 8, '9D461D1B00355C50'],
    ['queeg', '263216FCC2FAB31C', 1000, KDF_MAC, 20, '5EC4C7A80DF652294C3925B6489A7AB857C83476'],
  ])('PKCS#12 KDF %s salt %s it %d id %d', (pw, salt, it, id, n, expected) => {
    expect(hex(pkcs12Kdf('sha1', pkcs12PasswordBytes(pw), unhex(salt), it, id, n)).toUpperCase()).toBe(expected);
  });

  test('KDF password encoding: "" is 00 00, the NUL retry form is empty, surrogates stay pairs', () => {
    expect(hex(pkcs12PasswordBytes(''))).toBe('0000');
    expect(hex(pkcs12PasswordBytes('', true))).toBe('');
    expect(hex(pkcs12PasswordBytes('a\u{1F600}'))).toBe('0061d83dde000000');
  });

  test('KDF with v=128 digests (SHA-384/512) and long outputs', () => {
    // Multi-block output must equal the concatenation rule: first u bytes equal the short derivation.
    for (const d of ['sha384', 'sha512', 'sha224', 'sha256'] as const) {
      const long = pkcs12Kdf(d, pkcs12PasswordBytes('pw'), unhex('0102030405060708'), 3, KDF_KEY, 150);
      const short = pkcs12Kdf(d, pkcs12PasswordBytes('pw'), unhex('0102030405060708'), 3, KDF_KEY, 10);
      expect(hex(long.subarray(0, 10))).toBe(hex(short));
    }
  });

  test.each([
    // RFC 2268 section 5 test vectors: key, effective bits, plaintext, ciphertext
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ])('RC2 key %s bits %d', (key, bits, pt, ct) => {
    const K = rc2ExpandKey(unhex(key), bits);
    expect(hex(rc2EncryptBlock(K, unhex(pt)))).toBe(ct);
    expect(hex(rc2DecryptBlock(K, unhex(ct)))).toBe(pt);
  });

  test('RC4 known answer (key "Key", "Plaintext")', () => {
    expect(hex(rc4(Buffer.from('Key'), Buffer.from('Plaintext')))).toBe('bbf316e8d940af0ad3');
  });

  const specs: PbeSpec[] = [
    { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 1000, saltLength: 20 },
    { scheme: 'pbes2', prf: 'sha512', cipher: 'aes-128-cbc', iterations: 1000, saltLength: 16 },
    { scheme: 'pbes2', prf: 'sha1', cipher: 'des-ede3-cbc', iterations: 1000, saltLength: 8 },
    { scheme: 'pbes2', prf: 'sha224', cipher: 'des-cbc', iterations: 1000, saltLength: 8 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-3des', iterations: 1000, saltLength: 20 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-2des', iterations: 1000, saltLength: 20 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-rc2-40', iterations: 1000, saltLength: 20 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-rc2-128', iterations: 1000, saltLength: 20 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-rc4-128', iterations: 1000, saltLength: 20 },
    { scheme: 'pkcs12-pbe', algorithm: 'sha1-rc4-40', iterations: 1000, saltLength: 20 },
    { scheme: 'pbes1', algorithm: 'md5-des', iterations: 1000, saltLength: 8 },
    { scheme: 'pbes1', algorithm: 'sha1-des', iterations: 1000, saltLength: 8 },
    { scheme: 'pbes1', algorithm: 'md5-rc2-64', iterations: 1000, saltLength: 8 },
    { scheme: 'pbes1', algorithm: 'sha1-rc2-64', iterations: 1000, saltLength: 8 },
  ];
  test.each(specs.map((s) => [JSON.stringify(s), s] as const))('PBE round trip %s', (_n, spec) => {
    const plain = new Uint8Array(Buffer.from('0123456789abcdef-some-private-key-bytes'));
    const { algorithmIdentifier, ciphertext } = pbeEncrypt(plain, 'pässwörd', spec, seededRandom(7));
    const alg = Asn1.parse(algorithmIdentifier);
    expect(readPbeSpec(alg)).toEqual(spec);
    expect(hex(pbeDecrypt(alg, ciphertext, 'pässwörd'))).toBe(hex(plain));
    if (!('algorithm' in spec && spec.algorithm.includes('rc4'))) {
      // Wrong password: bad padding (WRONG_PASSWORD), or by chance good padding and garbage.
      try {
        expect(hex(pbeDecrypt(alg, ciphertext, 'wrong'))).not.toBe(hex(plain));
      } catch (e) {
        expect((e as KtoolError).code).toBe('WRONG_PASSWORD');
      }
    }
  });

  test('PBES2 AlgorithmIdentifier is byte-exact JDK form', () => {
    const spec = profileByName('modern').keyProtection;
    const { algorithmIdentifier } = pbeEncrypt(new Uint8Array(5), 'x', spec, replay([new Uint8Array(20).fill(0xaa), new Uint8Array(16).fill(0xbb)]));
    expect(hex(algorithmIdentifier)).toBe(
      '3066' + '06092a864886f70d01050d' + '3059' + '303806092a864886f70d01050c' + '302b0414' + 'aa'.repeat(20) + '02022710' + '020120' + '300c06082a864886f70d02090500' +
        '301d060960864801650304012a0410' + 'bb'.repeat(16),
    );
  });

  test('unknown algorithms are UNSUPPORTED naming the OID; node errors become KtoolErrors', () => {
    const alg = Asn1.parse(Buffer.from('300c060a2a864886f70d010c0107', 'hex'));
    expect(expectKtoolError(() => readPbeSpec(alg), ['UNSUPPORTED']).message).toContain('1.2.840.113549.1.12.1.7');
    const { algorithmIdentifier } = pbeEncrypt(new Uint8Array(3), 'x', specs[0], seededRandom());
    expectKtoolError(() => pbeDecrypt(Asn1.parse(algorithmIdentifier), new Uint8Array(17), 'x'), ['CORRUPT']);
    expectKtoolError(() => pbeDecrypt(Asn1.parse(algorithmIdentifier), new Uint8Array(0), 'x'), ['CORRUPT']);
  });

  test('PBMAC1: RFC 9579 A.1 verifies with "1234", and ktool writes PBMAC1 files it verifies', () => {
    const pfx = Asn1.parse(Buffer.from(RFC9579_A1, 'base64'));
    const parsed = readMacData(pfx.children[2]);
    expect(parsed.spec).toEqual({ kind: 'pbmac1', prf: 'sha256', hmac: 'sha256', iterations: 2048, saltLength: 8, keyLength: 32 });
    const data = pfx.child(1).child(1).child(0).octets();
    verifyMac(parsed, '1234', data);
    expectKtoolError(() => verifyMac(parsed, '12345', data), ['TAMPERED']);
    const d = pkcs12Codec.decode(Buffer.from(RFC9579_A1, 'base64'), '1234');
    expect(d.info.integrityChecked).toBe(true);

    const { store } = load(macd());
    const profile = { ...profileByName('modern'), name: 'pbmac1', mac: { kind: 'pbmac1' as const, prf: 'sha512' as const, hmac: 'sha512' as const, iterations: 3000, saltLength: 16, keyLength: 64 } };
    const bytes = pkcs12Codec.encode(store, macd().store_password, { profile, random: seededRandom(9) });
    const again = pkcs12Codec.decode(bytes, macd().store_password);
    expect(again.store.protection.kind === 'pkcs12' && again.store.protection.profile.mac).toEqual(profile.mac);
    expect(contentOf(again.store)).toEqual(contentOf(store));
    expectKtoolError(() => pkcs12Codec.decode(bytes, 'nope'), ['TAMPERED']);
  });

  test('secret keys: JDK algorithm names <-> OIDs both ways', () => {
    const spec = profileByName('modern').keyProtection;
    for (const alg of ['AES', 'HmacSHA1', 'HmacSHA256', 'HmacSHA384', 'HmacSHA512', 'DESede', 'DES', 'PBEWithMD5AndDES', 'RC2']) {
      const epki = sealPkcs12SecretKey(alg, new Uint8Array([1, 2, 3]), 'pw', spec, seededRandom());
      expect(openPkcs12SecretKey(epki, 'pw')).toEqual({ algorithm: alg, key: new Uint8Array([1, 2, 3]) });
    }
    expectKtoolError(() => sealPkcs12SecretKey('NoSuchAlg', new Uint8Array(1), 'pw', spec), ['UNSUPPORTED']);
    const sealed = sealPkcs12PrivateKey(new Uint8Array([0x30, 0x00]), 'pw', spec, seededRandom());
    expectKtoolError(() => openPkcs12SecretKey(sealed, 'bad'), ['WRONG_PASSWORD']);
  });

  test('profiles: names, matching and description', () => {
    expect(PROFILE_NAMES).toEqual(['modern', 'legacy-3des', 'legacy-rc2', 'passwordless']);
    for (const n of PROFILE_NAMES) expect(profileMatching(profileByName(n))).toBe(n);
    expect(() => profileByName('nope')).toThrow(KtoolError);
    expect(describeProfile(profileByName('legacy-rc2'))).toContain('PBEWithSHA1AndRC2_40, 50000 iterations');
  });

  test('RFC 2253 names like X500Principal.getName()', () => {
    // SEQUENCE { SET { C=DE }, SET { O="A, B" }, SET { CN=" x#" + UID (multi-valued) }, SET { emailAddress } }
    const rdn = (o: string, tag: number, v: string) => {
      const val = Buffer.from(v, tag === TAG.BMP_STRING ? 'utf16le' : 'utf8');
      if (tag === TAG.BMP_STRING) val.swap16();
      const oidDer = Buffer.from(require('../../src/asn1/der').oid(o));
      const valDer = Buffer.concat([Buffer.from([tag, val.length]), val]);
      return Buffer.concat([Buffer.from([0x30, oidDer.length + valDer.length]), oidDer, valDer]);
    };
    const wrapSet = (...avas: Buffer[]) => { const c = Buffer.concat(avas); return Buffer.concat([Buffer.from([0x31, c.length]), c]); };
    const sets = [
      wrapSet(rdn('2.5.4.6', TAG.PRINTABLE_STRING, 'DE')),
      wrapSet(rdn('2.5.4.10', TAG.UTF8_STRING, 'A, B+C')),
      wrapSet(rdn('2.5.4.3', TAG.BMP_STRING, ' x#é '), rdn('0.9.2342.19200300.100.1.1', TAG.UTF8_STRING, 'u1')),
      wrapSet(rdn('1.2.840.113549.1.9.1', TAG.IA5_STRING, 'a@b')),
    ];
    const body = Buffer.concat(sets);
    const name = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    expect(nameToRfc2253(new Uint8Array(name))).toBe('1.2.840.113549.1.9.1=#1603614062,CN=\\ x\\#é\\ +UID=u1,O=A\\, B\\+C,C=DE');
  });
});

function macd(): ManifestStore {
  return stores.find((x) => x.file.endsWith('pg-client-17.p12'))!;
}

// RFC 9579 Appendix A.1: PKCS#12 with PBMAC1 (HMAC-SHA256, PBKDF2-HMAC-SHA256), password "1234".
const RFC9579_A1 = [
  'MIIKigIBAzCCCgUGCSqGSIb3DQEHAaCCCfYEggnyMIIJ7jCCBGIGCSqGSIb3DQEH',
  'BqCCBFMwggRPAgEAMIIESAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqG',
  'SIb3DQEFDDAcBAg9pxXxY2yscwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQME',
  'ASoEEK7yYaFQDi1pYwWzm9F/fs+AggPgFIT2XapyaFgDppdvLkdvaF3HXw+zjzKb',
  '7xFC76DtVPhVTWVHD+kIss+jsj+XyvMwY0aCuAhAG/Dig+vzWomnsqB5ssw5/kTb',
  '+TMQ5PXLkNeoBmB6ArKeGc/QmCBQvQG/a6b+nXSWmxNpP+71772dmWmB8gcSJ0kF',
  'Fj75NrIbmNiDMCb71Q8gOzBMFf6BpXf/3xWAJtxyic+tSNETfOJa8zTZb0+lV0w9',
  '5eUmDrPUpuxEVbb0KJtIc63gRkcfrPtDd6Ii4Zzbzj2Evr4/S4hnrQBsiryVzJWy',
  'IEjaD0y6+DmG0JwMgRuGi1wBoGowi37GMrDCOyOZWC4n5wHLtYyhR6JaElxbrhxP',
  'H46z2USLKmZoF+YgEQgYcSBXMgP0t36+XQocFWYi2N5niy02TnctwF430FYsQlhJ',
  'Suma4I33E808dJuMv8T/soF66HsD4Zj46hOf4nWmas7IaoSAbGKXgIa7KhGRJvij',
  'xM3WOX0aqNi/8bhnxSA7fCmIy/7opyx5UYJFWGBSmHP1pBHBVmx7Ad8SAsB9MSsh',
  'nbGjGiUk4h0QcOi29/M9WwFlo4urePyI8PK2qtVAmpD3rTLlsmgzguZ69L0Q/CFU',
  'fbtqsMF0bgEuh8cfivd1DYFABEt1gypuwCUtCqQ7AXK2nQqOjsQCxVz9i9K8NDeD',
  'aau98VAl0To2sk3/VR/QUq0PRwU1jPN5BzUevhE7SOy/ImuJKwpGqqFljYdrQmj5',
  'jDe+LmYH9QGVRlfN8zuU+48FY8CAoeBeHn5AAPml0PYPVUnt3/jQN1+v+CahNVI+',
  'La8q1Nen+j1R44aa2I3y/pUgtzXRwK+tPrxTQbG030EU51LYJn8amPWmn3w75ZIA',
  'MJrXWeKj44de7u4zdUsEBVC2uM44rIHM8MFjyYAwYsey0rcp0emsaxzar+7ZA67r',
  'lDoXvvS3NqsnTXHcn3T9tkPRoee6L7Dh3x4Od96lcRwgdYT5BwyH7e34ld4VTUmJ',
  'bDEq7Ijvn4JKrwQJh1RCC+Z/ObfkC42xAm7G010u3g08xB0Qujpdg4a7VcuWrywF',
  'c7hLNquuaF4qoDaVwYXHH3iuX6YlJ/3siTKbYCVXPEZOAMBP9lF/OU76UMJBQNfU',
  '0xjDx+3AhUVgnGuCsmYlK6ETDp8qOZKGyV0KrNSGtqLx3uMhd7PETeW+ML3tDQ/0',
  'X9fMkcZHi4C2fXnoHV/qa2dGhBj4jjQ0Xh1poU6mxGn2Mebe2hDsBZkkBpnn7pK4',
  'wP/VqXdQTwqEuvzGHLVFsCuADe40ZFBmtBrf70wG7ZkO8SUZ8Zz1IX3+S024g7yj',
  'QRev/6x6TtkwggWEBgkqhkiG9w0BBwGgggV1BIIFcTCCBW0wggVpBgsqhkiG9w0B',
  'DAoBAqCCBTEwggUtMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhTxzw+',
  'VptrYAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEK9nSqc1I2t4tMVG',
  'bWHpdtQEggTQzCwI7j34gCTvfj6nuOSndAjShGv7mN2j7WMV0pslTpq2b9Bn3vn1',
  'Y0JMvL4E7sLrUzNU02pdOcfCnEpMFccNv2sQrLp1mOCKxu8OjSqHZLoKVL0ROVsZ',
  '8dMECLLigDlPKRiSyLErl14tErX4/zbkUaWMROO28kFbTbubQ8YoHlRUwsKW1xLg',
  'vfi0gRkG/zHXRfQHjX/8NStv7hXlehn7/Gy2EKPsRFhadm/iUHAfmCMkMgHTU248',
  'JER9+nsXltd59H+IeDpj/kbxZ+YvHow9XUZKu828d3MQnUpLZ1BfJGhMBPVwbVUD',
  'A40CiQBVdCoGtPJyalL28xoS3H0ILFCnwQOr6u0HwleNJPGHq78HUyH6Hwxnh0b0',
  '5o163r6wTFZn5cMOxpbs/Ttd+3TrxmrYpd2XnuRme3cnaYJ0ILvpc/8eLLR7SKjD',
  'T4JhZ0h/CfcV2WWvhpQugkY0pWrZ+EIMneB1dZB96mJVLxOi148OeSgi0PsxZMNi',
  'YM33rTpwQT5WqOsEyDwUQpne5b8Kkt/s7EN0LJNnPyJJRL1LcqOdr6j+6YqRtPa7',
  'a9oWJqMcuTP+bqzGRJh+3HDlFBw2Yzp9iadv4KmB2MzhStLUoi2MSjvnnkkd5Led',
  'sshAd6WbKfF7kLAHQHT4Ai6dMEO4EKkEVF9JBtxCR4JEn6C98Lpg+Lk+rfY7gHOf',
  'ZxtgGURwgXRY3aLUrdT55ZKgk3ExVKPzi5EhdpAau7JKhpOwyKozAp/OKWMNrz6h',
  'obu2Mbn1B+IA60psYHHxynBgsJHv7WQmbYh8HyGfHgVvaA8pZCYqxxjpLjSJrR8B',
  'Bu9H9xkTh7KlhxgreXYv19uAYbUd95kcox9izad6VPnovgFSb+Omdy6PJACPj6hF',
  'W6PJbucP0YPpO0VtWtQdZZ3df1P0hZ7qvKwOPFA+gKZSckgqASfygiP9V3Zc8jIi',
  'wjNzoDM2QT+UUJKiiGYXJUEOO9hxzFHlGj759DcNRhpgl5AgR57ofISD9yBuCAJY',
  'PQ/aZHPFuRTrcVG3RaIbCAS73nEznKyFaLOXfzyfyaSmyhsH253tnyL1MejC+2bR',
  'Eko/yldgFUxvU5JI+Q3KJ6Awj+PnduHXx71E4UwSuu2xXYMpxnQwI6rroQpZBX82',
  'HhqgcLV83P8lpzQwPdHjH5zkoxmWdC0+jU/tcQfNXYpJdyoaX7tDmVclLhwl9ps/',
  'O841pIsNLJWXwvxG6B+3LN/kw4QjwN194PopiOD7+oDm5mhttO78CrBrRxHMD/0Q',
  'qniZjKzSZepxlZq+J792u8vtMnuzzChxu0Bf3PhIXcJNcVhwUtr0yKe/N+NvC0tm',
  'p8wyik/BlndxN9eKbdTOi2wIi64h2QG8nOk66wQ/PSIJYwZl6eDNEQSzH/1mGCfU',
  'QnUT17UC/p+Qgenf6Auap2GWlvsJrB7u/pytz65rtjt/ouo6Ih6EwWqwVVpGXZD0',
  '7gVWH0Ke/Vr6aPGNvkLcmftPuDZsn9jiig3guhdeyRVf10Ox369kKWcG75q77hxE',
  'IzSzDyUlBNbnom9SIjut3r+qVYmWONatC6q/4D0I42Lnjd3dEyZx7jmH3g/S2ASM',
  'FzWr9pvXc61dsYOkdZ4PYa9XPUZxXFagZsoS3F1sU799+IJVU0tC0MExJTAjBgkq',
  'hkiG9w0BCRUxFgQUwWO5DorvVWYF3BWUmAw0rUEajScwfDBtMEkGCSqGSIb3DQEF',
  'DjA8MCwGCSqGSIb3DQEFDDAfBAhvRzw4sC4xcwICCAACASAwDAYIKoZIhvcNAgkF',
  'ADAMBggqhkiG9w0CCQUABCB6pW2FOdcCNj87zS64NUXG36K5aXDnFHctIk5Bf4kG',
  '3QQITk9UIFVTRUQCAQE=',
].join('');

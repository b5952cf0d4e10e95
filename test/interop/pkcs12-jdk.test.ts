/**
 * PKCS#12 interop: ktool-written stores judged by keytool 17 and 25 and by OpenSSL 3.0, and stores
 * written by OpenSSL and keytool read by ktool.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pkcs12Codec, openPkcs12SecretKey, sealPkcs12PrivateKey, sealPkcs12SecretKey } from '../../src/formats/pkcs12';
import { profileByName } from '../../src/formats/pkcs12-profiles';
import type { Entry, KeyStore, Pkcs12Profile } from '../../src/model/keystore';
import { fixturePath, manifest, type ManifestEntry } from '../helpers/fixtures';
import { JDK17_HOME, JDK25_HOME, keytool, openssl, tempDir } from '../helpers/jdk';

const dir = tempDir('p12-interop');
const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

/** PEM blocks of one type, base64-decoded. */
function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}
const toPem = (der: Uint8Array, label: string): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/** A private key in one canonical PKCS#8 form (OpenSSL may add parameters or the public key). */
const normalizeKey = (pkcs8: Uint8Array): string =>
  createHash('sha256').update(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs8' })).digest('hex');

function findEntry(file: string, alias: string): ManifestEntry {
  const s = manifest().stores.find((x) => x.file === `stores/${file}`)!;
  return s.entries.find((e) => e.alias === alias)!;
}

interface KeySource {
  alias: string;
  pkcs8: Uint8Array;
  chain: Uint8Array[];
}
function keySource(file: string, fixtureAlias: string, alias: string): KeySource {
  const e = findEntry(file, fixtureAlias);
  return {
    alias,
    pkcs8: pemBlocks(readFileSync(fixturePath(e.private_key_pem!), 'utf8'), 'PRIVATE KEY')[0],
    chain: pemBlocks(readFileSync(fixturePath(e.chain_pem!), 'utf8'), 'CERTIFICATE'),
  };
}
function trustedCert(file: string, fixtureAlias: string): Uint8Array {
  const e = findEntry(file, fixtureAlias);
  return pemBlocks(readFileSync(fixturePath(e.certificates[0].pem!), 'utf8'), 'CERTIFICATE')[0];
}

const KEYS: KeySource[] = [
  keySource('jks25-mixed.jks', 'rsa-2048 chain3', 'rsa key'),
  keySource('p12-17-custom.p12', 'ec-p256', 'ec-p256'),
  keySource('jceks17-secrets.jceks', 'ec-p384', 'ec-p384'),
  keySource('p12-17-default.p12', 'ec p521 chain3', 'ec-p521'),
  keySource('p12-25-default.p12', 'ed25519-chain2', 'ed25519'),
  keySource('p12-17-default.p12', 'ed448-selfsigned', 'ed448'),
  keySource('jks17-keypass.jks', 'dsa-2048', 'dsa'),
];
const TRUSTED: { name: string; der: Uint8Array }[] = [
  { name: 'Root-CA Mixed', der: trustedCert('p12-17-default.p12', 'root-ca') },
  { name: 'Issuing-CA', der: trustedCert('p12-17-default.p12', 'issuing-ca') },
];
const SECRETS = [
  { alias: 'aes key', algorithm: 'AES', key: new Uint8Array(createHash('sha256').update('aes').digest()) },
  { alias: 'hmac key', algorithm: 'HmacSHA256', key: new Uint8Array(createHash('sha512').update('hmac').digest()) },
];
const CREATED = new Date(1795342906446);

/** The store every profile writes; keys in plain form (sealed by the codec), or pre-sealed with keyPassword. */
function buildStore(profile: Pkcs12Profile, keyPassword?: string): KeyStore {
  const entries: Entry[] = [];
  for (const k of KEYS) {
    entries.push({
      type: 'PrivateKeyEntry',
      alias: k.alias,
      created: CREATED,
      chain: k.chain,
      key: keyPassword ? { form: 'encrypted', epki: sealPkcs12PrivateKey(k.pkcs8, keyPassword, profile.keyProtection) } : { form: 'plain', pkcs8: k.pkcs8 },
    });
  }
  for (const s of SECRETS) {
    entries.push({
      type: 'SecretKeyEntry',
      alias: s.alias,
      created: CREATED,
      secret: keyPassword ? { form: 'pkcs12-encrypted', epki: sealPkcs12SecretKey(s.algorithm, s.key, keyPassword, profile.keyProtection) } : { form: 'plain', algorithm: s.algorithm, key: s.key },
    });
  }
  for (const t of TRUSTED) entries.push({ type: 'trustedCertEntry', alias: t.name.toLowerCase(), created: null, cert: t.der, friendlyName: t.name });
  return { type: 'PKCS12', entries, protection: { kind: 'pkcs12', profile } };
}

interface Listed {
  type: string;
  fingerprints: string[];
}
/** Parse `keytool -list -v`: alias -> entry type and SHA-256 fingerprints. */
function parseListing(text: string): Map<string, Listed> {
  const out = new Map<string, Listed>();
  for (const block of text.split(/^Alias name: /m).slice(1)) {
    const alias = block.split('\n')[0];
    const type = /^Entry type: (\S+)/m.exec(block)?.[1] ?? '?';
    const fingerprints = [...block.matchAll(/^\s*SHA256: ([0-9A-F:]+)/gm)].map((m) => m[1]);
    out.set(alias, { type, fingerprints });
  }
  return out;
}

function expectedListing(store: KeyStore): Map<string, Listed> {
  const m = new Map<string, Listed>();
  for (const e of store.entries) {
    if (e.type === 'PrivateKeyEntry') m.set(e.alias, { type: 'PrivateKeyEntry', fingerprints: e.chain.map(fingerprint) });
    else if (e.type === 'SecretKeyEntry') m.set(e.alias, { type: 'SecretKeyEntry', fingerprints: [] });
    else m.set(e.alias, { type: 'trustedCertEntry', fingerprints: [fingerprint(e.cert)] });
  }
  return m;
}

const sortedMap = <V>(m: Map<string, V>): [string, V][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

const PASSWORD = 'interop-Pass1';
const customProfile: Pkcs12Profile = {
  name: 'custom',
  certProtection: { scheme: 'pbes2', prf: 'sha512', cipher: 'aes-128-cbc', iterations: 4000, saltLength: 20 },
  keyProtection: { scheme: 'pbes2', prf: 'sha512', cipher: 'aes-128-cbc', iterations: 4000, saltLength: 20 },
  mac: { kind: 'hmac', digest: 'sha384', iterations: 4000, saltLength: 20 },
};
const CASES: { name: string; profile: Pkcs12Profile; opensslLegacy: boolean }[] = [
  { name: 'modern', profile: profileByName('modern'), opensslLegacy: false },
  { name: 'legacy-3des', profile: profileByName('legacy-3des'), opensslLegacy: false },
  { name: 'legacy-rc2', profile: profileByName('legacy-rc2'), opensslLegacy: true },
  { name: 'passwordless', profile: profileByName('passwordless'), opensslLegacy: false },
  { name: 'custom', profile: customProfile, opensslLegacy: false },
];

describe('stores written by ktool', () => {
  describe.each(CASES.map((c) => [c.name, c] as const))('profile %s', (_name, c) => {
    const passwordless = c.name === 'passwordless';
    const store = passwordless ? buildStore(c.profile, PASSWORD) : buildStore(c.profile);
    const file = join(dir, `ktool-${c.name}.p12`);
    writeFileSync(file, pkcs12Codec.encode(store, passwordless ? null : PASSWORD));
    const expected = sortedMap(expectedListing(store));

    test.each([
      ['17', JDK17_HOME],
      ['25', JDK25_HOME],
    ])('keytool %s lists the same aliases, types and fingerprints', (_jdk, home) => {
      const args = ['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, ...(passwordless ? [] : ['-storepass', PASSWORD])];
      const r = keytool(home(), args);
      expect(r.stderr).not.toMatch(/exception|error/i);
      expect(r.status).toBe(0);
      expect(sortedMap(parseListing(r.stdout))).toEqual(expected);
    });

    test('openssl pkcs12 -nodes yields the same private keys and certificates', () => {
      const r = openssl(['pkcs12', '-in', file, '-nodes', '-passin', `pass:${PASSWORD}`, ...(c.opensslLegacy ? ['-legacy'] : [])]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(pemBlocks(r.stdout, 'PRIVATE KEY').map(normalizeKey).sort()).toEqual(KEYS.map((k) => normalizeKey(k.pkcs8)).sort());
      const certs = new Set(pemBlocks(r.stdout, 'CERTIFICATE').map(fingerprint));
      for (const k of KEYS) for (const der of k.chain) expect(certs).toContain(fingerprint(der));
      for (const t of TRUSTED) expect(certs).toContain(fingerprint(t.der));
    });

    if (c.name === 'legacy-rc2') {
      test('OpenSSL 3 without -legacy cannot read RC2 (the reason for legacy-3des)', () => {
        expect(openssl(['pkcs12', '-in', file, '-nodes', '-passin', `pass:${PASSWORD}`]).status).not.toBe(0);
      });
    }

    test('ktool reads it back with the same content', () => {
      const d = pkcs12Codec.decode(readFileSync(file), passwordless ? null : PASSWORD);
      expect(d.store.protection).toEqual({ kind: 'pkcs12', profile: expect.objectContaining({ certProtection: c.profile.certProtection, mac: c.profile.mac, keyProtection: c.profile.keyProtection }) });
      expect(sortedMap(expectedListing(d.store))).toEqual(expected);
      for (const s of SECRETS) {
        const e = d.store.entries.find((x) => x.alias === s.alias);
        if (e?.type !== 'SecretKeyEntry' || e.secret.form !== 'pkcs12-encrypted') throw new Error('secret missing');
        expect(openPkcs12SecretKey(e.secret.epki, PASSWORD)).toEqual({ algorithm: s.algorithm, key: s.key });
      }
      const t = d.store.entries.find((x) => x.alias === 'root-ca mixed');
      expect(t?.type === 'trustedCertEntry' && t.friendlyName).toBe('Root-CA Mixed');
    });
  });

  test('PBMAC1 (HMAC-SHA256 keyed by PBKDF2): ktool verifies it (JDK 17/25 and OpenSSL 3.0 predate RFC 9579)', () => {
    const profile: Pkcs12Profile = { ...profileByName('modern'), name: 'pbmac1', mac: { kind: 'pbmac1', prf: 'sha256', hmac: 'sha256', iterations: 10000, saltLength: 20, keyLength: 32 } };
    const store = buildStore(profile);
    const bytes = pkcs12Codec.encode(store, PASSWORD);
    const d = pkcs12Codec.decode(bytes, PASSWORD);
    expect(d.info.integrityChecked).toBe(true);
    expect(sortedMap(expectedListing(d.store))).toEqual(sortedMap(expectedListing(store)));
    expect(() => pkcs12Codec.decode(bytes, 'wrong')).toThrow('Keystore was tampered with, or password was incorrect');
    // OpenSSL 3.0 does not know PBMAC1: it must refuse rather than accept the file unchecked.
    writeFileSync(join(dir, 'pbmac1.p12'), bytes);
    expect(openssl(['pkcs12', '-in', join(dir, 'pbmac1.p12'), '-nodes', '-passin', `pass:${PASSWORD}`]).status).not.toBe(0);
  });

  test('a ktool PKCS12 truststore is listed by keytool with all its certificates', () => {
    const cacerts = manifest().stores.find((s) => s.file === 'stores/cacerts-17.p12')!;
    const src = pkcs12Codec.decode(new Uint8Array(readFileSync(fixturePath(cacerts.file))), cacerts.store_password);
    const store: KeyStore = { type: 'PKCS12', entries: src.store.entries.slice(0, 40), protection: { kind: 'pkcs12', profile: profileByName('modern') } };
    const file = join(dir, 'truststore.p12');
    writeFileSync(file, pkcs12Codec.encode(store, 'changeit'));
    const r = keytool(JDK25_HOME(), ['-list', '-v', '-keystore', file, '-storepass', 'changeit']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Your keystore contains 40 entries');
    expect(sortedMap(parseListing(r.stdout))).toEqual(sortedMap(expectedListing(store)));
  });

  test('non-ASCII store password: keytool 25 opens the file, keytool 17 cannot (documented JDK 17 limit)', () => {
    const pw = 'pässwörd';
    const store = buildStore(profileByName('modern'));
    store.entries = store.entries.filter((e) => e.alias === 'rsa key' || e.type === 'trustedCertEntry');
    const file = join(dir, 'non-ascii.p12');
    writeFileSync(file, pkcs12Codec.encode(store, pw));
    const r25 = keytool(JDK25_HOME(), ['-list', '-v', '-keystore', file, '-storepass', pw]);
    expect(r25.status).toBe(0);
    expect(sortedMap(parseListing(r25.stdout))).toEqual(sortedMap(expectedListing(store)));
    const r17 = keytool(JDK17_HOME(), ['-list', '-v', '-keystore', file, '-storepass', pw]);
    expect(r17.status).not.toBe(0);
    expect(r17.stdout + r17.stderr).toMatch(/password was incorrect|not ASCII/i);
  });
});

describe('stores written by OpenSSL and keytool, read by ktool', () => {
  const leaf = KEYS[0]; // RSA with a 3-certificate chain
  const keyPem = join(dir, 'leaf.key.pem');
  const certPem = join(dir, 'leaf.cert.pem');
  const caPem = join(dir, 'cas.pem');
  writeFileSync(keyPem, toPem(leaf.pkcs8, 'PRIVATE KEY'));
  writeFileSync(certPem, toPem(leaf.chain[0], 'CERTIFICATE'));
  writeFileSync(caPem, leaf.chain.slice(1).map((c) => toPem(c, 'CERTIFICATE')).join(''));

  test.each([
    ['default', [] as string[], { mac: true, plainKey: false }],
    ['-legacy', ['-legacy'], { mac: true, plainKey: false }],
    ['-keypbe NONE -certpbe NONE', ['-keypbe', 'NONE', '-certpbe', 'NONE'], { mac: true, plainKey: true }],
    ['-nomac', ['-nomac'], { mac: false, plainKey: false }],
  ])('openssl pkcs12 -export %s', (name, extra, want) => {
    const file = join(dir, `openssl-${name.replace(/[^a-z]+/gi, '_')}.p12`);
    const r = openssl(['pkcs12', '-export', '-inkey', keyPem, '-in', certPem, '-certfile', caPem, '-name', 'My Key', '-passout', `pass:${PASSWORD}`, '-out', file, ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const d = pkcs12Codec.decode(readFileSync(file), PASSWORD);
    expect(d.info.integrityChecked).toBe(want.mac);
    expect(d.store.entries).toHaveLength(1);
    const e = d.store.entries[0];
    if (e.type !== 'PrivateKeyEntry') throw new Error('not a key entry');
    expect(e.alias).toBe('my key');
    expect(e.friendlyName).toBe('My Key');
    expect(e.chain.map(fingerprint)).toEqual(leaf.chain.map(fingerprint));
    expect(e.key.form).toBe(want.plainKey ? 'plain' : 'encrypted');
    const pkcs8 = e.key.form === 'plain' ? e.key.pkcs8 : decrypt(e.key.epki, PASSWORD);
    expect(normalizeKey(pkcs8)).toBe(normalizeKey(leaf.pkcs8));
    expect(e.created).toBeNull(); // OpenSSL's localKeyId is a hash, not "Time <ms>"
    expect(d.info.warnings).toEqual([]);
    // ktool writes it back in JDK layout, and keytool lists what ktool read.
    const out = join(dir, `openssl-${name.replace(/[^a-z]+/gi, '_')}-rewritten.p12`);
    writeFileSync(out, pkcs12Codec.encode(d.store, PASSWORD));
    const l = keytool(JDK25_HOME(), ['-list', '-v', '-keystore', out, '-storepass', PASSWORD]);
    expect(l.status).toBe(0);
    expect(sortedMap(parseListing(l.stdout))).toEqual(sortedMap(expectedListing(d.store)));
  });

  test('keytool -genkeypair / -importcert / -genseckey / -importpass stores', () => {
    const file = join(dir, 'keytool-made.p12');
    const common = ['-keystore', file, '-storetype', 'PKCS12', '-storepass', PASSWORD];
    const home = JDK25_HOME();
    expect(keytool(home, ['-genkeypair', '-alias', 'Gen Key', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=gen,O=ktool', ...common]).status).toBe(0);
    writeFileSync(join(dir, 'trusted.pem'), toPem(TRUSTED[0].der, 'CERTIFICATE'));
    expect(keytool(home, ['-importcert', '-noprompt', '-alias', 'Trusted Mixed', '-file', join(dir, 'trusted.pem'), ...common]).status).toBe(0);
    expect(keytool(home, ['-genseckey', '-alias', 'sec', '-keyalg', 'AES', '-keysize', '128', ...common]).status).toBe(0);
    const imp = keytool(home, ['-importpass', '-alias', 'stored pw', ...common], { input: 'my-secret\nmy-secret\n' });
    expect(imp.status).toBe(0);
    const listed = parseListing(keytool(home, ['-list', '-v', ...common]).stdout);
    const d = pkcs12Codec.decode(readFileSync(file), PASSWORD);
    expect(sortedMap(expectedListing(d.store))).toEqual(sortedMap(listed));
    const t = d.store.entries.find((e) => e.alias === 'trusted mixed');
    expect(t?.type === 'trustedCertEntry' && t.friendlyName).toBe('Trusted Mixed');
    const sec = d.store.entries.find((e) => e.alias === 'sec');
    if (sec?.type !== 'SecretKeyEntry' || sec.secret.form !== 'pkcs12-encrypted') throw new Error('no secret');
    const aes = openPkcs12SecretKey(sec.secret.epki, PASSWORD);
    expect(aes.algorithm).toBe('AES');
    expect(aes.key).toHaveLength(16);
    const pw = d.store.entries.find((e) => e.alias === 'stored pw');
    if (pw?.type !== 'SecretKeyEntry' || pw.secret.form !== 'pkcs12-encrypted') throw new Error('no stored password');
    const stored = openPkcs12SecretKey(pw.secret.epki, PASSWORD);
    expect(stored.algorithm).toMatch(/^PBE/);
    expect(Buffer.from(stored.key).toString('utf8')).toBe('my-secret');
    const gen = d.store.entries.find((e) => e.alias === 'gen key');
    if (gen?.type !== 'PrivateKeyEntry' || gen.key.form !== 'encrypted') throw new Error('no key');
    expect(gen.created).not.toBeNull();
    normalizeKey(decrypt(gen.key.epki, PASSWORD));
  });
});

function decrypt(epki: Uint8Array, password: string): Uint8Array {
  // epki.ts pulls in the JKS/JCEKS protectors; PKCS#12 keys need only the PBE module.
  const { Asn1 } = require('../../src/asn1/der') as typeof import('../../src/asn1/der');
  const { pbeDecrypt } = require('../../src/crypto/pbe') as typeof import('../../src/crypto/pbe');
  const top = Asn1.parse(epki);
  return pbeDecrypt(top.child(0), top.child(1).octets(), password);
}

afterAll(() => {
  if (existsSync(dir)) require('node:fs').rmSync(dir, { recursive: true, force: true });
});

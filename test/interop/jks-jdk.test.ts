/**
 * JKS / JCEKS interop: stores written by ktool are judged by the real keytool 17 and 25 (listing,
 * key recovery through -importkeystore, OpenSSL on the resulting PKCS#12) and by jks-js; and a JDK
 * load+store of every fixture (keytool -storepasswd with the same password) must give exactly the
 * bytes ktool's decode+encode gives.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jceksCodec, jksCodec, openJceksSecretKey, sealJceksPrivateKey, sealJceksSecretKey, sealJksPrivateKey } from '../../src/formats/jks';
import type { Entry, KeyStore } from '../../src/model/keystore';
import { fixturePath, manifest, type ManifestStore, readFixture } from '../helpers/fixtures';
import { JDKS, keytool, openssl, tempDir } from '../helpers/jdk';

const dir = tempDir('jks-interop');
const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}

/** One canonical PKCS#8 form (OpenSSL and the JDK may differ in optional fields). */
const normalizeKey = (key: Uint8Array | string): string => {
  const k = typeof key === 'string' ? createPrivateKey(key) : createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  return createHash('sha256').update(k.export({ format: 'der', type: 'pkcs8' })).digest('hex');
};

const STORES = manifest().stores.filter((s) => s.store_type === 'JKS' || s.store_type === 'JCEKS');
const allEntries = manifest().stores.flatMap((s) => s.entries);

/** Keys of three algorithms from the fixture PEMs, with their chains. */
function pickKey(alg: string): { pkcs8: Uint8Array; chain: Uint8Array[] } {
  const e = allEntries.find((x) => x.key_algorithm === alg && x.private_key_pem && x.chain_pem && x.chain_length > 1)!;
  if (!e) throw new Error(`no ${alg} key with a chain in the fixtures`);
  return {
    pkcs8: pemBlocks(readFileSync(fixturePath(e.private_key_pem!), 'utf8'), 'PRIVATE KEY')[0],
    chain: pemBlocks(readFileSync(fixturePath(e.chain_pem!), 'utf8'), 'CERTIFICATE'),
  };
}
const trustedPem = allEntries.find((e) => e.entry_type === 'trustedCertEntry' && e.certificates[0].pem)!.certificates[0].pem!;
const TRUSTED = pemBlocks(readFileSync(fixturePath(trustedPem), 'utf8'), 'CERTIFICATE')[0];

const STORE_PW = 'store-pw-1';
interface KeySpec {
  alias: string;
  alg: string;
  keyPw: string;
}
const KEYS: KeySpec[] = [
  { alias: 'rsa-leaf', alg: 'RSA', keyPw: STORE_PW },
  // Non-ASCII alias and a key password of its own.
  { alias: 'schlüssel-ä', alg: 'EC', keyPw: 'other-key-pw' },
  { alias: 'ed25519 key', alg: 'Ed25519', keyPw: STORE_PW },
];
const SECRETS = [
  { alias: 'aes-secret', algorithm: 'AES', key: new Uint8Array(Buffer.from('00112233445566778899aabbccddeeff', 'hex')), keyPw: 'secret-key-pw' },
  { alias: 'stored-pass', algorithm: 'PBEWithMD5AndDES', key: new Uint8Array(Buffer.from('a stored password')), keyPw: STORE_PW },
];
const CREATED = new Date(1_790_000_000_123);

function buildStore(type: 'JKS' | 'JCEKS'): KeyStore {
  const entries: Entry[] = [];
  for (const k of KEYS) {
    const { pkcs8, chain } = pickKey(k.alg);
    const epki = type === 'JKS' ? sealJksPrivateKey(pkcs8, k.keyPw) : sealJceksPrivateKey(pkcs8, k.keyPw);
    entries.push({ type: 'PrivateKeyEntry', alias: k.alias, created: CREATED, key: { form: 'encrypted', epki }, chain });
  }
  entries.push({ type: 'trustedCertEntry', alias: 'trusted-ca', created: CREATED, cert: TRUSTED });
  if (type === 'JCEKS') {
    for (const s of SECRETS) {
      entries.push({ type: 'SecretKeyEntry', alias: s.alias, created: CREATED, secret: { form: 'jceks-sealed', serialized: sealJceksSecretKey(s, s.keyPw) } });
    }
  }
  return { type, entries, protection: { kind: 'keyed-sha1' } };
}

/** alias -> {type, SHA-256 fingerprints in order} from `keytool -list -v`. */
function parseListing(text: string): Map<string, { type: string; sha256: string[] }> {
  const out = new Map<string, { type: string; sha256: string[] }>();
  for (const block of text.split(/^Alias name: /m).slice(1)) {
    const alias = block.slice(0, block.indexOf('\n'));
    const type = /^Entry type: (\S+)/m.exec(block)?.[1] ?? '?';
    const sha256 = [...block.matchAll(/^\s+SHA256: ([0-9A-F:]+)$/gm)].map((m) => m[1]);
    out.set(alias, { type, sha256 });
  }
  return out;
}

function expectedListing(store: KeyStore): Map<string, { type: string; sha256: string[] }> {
  return new Map(
    store.entries.map((e) => [
      e.alias,
      { type: e.type, sha256: (e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : []).map(fingerprint) },
    ]),
  );
}

describe.each([['JKS' as const], ['JCEKS' as const]])('%s written by ktool', (type) => {
  const store = buildStore(type);
  const codec = type === 'JKS' ? jksCodec : jceksCodec;
  const file = join(dir, `ktool.${type.toLowerCase()}`);
  writeFileSync(file, codec.encode(store, STORE_PW));

  test.each(JDKS.map((j) => [j.name, j] as const))('keytool %s -list -v shows the same aliases, types and fingerprints', (_n, jdk) => {
    const r = keytool(jdk.home(), ['-list', '-v', '-keystore', file, '-storetype', type, '-storepass', STORE_PW]);
    expect(r.stderr).not.toMatch(/exception|error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Your keystore contains ${store.entries.length} entr`);
    expect(parseListing(r.stdout)).toEqual(expectedListing(store));
  });

  test.each(JDKS.map((j) => [j.name, j] as const))('keytool %s recovers every private key (-importkeystore to PKCS12, read by openssl)', (name, jdk) => {
    for (const k of KEYS) {
      const p12 = join(dir, `${type}-${name}-${KEYS.indexOf(k)}.p12`);
      const r = keytool(jdk.home(), [
        '-importkeystore', '-noprompt',
        '-srckeystore', file, '-srcstoretype', type, '-srcstorepass', STORE_PW, '-srcalias', k.alias, '-srckeypass', k.keyPw,
        '-destkeystore', p12, '-deststoretype', 'PKCS12', '-deststorepass', 'p12-pass',
      ]);
      expect([k.alias, r.status, r.stderr.match(/error.*/i)?.[0] ?? '']).toEqual([k.alias, 0, '']);
      const pem = openssl(['pkcs12', '-in', p12, '-nodes', '-nocerts', '-passin', 'pass:p12-pass']);
      expect(pem.status).toBe(0);
      const got = pemBlocks(pem.stdout, 'PRIVATE KEY');
      expect(got).toHaveLength(1);
      expect(normalizeKey(got[0])).toBe(normalizeKey(pickKey(k.alg).pkcs8));
    }
  });

  if (type === 'JCEKS') {
    test.each(JDKS.map((j) => [j.name, j] as const))('keytool %s unseals the secret keys (re-sealed by the JDK, opened by ktool)', (name, jdk) => {
      for (const s of SECRETS) {
        const out = join(dir, `secret-${name}-${SECRETS.indexOf(s)}.jceks`);
        const r = keytool(jdk.home(), [
          '-importkeystore', '-noprompt',
          '-srckeystore', file, '-srcstoretype', 'JCEKS', '-srcstorepass', STORE_PW, '-srcalias', s.alias, '-srckeypass', s.keyPw,
          '-destkeystore', out, '-deststoretype', 'JCEKS', '-deststorepass', 'dest-pw', '-destkeypass', 'dest-key-pw',
        ]);
        expect([s.alias, r.status]).toEqual([s.alias, 0]);
        const d = jceksCodec.decode(new Uint8Array(readFileSync(out)), 'dest-pw');
        const e = d.store.entries.find((x) => x.alias === s.alias)!;
        if (e.type !== 'SecretKeyEntry' || e.secret.form !== 'jceks-sealed') throw new Error('expected a sealed secret key');
        const opened = openJceksSecretKey(e.secret.serialized, 'dest-key-pw');
        expect(opened.algorithm).toBe(s.algorithm);
        expect(Buffer.from(opened.key).toString('hex')).toBe(Buffer.from(s.key).toString('hex'));
      }
    });
  }

  if (type === 'JKS') {
    test('jks-js reads it', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const jksjs = require('jks-js') as typeof import('jks-js');
      const parsed = jksjs.parseJks(readFileSync(file), STORE_PW);
      expect(parsed.map((e) => e.alias).sort()).toEqual(store.entries.map((e) => e.alias).sort());
      for (const k of KEYS) {
        const e = parsed.find((x) => x.alias === k.alias)!;
        if (!('protectedPrivateKey' in e)) throw new Error('expected a key entry');
        expect(e.chain.map((c) => fingerprint(c.value))).toEqual(pickKey(k.alg).chain.map(fingerprint));
        // jks-js only knows RSA and EC key formats (it throws on Ed25519 after a successful recovery).
        if (k.alg === 'RSA' || k.alg === 'EC') expect(normalizeKey(jksjs.decrypt(e.protectedPrivateKey, k.keyPw))).toBe(normalizeKey(pickKey(k.alg).pkcs8));
      }
    });
  }
});

describe('a JDK load+store of every fixture equals ktool decode+encode', () => {
  const cases = STORES.flatMap((s) => JDKS.map((j) => [s.file, j.name, s, j] as const));
  test.each(cases)('%s with keytool %s -storepasswd (same password)', (_f, name, s: ManifestStore, jdk) => {
    const copy = join(dir, `${name}-${s.file.replace(/\W/g, '_')}`);
    copyFileSync(fixturePath(s.file), copy);
    const r = keytool(jdk.home(), ['-storepasswd', '-keystore', copy, '-storetype', s.store_type, '-storepass', s.store_password!, '-new', s.store_password!]);
    expect(r.status).toBe(0);
    const codec = s.store_type === 'JKS' ? jksCodec : jceksCodec;
    const ours = codec.encode(codec.decode(readFixture(s.file), s.store_password).store, s.store_password);
    expect(Buffer.from(ours).equals(readFileSync(copy))).toBe(true);
  });
});

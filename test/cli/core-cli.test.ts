/**
 * The issue-2 commands end to end through the built binary: list (text and JSON) against every fixture,
 * convert between every type and profile judged by the real keytool 17 and 25 and openssl, import of PEM
 * material, export, and the error paths (one line, distinct exit code, no stack trace, no write).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createPrivateKey } from 'node:crypto';
import { manifest, fixturePath, type ManifestStore } from '../helpers/fixtures';
import { JDKS, keytool, openssl, tempDir } from '../helpers/jdk';
import { ktool, entriesIn, fingerprintsIn } from '../helpers/cli';

const SAMPLES = path.resolve(__dirname, '../../samples');
const work = tempDir('core-cli');

const passArgs = (s: ManifestStore) => (s.store_password === null ? [] : ['--storepass', s.store_password]);
const expectedFingerprints = (s: ManifestStore) => s.entries.flatMap((e) => e.certificates.map((c) => c.sha256)).sort();

function copyFixture(s: ManifestStore): string {
  const dest = path.join(work, `${Math.random().toString(36).slice(2)}-${path.basename(s.file)}`);
  fs.copyFileSync(fixturePath(s.file), dest);
  return dest;
}

describe('ktool list', () => {
  test.each(manifest().stores.map((s) => [s.file, s] as const))('%s: --json matches the manifest', (_f, s) => {
    const r = ktool(['list', fixturePath(s.file), ...passArgs(s), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.storeType).toBe(s.store_type);
    // A password-less PKCS#12 has no MAC: nothing was checked, and the JSON says so.
    expect(json.integrityChecked).toBe(s.store_password !== null);
    expect(json.entries.map((e: { alias: string }) => e.alias)).toEqual(s.entries.map((e) => e.alias));
    // Every field of the documented schema, pinned against what the JDK reported for the fixture.
    const iso = (t: string) => new Date(t).toISOString();
    // The manifest has X500Principal.toString() ("CN=a, O=b"); the JSON has RFC 2253 ("CN=a,O=b").
    // Attribute types outside RFC 2253's keywords: toString() says "SERIALNUMBER=text" / "OID.n=text",
    // getName(RFC2253) "n=#hex" (the value's DER). Both sides reduced to "n=text" (one-byte lengths here).
    const KEYWORD_OIDS: Record<string, string> = { SERIALNUMBER: '2.5.4.5', EMAILADDRESS: '1.2.840.113549.1.9.1' };
    const rfc2253 = (dn: string) =>
      dn
        .replace(/="([^"]*)"/g, (_, v: string) => `=${v.replace(/([,+;<>\\])/g, '\\$1')}`) // quoted there, escaped here
        .replace(/, (?=[A-Za-z][A-Za-z0-9.]*=)/g, ',')
        .replace(/(?<=^|,)(SERIALNUMBER|EMAILADDRESS|OID\.([\d.]+))=/g, (_, k: string, oid?: string) => `${oid ?? KEYWORD_OIDS[k]}=`);
    const hexValuesAsText = (dn: string) => dn.replace(/=#([0-9a-f]+)/g, (_, hex: string) => `=${Buffer.from(hex, 'hex').subarray(2).toString('utf8')}`);
    json.entries.forEach((e: Record<string, unknown> & { certificates: Record<string, unknown>[] }, i: number) => {
      const m = s.entries[i];
      expect(Object.keys(e).sort()).toEqual(['alias', 'certificates', 'created', 'keyAlgorithm', 'keySize', 'type', ...(m.curve ? ['curve'] : [])].sort());
      expect(e.type).toBe(m.entry_type);
      expect(e.created).toBe(m.creation_date_persisted ? new Date(m.creation_time_ms).toISOString() : null);
      expect(e.curve).toBe(m.curve ?? undefined);
      expect(e.certificates.map((c) => [hexValuesAsText(c.subject as string), hexValuesAsText(c.issuer as string), c.serial, c.notBefore, c.notAfter, c.sha1, c.sha256, c.signatureAlgorithm, c.publicKeyAlgorithm, c.publicKeySize])).toEqual(
        m.certificates.map((c) => [rfc2253(c.subject), rfc2253(c.issuer), c.serial_hex, iso(c.not_before), iso(c.not_after), c.sha1, c.sha256, c.sig_alg, c.public_key_algorithm, c.public_key_bits]),
      );
      for (const c of e.certificates) expect(Object.keys(c).sort()).toEqual(['isCA', 'issuer', 'notAfter', 'notBefore', 'publicKeyAlgorithm', 'publicKeySize', 'san', 'serial', 'sha1', 'sha256', 'signatureAlgorithm', 'subject', 'version'].sort());
      if (m.entry_type === 'PrivateKeyEntry' || (m.entry_type === 'SecretKeyEntry' && m.key_password === s.store_password)) {
        expect([e.keyAlgorithm, e.keySize]).toEqual([m.key_algorithm, m.key_size]);
      } else if (m.entry_type === 'SecretKeyEntry') {
        expect([e.keyAlgorithm, e.keySize]).toEqual([null, null]); // its own password: not opened
      }
    });
  });

  test.each(manifest().stores.filter((s) => s.written_by.jdk !== '25' && s.entries.every((e) => e.creation_date_persisted)).map((s) => [s.file, s] as const))(
    '%s: -v text equals keytool 17 -list -v line for line',
    (_f, s) => {
      const r = ktool(['list', fixturePath(s.file), ...passArgs(s), '-v'], { cwd: path.dirname(fixturePath(s.file)) });
      expect(r.status).toBe(0);
      const expected = fs.readFileSync(fixturePath(s.listing), 'utf8');
      expect(r.stdout).toBe(expected);
    },
  );

  test('a JKS lists without its password, with a note that integrity was not checked', () => {
    const s = manifest().stores.find((x) => x.store_type === 'JKS')!;
    const r = ktool(['list', fixturePath(s.file), '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).integrityChecked).toBe(false);
    const t = ktool(['list', fixturePath(s.file)]);
    expect(t.status).toBe(0);
    expect(t.stderr).toMatch(/NOT verified/);
  });

  test('a password-less PKCS12 lists with no password at all', () => {
    const s = manifest().stores.find((x) => x.store_password === null)!;
    const r = ktool(['list', fixturePath(s.file), '--json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.protection.passwordless).toBe(true);
    expect(json.protection.mac).toBeNull();
    expect(json.entries).toHaveLength(s.entries.length);
  });

  test('passwords from the environment and from a file', () => {
    const s = manifest().stores.find((x) => x.store_type === 'PKCS12' && x.store_password)!;
    const pwFile = path.join(work, 'pw.txt');
    fs.writeFileSync(pwFile, `${s.store_password}\n`);
    expect(ktool(['list', fixturePath(s.file), '--storepass-env', 'KT_PW', '--json'], { env: { KT_PW: s.store_password! } }).status).toBe(0);
    expect(ktool(['list', fixturePath(s.file), '--storepass-file', pwFile, '--json']).status).toBe(0);
    expect(ktool(['list', fixturePath(s.file), '--storepass-stdin', '--json'], { input: `${s.store_password}\n` }).status).toBe(0);
  });
});

describe('ktool convert, judged by keytool 17 and 25', () => {
  const sources = manifest().stores.filter((s) => s.store_password !== null && s.written_by.tool === 'keytool' && !s.file.includes('cacerts'));
  const targets: [string, string[]][] = [
    ['jks', ['--desttype', 'JKS', '--skip-unsupported']],
    ['jceks', ['--desttype', 'JCEKS']],
    ['p12', ['--desttype', 'PKCS12']],
    ['legacy.p12', ['--profile', 'legacy-3des']],
  ];
  for (const s of sources) {
    for (const [ext, args] of targets) {
      test(`${path.basename(s.file)} -> ${ext}`, () => {
        const out = path.join(work, `${path.basename(s.file)}.${ext}`);
        const keyPw = s.entries.filter((e) => e.key_password && e.key_password !== s.store_password).flatMap((e) => ['--keypass-for', `${e.alias}=${e.key_password}`]);
        const r = ktool(['convert', fixturePath(s.file), out, '--storepass', s.store_password!, ...keyPw, ...args]);
        expect(r.stderr.replace(/^ktool: skipped.*\n/gm, '').replace(/^ktool: warning: a non-ASCII.*\n/gm, '')).toBe('');
        expect(r.status).toBe(0);
        const kept = s.entries.filter((e) => !(ext === 'jks' && e.entry_type === 'SecretKeyEntry'));
        for (const jdk of JDKS) {
          const l = keytool(jdk.home(), ['-list', '-v', '-keystore', out, '-storepass', s.store_password!]);
          expect(l.status).toBe(0);
          expect(fingerprintsIn(l.stdout)).toEqual(kept.flatMap((e) => e.certificates.map((c) => c.sha256)).sort());
          const types = entriesIn(l.stdout);
          for (const e of kept) expect(types.get(e.alias)).toBe(e.entry_type);
        }
      });
    }
  }

  test('keys survive: ktool PKCS12 -> keytool -importkeystore -> openssl -nodes gives the same key bytes', () => {
    const s = manifest().stores.find((x) => x.file.includes('jks17-keypass'))!;
    const out = path.join(work, 'keys.p12');
    const keyPw = s.entries.filter((e) => e.key_password).flatMap((e) => ['--keypass-for', `${e.alias}=${e.key_password}`]);
    expect(ktool(['convert', fixturePath(s.file), out, '--storepass', s.store_password!, ...keyPw]).status).toBe(0);
    for (const jdk of JDKS) {
      const viaJdk = path.join(work, `viajdk-${jdk.name}.p12`);
      const imp = keytool(jdk.home(), ['-importkeystore', '-srckeystore', out, '-srcstorepass', s.store_password!, '-destkeystore', viaJdk, '-deststoretype', 'PKCS12', '-deststorepass', 'another1', '-noprompt']);
      expect(imp.status).toBe(0);
      const o = openssl(['pkcs12', '-in', viaJdk, '-nodes', '-nocerts', '-passin', 'pass:another1']);
      expect(o.status).toBe(0);
      const keys = [...o.stdout.matchAll(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g)].map((m) =>
        createHash('sha256').update(createPrivateKey(m[0]).export({ format: 'der', type: 'pkcs8' })).digest('hex'),
      );
      const expected = s.entries.filter((e) => e.pkcs8_sha256).map((e) => e.pkcs8_sha256!);
      // openssl re-encodes through its own PKCS#8 writer; compare through the same normalisation.
      const normalized = s.entries
        .filter((e) => e.private_key_pem)
        .map((e) => createHash('sha256').update(createPrivateKey(fs.readFileSync(fixturePath(e.private_key_pem!))).export({ format: 'der', type: 'pkcs8' })).digest('hex'));
      expect(keys.sort()).toEqual(normalized.sort());
      expect(expected.length).toBe(normalized.length);
    }
  });

  test('to PEM and back: keys and certificates unchanged', () => {
    const s = manifest().stores.find((x) => x.file.includes('jks17-basic'))!;
    const pem = path.join(work, 'basic.pem');
    expect(ktool(['convert', fixturePath(s.file), pem, '--storepass', s.store_password!]).status).toBe(0);
    expect(fs.statSync(pem).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(pem, 'utf8');
    expect((text.match(/BEGIN PRIVATE KEY/g) ?? []).length).toBe(s.entries.filter((e) => e.entry_type === 'PrivateKeyEntry').length);
  });
});

describe('ktool import and export', () => {
  test('PEM key + chain -> JKS and PKCS12, listed by keytool 17 and 25; re-import is a no-op', () => {
    for (const [name, type] of [['server.jks', 'JKS'], ['server.p12', 'PKCS12']]) {
      const store = path.join(work, name);
      const args = ['import', store, '--key', path.join(SAMPLES, 'server.key'), '--cert', path.join(SAMPLES, 'server-chain.pem'), '--alias', 'DB-Server', '--storepass', 'changeit'];
      const r = ktool(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/added: db-server/);
      expect(fs.statSync(store).mode & 0o777).toBe(0o600);
      for (const jdk of JDKS) {
        const l = keytool(jdk.home(), ['-list', '-v', '-keystore', store, '-storepass', 'changeit']);
        expect(l.status).toBe(0);
        expect(l.stdout).toContain(`Keystore type: ${type}`);
        expect(entriesIn(l.stdout).get('db-server')).toBe('PrivateKeyEntry');
        expect(l.stdout).toMatch(/Certificate chain length: 2/);
      }
      const before = fs.readFileSync(store);
      const again = ktool([...args, '--json']);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, changes: [{ alias: 'db-server', action: 'unchanged' }] });
      expect(fs.readFileSync(store).equals(before)).toBe(true);
    }
  });

  test('a CA bundle becomes a PKCS12 truststore that Java sees in full', () => {
    const store = path.join(work, 'trust.p12');
    const r = ktool(['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).changes.filter((c: { action: string }) => c.action === 'added')).toHaveLength(2);
    for (const jdk of JDKS) {
      const l = keytool(jdk.home(), ['-list', '-keystore', store, '-storepass', 'changeit']);
      expect(l.stdout).toMatch(/Your keystore contains 2 entries/);
    }
    const again = ktool(['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit', '--json']);
    expect(JSON.parse(again.stdout).changed).toBe(false);
  });

  test('export: certificate, chain and key', () => {
    const store = path.join(work, 'exp.p12');
    expect(ktool(['import', store, '--key', path.join(SAMPLES, 'server.key'), '--cert', path.join(SAMPLES, 'server-chain.pem'), '--alias', 'srv', '--storepass', 'pw123456']).status).toBe(0);
    const chain = ktool(['export', store, '--alias', 'srv', '--chain', '--storepass', 'pw123456']);
    expect(chain.status).toBe(0);
    expect(chain.stdout.replace(/\r/g, '')).toBe(fs.readFileSync(path.join(SAMPLES, 'server-chain.pem'), 'utf8'));
    const key = ktool(['export', store, '--alias', 'srv', '--key', '--storepass', 'pw123456']);
    expect(key.status).toBe(0);
    const a = createPrivateKey(key.stdout).export({ format: 'der', type: 'pkcs8' });
    const b = createPrivateKey(fs.readFileSync(path.join(SAMPLES, 'server.key'))).export({ format: 'der', type: 'pkcs8' });
    expect(Buffer.compare(a, b)).toBe(0);
    const enc = path.join(work, 'srv.key.pem');
    expect(ktool(['export', store, '--alias', 'srv', '--key', '--storepass', 'pw123456', '--out', enc, '--out-keypass', 'secret!']).status).toBe(0);
    expect(fs.statSync(enc).mode & 0o777).toBe(0o600);
    expect(openssl(['pkey', '-in', enc, '-passin', 'pass:secret!', '-noout']).status).toBe(0);
  });
});

describe('errors: one line, distinct exit code, no stack trace, no write', () => {
  const jks = () => manifest().stores.find((s) => s.store_type === 'JKS' && s.file.includes('jks17-basic'))!;
  const p12 = () => manifest().stores.find((s) => s.file.includes('p12-17-default'))!;

  function expectOneLineError(r: { status: number; stderr: string; stdout: string }, status: number, pattern: RegExp) {
    expect(r.status).toBe(status);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }

  test('wrong store password', () => {
    expectOneLineError(ktool(['list', fixturePath(jks().file), '--storepass', 'wrong-pw']), 4, /tampered with, or password was incorrect/);
    expectOneLineError(ktool(['list', fixturePath(p12().file), '--storepass', 'wrong-pw']), 4, /tampered with, or password was incorrect/);
  });

  test('wrong key password', () => {
    const s = manifest().stores.find((x) => x.file.includes('jks17-keypass'))!;
    const e = s.entries.find((x) => x.key_password && x.key_password !== s.store_password)!;
    const out = path.join(work, 'never.p12');
    const r = ktool(['export', fixturePath(s.file), '--alias', e.alias, '--key', '--storepass', s.store_password!, '--keypass', 'nope', '--out', out]);
    expectOneLineError(r, 3, new RegExp(`${e.alias}.*wrong key password`));
    expect(fs.existsSync(out)).toBe(false);
  });

  test('one flipped byte, a truncated file, a non-keystore file', () => {
    const src = fs.readFileSync(fixturePath(jks().file));
    const flipped = Buffer.from(src);
    flipped[Math.floor(src.length / 2)] ^= 0x01;
    const f1 = path.join(work, 'flipped.jks');
    fs.writeFileSync(f1, flipped);
    const r1 = ktool(['list', f1, '--storepass', jks().store_password!]);
    expect([4, 5]).toContain(r1.status);
    expectOneLineError(r1, r1.status, /flipped\.jks/);
    const f2 = path.join(work, 'truncated.p12');
    fs.writeFileSync(f2, fs.readFileSync(fixturePath(p12().file)).subarray(0, 700));
    expectOneLineError(ktool(['list', f2, '--storepass', p12().store_password!]), 5, /truncated\.p12/);
    expectOneLineError(ktool(['list', path.join(SAMPLES, 'server-chain.pem'), '--storepass', 'x']), 5, /not a keystore/);
    expectOneLineError(ktool(['list', path.join(work, 'missing.jks'), '--storepass', 'x']), 6, /does not exist/);
  });

  test('an entry the target cannot hold, and an unknown alias', () => {
    const s = manifest().stores.find((x) => x.store_type === 'JCEKS')!;
    const out = path.join(work, 'nosecrets.jks');
    const r = ktool(['convert', fixturePath(s.file), out, '--storepass', s.store_password!]);
    expectOneLineError(r, 8, /JKS cannot hold secret keys/);
    expect(fs.existsSync(out)).toBe(false);
    expectOneLineError(ktool(['export', fixturePath(jks().file), '--alias', 'no-such-alias', '--storepass', jks().store_password!]), 6, /no-such-alias/);
  });

  test('a failed import leaves the store untouched', () => {
    const store = path.join(work, 'untouched.p12');
    expect(ktool(['import', store, '--cert', path.join(SAMPLES, 'root-ca.pem'), '--alias', 'ca', '--storepass', 'changeit']).status).toBe(0);
    const before = fs.readFileSync(store);
    const r = ktool(['import', store, '--cert', path.join(SAMPLES, 'intermediate-ca.pem'), '--alias', 'ca', '--storepass', 'changeit']);
    expectOneLineError(r, 7, /alias <ca> already exists/);
    expect(fs.readFileSync(store).equals(before)).toBe(true);
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

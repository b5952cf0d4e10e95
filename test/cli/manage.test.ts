/**
 * The store-management verbs end to end through the built binary: delete, rename, passwd, import-store
 * (every conflict policy), truststore, inspect. The real keytool 17 and 25 judge the files ktool writes
 * (aliases, entry types, fingerprints, key recovery). Also: idempotence (re-runs are "unchanged" and leave
 * the bytes alone), --dry-run, --backup, file modes, and 20 concurrent writers on one store.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { manifest, fixturePath, type ManifestStore } from '../helpers/fixtures';
import { JDK17_HOME, JDK25_HOME, keytool, openssl, opensslIn, tempDir } from '../helpers/jdk';
import { KTOOL_BIN, ktool, entriesIn, fingerprintsIn } from '../helpers/cli';

const SAMPLES = path.resolve(__dirname, '../../samples');
const work = tempDir('manage');
const EXIT = { USAGE: 2, NOT_FOUND: 6, EXISTS: 7, UNSUPPORTED: 8 };

const fixture = (name: string): ManifestStore => manifest().stores.find((s) => path.basename(s.file) === name)!;
let n = 0;
function copy(name: string): string {
  const dest = path.join(work, `${++n}-${name}`);
  fs.copyFileSync(fixturePath(fixture(name).file), dest);
  fs.chmodSync(dest, 0o644);
  return dest;
}
const bytes = (f: string) => fs.readFileSync(f);

/** keytool -list -v: alias -> entry type, and all SHA-256 fingerprints. */
function judge(jdk: '17' | '25', file: string, storepass: string) {
  const r = keytool(jdk === '17' ? JDK17_HOME() : JDK25_HOME(), ['-list', '-v', '-keystore', file, '-storepass', storepass]);
  expect(r.stderr.replace(/^Warning:[\s\S]*$/m, '')).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  return { entries: entriesIn(r.stdout), fingerprints: fingerprintsIn(r.stdout), text: r.stdout };
}

const manifestFingerprints = (s: ManifestStore, skip: (alias: string) => boolean = () => false) =>
  s.entries.filter((e) => !skip(e.alias)).flatMap((e) => e.certificates.map((c) => c.sha256)).sort();

function ok(args: string[], opts: Parameters<typeof ktool>[1] = {}) {
  const r = ktool(args, opts);
  if (r.status !== 0) throw new Error(`ktool ${args.join(' ')} -> ${r.status}\n${r.stderr}${r.stdout}`);
  return r;
}
const json = (args: string[], opts: Parameters<typeof ktool>[1] = {}) => JSON.parse(ok([...args, '--json'], opts).stdout);

describe('delete', () => {
  test('JKS: entry gone for keytool 17; re-run --if-exists is unchanged with identical bytes; unknown alias is NOT_FOUND', () => {
    const s = fixture('jks17-basic.jks');
    const f = copy('jks17-basic.jks');
    const r = json(['delete', f, 'root-ca', '--storepass', 'changeit']);
    expect(r).toMatchObject({ changed: true, changes: [{ alias: 'root-ca', action: 'deleted' }] });
    const k = judge('17', f, 'changeit');
    expect([...k.entries.keys()].sort()).toEqual(s.entries.map((e) => e.alias).filter((a) => a !== 'root-ca').sort());
    // Root CA 17 is still in two chains, so compare per entry: the trusted entry's certificate went once.
    expect(k.fingerprints).toEqual(manifestFingerprints(s, (a) => a === 'root-ca'));

    const before = bytes(f);
    const again = ok(['delete', f, 'root-ca', '--storepass', 'changeit', '--if-exists']);
    expect(again.stdout).toMatch(/unchanged/);
    expect(bytes(f).equals(before)).toBe(true);

    const missing = ktool(['delete', f, 'root-ca', '--storepass', 'changeit']);
    expect(missing.status).toBe(EXIT.NOT_FOUND);
    expect(missing.stderr).toMatch(/root-ca/);
    expect(bytes(f).equals(before)).toBe(true);
  });

  test('PKCS12 with secret keys: keytool 25 sees the rest, password from the environment', () => {
    const s = fixture('p12-17-default.p12');
    const f = copy('p12-17-default.p12');
    ok(['delete', f, 'aes-128', 'issuing-ca', '--storepass-env', 'KT_PW'], { env: { KT_PW: s.store_password! } });
    const k = judge('25', f, s.store_password!);
    expect([...k.entries.keys()].sort()).toEqual(['ec p521 chain3', 'ed448-selfsigned', 'hmac-sha256', 'root-ca']);
    expect(k.entries.get('hmac-sha256')).toBe('SecretKeyEntry');
  });

  test('--dry-run writes nothing and leaves no lock; --exit-code-changed', () => {
    const f = copy('jks17-keypass.jks');
    const before = bytes(f);
    const r = ktool(['delete', f, 'issuing-ca', '--storepass', 'store-pass-17', '--dry-run', '--json', '--exit-code-changed', '3']);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, dryRun: true });
    expect(bytes(f).equals(before)).toBe(true);
    expect(fs.readdirSync(work).filter((x) => x.includes('jks17-keypass.jks.'))).toEqual([]);
    // unchanged: status 0 even with --exit-code-changed
    expect(ktool(['delete', f, 'nope', '--if-exists', '--storepass', 'store-pass-17', '--exit-code-changed', '3']).status).toBe(0);
  });

  test('a store with keys needs its password (no default); a wrong one is an integrity failure', () => {
    const f = copy('jks17-basic.jks');
    const before = bytes(f);
    expect(ktool(['delete', f, 'root-ca']).status).toBe(EXIT.USAGE);
    expect(ktool(['delete', f, 'root-ca', '--storepass', 'wrong-pass']).status).toBe(4);
    expect(bytes(f).equals(before)).toBe(true);
  });
});

describe('rename', () => {
  test('JCEKS: keytool 17 sees the new alias; re-run unchanged; EXISTS and NOT_FOUND', () => {
    const s = fixture('jceks17-secrets.jceks');
    const f = copy('jceks17-secrets.jceks');
    const pw = s.store_password!;
    const r = json(['rename', f, 'root-ca', 'Trust-Anchor', '--storepass', pw]);
    expect(r.changes).toEqual([{ alias: 'trust-anchor', from: 'root-ca', action: 'renamed' }]);
    const k = judge('17', f, pw);
    expect(k.entries.get('trust-anchor')).toBe('trustedCertEntry');
    expect(k.entries.has('root-ca')).toBe(false);
    expect(k.fingerprints).toEqual(manifestFingerprints(s));

    const before = bytes(f);
    expect(json(['rename', f, 'root-ca', 'Trust-Anchor', '--storepass', pw]).changed).toBe(false);
    expect(bytes(f).equals(before)).toBe(true);
    expect(ktool(['rename', f, 'aes-256', 'trust-anchor', '--storepass', pw]).status).toBe(EXIT.EXISTS);
    expect(ktool(['rename', f, 'no-such', 'other', '--storepass', pw]).status).toBe(EXIT.NOT_FOUND);
    expect(bytes(f).equals(before)).toBe(true);
  });

  test('PKCS12: key and trusted entries renamed, keytool 25 agrees', () => {
    const s = fixture('p12-25-default.p12');
    const f = copy('p12-25-default.p12');
    const pw = s.store_password!;
    ok(['rename', f, 'root-ca-25', 'My-Root', '--storepass', pw]);
    ok(['rename', f, 'rsa-4096', 'server key', '--storepass', pw]);
    const k = judge('25', f, pw);
    const aliases = [...k.entries.keys()].map((a) => a.toLowerCase()).sort();
    expect(aliases).toEqual(['aes-256', 'ec-p256-chain3', 'ed25519-chain2', 'hmac key', 'my-root', 'server key']);
    expect(k.fingerprints).toEqual(manifestFingerprints(s));
    expect(json(['list', f, '--storepass', pw]).entries.find((e: { alias: string }) => e.alias === 'server key').type).toBe('PrivateKeyEntry');
  });
});

describe('passwd', () => {
  test('PKCS12 store password: keys re-encrypted (keytool 17 recovers a key with the new password); re-run unchanged', () => {
    const s = fixture('p12-17-default.p12');
    const f = copy('p12-17-default.p12');
    const pwFile = path.join(work, 'newpw.txt');
    fs.writeFileSync(pwFile, 'brand-new-pass\n');
    const r = json(['passwd', f, '--storepass', s.store_password!, '--new-storepass-file', pwFile]);
    expect(r.changed).toBe(true);
    const k = judge('17', f, 'brand-new-pass');
    expect(k.entries.size).toBe(s.entries.length);
    expect(k.fingerprints).toEqual(manifestFingerprints(s));
    const csr = keytool(JDK17_HOME(), ['-certreq', '-alias', 'ec p521 chain3', '-keystore', f, '-storepass', 'brand-new-pass']);
    expect(csr.stdout + csr.stderr).toMatch(/BEGIN NEW CERTIFICATE REQUEST/);

    const before = bytes(f);
    expect(json(['passwd', f, '--storepass', s.store_password!, '--new-storepass-file', pwFile]).changed).toBe(false);
    expect(bytes(f).equals(before)).toBe(true);
    expect(ktool(['list', f, '--storepass', s.store_password!]).status).toBe(4);
  });

  test('JKS key password with --alias (password from stdin); PKCS12 --alias is UNSUPPORTED', () => {
    const s = fixture('jks17-keypass.jks');
    const f = copy('jks17-keypass.jks');
    ok(['passwd', f, '--alias', 'dsa-2048', '--storepass', s.store_password!, '--keypass', 'dsa-key-pass', '--new-keypass-stdin'], { input: 'new-dsa-pass\n' });
    const csr = keytool(JDK17_HOME(), ['-certreq', '-alias', 'dsa-2048', '-keystore', f, '-storepass', s.store_password!, '-keypass', 'new-dsa-pass']);
    expect(csr.stdout + csr.stderr).toMatch(/BEGIN NEW CERTIFICATE REQUEST/);
    const before = bytes(f);
    const again = ok(['passwd', f, '--alias', 'dsa-2048', '--storepass', s.store_password!, '--keypass', 'dsa-key-pass', '--new-keypass', 'new-dsa-pass']);
    expect(again.stdout).toMatch(/unchanged/);
    expect(bytes(f).equals(before)).toBe(true);
    expect(ktool(['passwd', f, '--alias', 'missing', '--storepass', s.store_password!, '--new-keypass', 'x-pass-x']).status).toBe(EXIT.NOT_FOUND);

    const p = copy('p12-17-legacy.p12');
    expect(ktool(['passwd', p, '--alias', 'rsa-2048', '--storepass', 'legacy-pass-17', '--new-keypass', 'other-pass']).status).toBe(EXIT.UNSUPPORTED);
  });
});

describe('import-store', () => {
  // Source: jks25-mixed with its root renamed to collide with jks17-basic's (different certificate).
  const src = path.join(work, 'src-25.jks');
  beforeAll(() => {
    fs.copyFileSync(fixturePath(fixture('jks25-mixed.jks').file), src);
    ok(['rename', src, 'root-ca-25', 'root-ca', '--storepass', 'jks25-store']);
  });
  const root17 = () => fixture('jks17-basic.jks').entries.find((e) => e.alias === 'root-ca')!.certificates[0].sha256;
  const root25 = () => fixture('jks25-mixed.jks').entries.find((e) => e.alias === 'root-ca-25')!.certificates[0].sha256;
  const run = (dest: string, policy: string, extra: string[] = []) =>
    ktool(['import-store', src, dest, '--storepass', 'jks25-store', '--deststorepass', 'changeit', '--on-conflict', policy, ...extra]);
  const rootOf = (listing: string, alias: string) => new RegExp(`Alias name: ${alias}\\n[\\s\\S]*?SHA256: ([0-9A-F:]+)`).exec(listing)![1];

  test('fail: EXISTS, nothing written', () => {
    const dest = copy('jks17-basic.jks');
    const before = bytes(dest);
    const r = run(dest, 'fail');
    expect(r.status).toBe(EXIT.EXISTS);
    expect(r.stderr).toMatch(/root-ca/);
    expect(bytes(dest).equals(before)).toBe(true);
  });

  test('skip: the other entries arrive, the destination root stays', () => {
    const dest = copy('jks17-basic.jks');
    const r = JSON.parse(run(dest, 'skip', ['--json']).stdout);
    expect(r.changes.find((c: { alias: string }) => c.alias === 'root-ca').action).toBe('skipped');
    const k = judge('17', dest, 'changeit');
    expect(k.entries.size).toBe(7);
    expect(rootOf(k.text, 'root-ca')).toBe(root17());
  });

  test('overwrite: the source root replaces it (keytool 25)', () => {
    const dest = copy('jks17-basic.jks');
    expect(run(dest, 'overwrite').status).toBe(0);
    const k = judge('25', dest, 'changeit');
    expect(k.entries.size).toBe(7);
    expect(rootOf(k.text, 'root-ca')).toBe(root25());
  });

  test('rename: the source root arrives as root-ca-2; a re-run is unchanged with identical bytes', () => {
    const dest = copy('jks17-basic.jks');
    expect(run(dest, 'rename').status).toBe(0);
    const k = judge('17', dest, 'changeit');
    expect(k.entries.size).toBe(8);
    expect(k.entries.get('root-ca-2')).toBe('trustedCertEntry');
    expect(rootOf(k.text, 'root-ca-2')).toBe(root25());
    expect(k.entries.get('ed25519-selfsigned')).toBe('PrivateKeyEntry');
    const before = bytes(dest);
    const again = JSON.parse(run(dest, 'rename', ['--json']).stdout);
    expect(again.changed).toBe(false);
    expect(bytes(dest).equals(before)).toBe(true);
  });

  test('PKCS12 into a new JKS: keys re-sealed and recoverable by keytool, secret keys skipped, mode 0600', () => {
    const s = fixture('p12-17-default.p12');
    const dest = path.join(work, 'from-p12.jks');
    const r = JSON.parse(ok(['import-store', fixturePath(s.file), dest, '--storepass', s.store_password!, '--deststorepass', 'new-jks-pass', '--json']).stdout);
    expect(r.changes.filter((c: { action: string }) => c.action === 'skipped').map((c: { alias: string }) => c.alias).sort()).toEqual(['aes-128', 'hmac-sha256']);
    expect(fs.statSync(dest).mode & 0o777).toBe(0o600);
    const k = judge('17', dest, 'new-jks-pass');
    expect([...k.entries.keys()].sort()).toEqual(['ec p521 chain3', 'ed448-selfsigned', 'issuing-ca', 'root-ca']);
    const csr = keytool(JDK17_HOME(), ['-certreq', '-alias', 'ec p521 chain3', '-keystore', dest, '-storepass', 'new-jks-pass', '-keypass', s.store_password!]);
    expect(csr.stdout + csr.stderr).toMatch(/BEGIN NEW CERTIFICATE REQUEST/);
    // One alias only, into an existing PKCS12 (--alias), unknown source alias NOT_FOUND
    const p = copy('p12-17-legacy.p12');
    ok(['import-store', dest, p, '--alias', 'issuing-ca', '--storepass', 'new-jks-pass', '--deststorepass', 'legacy-pass-17']);
    expect(judge('25', p, 'legacy-pass-17').entries.get('issuing-ca')).toBe('trustedCertEntry');
    expect(ktool(['import-store', dest, p, '--alias', 'nope', '--storepass', 'new-jks-pass', '--deststorepass', 'legacy-pass-17']).status).toBe(EXIT.NOT_FOUND);
  });
});

describe('truststore', () => {
  const dir = path.join(work, 'certdir');
  const bundleCount = (f: string) => (fs.readFileSync(f, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length;
  beforeAll(() => {
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(SAMPLES, 'root-ca.pem'), path.join(dir, 'root.pem'));
    fs.copyFileSync(path.join(SAMPLES, 'server-chain.pem'), path.join(dir, 'server-chain.crt'));
    fs.copyFileSync(path.join(SAMPLES, 'server.key'), path.join(dir, 'server.key'));
    fs.writeFileSync(path.join(dir, 'README'), 'not a certificate\n');
    const der = openssl(['x509', '-in', path.join(SAMPLES, 'intermediate-ca.pem'), '-outform', 'DER']);
    fs.writeFileSync(path.join(dir, 'intermediate.der'), der.stdoutBytes);
  });

  /** Distinct certificates among the PEM inputs. */
  function distinct(...files: string[]): Set<string> {
    const out = new Set<string>();
    for (const f of files) for (const m of fs.readFileSync(f, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) out.add(new X509Certificate(m[0]).fingerprint256);
    return out;
  }

  test('bundle + directory + store + cacerts: deduplicated, deterministic aliases, keytool 17 lists every certificate', () => {
    const out = path.join(work, 'trust.p12');
    const args = ['--from', path.join(SAMPLES, 'ca-bundle.pem'), '--from', dir, '--from', fixturePath('stores/pg-truststore-17.jks'), '--from', 'cacerts'];
    const env = { JAVA_HOME: JDK17_HOME() };
    const r = ktool(['truststore', out, ...args, '--json'], { env });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/changeit/); // the default password notice
    const first = JSON.parse(r.stdout);
    const cacerts = json(['list', path.join(JDK17_HOME(), 'lib/security/cacerts'), '--storepass', 'changeit']).entries.map((e: { certificates: { sha256: string }[] }) => e.certificates[0].sha256);
    const expected = new Set([...distinct(path.join(SAMPLES, 'ca-bundle.pem'), path.join(SAMPLES, 'root-ca.pem'), path.join(SAMPLES, 'server-chain.pem'), path.join(SAMPLES, 'intermediate-ca.pem')), ...cacerts]);
    expected.add(fixture('pg-truststore-17.jks').entries[0].certificates[0].sha256);
    expect(first.entries).toBe(expected.size);
    expect(first.skipped.some((s: { source: string }) => s.source.endsWith('README'))).toBe(true);
    expect(first.skipped.some((s: { reason: string }) => /duplicate/.test(s.reason))).toBe(true);
    for (const a of first.added) expect(a.alias).toMatch(/^[a-z0-9-]+-[0-9a-f]{8}$/);

    const k = judge('17', out, 'changeit');
    expect(k.entries.size).toBe(expected.size);
    expect([...k.entries.values()].every((t) => t === 'trustedCertEntry')).toBe(true);
    expect(new Set(k.fingerprints)).toEqual(expected);

    // The same run again: unchanged, same bytes; a fresh build gives the same aliases.
    const before = bytes(out);
    const again = json(['truststore', out, ...args], { env });
    expect(again.changed).toBe(false);
    expect(again.added).toEqual([]);
    expect(bytes(out).equals(before)).toBe(true);
    const fresh = json(['truststore', path.join(work, 'trust-again.p12'), ...args], { env });
    expect(fresh.added.map((a: { alias: string }) => a.alias).sort()).toEqual(first.added.map((a: { alias: string }) => a.alias).sort());
  });

  test('--drop-expired, --ca-only, --replace; JKS output for keytool 25', () => {
    const out = path.join(work, 'trust.jks');
    const now = Date.now();
    const r = json(['truststore', out, '--from', 'cacerts', '--from', path.join(SAMPLES, 'server-chain.pem'), '--drop-expired', '--ca-only', '--storepass', 'trust-pass']);
    const expired = r.skipped.filter((s: { reason: string }) => /^expired/.test(s.reason));
    expect(expired.length).toBeGreaterThan(0); // the system cacerts carries a few expired roots
    expect(r.skipped.some((s: { source: string; reason: string }) => s.source.includes('server-chain') && /not a CA/.test(s.reason))).toBe(true); // the server leaf
    const listed = json(['list', out, '--storepass', 'trust-pass']).entries;
    expect(listed.every((e: { certificates: { notAfter: string; isCA: boolean }[] }) => Date.parse(e.certificates[0].notAfter) > now && e.certificates[0].isCA)).toBe(true);
    expect(judge('25', out, 'trust-pass').entries.size).toBe(listed.length);

    const replaced = json(['truststore', out, '--from', path.join(SAMPLES, 'ca-bundle.pem'), '--replace', '--storepass', 'trust-pass']);
    expect(replaced.changed).toBe(true);
    expect(replaced.entries).toBe(distinct(path.join(SAMPLES, 'ca-bundle.pem')).size);
    const k = judge('25', out, 'trust-pass');
    expect(k.entries.size).toBe(bundleCount(path.join(SAMPLES, 'ca-bundle.pem')));
    const before = bytes(out);
    expect(json(['truststore', out, '--from', path.join(SAMPLES, 'ca-bundle.pem'), '--replace', '--storepass', 'trust-pass']).changed).toBe(false);
    expect(bytes(out).equals(before)).toBe(true);
  });
});

describe('inspect', () => {
  const stores = ['jks17-basic.jks', 'jceks25-mixed.jceks', 'p12-17-default.p12', 'p12-17-legacy.p12', 'p12-17-passwordless.p12'];
  test.each(stores)('%s: type, protection, compatibility (JSON)', (name) => {
    const s = fixture(name);
    const r = json(['inspect', fixturePath(s.file), ...(s.store_password ? ['--storepass', s.store_password] : [])]);
    expect(r.kind).toBe('keystore');
    expect(r.storeType).toBe(s.store_type);
    expect(r.entries.map((e: { alias: string }) => e.alias).sort()).toEqual(s.entries.map((e) => e.alias).sort());
    const verdict = (reader: string) => r.compatibility.find((v: { reader: string }) => v.reader === reader).ok;
    expect(verdict('JDK 17')).toBe(true);
    if (s.store_type !== 'PKCS12') expect(verdict('OpenSSL 3')).toBe(false);
    if (name === 'p12-17-default.p12') {
      expect(r.protection.profile).toBe('modern');
      expect(verdict('JDK 8 before 8u301')).toBe(false);
      expect(verdict('OpenSSL 3 without legacy provider')).toBe(true);
    }
    if (name === 'p12-17-legacy.p12') {
      expect(verdict('Windows Server 2016 and older')).toBe(true);
      expect(verdict('OpenSSL 3 without legacy provider')).toBe(false);
    }
  });

  test('an OpenSSL certs-only PKCS12: "Java sees 0 entries"', () => {
    const file = fixturePath('stores/openssl-truststore-noattr.p12');
    const r = json(['inspect', file, '--storepass', 'changeit']);
    expect(r.warnings.join('\n')).toMatch(/Java sees 0 entries/);
    const t = ok(['inspect', file, '--storepass', 'changeit']);
    expect(t.stdout).toMatch(/Java sees 0 entries/);
  });

  test('PEM bundle, DER certificate, key + certificates', () => {
    const pem = json(['inspect', path.join(SAMPLES, 'ca-bundle.pem')]);
    expect(pem.kind).toBe('certificates');
    expect(pem.certificates).toHaveLength(bundleCountOf(path.join(SAMPLES, 'ca-bundle.pem')));
    const der = path.join(work, 'root.der');
    fs.writeFileSync(der, openssl(['x509', '-in', path.join(SAMPLES, 'root-ca.pem'), '-outform', 'DER']).stdoutBytes);
    const d = json(['inspect', der]);
    expect(d).toMatchObject({ kind: 'certificates', format: 'DER' });
    expect(d.certificates[0].isCA).toBe(true);
    const mixed = path.join(work, 'mixed.pem');
    fs.writeFileSync(mixed, fs.readFileSync(path.join(SAMPLES, 'server.key'), 'utf8') + fs.readFileSync(path.join(SAMPLES, 'server-chain.pem'), 'utf8'));
    const m = json(['inspect', mixed]);
    expect(m.kind).toBe('mixed');
    expect(m.warnings.join('\n')).not.toMatch(/does not match|matches none/);
    const t = ok(['inspect', fixturePath('stores/jks17-basic.jks'), '--storepass', 'changeit']);
    expect(t.stdout).toMatch(/Readable by:/);
  });
});

describe('inspect warnings', () => {
  let dir: string;
  beforeAll(() => {
    dir = path.join(work, 'inspect-warnings');
    fs.mkdirSync(dir);
    const run = opensslIn(dir);
    // An expired certificate (OpenSSL 3.0 cannot backdate one): ktool genkeypair -startdate, as keytool.
    ok(['genkeypair', path.join(dir, 'old.p12'), '--alias', 'old', '--dname', 'CN=Expired CA', '--keyalg', 'EC', '--startdate', '2020/01/01', '--validity', '30', '--storepass', 'changeit']);
    ok(['export', path.join(dir, 'old.p12'), '--alias', 'old', '--storepass', 'changeit', '--out', path.join(dir, 'expired.pem')]);
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'csr.key', '-out', 'req.csr', '-subj', '/CN=db.example.com']);
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-subj', '/CN=Other', '-days', '30']);
  });

  const warningsOf = (file: string, extra: string[] = []) => json(['inspect', file, ...extra]).warnings.join('\n');

  test('root-first chain, key matching a later certificate, duplicates, expired', () => {
    const chain = fs.readFileSync(path.join(SAMPLES, 'server-chain.pem'), 'utf8');
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
    const rootFirst = path.join(dir, 'root-first.pem');
    fs.writeFileSync(rootFirst, fs.readFileSync(path.join(SAMPLES, 'server.key'), 'utf8') + [...blocks].reverse().join(''));
    const w = warningsOf(rootFirst);
    expect(w).toMatch(/root-first/);
    expect(w).toMatch(/the private key matches certificate #\d+, not the first one/);
    const dup = path.join(dir, 'dup.pem');
    fs.writeFileSync(dup, blocks[0] + blocks[0]);
    expect(warningsOf(dup)).toMatch(/certificate #2 duplicates #1/);
    expect(warningsOf(path.join(dir, 'expired.pem'))).toMatch(/expired/i);
    const mismatch = path.join(dir, 'mismatch.pem');
    fs.writeFileSync(mismatch, fs.readFileSync(path.join(dir, 'other.key'), 'utf8') + blocks[0]);
    expect(warningsOf(mismatch)).toMatch(/the private key matches none of the certificates/);
  });

  test('the same certificate under two aliases of a store', () => {
    const store = path.join(dir, 'twice.p12');
    // `ktool import` deduplicates by SHA-256; keytool syntax adds the copy, as keytool -noprompt does.
    for (const alias of ['first', 'second']) ok(['-importcert', '-keystore', store, '-storepass', 'changeit', '-alias', alias, '-file', path.join(SAMPLES, 'root-ca.pem'), '-noprompt']);
    expect(warningsOf(store, ['--storepass', 'changeit'])).toMatch(/the same certificate is stored under different aliases: first, second/);
  });

  test('a CSR and a CRL are recognised', () => {
    expect(json(['inspect', path.join(dir, 'req.csr')]).kind).toBe('csr');
    ok(['ca', 'init', path.join(dir, 'ca'), '--cn', 'Inspect CA']);
    ok(['crl', 'create', path.join(dir, 'ca'), '--out', path.join(dir, 'ca.crl')]);
    expect(json(['inspect', path.join(dir, 'ca.crl')]).kind).toBe('crl');
  });
});

function bundleCountOf(f: string): number {
  return (fs.readFileSync(f, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length;
}

describe('safe writes', () => {
  test('the original mode is kept, --backup keeps the previous bytes', () => {
    const f = copy('pg-truststore-17.jks');
    fs.chmodSync(f, 0o640);
    const before = bytes(f);
    ok(['rename', f, 'postgres-root-ca', 'pg-root', '--storepass', 'changeit', '--backup']);
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    expect(fs.readFileSync(`${f}.bak`).equals(before)).toBe(true);
    expect(fs.existsSync(`${f}.lock`)).toBe(false);
  });

  test('20 concurrent ktool import processes into one store keep all 20 entries', async () => {
    const certs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = path.join(work, `conc-${i}.pem`);
      const r = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-out', c, '-subj', `/CN=concurrent ${i}`, '-days', '30']);
      expect(r.status).toBe(0);
      certs.push(c);
    }
    const store = path.join(work, 'concurrent.p12');
    const runOne = (c: string) =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, [KTOOL_BIN, 'import', store, '--cert', c, '--storepass', 'conc-pass'], { stdio: 'ignore' });
        p.on('exit', (code) => resolve(code ?? -1));
      });
    const codes = await Promise.all(certs.map(runOne));
    expect(codes).toEqual(certs.map(() => 0));
    const listed = json(['list', store, '--storepass', 'conc-pass']);
    expect(listed.entries).toHaveLength(20);
    expect(fs.readdirSync(work).filter((x) => x.startsWith('.concurrent.p12') || x === 'concurrent.p12.lock')).toEqual([]);
  });
});

/**
 * `ktool jdbc` checks what its output refers to before printing anything: Java stores built by ktool
 * itself (`ktool ca`, `truststore`, `import`), each broken in one way, must fail with one line naming
 * the file and the problem, the documented exit status, and nothing on standard output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ktool } from '../helpers/cli';
import { tempDir } from '../helpers/jdk';

const EXIT = { OK: 0, USAGE: 2, WRONG_PASSWORD: 3, TAMPERED: 4, VERIFY: 11 };
let work: string;
const f = (name: string) => path.join(work, name);

function ok(args: string[]): string {
  const r = ktool(args, { cwd: work });
  if (r.status !== 0) throw new Error(`ktool ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  work = tempDir('jdbc-checks');
  ok(['ca', 'init', f('ca'), '--cn', 'Checks Root CA', '--keyalg', 'EC']);
  ok(['ca', 'issue-server', f('ca'), '--cn', 'db.example.com', '--out-dir', work, '--name', 'server']);
  ok(['ca', 'issue-client', f('ca'), '--cn', 'dbuser1', '--out-dir', work, '--name', 'client']);
  ok(['ca', 'issue-client', f('ca'), '--cn', 'dbuser2', '--out-dir', work, '--name', 'client2']);
  ok(['ca', 'issue-client', f('ca'), '--cn', 'dbuser1', '--out-dir', work, '--name', 'client-enc', '--key-pass', 'key-pp']);
  ok(['truststore', f('trust.p12'), '--from', f('ca/ca.cert.pem'), '--storepass', 'changeit']);
  // A "truststore" holding only the server's leaf: trusted, but no CA.
  ok(['import', f('leaf-only.p12'), '--cert', f('server.cert.pem'), '--storepass', 'changeit']);
  // A "truststore" that is really a keystore: one key entry, no trusted certificate.
  ok(['import', f('keys-only.p12'), '--key', f('client.key.pem'), '--cert', f('client.chain.pem'), '--alias', 'dbuser1', '--storepass', 'secret1']);
  ok(['import', f('client.jks'), '--key', f('client.key.pem'), '--cert', f('client.chain.pem'), '--alias', 'dbuser1', '--storepass', 'secret1']);
  ok(['import', f('two-keys.p12'), '--key', f('client.key.pem'), '--cert', f('client.chain.pem'), '--alias', 'dbuser1', '--storepass', 'secret1']);
  ok(['import', f('two-keys.p12'), '--key', f('client2.key.pem'), '--cert', f('client2.chain.pem'), '--alias', 'dbuser2', '--storepass', 'secret1']);
  // A JKS key whose password differs from the store password.
  ok(['import', f('own-keypass.jks'), '--key', f('client.key.pem'), '--cert', f('client.chain.pem'), '--alias', 'dbuser1', '--storepass', 'secret1', '--keypass', 'other-key-pw']);
  // A server certificate (serverAuth only) used as the client identity.
  ok(['import', f('server-as-client.p12'), '--key', f('server.key.pem'), '--cert', f('server.chain.pem'), '--alias', 'srv', '--storepass', 'secret1']);
  ok(['truststore', f('empty.p12'), '--from', f('ca/ca.cert.pem'), '--storepass', 'changeit']);
  ok(['delete', f('empty.p12'), '--storepass', 'changeit', ...JSON.parse(ok(['list', f('empty.p12'), '--storepass', 'changeit', '--json'])).entries.map((e: { alias: string }) => e.alias)]);
}, 120000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const jdbc = (extra: string[]) =>
  ktool(['jdbc', '--driver', 'mysql', '--host', 'db.example.com', '--database', 'app', '--user', 'dbuser1', '--mode', 'verify-full', '--format', 'properties', ...extra], { cwd: work });

test('the good stores pass and give properties naming them', () => {
  const r = jdbc(['--truststore', f('trust.p12'), '--truststore-pass', 'changeit', '--keystore', f('client.jks'), '--keystore-pass', 'secret1']);
  expect(r.stderr).not.toMatch(/ktool: (?!note:)/);
  expect(r.status).toBe(EXIT.OK);
  expect(r.stdout).toMatch(/^trustCertificateKeyStoreUrl=file\\:.*trust\.p12$/m);
  expect(r.stdout).toMatch(/^clientCertificateKeyStoreType=JKS$/m);
});

test.each([
  ['wrong truststore password', ['--truststore', 'trust.p12', '--truststore-pass', 'wrong-pw'], EXIT.TAMPERED, /trust\.p12.*(password|tampered)/i],
  ['truststore with no entries', ['--truststore', 'empty.p12', '--truststore-pass', 'changeit'], EXIT.VERIFY, /empty\.p12: no trusted certificate entries/],
  ['truststore with key entries only', ['--truststore', 'keys-only.p12', '--truststore-pass', 'secret1'], EXIT.VERIFY, /keys-only\.p12: no trusted certificate entries .*TrustManager ignores key entries/],
  ['truststore holding a leaf, no CA', ['--truststore', 'leaf-only.p12', '--truststore-pass', 'changeit'], EXIT.VERIFY, /leaf-only\.p12: holds no CA certificate/],
  ['keystore without a key', ['--truststore', 'trust.p12', '--truststore-pass', 'changeit', '--keystore', 'trust.p12', '--keystore-pass', 'changeit'], EXIT.VERIFY, /trust\.p12: holds no private key entry/],
  ['keystore with two keys and no alias', ['--truststore', 'trust.p12', '--truststore-pass', 'changeit', '--keystore', 'two-keys.p12', '--keystore-pass', 'secret1'], EXIT.USAGE, /two-keys\.p12: holds 2 key entries \(dbuser1, dbuser2\): choose one with --keystore-alias/],
  ['key password differs from the store password', ['--truststore', 'trust.p12', '--truststore-pass', 'changeit', '--keystore', 'own-keypass.jks', '--keystore-pass', 'secret1'], EXIT.WRONG_PASSWORD, /own-keypass\.jks: the key <dbuser1> does not open with the store password/],
  ['encrypted PEM client key, no passphrase', ['--ca', 'ca/ca.cert.pem', '--client-key', 'client-enc.key.pem', '--client-cert', 'client-enc.chain.pem'], EXIT.WRONG_PASSWORD, /client-enc\.key\.pem: the key is encrypted: give its passphrase \(--client-key-pass…\)$/m],
  ['encrypted PEM client key, wrong passphrase', ['--ca', 'ca/ca.cert.pem', '--client-key', 'client-enc.key.pem', '--client-cert', 'client-enc.chain.pem', '--client-key-pass', 'wrong-pw'], EXIT.WRONG_PASSWORD, /client-enc\.key\.pem: the key is encrypted: that passphrase does not open it/],
  ['client certificate without clientAuth', ['--truststore', 'trust.p12', '--truststore-pass', 'changeit', '--keystore', 'server-as-client.p12', '--keystore-pass', 'secret1'], EXIT.VERIFY, /does not allow clientAuth/],
])('%s: refused before any output', (_name, extra, status, message) => {
  const r = jdbc((extra as string[]).map((a) => (/\.(p12|jks)$/.test(a) ? f(a) : a)));
  expect(r.stdout).toBe('');
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(message as RegExp);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/secret1|changeit|wrong-pw|other-key-pw|key-pp/);
});

test('--keystore-alias picks one of two keys', () => {
  const r = jdbc(['--truststore', f('trust.p12'), '--truststore-pass', 'changeit', '--keystore', f('two-keys.p12'), '--keystore-pass', 'secret1', '--keystore-alias', 'dbuser2']);
  expect(r.status).toBe(EXIT.OK);
});

/**
 * Non-ASCII passwords: ktool writes and reads them in every format; for PKCS#12 store passwords and
 * JCEKS key passwords it warns, because keytool 25 opens such files and keytool 17 refuses them —
 * checked here with both real keytools.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ktool } from '../helpers/cli';
import { JDK17_HOME, JDK25_HOME, keytool, tempDir } from '../helpers/jdk';

const SAMPLES = path.resolve(__dirname, '../../samples');
const WARNING = 'ktool: warning: a non-ASCII password protects this store: JDK 25 opens it, JDK 17 and older cannot\n';
const PW = 'pässwörd-€';
let work: string;
beforeAll(() => {
  work = tempDir('unicode-pw');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const f = (n: string) => path.join(work, n);

test('PKCS#12 store password: warned; keytool 25 lists it, keytool 17 refuses; ktool reads it back', () => {
  const r = ktool(['import', f('u.p12'), '--cert', path.join(SAMPLES, 'root-ca.pem'), '--storepass', PW]);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(WARNING);
  const k25 = keytool(JDK25_HOME(), ['-list', '-keystore', 'u.p12', '-storepass', PW], { cwd: work });
  expect(k25.stdout).toMatch(/Your keystore contains 1 entry/);
  const k17 = keytool(JDK17_HOME(), ['-list', '-keystore', 'u.p12', '-storepass', PW], { cwd: work });
  expect(k17.status).toBe(1);
  expect(k17.stdout).toMatch(/keystore password was incorrect/);
  expect(ktool(['list', f('u.p12'), '--storepass', PW]).status).toBe(0);
});

test('JCEKS key password: warned; keytool 25 recovers the key, keytool 17 refuses it', () => {
  const r = ktool(['import', f('u.jceks'), '--key', path.join(SAMPLES, 'server.key'), '--cert', path.join(SAMPLES, 'server-chain.pem'), '--alias', 'k', '--storepass', 'changeit', '--keypass', PW]);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(WARNING);
  const recover = (home: string, out: string) =>
    keytool(home, ['-importkeystore', '-srckeystore', 'u.jceks', '-srcstorepass', 'changeit', '-srcalias', 'k', '-srckeypass', PW, '-destkeystore', out, '-deststorepass', 'changeit', '-noprompt'], { cwd: work });
  expect(recover(JDK25_HOME(), 'k25.p12').status).toBe(0);
  const k17 = recover(JDK17_HOME(), 'k17.p12');
  expect(k17.status).toBe(1);
  expect(k17.stdout).toMatch(/Password is not ASCII/);
  expect(ktool(['export', f('u.jceks'), '--alias', 'k', '--key', '--storepass', 'changeit', '--keypass', PW]).stdout).toMatch(/BEGIN PRIVATE KEY/);
});

test('JKS: a non-ASCII store password is fine for every JDK, so no warning', () => {
  const r = ktool(['import', f('u.jks'), '--cert', path.join(SAMPLES, 'root-ca.pem'), '--storepass', PW]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(keytool(JDK17_HOME(), ['-list', '-keystore', 'u.jks', '-storepass', PW], { cwd: work }).stdout).toMatch(/Your keystore contains 1 entry/);
});

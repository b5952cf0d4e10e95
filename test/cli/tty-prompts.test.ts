/**
 * Passwords typed on a terminal: under a real pseudo-terminal (util-linux `script`), ktool asks for
 * what it was not given — the store password, and each key password that the store password does not
 * open (list, convert, export --key, passwd --alias, import-store) — without echoing what is typed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';
import { JDK17_HOME, keytool, tempDir } from '../helpers/jdk';

let work: string;
beforeAll(() => {
  if (!fs.existsSync('/usr/bin/script')) throw new Error('util-linux script is needed for the terminal tests (apt-get install util-linux)');
  work = tempDir('tty');
  fs.copyFileSync(fixturePath('stores/jks17-keypass.jks'), path.join(work, 'kp.jks'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs ktool ARGS on a pseudo-terminal, typing each answer (followed by Enter) 0.6 s apart. */
function onTerminal(args: string[], answers: string[]): Promise<{ status: number; screen: string }> {
  const quoted = [process.execPath, KTOOL_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const p = spawn('/usr/bin/script', ['-qec', quoted, '/dev/null'], { cwd: work, env: { ...process.env, TZ: 'UTC' } });
    let screen = '';
    p.stdout.on('data', (d) => (screen += d));
    p.stderr.on('data', (d) => (screen += d));
    answers.forEach((a, i) => setTimeout(() => p.stdin.write(`${a}\r`), 600 * (i + 1)));
    setTimeout(() => p.stdin.end(), 600 * (answers.length + 1));
    p.on('close', (status) => resolve({ status: status ?? -1, screen }));
  });
}

test('list: the store password is asked for and not echoed', async () => {
  const r = await onTerminal(['list', 'kp.jks'], ['store-pass-17']);
  expect(r.screen).toMatch(/Enter keystore password:/);
  expect(r.screen).toMatch(/Your keystore contains 3 entries/);
  expect(r.screen).not.toMatch(/store-pass-17/);
  expect(r.status).toBe(0);
}, 20000);

/**
 * Copies kp.jks's three entries into OUT.p12 on a terminal, typing `answers`: each of its two key
 * passwords, which its store password does not open, is asked for by alias and not echoed; keytool 17
 * then finds both keys in OUT.
 */
async function copiesBothKeysAskingTheirPasswords(args: string[], answers: string[], out: string): Promise<void> {
  const r = await onTerminal(args, answers);
  expect(r.screen).toMatch(/Enter key password for <rsa 4096 server>:/);
  expect(r.screen).toMatch(/Enter key password for <dsa-2048>:/);
  expect(r.screen).not.toMatch(/rsa-key-pass|dsa-key-pass|store-pass-17/);
  expect(r.status).toBe(0);
  const listed = keytool(JDK17_HOME(), ['-list', '-keystore', out, '-storepass', 'changeit'], { cwd: work });
  expect(listed.stdout).toMatch(/Your keystore contains 3 entries/);
  expect(listed.stdout.match(/PrivateKeyEntry/g)).toHaveLength(2);
}

test('convert: each key password the store password does not open is asked for, by alias', async () => {
  await copiesBothKeysAskingTheirPasswords(['convert', 'kp.jks', 'out.p12', '--deststorepass', 'changeit'], ['store-pass-17', 'rsa-key-pass', 'dsa-key-pass'], 'out.p12');
}, 30000);

test('export --key: three wrong answers end with the alias named, nothing written', async () => {
  const r = await onTerminal(['export', 'kp.jks', '--alias', 'dsa-2048', '--key', '--storepass', 'store-pass-17', '--out', 'k.pem'], ['nope1', 'nope2', 'nope3']);
  expect(r.screen.match(/Enter key password for <dsa-2048>:/g)).toHaveLength(3);
  expect(r.screen).toMatch(/kp\.jks: alias dsa-2048: cannot recover key \(wrong key password\)/);
  expect(r.status).toBe(3);
  expect(fs.existsSync(path.join(work, 'k.pem'))).toBe(false);
}, 30000);

test('passwd --alias: the current key password is asked for when the store password does not open it, then the new one', async () => {
  fs.copyFileSync(path.join(work, 'kp.jks'), path.join(work, 'kp2.jks'));
  const r = await onTerminal(['passwd', 'kp2.jks', '--alias', 'DSA-2048', '--storepass', 'store-pass-17'], ['dsa-key-pass', 'new-dsa-pass']);
  expect(r.screen).toMatch(/Enter key password for <dsa-2048>:[^]*Enter new key password for <DSA-2048>:/);
  expect(r.screen).not.toMatch(/dsa-key-pass|new-dsa-pass|store-pass-17/);
  expect(r.status).toBe(0);
  // keytool 17 opens the key with the new password (changing it back needs the current one).
  const back = keytool(JDK17_HOME(), ['-keypasswd', '-alias', 'dsa-2048', '-keypass', 'new-dsa-pass', '-new', 'dsa-key-pass', '-keystore', 'kp2.jks', '-storepass', 'store-pass-17'], { cwd: work });
  // (Its only output is the JKS migration warning; a wrong -keypass is "keytool error: … Cannot recover key", status 1.)
  expect({ status: back.status, error: /error/i.test(back.stderr + back.stdout) }).toEqual({ status: 0, error: false });
}, 30000);

test('import-store: each source key password the store password does not open is asked for, by alias', async () => {
  await copiesBothKeysAskingTheirPasswords(['import-store', 'kp.jks', 'merged.p12', '--storepass', 'store-pass-17', '--deststorepass', 'changeit'], ['rsa-key-pass', 'dsa-key-pass'], 'merged.p12');
}, 30000);

test('jdbc --client-key: the passphrase of an encrypted PEM key is asked for, a wrong answer again', async () => {
  for (const args of [['ca', 'init', 'cca', '--cn', 'Client CA', '--keyalg', 'EC'], ['ca', 'issue-client', 'cca', '--cn', 'app', '--out-dir', '.', '--name', 'app', '--key-pass', 'app-key-pp']]) {
    expect(ktool(args, { cwd: work }).status).toBe(0);
  }
  const args = ['jdbc', '--driver', 'postgresql', '--host', 'db.example.com', '--database', 'app', '--user', 'app', '--mode', 'verify-full', '--ca', 'cca/ca.cert.pem', '--client-key', 'app.key.pem', '--client-cert', 'app.chain.pem', '--out-dir', 'pg', '--format', 'properties'];
  const r = await onTerminal(args, ['not-it', 'app-key-pp']);
  expect(r.screen.match(/Enter passphrase of app\.key\.pem:/g)).toHaveLength(2);
  expect(r.screen).toMatch(/that is not the passphrase of app\.key\.pem/);
  expect(r.screen).not.toMatch(/not-it|app-key-pp/);
  expect(r.status).toBe(0);
  expect(r.screen).toMatch(/^sslkey=.*postgresql\.pk8\r?$/m);
  // The key written for pgJDBC is the client key, unencrypted DER PKCS#8, readable by its owner only.
  expect(fs.statSync(path.join(work, 'pg', 'postgresql.pk8')).mode & 0o777).toBe(0o600);
}, 30000);

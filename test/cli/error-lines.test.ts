/** Alias-level failures are one line on stderr that names the store file and the alias, with the class's exit status. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ktool } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';
import { openssl, tempDir } from '../helpers/jdk';

let work: string;
let store: string;
beforeAll(() => {
  work = tempDir('error-lines');
  store = path.join(work, 'kp.jks');
  fs.copyFileSync(fixturePath('stores/jks17-keypass.jks'), store);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test.each([
  ['delete a missing alias', ['delete', 'STORE', 'nope'], 6, 'alias <nope> does not exist'],
  ['rename onto an existing alias', ['rename', 'STORE', 'issuing-ca', 'dsa-2048'], 7, 'alias <dsa-2048> already exists'],
  ['export a key with the wrong key password', ['export', 'STORE', '--alias', 'dsa-2048', '--key', '--keypass', 'wrong-pw'], 3, 'alias dsa-2048: cannot recover key (wrong key password)'],
  ['convert without the keys\' own passwords', ['convert', 'STORE', 'OUT'], 3, 'alias rsa 4096 server: cannot recover key (wrong key password)'],
  ['passwd of a missing alias', ['passwd', 'STORE', '--alias', 'nope', '--new-keypass', 'new-key-pw'], 6, 'alias <nope> does not exist'],
])('%s', (_name, args, status, message) => {
  const before = fs.readFileSync(store);
  const argv = (args as string[]).map((a) => (a === 'STORE' ? store : a === 'OUT' ? path.join(work, 'out.p12') : a));
  const r = ktool([...argv, '--storepass', 'store-pass-17']);
  expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status, stderr: `ktool: ${store}: ${message}\n`, stdout: '' });
  for (const pw of ['store-pass-17', 'wrong-pw', 'new-key-pw']) expect(r.stderr).not.toContain(pw); // passwords never echoed
  expect(fs.readFileSync(store)).toEqual(before);
  expect(fs.existsSync(path.join(work, 'out.p12'))).toBe(false);
});

test.each([
  [['list'], /^ktool: missing required argument 'store' \(see ktool list --help\)\n$/],
  [['list', 'x.p12', '--bogus'], /^ktool: unknown option '--bogus' \(see ktool list --help\)\n$/],
  [['frobnicate'], /^ktool: unknown command 'frobnicate' \(see ktool --help\)\n$/],
  [['crl', 'create', 'dir', '--days', 'abc'], /^ktool: --days: not a number: abc\n$/],
])('usage error %j: one line, exit 2', (args, message) => {
  const r = ktool(args as string[]);
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
  expect(r.stderr).toMatch(message as RegExp);
});

test('an unsupported algorithm (a Camellia-encrypted PKCS#8 key): one line naming the file, exit 8, nothing written', () => {
  const samples = path.resolve(__dirname, '../../samples');
  const key = path.join(work, 'camellia.key');
  const r0 = openssl(['pkcs8', '-topk8', '-in', path.join(samples, 'server.key'), '-v2', 'camellia-256-cbc', '-passout', 'pass:secret1', '-out', key]);
  expect(r0.status).toBe(0);
  const out = path.join(work, 'camellia.p12');
  const r = ktool(['import', out, '--key', key, '--keypass-in', 'secret1', '--cert', path.join(samples, 'server-chain.pem'), '--storepass', 'changeit']);
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 8, stdout: '' });
  expect(r.stderr).toMatch(new RegExp(`^ktool: ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*unsupported PBES2 cipher 1\\.2\\.392\\.200011\\.61\\.1\\.1\\.1\\.4\n$`));
  expect(fs.existsSync(out)).toBe(false);
});

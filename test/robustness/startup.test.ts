/**
 * Lazy loading: start-up must not load what a command does not use. Each run preloads (node -r) a small
 * hook, written to a temp dir here, that records require.cache when the process exits; `ktool list` and
 * keytool-mode `-list` must load none of the YAML/XML writers, the JDBC configuration code, the network
 * code, certificate issuing or any commander sub-command but `list`. `ktool jdbc --help` must load the
 * JDBC module (and so trip the same check): the detection itself works.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KTOOL_BIN } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const ROOT = path.resolve(__dirname, '../..');

/** What `list` must not load (paths relative to the checkout). */
const FORBIDDEN: [string, RegExp][] = [
  ['yaml', /^node_modules\/yaml\//],
  ['fast-xml-parser', /^node_modules\/fast-xml-parser\//],
  ['src/ops/jdbc', /^dist\/ops\/jdbc\//],
  ['src/net', /^dist\/net\//],
  ['src/x509/issue', /^dist\/x509\/issue\.js$/],
  ['a commander sub-command other than list', /^dist\/cli\/commands\/(?!list\.js$)/],
];

let hookDir: string;
beforeAll(() => {
  hookDir = tempDir('startup');
  fs.writeFileSync(
    path.join(hookDir, 'loaded-modules.js'),
    "'use strict';\n" +
      '// Preloaded with node -r: writes the modules loaded by the time the process exits.\n' +
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.KTOOL_LOADED_MODULES, JSON.stringify(Object.keys(require.cache))));\n",
  );
});

let runs = 0;
/** Runs bin/ktool with the hook; its exit status, output and the loaded modules (relative to the checkout). */
function loadedBy(args: string[]): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const out = path.join(hookDir, `modules-${++runs}.json`);
  const r = spawnSync(process.execPath, ['-r', path.join(hookDir, 'loaded-modules.js'), KTOOL_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KTOOL_LOADED_MODULES: out, TZ: 'UTC' },
    input: '',
    timeout: 60000,
  });
  const modules = (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]).map((m) => path.relative(ROOT, m).split(path.sep).join('/'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}

const forbiddenIn = (modules: string[]) => FORBIDDEN.flatMap(([what, re]) => modules.filter((m) => re.test(m)).map((m) => `${what}: ${m}`));

const P12 = fixturePath('stores/p12-17-default.p12');
const JKS = fixturePath('stores/jks17-basic.jks');

test.each([
  ['ktool list (PKCS#12)', ['list', P12, '--storepass', 'p12-pass-17'], 'dist/formats/pkcs12.js'],
  ['ktool list --json (JKS)', ['list', JKS, '--storepass', 'changeit', '--json'], 'dist/formats/jks.js'],
  ['keytool -list (PKCS#12)', ['-list', '-keystore', P12, '-storepass', 'p12-pass-17'], 'dist/formats/pkcs12.js'],
  ['keytool -list -v (JKS)', ['-list', '-v', '-keystore', JKS, '-storepass', 'changeit'], 'dist/formats/jks.js'],
])('%s loads only what listing needs', (_name, args, codec) => {
  const r = loadedBy(args);
  expect({ status: r.status, error: /ktool:|error/i.test(r.stderr) ? r.stderr : '' }).toEqual({ status: 0, error: '' });
  expect(r.stdout).toMatch(/entr(y|ies)/i);
  // The run really read the store (the hook saw the program's modules)...
  expect(r.modules).toContain('dist/cli/main.js');
  expect(r.modules).toContain(codec);
  // ...and nothing a listing does not use.
  expect(forbiddenIn(r.modules)).toEqual([]);
  if (args[0] === 'list') expect(r.modules).toContain('dist/cli/commands/list.js');
});

test('ktool jdbc --help loads the JDBC module (the check above can fail)', () => {
  const r = loadedBy(['jdbc', '--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/jdbc/i);
  expect(r.modules).toContain('dist/cli/commands/jdbc.js');
  expect(r.modules.filter((m) => m.startsWith('dist/ops/jdbc/'))).not.toEqual([]);
  expect(forbiddenIn(r.modules)).toEqual(expect.arrayContaining([expect.stringMatching(/^src\/ops\/jdbc: dist\/ops\/jdbc\//), 'a commander sub-command other than list: dist/cli/commands/jdbc.js']));
});

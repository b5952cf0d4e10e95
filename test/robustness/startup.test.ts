/**
 * Lazy loading: start-up must not load what a command does not use. Each run preloads (node -r) a small
 * hook, written to a temp dir here, that records the modules loaded when the process exits: Node's
 * require.cache, plus the modules run from bin/ktool's start-up bundle (scripts/bundle.js); `ktool list` and
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
      "process.on('exit', () => {\n" +
      '  const main = process.mainModule; // require.main is not set yet when a -r module loads\n' +
      '  const bundled = main.exports.bundledModules;\n' +
      "  const root = require('node:path').resolve(main.filename, '../..');\n" +
      "  const modules = [...Object.keys(require.cache), ...(bundled ? bundled().map((id) => require('node:path').join(root, id)) : [])];\n" +
      "  require('node:fs').writeFileSync(process.env.KTOOL_LOADED_MODULES, JSON.stringify({ bundle: Boolean(bundled), modules }));\n" +
      '});\n',
  );
});

let runs = 0;
/** Runs bin/ktool with the hook; its exit status, output, whether it ran from a bundle, and the loaded modules (relative to the checkout). */
function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string; bundle: boolean; modules: string[] } {
  const out = path.join(hookDir, `modules-${++runs}.json`);
  const r = spawnSync(process.execPath, ['-r', path.join(hookDir, 'loaded-modules.js'), KTOOL_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KTOOL_LOADED_MODULES: out, TZ: 'UTC', ...env },
    input: '',
    timeout: 60000,
  });
  const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as { bundle: boolean; modules: string[] };
  const modules = seen.modules.map((m) => path.relative(ROOT, m).split(path.sep).join('/'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, bundle: seen.bundle, modules };
}

const forbiddenIn = (modules: string[]) => FORBIDDEN.flatMap(([what, re]) => modules.filter((m) => re.test(m)).map((m) => `${what}: ${m}`));

const P12 = fixturePath('stores/p12-17-default.p12');
const JKS = fixturePath('stores/jks17-basic.jks');

test.each([
  ['ktool list (PKCS#12)', ['list', P12, '--storepass', 'p12-pass-17'], 'dist/formats/pkcs12.js'],
  ['ktool list --json (JKS)', ['list', JKS, '--storepass', 'changeit', '--json'], 'dist/formats/jks.js'],
  ['keytool -list (PKCS#12)', ['-list', '-keystore', P12, '-storepass', 'p12-pass-17'], 'dist/formats/pkcs12.js'],
  ['keytool -list -v (JKS)', ['-list', '-v', '-keystore', JKS, '-storepass', 'changeit'], 'dist/formats/jks.js'],
])('%s loads only what listing needs (bundle and module by module)', (_name, args, codec) => {
  for (const [bundle, env] of [[true, {}], [false, { KTOOL_BUNDLE: '0' }]] as const) {
    const r = loadedBy(args, env);
    expect(r.bundle).toBe(bundle);
    expectListingOnly(r, args, codec);
  }
});

function expectListingOnly(r: ReturnType<typeof loadedBy>, args: string[], codec: string): void {
  expect({ status: r.status, error: /ktool:|error/i.test(r.stderr) ? r.stderr : '' }).toEqual({ status: 0, error: '' });
  expect(r.stdout).toMatch(/entr(y|ies)/i);
  // The run really read the store (the hook saw the program's modules)...
  expect(r.modules).toContain('dist/cli/main.js');
  expect(r.modules).toContain(codec);
  // ...and nothing a listing does not use.
  expect(forbiddenIn(r.modules)).toEqual([]);
  if (args[0] === 'list') expect(r.modules).toContain('dist/cli/commands/list.js');
}

test('ktool jdbc --help loads the JDBC module (the check above can fail)', () => {
  // The JDBC modules are not in the start-up bundle: the bundle's loader compiles them from dist/.
  const r = loadedBy(['jdbc', '--help']);
  expect(r.bundle).toBe(true);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/jdbc/i);
  expect(r.modules).toContain('dist/cli/commands/jdbc.js');
  expect(r.modules.filter((m) => m.startsWith('dist/ops/jdbc/'))).not.toEqual([]);
  expect(forbiddenIn(r.modules)).toEqual(expect.arrayContaining([expect.stringMatching(/^src\/ops\/jdbc: dist\/ops\/jdbc\//), 'a commander sub-command other than list: dist/cli/commands/jdbc.js']));
});

describe('start-up bundle (scripts/bundle.js, bin/ktool)', () => {
  const JKS_LIST = ['-list', '-v', '-keystore', JKS, '-storepass', 'changeit'];
  test.each([
    ['keytool -list -v', JKS_LIST],
    ['ktool list --json (PKCS#12)', ['list', P12, '--storepass', 'p12-pass-17', '--json']],
    ['ktool jdbc (modules outside the bundle)', ['jdbc', '--driver', 'postgresql', '--host', 'db', '--database', 'app', '--mode', 'verify-full', '--ca', path.join(ROOT, 'samples', 'root-ca.pem'), '--format', 'url']],
    ['ktool --help', ['--help']],
    ['a usage error', ['list']],
  ])('%s: the bundle prints what the module-by-module program prints', (_name, args) => {
    const bundled = loadedBy(args);
    const plain = loadedBy(args, { KTOOL_BUNDLE: '0' });
    expect([bundled.bundle, plain.bundle]).toEqual([true, false]);
    expect({ status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }).toEqual({ status: plain.status, stdout: plain.stdout, stderr: plain.stderr });
  });

  /** A copy of bin/ and dist/ (node_modules and package.json linked) to break on purpose. */
  function installCopy(): string {
    const copy = tempDir('bundle-copy');
    fs.cpSync(path.join(ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true, preserveTimestamps: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    return copy;
  }
  const runCopy = (copy: string) => {
    const out = path.join(hookDir, `copy-${++runs}.json`);
    const r = spawnSync(process.execPath, ['-r', path.join(hookDir, 'loaded-modules.js'), path.join(copy, 'bin', 'ktool'), ...JKS_LIST], { encoding: 'utf8', env: { ...process.env, KTOOL_LOADED_MODULES: out, TZ: 'UTC' } });
    return { status: r.status, stdout: r.stdout, bundle: (JSON.parse(fs.readFileSync(out, 'utf8')) as { bundle: boolean }).bundle };
  };

  test('a bundle older than the tsc output, or no code cache for this Node, is not used', () => {
    const expected = loadedBy(JKS_LIST).stdout;
    const copy = installCopy();
    expect(runCopy(copy)).toEqual({ status: 0, stdout: expected, bundle: true });
    // tsc ran again after the bundle was made (a build without scripts/bundle.js).
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(copy, 'dist', 'cli', 'main.js'), later, later);
    expect(runCopy(copy)).toEqual({ status: 0, stdout: expected, bundle: false });
    // Another Node version: its code cache file does not exist.
    fs.utimesSync(path.join(copy, 'dist', 'ktool-list.js'), later, later);
    expect(runCopy(copy)).toEqual({ status: 0, stdout: expected, bundle: true });
    for (const f of fs.readdirSync(path.join(copy, 'dist'))) if (f.endsWith('.cache')) fs.rmSync(path.join(copy, 'dist', f));
    expect(runCopy(copy)).toEqual({ status: 0, stdout: expected, bundle: false });
  });
});

test('stdout that is a full non-blocking pipe: the output is complete and in order (EAGAIN hands over to process.stdout)', () => {
  // Python holds the pipe's write end non-blocking (ktool inherits that), lets the 64 KiB buffer fill
  // before it reads, then reads everything: ktool's synchronous writes meet EAGAIN on the way.
  const script = String.raw`
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
time.sleep(1.5)
out = b''
while True:
    chunk = os.read(r, 1 << 16)
    if not chunk: break
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(p.wait())
`;
  const big = path.join(hookDir, 'big.p12');
  const made = spawnSync(process.execPath, [KTOOL_BIN, 'truststore', big, '--storepass', 'changeit', '--from', fixturePath('stores/cacerts-17.p12'), '--from-storepass', 'changeit'], { encoding: 'utf8' });
  expect(made.stderr).not.toMatch(/ktool:/);
  const args = ['list', '-v', big, '--storepass', 'changeit'];
  const expected = spawnSync(process.execPath, [KTOOL_BIN, ...args], { encoding: 'utf8' });
  expect(Buffer.byteLength(expected.stdout)).toBeGreaterThan(1 << 17);
  const r = spawnSync('python3', ['-c', script, process.execPath, KTOOL_BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect({ status: r.status, same: r.stdout === expected.stdout }).toEqual({ status: 0, same: true });
});

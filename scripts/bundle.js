#!/usr/bin/env node
'use strict';
/**
 * Start-up bundles, made by `npm run build` after tsc. For each profile (a set of commands whose
 * start-up matters) it writes
 *  - dist/ktool-PROFILE.js: the modules of dist/ and commander that the profile's commands load, in one
 *    file, each still a CommonJS module run when first required (the loader below), so start-up reads
 *    one file instead of resolving and reading ~35;
 *  - dist/ktool-PROFILE-NODEVERSION-ARCH.cache: V8's code cache for that file, made by running the
 *    commands on a throw-away store (each run adds the functions it compiled), so compiling is mostly
 *    skipped too.
 * A module a profile's bundle lacks is compiled from its file when first required, so every command
 * works from every bundle. bin/ktool picks the profile by the command and uses a bundle only with its
 * cache for the running Node; otherwise it loads dist/ module by module (correct, just slower).
 * Measured on `ktool list` of cacerts: ~0.75x the unbundled start-up. No bundler dependency: tsc's
 * CommonJS output needs no rewriting, only a require that looks paths up in the bundle.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BIN = path.join(ROOT, 'bin', 'ktool');
const { bundleFile, codeCacheFile, writeAtomically } = require(BIN);

/** Module ids are paths relative to the checkout, with forward slashes. */
const idOf = (file) => path.relative(ROOT, file).split(path.sep).join('/');

function distModules(dir = DIST) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return distModules(p);
    return e.name.endsWith('.js') && !(dir === DIST && e.name.startsWith('ktool-')) ? [p] : [];
  });
}

/** commander's require entry point (index.js); its other files are in the lib/ folder beside it. */
const COMMANDER_ENTRY = require.resolve('commander', { paths: [ROOT] });

function commanderModules() {
  const lib = path.join(path.dirname(COMMANDER_ENTRY), 'lib');
  return [COMMANDER_ENTRY, ...fs.readdirSync(lib).filter((f) => f.endsWith('.js')).map((f) => path.join(lib, f))];
}

/**
 * The loader inside the bundle. `nodeRequire` is bin/ktool's own require: it serves Node's built-in
 * modules, package.json and the dependencies left out (yaml, fast-xml-parser: only the config writers
 * use them). Modules of dist/ that no training run loaded are not in the bundle: the loader compiles
 * them from their files when first required, so every module still exists once. node:child_process is
 * handed to commander as a lazy object: commander requires it at load but only spawns for executable
 * sub-commands, which ktool has none of (it costs ~3 ms to load).
 */
const LOADER = String.raw`
  const path = nodeRequire('node:path');
  const root = path.resolve(path.dirname(bundleFile), '..');
  const cache = new Map();
  const lazyChildProcess = new Proxy({}, { get: (_, name) => nodeRequire('node:child_process')[name] });
  const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
  function compileFromFile(id) {
    const file = native(id);
    return nodeRequire('node:vm').compileFunction(nodeRequire('node:fs').readFileSync(file, 'utf8'), PARAMS, { filename: file });
  }
  // Ids are normalised relative paths ("dist/cli/main.js"): plain string work resolves them, as
  // node:path's join and normalize cost ~1 ms over a start-up's few hundred requires.
  const native = (id) => (path.sep === '/' ? root + '/' + id : path.join(root, id));
  function joinRelative(dir, spec) {
    const parts = dir.split('/');
    for (const seg of spec.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.' && seg !== '') parts.push(seg);
    }
    return parts.join('/');
  }
  function load(id) {
    let m = cache.get(id);
    if (m) return m.exports;
    m = { id, exports: {}, loaded: false };
    cache.set(id, m);
    const dir = id.slice(0, id.lastIndexOf('/'));
    const fn = Object.hasOwn(MODULES, id) ? MODULES[id] : compileFromFile(id);
    fn.call(m.exports, m.exports, (spec) => requireFrom(dir, spec), m, native(id), native(dir));
    m.loaded = true;
    return m.exports;
  }
  const known = (id) => Object.hasOwn(MODULES, id) || UNBUNDLED.has(id);
  function requireFrom(dir, spec) {
    if (spec === 'commander') return load(COMMANDER);
    if (spec === 'node:child_process' || spec === 'child_process') return lazyChildProcess;
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const base = joinRelative(dir, spec);
      for (const id of [base, base + '.js', base + '/index.js']) if (known(id)) return load(id);
      return nodeRequire(native(base));
    }
    return nodeRequire(spec);
  }
  const entry = load('dist/cli/main.js');
  return { main: entry.main, outputHandedOver: entry.outputHandedOver, loadedModules: () => [...cache.keys()] };
`;

/**
 * Writes a profile's bundle with the modules whose ids `include` accepts. Characters outside ASCII are
 * written as \\u escapes (tsc's output has them only in strings, regular expressions and comments), so
 * the bundle loads as a one-byte string: half the memory, and no UTF-8 decoding.
 */
function writeBundle(profile, include) {
  const files = [...distModules(), ...commanderModules()];
  const bundled = files.filter((f) => include(idOf(f)));
  const unbundled = files.filter((f) => !include(idOf(f))).map(idOf);
  const parts = bundled.map((f) => `${JSON.stringify(idOf(f))}: function (exports, require, module, __filename, __dirname) {\n${fs.readFileSync(f, 'utf8')}\n}`);
  const source =
    `(function (nodeRequire, bundleFile) {\n// Generated by scripts/bundle.js: do not edit.\nconst COMMANDER = ${JSON.stringify(idOf(COMMANDER_ENTRY))};\n` +
    `const UNBUNDLED = new Set(${JSON.stringify(unbundled)});\nconst MODULES = {\n${parts.join(',\n')}\n};\n${LOADER}\n})`;
  const ascii = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeAtomically(bundleFile(profile), ascii);
  return { bundled: bundled.length, total: files.length, bytes: ascii.length };
}

/**
 * The profiles: the commands whose start-up speed matters, run on a throw-away store. bin/ktool's
 * profileFor picks `list` for listing and `main` for everything else.
 */
function profiles(work) {
  const samples = path.join(ROOT, 'samples');
  const p12 = path.join(work, 'trust.p12');
  const jks = path.join(work, 'trust.jks');
  const makeStores = [
    ['truststore', p12, '--from', path.join(samples, 'ca-bundle.pem'), '--storepass', 'changeit'],
    ['convert', p12, jks, '--desttype', 'JKS', '--storepass', 'changeit'],
  ];
  const listing = [
    ['list', p12, '--storepass', 'changeit'],
    ['list', jks, '--storepass', 'changeit', '--json'],
    ['-list', '-v', '-keystore', jks, '-storepass', 'changeit'],
  ];
  return { list: { setup: makeStores, runs: listing }, main: { setup: [], runs: [...makeStores, ...listing] } };
}

/**
 * Runs the profile's commands in an emptied work folder: the setup ones from dist/ as it is, the others
 * with KTOOL_BUNDLE_PROFILE and KTOOL_CODE_CACHE_WRITE set, which make bin/ktool use that profile's
 * bundle and write the code cache (and the ids of the modules it loaded) after the command. Each run
 * starts from the cache so far, so the functions compiled add up. Returns the ids loaded by any run.
 */
function train(profile, { setup, runs }, work) {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work);
  fs.rmSync(codeCacheFile(profile), { force: true });
  const modulesOut = path.join(work, 'modules.json');
  const loaded = new Set();
  for (const args of setup) run(args, { KTOOL_BUNDLE: '0' });
  for (const args of runs) {
    run(args, { KTOOL_BUNDLE_PROFILE: profile, KTOOL_CODE_CACHE_WRITE: '1', KTOOL_LOADED_MODULES_OUT: modulesOut });
    for (const id of JSON.parse(fs.readFileSync(modulesOut, 'utf8'))) loaded.add(id);
  }
  return loaded;
}

function run(args, env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', input: '' });
  if (r.status !== 0) throw new Error(`training run 'ktool ${args.join(' ')}' failed (${r.status}): ${r.stderr.trim()}`);
}

// Per profile: a bundle of everything to learn what its commands load, then a bundle of just that
// (less to read and deserialize at every start) and its code cache.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-bundle-'));
try {
  for (const [profile, commands] of Object.entries(profiles(work))) {
    writeBundle(profile, () => true);
    const loaded = train(profile, commands, work);
    const sizes = writeBundle(profile, (id) => loaded.has(id));
    train(profile, commands, work);
    const cache = codeCacheFile(profile);
    if (!fs.existsSync(cache)) throw new Error(`no code cache was written to ${cache}`);
    process.stdout.write(`bundle ${profile}: ${idOf(bundleFile(profile))} (${sizes.bundled} of ${sizes.total} modules, ${sizes.bytes} bytes), code cache ${idOf(cache)} (${fs.statSync(cache).size} bytes)\n`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

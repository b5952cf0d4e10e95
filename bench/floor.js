#!/usr/bin/env node
'use strict';
/**
 * The floor of `ktool list` on a password-protected PKCS#12 cacerts: a bare-bones listing that does
 * only the work the format needs (decrypt the certificates with PBKDF2 + AES, check the MAC with the
 * PKCS#12 KDF, walk the bags, hash each certificate, print keytool's lines), with no argument
 * parsing and no checks beyond what it needs to run. It is bundled with the few dist/ modules it uses
 * and run from a V8 code cache, as ktool is. Prints its time and ktool's as medians of runs taken in
 * turn with `node -e 0`. `node bench/floor.js [runs]` (needs `npm run build`).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STORE = path.join(process.env.KTOOL_FIXTURES ?? '/work/shared/fixtures', 'stores/cacerts-17.p12');
const RUNS = Number(process.argv[2]) || 31;

/** The listing itself: its requires name dist/ modules, resolved by the loader below. */
const LISTING = String.raw`
const fs = require('node:fs');
const crypto = require('node:crypto');
const { Asn1 } = require('dist/asn1/der.js');
const { readMacData, verifyMac } = require('dist/crypto/pkcs12-mac.js');
const { pbeDecrypt } = require('dist/crypto/pbe.js');
const { warmUpRepeatedDigest } = require('dist/crypto/hash-repeat.js');
const bytes = fs.readFileSync(process.argv[2]);
const password = 'changeit';
const pfx = Asn1.parse(bytes);
const authSafeBytes = pfx.child(1).children[1].child(0).octets();
const mac = readMacData(pfx.children[2]);
warmUpRepeatedDigest('sha256');
const contents = [];
for (const ci of Asn1.parse(authSafeBytes).children) {
  if (ci.child(0).oid() === '1.2.840.113549.1.7.6') {
    const eci = ci.children[1].child(0).child(1);
    contents.push(pbeDecrypt(eci.child(1), eci.children[2].octets(), password));
  } else contents.push(ci.children[1].child(0).octets());
}
verifyMac(mac, password, authSafeBytes);
// A minimal DER walk: tag byte, short or long definite length; no BER, few checks.
function reader(s, p, e) {
  return {
    more: () => p < e,
    read(tag) {
      if (s[p++] !== tag) throw new Error('unexpected tag');
      let len = s[p++];
      if (len & 0x80) { let n = len & 0x7f; len = 0; while (n-- > 0) len = len * 256 + s[p++]; }
      const start = p;
      p += len;
      return reader(s, start, p);
    },
    range: () => [p, e],
  };
}
const utf16 = (s, [a, e]) => { const u = []; for (let i = a; i + 1 < e; i += 2) u.push((s[i] << 8) | s[i + 1]); return String.fromCharCode.apply(null, u); };
const lines = [];
for (const safe of contents) {
  const bags = reader(safe, 0, safe.length).read(0x30);
  while (bags.more()) {
    const bag = bags.read(0x30);
    bag.read(0x06);
    const certBag = bag.read(0xa0).read(0x30);
    certBag.read(0x06);
    const [a, e] = certBag.read(0xa0).read(0x04).range();
    let name = '';
    const attrs = bag.read(0x31);
    while (attrs.more()) {
      const attr = attrs.read(0x30);
      const [oa, oe] = attr.read(0x06).range();
      const values = attr.read(0x31);
      if (oe - oa === 9 && safe[oe - 1] === 0x14) name = utf16(safe, values.read(0x1e).range());
      else while (values.more()) values.read(0x06);
    }
    const fp = crypto.hash('sha256', safe.subarray(a, e), 'hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
    lines.push(name + ', Dec 2, 2026, trustedCertEntry,\nCertificate fingerprint (SHA-256): ' + fp + '\n');
  }
}
fs.writeSync(1, 'Keystore type: PKCS12\nKeystore provider: SUN\n\nYour keystore contains ' + lines.length + ' entries\n\n' + lines.join(''));
`;

/** One script: each module a function, run when first required (as in scripts/bundle.js). */
function bundle() {
  const modules = new Map([['listing', LISTING]]);
  /** Per module, the module each of its relative (or dist/) requires names: resolved here, once. */
  const deps = {};
  const pending = ['listing'];
  while (pending.length > 0) {
    const id = pending.pop();
    deps[id] = {};
    for (const m of modules.get(id).matchAll(/require\(["']((?:\.{1,2}\/|dist\/)[^"']+)["']\)/g)) {
      const base = m[1].startsWith('dist/') ? m[1] : path.posix.join(path.posix.dirname(id), m[1]);
      const dep = base.endsWith('.js') ? base : `${base}.js`;
      deps[id][m[1]] = dep;
      if (!modules.has(dep)) {
        modules.set(dep, fs.readFileSync(path.join(ROOT, dep), 'utf8'));
        pending.push(dep);
      }
    }
  }
  const parts = [...modules].map(([id, src]) => `${JSON.stringify(id)}: function (exports, require, module) {\n${src}\n}`);
  return `(function (nodeRequire) {
const MODULES = {\n${parts.join(',\n')}\n};
const DEPS = ${JSON.stringify(deps)};
const cache = new Map();
function load(id) {
  let m = cache.get(id);
  if (m) return m.exports;
  m = { exports: {} };
  cache.set(id, m);
  MODULES[id].call(m.exports, m.exports, (spec) => (Object.hasOwn(DEPS[id], spec) ? load(DEPS[id][spec]) : nodeRequire(spec)), m);
  return m.exports;
}
load('listing');
})`;
}

const RUNNER = String.raw`
const fs = require('node:fs');
const { Script } = require('node:vm');
const [source, cacheFile] = [process.env.FLOOR_BUNDLE, process.env.FLOOR_CACHE];
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new Script(fs.readFileSync(source, 'latin1'), { filename: source, cachedData });
script.runInThisContext()(require);
if (process.env.FLOOR_TRAIN) fs.writeFileSync(cacheFile, script.createCachedData());
`;

function main() {
  if (!fs.existsSync(path.join(DIST, 'cli', 'main.js'))) throw new Error('run `npm run build` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-floor-'));
  try {
    const env = { ...process.env, FLOOR_BUNDLE: path.join(work, 'floor-bundle.js'), FLOOR_CACHE: path.join(work, 'floor.cache') };
    fs.writeFileSync(env.FLOOR_BUNDLE, bundle());
    const runner = path.join(work, 'floor.js');
    fs.writeFileSync(runner, RUNNER);
    const run = (cmd, args, extra = {}) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { env: { ...env, ...extra }, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
      return { wall: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
    };
    // Train the code cache as scripts/bundle.js does: each run adds the functions it compiled.
    for (let i = 0; i < 2; i++) run(process.execPath, [runner, STORE], { FLOOR_TRAIN: '1' });
    const floorOut = run(process.execPath, [runner, STORE]).out;
    const ktoolOut = run(path.join(ROOT, 'bin', 'ktool'), ['list', '--storepass', 'changeit', STORE]).out;
    const count = (text) => (text.match(/trustedCertEntry/g) ?? []).length;
    if (count(floorOut) !== count(ktoolOut)) throw new Error(`the floor listed ${count(floorOut)} entries, ktool ${count(ktoolOut)}`);
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const ratios = { floor: [], ktool: [], ktoolOverFloor: [] };
    for (let i = 0; i < RUNS; i++) {
      const node = run(process.execPath, ['-e', '0']).wall;
      const floor = run(process.execPath, [runner, STORE]).wall;
      const ktool = run(path.join(ROOT, 'bin', 'ktool'), ['list', '--storepass', 'changeit', STORE]).wall;
      ratios.floor.push(floor / node);
      ratios.ktool.push(ktool / node);
      ratios.ktoolOverFloor.push(ktool / floor);
    }
    process.stdout.write(
      `${path.basename(STORE)}, ${count(floorOut)} entries, ${RUNS} runs in turn with node -e 0 (medians of the ratios):\n` +
        `  floor (bare-bones listing with a code cache): ${median(ratios.floor).toFixed(2)}x node -e 0\n` +
        `  ktool list: ${median(ratios.ktool).toFixed(2)}x node -e 0, ${median(ratios.ktoolOverFloor).toFixed(2)}x the floor\n`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();

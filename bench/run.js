#!/usr/bin/env node
'use strict';
/**
 * ktool benchmarks: `npm run bench` (or `node bench/run.js [--quick] [--runs N]`).
 * Every command runs as its own process, several times; the table shows the minimum and median wall
 * time and the peak RSS (from /usr/bin/time -v when present). Ratios compare tools in the same run.
 * Needs a build (dist/), keytool on PATH; uses jks-js (devDependency) and the shared fixtures.
 * --quick: the keytool import loop runs for the first 10 certificates only and is extrapolated.
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const KTOOL = path.join(ROOT, 'bin', 'ktool');
const FIXTURES = process.env.KTOOL_FIXTURES ?? '/work/shared/fixtures';
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (QUICK ? 3 : 5);
/** Runs of the commands compared pair by pair with bare Node start-up (short ones: more runs are cheap). */
const PAIRED_RUNS = Math.max(RUNS, QUICK ? 5 : 15);
const PW = 'changeit';
const HAS_TIME = fs.existsSync('/usr/bin/time');
const JDK25 = process.env.JDK25_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';

// Start-up figures are only meaningful from the start-up bundles: a `tsc` after `npm run build`
// makes them stale, and ktool then loads dist/ module by module (correct, ~15 ms slower).
for (const profile of ['list', 'main']) {
  if (!require(KTOOL).readIfFresh(profile)) {
    process.stderr.write(`bench: the ${profile} start-up bundle is missing or older than dist/: run npm run build first\n`);
    process.exit(2);
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const tmp = (name) => path.join(work, name);

/** One process run: wall seconds and peak RSS in KiB (null without /usr/bin/time). */
function runOnce(cmd, argv, opts = {}) {
  if (opts.before) opts.before();
  const full = HAS_TIME ? ['/usr/bin/time', ['-f', '%M', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 28, input: opts.input ?? '' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const rss = HAS_TIME ? Number(r.stderr.trim().split('\n').pop()) : null;
  return { wall, rss };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The figures of a row from its runs: fastest and median wall time, largest peak RSS. */
function summary(rs) {
  return { min: Math.min(...rs.map((r) => r.wall)), median: median(rs.map((r) => r.wall)), rss: HAS_TIME ? Math.max(...rs.map((r) => r.rss)) : null };
}

/** Runs a command RUNS times (after one warm-up for the file cache). */
function bench(cmd, argv, opts = {}) {
  const runs = opts.runs ?? RUNS;
  if (!opts.noWarmup) runOnce(cmd, argv, opts);
  return summary(Array.from({ length: runs }, () => runOnce(cmd, argv, opts)));
}

/**
 * A command against bare Node start-up, in turn (node, cmd, node, cmd, ...) so both see the same
 * machine: this one drifts by ±20 % within minutes. The ratio is the median of the pairs' ratios
 * (`ratio`), which holds when the speed drifts; the medians alone are in the table too.
 */
const NODE0 = ['node', ['-e', '0']];
function againstNode(cmd, argv, opts = {}) {
  const runs = opts.runs ?? PAIRED_RUNS;
  runOnce(...NODE0);
  runOnce(cmd, argv, opts);
  const pairs = Array.from({ length: runs }, () => [runOnce(...NODE0), runOnce(cmd, argv, opts)]);
  return { ...summary(pairs.map((p) => p[1])), ratio: median(pairs.map(([n, r]) => r.wall / n.wall)) };
}

const rows = [];
function record(group, name, res, base, note = '') {
  rows.push({ group, name, ...res, ratio: res.ratio ?? (base ? res.median / base.median : null), note });
  const fmt = (x) => `${x.toFixed(3)} s`;
  process.stderr.write(`  ${name}: min ${fmt(res.min)} median ${fmt(res.median)}${res.rss ? ` rss ${(res.rss / 1024).toFixed(1)} MiB` : ''}${note ? ` (${note})` : ''}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures: cacerts (JKS from JDK 25 / fixture, PKCS#12 fixture), a PEM bundle, N-entry stores, 20 keys.

const dist = (m) => require(path.join(ROOT, 'dist', m));
const { codecFor } = dist('formats/index.js');
const cacertsJks = fs.existsSync(path.join(JDK25, 'lib/security/cacerts')) ? path.join(JDK25, 'lib/security/cacerts') : path.join(FIXTURES, 'stores/cacerts-25.jks');
const cacertsP12 = path.join(FIXTURES, 'stores/cacerts-17.p12');

/**
 * cacerts in the form JDK 18 and later ship it: PKCS#12 without a password (certificates not
 * encrypted, no MAC), written by keytool with the properties the JDK documents for that form.
 */
function passwordlessCacerts() {
  const file = tmp('cacerts-passwordless.p12');
  execFileSync('keytool', ['-importkeystore', '-srckeystore', cacertsJks, '-srcstorepass', PW, '-destkeystore', file, '-deststoretype', 'PKCS12', '-deststorepass', PW, '-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE', '-J-Dkeystore.pkcs12.macAlgorithm=NONE'], { stdio: 'ignore' });
  return file;
}

function pemBundle() {
  const store = codecFor('JKS').decode(fs.readFileSync(cacertsJks), PW).store;
  const certs = store.entries.filter((e) => e.type === 'trustedCertEntry').map((e) => e.cert);
  const pem = certs.map((der) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`);
  fs.writeFileSync(tmp('bundle.pem'), pem.join(''));
  pem.forEach((p, i) => fs.writeFileSync(tmp(`cert-${i}.pem`), p));
  return pem.length;
}

/** A truststore with n entries: the cacerts certificates repeated under distinct aliases. */
function bigStore(type, n) {
  const src = codecFor(type).decode(fs.readFileSync(type === 'JKS' ? cacertsJks : cacertsP12), PW).store;
  const base = src.entries;
  const entries = Array.from({ length: n }, (_, i) => ({ ...base[i % base.length], alias: `${base[i % base.length].alias}-${i}` }));
  const file = tmp(`trust-${n}.${type === 'JKS' ? 'jks' : 'p12'}`);
  fs.writeFileSync(file, codecFor(type).encode({ ...src, entries }, PW, type === 'PKCS12' ? { profile: 'modern' } : {}));
  return file;
}

function twentyKeys() {
  const file = tmp('keys20.p12');
  for (let i = 0; i < 20; i++) {
    execFileSync(KTOOL, ['-genkeypair', '-alias', `key${i}`, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', `CN=key${i}`, '-keystore', file, '-storetype', 'PKCS12', '-storepass', PW, '-validity', '365'], { stdio: 'ignore' });
  }
  return file;
}

// ---------------------------------------------------------------------------------------------------

function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
  process.stderr.write(`ktool benchmarks (${RUNS} runs each${QUICK ? ', --quick' : ''})\n`);
  const nCerts = pemBundle();

  // 1. Start-up and listing cacerts.
  const node0 = bench('node', ['-e', '0']);
  record('start-up', '`node -e 0` (bare Node start-up)', node0, node0);
  const jksjs = `const j=require(${JSON.stringify(path.join(ROOT, 'node_modules/jks-js'))});const p=j.toPem(require('fs').readFileSync(process.argv[1]),'${PW}');process.stdout.write(Object.keys(p).length+'\\n')`;
  for (const [label, file] of [['JKS', cacertsJks], ['PKCS#12', cacertsP12], ['PKCS#12 password-less, as JDK 18+ ships it', passwordlessCacerts()]]) {
    record(`list cacerts (${label})`, `\`ktool list\` cacerts ${label}`, againstNode(KTOOL, ['list', '--storepass', PW, file]), node0);
    record(`list cacerts (${label})`, `\`ktool list --json\` cacerts ${label}`, againstNode(KTOOL, ['list', '--json', '--storepass', PW, file]), node0);
    record(`list cacerts (${label})`, `\`keytool -list\` cacerts ${label}`, bench('keytool', ['-list', '-keystore', file, '-storepass', PW]), node0);
    if (label === 'JKS') record(`list cacerts (${label})`, 'jks-js `toPem` cacerts JKS', againstNode('node', ['-e', jksjs, file]), node0);
  }

  // 2. A truststore from the bundle: one ktool run vs one keytool -importcert per certificate. ktool's
  // runs are taken during the loop, one after every few keytool calls, so both see the same machine.
  const ts = tmp('ts.p12');
  const ktArgs = ['truststore', ts, '--from', tmp('bundle.pem'), '--storepass', PW, '--replace'];
  const ktOpts = { before: () => fs.rmSync(ts, { force: true }) };
  runOnce(KTOOL, ktArgs, ktOpts);
  const loopN = QUICK ? Math.min(10, nCerts) : nCerts;
  const every = Math.max(1, Math.floor(loopN / PAIRED_RUNS));
  const loopStore = tmp('loop.p12');
  fs.rmSync(loopStore, { force: true });
  const ktRuns = [];
  let loopSeconds = 0;
  let loopRss = 0;
  for (let i = 0; i < loopN; i++) {
    const r = runOnce('keytool', ['-importcert', '-noprompt', '-alias', `c${i}`, '-file', tmp(`cert-${i}.pem`), '-keystore', loopStore, '-storetype', 'PKCS12', '-storepass', PW]);
    loopSeconds += r.wall;
    loopRss = Math.max(loopRss, r.rss ?? 0);
    if ((i + 1) % every === 0 && ktRuns.length < PAIRED_RUNS) ktRuns.push(runOnce(KTOOL, ktArgs, ktOpts));
  }
  while (ktRuns.length < PAIRED_RUNS) ktRuns.push(runOnce(KTOOL, ktArgs, ktOpts));
  const kt = summary(ktRuns);
  record('truststore from bundle', `\`ktool truststore\` (${nCerts} certificates, PKCS#12)`, kt, kt);
  const loopWall = loopSeconds * (nCerts / loopN);
  const loop = { min: loopWall, median: loopWall, rss: HAS_TIME ? loopRss : null };
  record('truststore from bundle', `keytool loop (${nCerts} × \`keytool -importcert -noprompt\`)`, loop, kt, QUICK ? `extrapolated from the first ${loopN}` : 'one run');

  // 3. 1k / 10k-entry truststores: read (list --json), list (text), write (convert to the other type).
  for (const type of ['JKS', 'PKCS12']) {
    const base = {};
    for (const n of [1000, 10000]) {
      const file = bigStore(type, n);
      const other = tmp(`out-${n}.${type === 'JKS' ? 'p12' : 'jks'}`);
      const ops = {
        read: ['list', '--json', '--storepass', PW, file],
        list: ['list', '--storepass', PW, file],
        write: ['convert', '--storepass', PW, '--force', file, other],
      };
      for (const [op, argv] of Object.entries(ops)) {
        const res = bench(KTOOL, argv, { runs: Math.min(RUNS, 3) });
        const k = `${op}`;
        if (n === 1000) base[k] = res;
        record(`${n === 1000 ? '1k' : '10k'} entries (${type})`, `${op === 'write' ? `write (convert to ${type === 'JKS' ? 'PKCS12' : 'JKS'})` : op === 'read' ? 'read (`list --json`)' : 'list (text)'} ${n} entries ${type}`, res, n === 1000 ? node0 : base[k], n === 1000 ? '' : `10k/1k ${(res.median / base[k].median).toFixed(1)}×`);
      }
    }
  }

  // 4. PKCS#12 with 20 modern-profile keys: open (list) and re-protect (passwd).
  const keys = twentyKeys();
  record('20 keys (PKCS#12, modern)', '`ktool list` 20-key PKCS#12', againstNode(KTOOL, ['list', '--storepass', PW, keys]), node0);
  record('20 keys (PKCS#12, modern)', '`keytool -list` 20-key PKCS#12', bench('keytool', ['-list', '-keystore', keys, '-storepass', PW]), node0);
  let flip = false;
  const pw = () => ((flip = !flip) ? [PW, 'changed1'] : ['changed1', PW]);
  // passwd alternates passwords so every run re-protects the store written by the previous one.
  const res = (() => {
    const rs = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const [a, b] = pw();
      const r = runOnce(KTOOL, ['passwd', '--storepass', a, '--new-storepass', b, keys]);
      if (i > 0) rs.push(r);
    }
    return summary(rs);
  })();
  record('20 keys (PKCS#12, modern)', '`ktool passwd` 20-key PKCS#12 (decrypt + re-encrypt 20 keys)', res, node0);

  // Table.
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const javaVersion = (spawnSync('keytool', ['-J-version'], { encoding: 'utf8' }).stderr.split('\n')[0] || 'keytool').trim();
  const head = [
    `Machine: ${cpu}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}; Node ${process.version}; keytool: ${javaVersion}; ${new Date().toISOString().slice(0, 10)}.`,
    `Runs: ${RUNS} per command after one warm-up (${PAIRED_RUNS} for ktool and jks-js against bare Node start-up, taken in turn with it; their ratio is the median of the pairs' ratios)${QUICK ? '; keytool loop extrapolated (--quick)' : ''}. Other ratios: median / the group's reference (bare Node start-up, or ktool truststore, or the 1k figure).`,
    '',
    '| group | command | min (s) | median (s) | peak RSS (MiB) | ratio | note |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  const lines = rows.map((r) => `| ${r.group} | ${r.name} | ${r.min.toFixed(3)} | ${r.median.toFixed(3)} | ${r.rss ? (r.rss / 1024).toFixed(1) : 'n/a'} | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`} | ${r.note} |`);
  const table = [...head, ...lines].join('\n') + '\n';
  process.stdout.write(table);
  fs.writeFileSync(path.join(__dirname, 'results.md'), `# ktool benchmark results\n\nGenerated by \`npm run bench${QUICK ? ' -- --quick' : ''}\`.\n\n${table}`);
}

main();

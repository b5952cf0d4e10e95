/**
 * Seeded mutation fuzzing of every decoder: bit flips, byte overwrites, truncations, inserted bytes,
 * huge length fields and deep nesting, applied to real fixtures. Every input must either parse or fail
 * with ktool's own KtoolError: never another exception, never a case over 2 s, never an allocation out
 * of proportion to the input.
 *
 * The cases run in a worker thread (fuzz-worker.js, decoding with the compiled dist/): before each case
 * it publishes (seed, case, start time) in shared memory, and this side terminates it when one case runs
 * over 2 s, so even a synchronous infinite loop fails the test (naming target, seed and case) instead of
 * hanging jest. Crashers are written to test/robustness/corpus/ and that corpus is replayed first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { manifest, readFixture, type ManifestStore } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('./fuzz-worker.js') as {
  PROGRESS_BYTES: number;
  STATE: { IDLE: number; CASE: number; PREPARE: number };
  TARGET_NAMES: string[];
  caseInput: (target: string, seed: Seed, seedIndex: number, caseIndex: number) => { bytes: Uint8Array; how: string };
};

const WORKER = path.join(__dirname, 'fuzz-worker.js');
const DIST = path.resolve(__dirname, '../../dist');
const CORPUS = path.join(__dirname, 'corpus');
/** Scales every target's case count (400 = the default, for which the counts below are written). */
const CASES_PER_SEED = Number(process.env.KTOOL_FUZZ_CASES ?? 400);
const scaled = (n: number) => Math.max(1, Math.round((n * CASES_PER_SEED) / 400));
const MAX_MS_PER_CASE = 2000;
/** Setting up one seed (decrypting a fixture at its own iteration counts) must not take longer than this. */
const MAX_MS_PREPARE = 30000;
/**
 * Memory per case, measured in the worker's own isolate (V8 heap + ArrayBuffers) before and after the
 * decode: at most 16 MiB plus 64 bytes per input byte (the most seen is 3.1 MiB, for a 180 KB
 * cacerts PKCS#12; the run prints the figures). A 4-GiB length field honoured by an allocation would
 * exceed it at once; the worker's heap is also capped (resourceLimits), and the process's RSS must
 * stay within 1 GiB of its start.
 */
const LIMITS = { maxMsPerCase: MAX_MS_PER_CASE, memoryBase: 16 * 2 ** 20, memoryPerInputByte: 64 };
const WORKER_HEAP_MB = 512;
const RSS_LIMIT = process.memoryUsage.rss() + 1024 * 2 ** 20;

interface Seed {
  name: string;
  bytes: Uint8Array;
  password: string | null;
  cases: number;
}

interface Stats {
  cases: number;
  outcomes: Record<string, number>;
  ms: number;
  maxCaseMs: number;
  maxAllocated: number;
  maxAllocatedPerInputByte: number;
  perSeed: { name: string; cases: number; ms: number }[];
}

type FailMessage = {
  type: 'fail';
  reason: 'exception' | 'slow' | 'memory' | 'seed';
  seedIndex: number;
  caseIndex?: number;
  name: string;
  how?: string;
  input?: Uint8Array;
  password?: string | null;
  error?: string;
  ms?: number;
  grown?: number;
  bound?: number;
};

const prefixOf = (target: string) => target.replace(/\W+/g, '-');

/** Keep a failing input (and its password, in FILE.pass) in the corpus; returns the file name. */
function keep(dir: string, target: string, label: string, input: Uint8Array, password: string | null | undefined): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefixOf(target)}-${label}.bin`);
  fs.writeFileSync(file, input);
  if (password !== null && password !== undefined) fs.writeFileSync(`${file}.pass`, password);
  return path.relative(path.resolve(__dirname, '../..'), file);
}

type Job = { kind: 'fuzz'; seeds: Seed[] } | { kind: 'replay'; inputs: { name: string; bytes: Uint8Array; password: string | null }[] };

/** Runs one target's job in a worker under the watchdog; resolves with the worker's statistics. Failing inputs go to keepDir. */
function inWorker(target: string, job: Job, keepDir = CORPUS): Promise<Stats> {
  const progress = new SharedArrayBuffer(lib.PROGRESS_BYTES);
  const state = new Int32Array(progress, 0, 4);
  const started = new Float64Array(progress, 16, 1);
  const describeCase = (si: number, ci: number, how?: string) =>
    job.kind === 'replay' ? `corpus file ${job.inputs[ci]?.name}` : `seed #${si} (${job.seeds[si]?.name}), case #${ci}${how ? ` (${how})` : ''}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER, {
      workerData: { ktoolFuzz: true, target, job, progress, limits: LIMITS },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: false,
      stderr: false,
    });
    const finish = (err: Error | null, stats?: Stats) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      void worker.terminate();
      if (err) reject(err);
      else resolve(stats!);
    };
    /** The current case's input, rebuilt here from the deterministic mutation stream, kept in the corpus. */
    const keepCurrent = (si: number, ci: number, what: string): string => {
      if (job.kind === 'replay') return `${what}: corpus file ${job.inputs[ci]?.name}`;
      const seed = job.seeds[si];
      const { bytes, how } = lib.caseInput(target, seed, si, ci);
      const file = keep(keepDir, target, `${what.replace(/\W+/g, '-')}-seed${si}-case${ci}`, bytes, seed.password);
      return `${what}: ${describeCase(si, ci, how)}; input kept in ${file}`;
    };
    const watchdog = setInterval(() => {
      const s = Atomics.load(state, 0);
      const si = state[1];
      const ci = state[2];
      const t = started[0];
      if (s === lib.STATE.IDLE || si !== state[1] || ci !== state[2]) return;
      const ms = Date.now() - t;
      if (s === lib.STATE.CASE && ms > MAX_MS_PER_CASE) {
        void worker.terminate();
        finish(new Error(`${target}: a case ran over ${MAX_MS_PER_CASE} ms (still running after ${ms} ms, worker terminated) — ${keepCurrent(si, ci, 'hang')}`));
      } else if (s === lib.STATE.PREPARE && ms > MAX_MS_PREPARE) {
        finish(new Error(`${target}: preparing seed #${si} (${job.kind === 'fuzz' ? job.seeds[si].name : ''}) took over ${MAX_MS_PREPARE} ms`));
      } else if (process.memoryUsage.rss() > RSS_LIMIT) {
        const during = s === lib.STATE.CASE ? keepCurrent(si, ci, 'rss') : `while preparing seed #${si}`;
        finish(new Error(`${target}: process resident memory ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB — ${during}`));
      }
    }, 50);
    worker.on('message', (m: { type: 'done'; stats: Stats } | FailMessage) => {
      if (m.type === 'done') return finish(null, m.stats);
      const where = describeCase(m.seedIndex, m.caseIndex ?? -1, m.how);
      if (m.reason === 'seed') return finish(new Error(`${target}: the unmutated seed #${m.seedIndex} (${m.name}) does not decode: ${m.error}`));
      const label = job.kind === 'replay' ? '' : `; input kept in ${keep(keepDir, target, `${m.reason}-seed${m.seedIndex}-case${m.caseIndex}`, m.input!, m.password)}`;
      if (m.reason === 'exception') return finish(new Error(`${target} ${where}: not a KtoolError: ${m.error}${label}`));
      if (m.reason === 'slow') return finish(new Error(`${target} ${where}: took ${m.ms!.toFixed(0)} ms (limit ${MAX_MS_PER_CASE})${label}`));
      return finish(new Error(`${target} ${where}: allocated ${(m.grown! / 2 ** 20).toFixed(1)} MiB for ${m.input!.length} input bytes (bound ${(m.bound! / 2 ** 20).toFixed(1)} MiB)${label}`));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const si = state[1];
      const ci = state[2];
      const current = Atomics.load(state, 0) === lib.STATE.CASE ? ` — ${keepCurrent(si, ci, e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'worker-error')}` : '';
      finish(new Error(`${target}: worker failed (${e.code ?? e.constructor.name}: ${e.message})${current}`));
    });
    worker.on('exit', (code) => finish(new Error(`${target}: worker exited (${code}) before reporting`)));
  });
}

// ------------------------------------------------------------------ seeds

const isLarge = (s: ManifestStore) => /^stores\/cacerts-/.test(s.file);
const storeSeeds = (type: ManifestStore['store_type'], opts: { password: boolean; cases: (s: ManifestStore) => number; large?: boolean }) => (): Seed[] =>
  manifest()
    .stores.filter((s) => s.store_type === type && (opts.large || !isLarge(s)))
    .map((s) => ({ name: s.file, bytes: readFixture(s.file), password: opts.password ? s.store_password : null, cases: scaled(opts.cases(s)) }));

/**
 * Mutations of a real PKCS#12 with its password almost always end at the MAC (TAMPERED), and each one
 * costs the file's MAC iterations (the legacy fixture's 100,000 PKCS#12-KDF rounds: ~0.2 s a case). So
 * this target's count per seed follows the MAC cost (2·10⁶ / iterations, 20..400), and a MAC-less seed
 * (the passwordless fixture, whose mutations reach every parser) gets 2,000. The deep parsers are the
 * business of the two re-MACed targets below.
 */
const pkcs12OuterCases = (s: ManifestStore) => {
  const mac = s.pkcs12_profile_seen_by_openssl?.mac;
  if (!mac) return 2000;
  return Math.min(400, Math.max(20, Math.round(2e6 / mac.iterations)));
};

const pemFiles = () =>
  manifest()
    .stores.flatMap((s) => s.entries)
    .filter((e) => e.chain_pem)
    .slice(0, 4)
    .map((e) => ({ name: e.chain_pem!, bytes: readFixture(e.chain_pem!) }));

/** CSRs, CRLs and PKCS#7 bundles written by OpenSSL (the real tool), made once per run. */
let generated: Record<'csr' | 'crl' | 'p7' | 'p7pem', { name: string; bytes: Uint8Array }[]> | undefined;
function openssl(): NonNullable<typeof generated> {
  if (generated) return generated;
  const dir = tempDir('fuzz-seeds');
  const o = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Fuzz CA/O=ktool', '-days', '30');
  o('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'r.key', '-out', 'r.csr', '-outform', 'DER', '-subj', '/CN=fuzz.example/O=ktool', '-addext', 'subjectAltName=DNS:fuzz.example,IP:10.0.0.1');
  o('req', '-new', '-key', 'ca.key', '-out', 'e.csr', '-outform', 'DER', '-subj', '/CN=ec.example', '-addext', 'keyUsage=critical,digitalSignature');
  // A minimal `openssl ca` setup with two revoked serials, for a CRL with entries and extensions.
  fs.writeFileSync(path.join(dir, 'index.txt'), ['R\t301231235959Z\t240101000000Z,keyCompromise\t1001\tunknown\t/CN=a', 'R\t301231235959Z\t240102000000Z\t1002\tunknown\t/CN=b', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'crlnumber'), '05\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncertificate=ca.pem\nprivate_key=ca.key\n');
  o('ca', '-config', 'ca.cnf', '-gencrl', '-out', 'c.pem');
  o('crl', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der');
  fs.writeFileSync(path.join(dir, 'bundle.pem'), Buffer.concat(pemFiles().slice(0, 2).map((b) => Buffer.from(b.bytes))));
  o('crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem', '-outform', 'DER', '-out', 'b.p7b');
  o('crl2pkcs7', '-in', 'c.pem', '-certfile', 'ca.pem', '-out', 'b.p7.pem');
  const rd = (f: string) => ({ name: `openssl ${f}`, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) });
  return (generated = { csr: [rd('r.csr'), rd('e.csr')], crl: [rd('c.der')], p7: [rd('b.p7b')], p7pem: [rd('b.p7.pem')] });
}

const plain = (cases: number, seeds: () => { name: string; bytes: Uint8Array }[]) => (): Seed[] => seeds().map((s) => ({ ...s, password: null, cases: scaled(cases) }));

interface Target {
  name: string;
  seeds: () => Seed[];
  /** Outcomes a target must never produce (its harness would be testing nothing). */
  never?: string[];
}

const TARGETS: Target[] = [
  { name: 'JKS', seeds: storeSeeds('JKS', { password: false, cases: () => 400 }) },
  { name: 'JKS with password', seeds: storeSeeds('JKS', { password: true, cases: () => 400 }) },
  { name: 'JCEKS', seeds: storeSeeds('JCEKS', { password: false, cases: () => 2500 }) },
  { name: 'JCEKS with password', seeds: storeSeeds('JCEKS', { password: true, cases: () => 1000 }) },
  { name: 'PKCS12', seeds: storeSeeds('PKCS12', { password: true, cases: pkcs12OuterCases }) },
  // The MAC is re-computed (1 iteration) after each mutation, so none of these may end at the MAC check.
  { name: 'PKCS12 authSafe re-MACed', seeds: storeSeeds('PKCS12', { password: true, cases: (s) => (isLarge(s) ? 200 : 1000), large: true }), never: ['TAMPERED'] },
  { name: 'PKCS12 SafeContents re-encrypted', seeds: storeSeeds('PKCS12', { password: true, cases: (s) => (isLarge(s) ? 200 : 1000), large: true }), never: ['TAMPERED'] },
  { name: 'PEM certificates', seeds: plain(400, pemFiles) },
  {
    name: 'DER certificate view',
    seeds: plain(400, () => {
      const { readCertificates } = require('../../src/formats/pem') as typeof import('../../src/formats/pem');
      return pemFiles().map((p) => ({ name: `first certificate of ${p.name}`, bytes: readCertificates(p.bytes)[0] }));
    }),
  },
  {
    name: 'private keys',
    seeds: plain(400, () =>
      manifest()
        .stores.flatMap((s) => s.entries)
        .filter((e) => e.private_key_pem)
        .slice(0, 4)
        .map((e) => ({ name: e.private_key_pem!, bytes: readFixture(e.private_key_pem!) })),
    ),
  },
  { name: 'CSR', seeds: plain(1600, () => openssl().csr) },
  { name: 'CRL', seeds: plain(1600, () => openssl().crl) },
  { name: 'PKCS7 DER', seeds: plain(1600, () => openssl().p7) },
  { name: 'PKCS7 PEM', seeds: plain(1600, () => openssl().p7pem) },
];

const figures: string[] = [];

describe('mutation fuzzing', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(DIST, 'formats/pkcs12.js'))) throw new Error(`${DIST} is missing: run \`npm run build\` (npm test does) before this test`);
  });

  afterAll(() => {
    if (figures.length) process.stdout.write(`mutation fuzzing (cases, decode time, slowest case, max allocation per case):\n${figures.join('\n')}\n`);
  });

  test('every fuzz target has a decoder in the worker', () => {
    expect(TARGETS.map((t) => t.name).sort()).toEqual([...lib.TARGET_NAMES].sort());
  });

  test('the crasher corpus stays fixed', async () => {
    if (!fs.existsSync(CORPUS)) return;
    // Longest prefix wins ("JKS-with-password-…" is not a "JKS" input).
    const byPrefix = [...TARGETS].sort((a, b) => prefixOf(b.name).length - prefixOf(a.name).length);
    const files = fs.readdirSync(CORPUS).filter((x) => x.endsWith('.bin')).sort();
    expect(files.length).toBeGreaterThan(0);
    const failures: string[] = [];
    // One worker per file: a hang in one must not keep the others from being replayed.
    for (const f of files) {
      const target = byPrefix.find((t) => f.startsWith(`${prefixOf(t.name)}-`));
      if (!target) throw new Error(`corpus file ${f} names no fuzz target`);
      const pass = path.join(CORPUS, `${f}.pass`);
      const password = fs.existsSync(pass) ? fs.readFileSync(pass, 'utf8') : null;
      const bytes = new Uint8Array(fs.readFileSync(path.join(CORPUS, f)));
      try {
        expect((await inWorker(target.name, { kind: 'replay', inputs: [{ name: f, bytes, password }] })).cases).toBe(1);
      } catch (e) {
        failures.push((e as Error).message.split('\n')[0]);
      }
    }
    expect(failures).toEqual([]);
  });

  describe('the guards fire (a worker target misbehaving on purpose at seed #0, case #1)', () => {
    const seed = (mode: string): Seed => ({ name: `self-test seed (${mode})`, bytes: new Uint8Array(64).fill(7), password: mode, cases: 5 });
    test.each([
      ['hang', /self-test: a case ran over 2000 ms .*worker terminated\) — hang: seed #0 \(self-test seed \(hang\)\), case #1 \(.+\); input kept in (\S+)$/],
      ['throw', /^self-test seed #0 \(self-test seed \(throw\)\), case #1 \(.+\): not a KtoolError: TypeError: self-test exception[\s\S]*; input kept in (\S+)$/],
      ['allocate', /^self-test seed #0 \(self-test seed \(allocate\)\), case #1 \(.+\): allocated 2\d\d\.\d MiB for \d+ input bytes \(bound 16\.\d MiB\); input kept in (\S+)$/],
      ['oom', /^self-test: worker failed \(ERR_WORKER_OUT_OF_MEMORY: .*\) — oom: seed #0 \(self-test seed \(oom\)\), case #1 \(.+\); input kept in (\S+)$/],
    ])('%s', async (mode, message) => {
      const dir = tempDir('fuzz-selftest');
      const err = await inWorker('self-test', { kind: 'fuzz', seeds: [seed(mode)] }, dir).then(
        () => new Error('no failure'),
        (e: Error) => e,
      );
      const m = message.exec(err.message);
      expect({ mode, message: err.message, matched: m !== null }).toEqual({ mode, message: err.message, matched: true });
      // The kept input is case #1's, rebuilt from the seeded mutation stream.
      expect(new Uint8Array(fs.readFileSync(path.resolve(__dirname, '../..', m![1])))).toEqual(lib.caseInput('self-test', seed(mode), 0, 1).bytes);
    });
  });

  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', async (_n, target) => {
    const seeds = target.seeds();
    expect(seeds.length).toBeGreaterThan(0);
    const t0 = Date.now();
    const stats = await inWorker(target.name, { kind: 'fuzz', seeds });
    const total = seeds.reduce((n, s) => n + s.cases, 0);
    expect(stats.cases).toBe(total);
    for (const o of target.never ?? []) expect({ target: target.name, outcome: o, count: stats.outcomes[o] ?? 0 }).toEqual({ target: target.name, outcome: o, count: 0 });
    // Some mutations must still decode: a harness rejecting everything up front would test nothing.
    if (target.never) expect(stats.outcomes.ok ?? 0).toBeGreaterThan(0);
    const outcomes = Object.entries(stats.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    figures.push(
      `  ${target.name}: ${stats.cases} cases over ${seeds.length} seeds, ${(stats.ms / 1000).toFixed(1)} s decoding (${((Date.now() - t0) / 1000).toFixed(1)} s wall), ` +
        `slowest ${stats.maxCaseMs.toFixed(0)} ms, max ${(stats.maxAllocated / 2 ** 20).toFixed(1)} MiB / ${stats.maxAllocatedPerInputByte.toFixed(1)} B per input byte; ${outcomes}`,
    );
  });
});

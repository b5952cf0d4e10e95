/**
 * Crash safety: ktool processes rewriting a store are killed (SIGKILL) at random moments; afterwards the
 * store is always the complete old file or a complete new one, never a partial one. 200 trials, seeded
 * delays (fractions of a calibrated run time, so that many kills land near the write).
 *
 * What a killed writer can leave behind (src/cli/files.ts): atomicWrite writes a hidden temp file
 * `.STORE.ktool-PID-HEX.tmp` (O_EXCL, the store's mode) in the store's directory, fsyncs it and renames
 * it over the store; a SIGKILL between the open and the rename leaves that temp file until the next
 * write of the store removes it (its pid is dead). And the FILE.lock of a killed holder stays until the
 * next writer takes it over. The test asserts exactly that: no other file appears, leftovers belong to
 * killed pids only, keep the store's mode, never replace the store, and are gone after a run that
 * completed.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { FIXTURES_DIR } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const SAMPLES = path.resolve(__dirname, '../../samples');
const TRIALS = Number(process.env.KTOOL_CRASH_TRIALS ?? 200);
const STORE = 'trust.p12';
const TEMP_FILE = /^\.trust\.p12\.ktool-(\d+)-[0-9a-f]{8}\.tmp$/;
const LOCK = `${STORE}.lock`;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Listed {
  aliases: string[];
  integrityChecked: boolean;
}

function listStore(store: string, trial: number): Listed {
  const r = ktool(['list', store, '--storepass', 'changeit', '--json']);
  expect({ trial, status: r.status, stderr: r.stderr }).toEqual({ trial, status: 0, stderr: '' });
  const j = JSON.parse(r.stdout) as { integrityChecked: boolean; entries: { alias: string }[] };
  return { aliases: j.entries.map((e) => e.alias).sort(), integrityChecked: j.integrityChecked };
}

test(`a store killed mid-rewrite is the old or the new file (${TRIALS} trials)`, async () => {
  const dir = tempDir('crash');
  const store = path.join(dir, STORE);
  expect(ktool(['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit']).status).toBe(0);
  // A certificate that is not in the bundle: importing it really rewrites the store (the bundle's own
  // intermediate would be "unchanged" and write nothing).
  const pemDir = path.join(FIXTURES_DIR, 'pem/cacerts-17.p12');
  const extraCert = path.join(pemDir, fs.readdirSync(pemDir).sort()[0]);
  const storeMode = fs.statSync(store).mode & 0o7777;

  let current = { hash: sha256(fs.readFileSync(store)), ...listStore(store, -1) };
  expect(current.aliases.length).toBeGreaterThan(0);
  expect(current.aliases).not.toContain('extra');
  /** Every complete store file seen so far: a changed store must be a new one, never an older generation. */
  const known = new Set<string>([current.hash]);
  const killedPids = new Set<number>();
  const counts = { killedOld: 0, killedNew: 0, completed: 0 };
  let leftoverTemps = new Set<string>();
  let tempsLeft = 0;

  // Kill times are spread over the later part of a run, where the write happens: delays are drawn in
  // [0.3, 1.3] x the median duration of four complete calibration runs (add, delete, add, delete the
  // extra entry). Calibrating on the trials' own completions would only see the fast runs.
  const durations: number[] = [];
  for (let i = 0; i < 4; i++) {
    const args = i % 2 === 0 ? ['import', store, '--cert', extraCert, '--alias', 'extra', '--storepass', 'changeit'] : ['delete', store, 'extra', '--storepass', 'changeit'];
    const t0 = Date.now();
    const child = spawn(process.execPath, [KTOOL_BIN, ...args], { stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    durations.push(Date.now() - t0);
    known.add(sha256(fs.readFileSync(store)));
  }
  const runMs = durations.sort((a, b) => a - b)[2];
  current = { hash: sha256(fs.readFileSync(store)), ...listStore(store, -1) };
  known.add(current.hash);

  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let t = 0; t < TRIALS; t++) {
    // Add the extra entry if it is absent, delete it if present: every completed run changes the store.
    const adding = !current.aliases.includes('extra');
    const args = adding
      ? ['import', store, '--cert', extraCert, '--alias', 'extra', '--storepass', 'changeit']
      : ['delete', store, 'extra', '--storepass', 'changeit'];
    const expectedNew = adding ? [...current.aliases, 'extra'].sort() : current.aliases.filter((a) => a !== 'extra');

    const child = spawn(process.execPath, [KTOOL_BIN, ...args], { stdio: 'ignore' });
    const delay = Math.floor(runMs * (0.3 + next()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const { code, signal } = await exited;
    clearTimeout(timer);
    const killed = signal === 'SIGKILL';
    if (killed) killedPids.add(child.pid!);
    else expect({ trial: t, args, code, signal }).toEqual({ trial: t, args, code: 0, signal: null });

    // The store: byte-identical to the old file (and listing the old entries), or a complete new file
    // that passes the MAC check and lists exactly the new entry set. A run that finished wrote the new one.
    const hash = sha256(fs.readFileSync(store));
    const listed = listStore(store, t);
    expect({ trial: t, integrityChecked: listed.integrityChecked }).toEqual({ trial: t, integrityChecked: true });
    if (hash === current.hash) {
      expect({ trial: t, killed, aliases: listed.aliases }).toEqual({ trial: t, killed: true, aliases: current.aliases });
      counts.killedOld++;
    } else {
      expect({ trial: t, olderGeneration: known.has(hash), aliases: listed.aliases }).toEqual({ trial: t, olderGeneration: false, aliases: expectedNew });
      known.add(hash);
      if (killed) counts.killedNew++;
      else counts.completed++;
      current = { hash, ...listed };
    }
    expect((fs.statSync(store).mode & 0o7777).toString(8)).toBe(storeMode.toString(8));

    // Besides the store, only what a killed writer can leave: its hidden temp file, or its lock file.
    const temps = new Set<string>();
    for (const f of fs.readdirSync(dir)) {
      if (f === STORE) continue;
      if (f === LOCK) {
        // A lock outlives only a killed holder; a run that finished took any stale lock over and released it.
        expect({ trial: t, lockAfterCompletedRun: !killed }).toEqual({ trial: t, lockAfterCompletedRun: false });
        // Its pid is a killed one's, or it is empty: killed between creating the lock and writing the pid
        // (the next writer takes such a lock over once it is a second old).
        const holder = fs.readFileSync(path.join(dir, f), 'utf8');
        expect({ trial: t, lockHolderWasKilled: holder === '' ? killed : killedPids.has(Number(holder)) }).toEqual({ trial: t, lockHolderWasKilled: true });
        continue;
      }
      const m = TEMP_FILE.exec(f);
      expect({ trial: t, file: f, isWriterTempFile: m !== null }).toEqual({ trial: t, file: f, isWriterTempFile: true });
      // Left only by a killed run; created with the store's mode (no wider access to what it holds).
      expect({ trial: t, file: f, ofKilledPid: killedPids.has(Number(m![1])) }).toEqual({ trial: t, file: f, ofKilledPid: true });
      expect({ trial: t, file: f, mode: (fs.statSync(path.join(dir, f)).mode & 0o7777).toString(8) }).toEqual({ trial: t, file: f, mode: storeMode.toString(8) });
      temps.add(f);
    }
    // A run that completed removed every temp file of the killed writers before it.
    if (!killed) expect({ trial: t, tempsAfterCompletedRun: [...temps] }).toEqual({ trial: t, tempsAfterCompletedRun: [] });
    for (const f of temps) if (!leftoverTemps.has(f)) tempsLeft++;
    leftoverTemps = temps;
  }
  expect(counts.killedOld + counts.killedNew).toBe(killedPids.size);
  expect(counts.killedOld).toBeGreaterThan(0);
  expect(counts.completed).toBeGreaterThan(0);
  process.stdout.write(
    `crash safety: ${TRIALS} trials (a run takes ~${runMs} ms), ${killedPids.size} killed (${counts.killedOld} left the old file, ${counts.killedNew} the new one), ` +
      `${counts.completed} completed; ${tempsLeft} temp files left by killed writers, ${leftoverTemps.size} still there at the end (the next write removes them)\n`,
  );
}, 600000);

test('a write removes the temp files that dead writers left beside the store, and nothing else', () => {
  const dir = tempDir('crash-temps');
  const store = path.join(dir, STORE);
  expect(ktool(['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit']).status).toBe(0);
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  const dead = `.${STORE}.ktool-${deadPid}-0badf00d.tmp`;
  // The test runner is alive: its file stands for a concurrent writer's work in progress.
  const live = `.${STORE}.ktool-${process.pid}-0000beef.tmp`;
  const otherStores = `.other.p12.ktool-${deadPid}-0badf00d.tmp`;
  const notOurs = `.${STORE}.ktool-${deadPid}-notours.tmp`;
  for (const f of [dead, live, otherStores, notOurs]) fs.writeFileSync(path.join(dir, f), 'partial store');
  const present = () => fs.readdirSync(dir).filter((f) => f !== STORE).sort();

  // Reading writes nothing and removes nothing.
  expect(ktool(['list', store, '--storepass', 'changeit']).status).toBe(0);
  expect(present()).toEqual([dead, live, otherStores, notOurs].sort());
  const pemDir = path.join(FIXTURES_DIR, 'pem/cacerts-17.p12');
  const extraCert = path.join(pemDir, fs.readdirSync(pemDir).sort()[0]);
  expect(ktool(['import', store, '--cert', extraCert, '--alias', 'extra', '--storepass', 'changeit']).status).toBe(0);
  expect(present()).toEqual([live, otherStores, notOurs].sort());
  fs.rmSync(dir, { recursive: true, force: true });
});

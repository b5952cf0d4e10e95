/**
 * Concurrency: 20 ktool processes import 20 different certificates into one store at the same time.
 * The store's lock file (src/cli/files.ts) serialises the read-modify-write, so no update is lost.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLock, removeStaleLock } from '../../src/cli/files';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { FIXTURES_DIR } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const N = 20;

function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KTOOL_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test.each(['p12', 'jks'])(`${N} concurrent imports into one .%s store keep all ${N} entries`, async (ext) => {
  const dir = tempDir('concurrency');
  const store = path.join(dir, `trust.${ext}`);
  const pemDir = path.join(FIXTURES_DIR, 'pem/cacerts-17.p12');
  const certs = fs.readdirSync(pemDir).sort().slice(0, N).map((f) => path.join(pemDir, f));
  expect(certs).toHaveLength(N);
  const results = await Promise.all(certs.map((c, i) => run(['import', store, '--cert', c, '--alias', `ca-${i}`, '--storepass', 'changeit'])));
  for (const r of results) expect(r).toEqual({ status: 0, stderr: expect.any(String) });
  const listed = ktool(['list', '--json', '--storepass', 'changeit', store]);
  expect(listed.status).toBe(0);
  const aliases = (JSON.parse(listed.stdout).entries as { alias: string }[]).map((e) => e.alias).sort();
  expect(aliases).toEqual(Array.from({ length: N }, (_, i) => `ca-${i}`).sort());
  expect(fs.existsSync(`${store}.lock`)).toBe(false);
  // Nothing but the store is left behind (no temp files from the atomic writes).
  expect(fs.readdirSync(dir)).toEqual([`trust.${ext}`]);
});

test('a lock left empty by a writer killed before it wrote its pid is taken over after a second', () => {
  const dir = tempDir('stale-lock');
  const store = path.join(dir, 'trust.p12');
  const cert = path.join(FIXTURES_DIR, 'pem/cacerts-17.p12', fs.readdirSync(path.join(FIXTURES_DIR, 'pem/cacerts-17.p12')).sort()[0]);
  // An old empty lock: taken over at once.
  fs.writeFileSync(`${store}.lock`, '');
  const old = new Date(Date.now() - 5000);
  fs.utimesSync(`${store}.lock`, old, old);
  let t0 = Date.now();
  expect(ktool(['import', store, '--cert', cert, '--alias', 'a', '--storepass', 'changeit']).status).toBe(0);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(fs.existsSync(`${store}.lock`)).toBe(false);
  // A fresh empty lock: waited for (a live holder writes its pid at once), then taken over.
  fs.writeFileSync(`${store}.lock`, '');
  t0 = Date.now();
  const r = ktool(['import', store, '--cert', cert, '--alias', 'b', '--storepass', 'changeit']);
  expect(r.status).toBe(0);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  expect(fs.existsSync(`${store}.lock`)).toBe(false);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a stale lock is removed only if it is still the file judged stale, not a new holder\'s lock in its place', () => {
  const dir = tempDir('lock-takeover');
  const lock = path.join(dir, 'trust.p12.lock');
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  // The holder died holding the lock: seen, judged stale, and removed.
  fs.writeFileSync(lock, String(deadPid));
  removeStaleLock(lock, readLock(lock)!);
  expect(fs.existsSync(lock)).toBe(false);
  // Between the look and the removal the lock was released and taken anew (often the same inode
  // number, and a timestamp as coarse as the file system's): that lock stays, whether it already
  // names its holder or is still empty.
  for (const newHolder of [String(process.pid), '']) {
    fs.writeFileSync(lock, String(deadPid));
    const seen = readLock(lock)!;
    expect(seen.holder).toBe(deadPid);
    fs.unlinkSync(lock);
    fs.writeFileSync(lock, newHolder);
    removeStaleLock(lock, seen);
    expect({ newHolder, kept: fs.existsSync(lock) && fs.readFileSync(lock, 'utf8') }).toEqual({ newHolder, kept: newHolder });
    fs.unlinkSync(lock);
  }
  // The worst case: the new lock has the old one's inode and, timestamps being coarse, its
  // modification time too (made so here by rewriting the file in place at a fixed time).
  const t = new Date(Math.floor(Date.now() / 1000) * 1000);
  fs.writeFileSync(lock, String(deadPid));
  fs.utimesSync(lock, t, t);
  const seen = readLock(lock)!;
  fs.writeFileSync(lock, String(process.pid));
  fs.utimesSync(lock, t, t);
  expect({ ino: readLock(lock)!.ino, mtimeNs: readLock(lock)!.mtimeNs }).toEqual({ ino: seen.ino, mtimeNs: seen.mtimeNs });
  removeStaleLock(lock, seen);
  expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
  fs.rmSync(dir, { recursive: true, force: true });
});

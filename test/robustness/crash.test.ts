/**
 * Crash safety: ktool processes rewriting a store are killed (SIGKILL) at random moments; afterwards the
 * store is always a complete old or new file, never a partial one. 200 trials, seeded delays.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { tempDir } from '../helpers/jdk';

const SAMPLES = path.resolve(__dirname, '../../samples');
const TRIALS = Number(process.env.KTOOL_CRASH_TRIALS ?? 200);

test(`a store killed mid-rewrite is the old or the new file (${TRIALS} trials)`, async () => {
  const dir = tempDir('crash');
  const store = path.join(dir, 'trust.p12');
  expect(ktool(['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit']).status).toBe(0);
  const known = new Set<string>([createHash('sha256').update(fs.readFileSync(store)).digest('hex')]);
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let killed = 0;
  let completed = 0;
  for (let t = 0; t < TRIALS; t++) {
    // Alternate between adding and deleting one entry, so every run really rewrites the file.
    const args =
      t % 2 === 0
        ? ['import', store, '--cert', path.join(SAMPLES, 'intermediate-ca.pem'), '--alias', 'extra', '--storepass', 'changeit']
        : ['delete', store, 'extra', '--storepass', 'changeit'];
    const child = spawn(process.execPath, [KTOOL_BIN, ...args], { stdio: 'ignore' });
    const delay = Math.floor(next() * 250);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const code = await exited;
    clearTimeout(timer);
    if (code === null) killed++;
    else completed++;
    const bytes = fs.readFileSync(store);
    const list = ktool(['list', store, '--storepass', 'changeit', '--json']);
    expect({ trial: t, status: list.status, stderr: list.stderr }).toEqual({ trial: t, status: 0, stderr: '' });
    known.add(createHash('sha256').update(bytes).digest('hex'));
    // No temporary files are left behind to be mistaken for stores, beyond those of killed runs.
    for (const f of fs.readdirSync(dir)) expect(f.endsWith('.tmp') && !f.startsWith('.')).toBe(false);
  }
  expect(killed).toBeGreaterThan(0);
  expect(completed).toBeGreaterThan(0);
}, 600000);

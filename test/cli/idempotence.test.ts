/**
 * The deploy-script contract of the verbs that write files: `changed`/`unchanged` in text and JSON,
 * `--exit-code-changed N`, `--dry-run` (nothing written, not even a lock or temp file) and `--backup`,
 * for `import` and `convert` (the other verbs are in manage.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ktool } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const SAMPLES = path.resolve(__dirname, '../../samples');
let work: string;
beforeAll(() => {
  work = tempDir('idempotence');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => ktool(args, { cwd: work });
const files = () => fs.readdirSync(work).sort();

test('import: --dry-run writes nothing; --exit-code-changed on change only; re-import unchanged; --backup', () => {
  const store = path.join(work, 'trust.p12');
  const add = ['import', store, '--cert', path.join(SAMPLES, 'ca-bundle.pem'), '--storepass', 'changeit'];
  const dry = run([...add, '--dry-run', '--exit-code-changed', '3']);
  expect(dry.status).toBe(3);
  expect(dry.stdout).toMatch(/would change \(dry run, nothing written\)\n$/);
  expect(files()).toEqual([]);

  const first = run([...add, '--exit-code-changed', '3']);
  expect({ status: first.status, err: first.stderr }).toEqual({ status: 3, err: '' });
  expect(first.stdout).toMatch(/^added: /m);
  expect(first.stdout.endsWith(`${store}: changed\n`)).toBe(true);
  const bytes = fs.readFileSync(store);

  const again = run([...add, '--exit-code-changed', '3', '--json']);
  expect(again.status).toBe(0);
  const j = JSON.parse(again.stdout);
  expect(j).toMatchObject({ store, changed: false, dryRun: false });
  expect(j.changes.every((c: { action: string }) => c.action === 'unchanged')).toBe(true);
  expect(fs.readFileSync(store)).toEqual(bytes); // an unchanged store is not rewritten

  const more = run(['import', store, '--cert', path.join(SAMPLES, 'server-chain.pem'), '--storepass', 'changeit', '--backup']);
  expect(more.status).toBe(0);
  expect(fs.readFileSync(`${store}.bak`)).toEqual(bytes);
  expect(files()).toEqual(['trust.p12', 'trust.p12.bak']);
});

test('convert: --dry-run opens and re-seals every key but writes nothing; --force --backup keeps the old file', () => {
  const src = fixturePath('stores/jks17-keypass.jks');
  const out = path.join(work, 'converted.p12');
  const args = ['convert', src, out, '--storepass', 'store-pass-17', '--keypass-for', 'dsa-2048=dsa-key-pass', '--keypass-for', 'rsa 4096 server=rsa-key-pass'];
  const before = files();
  const dry = run([...args, '--dry-run', '--json']);
  expect(dry.status).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ destination: out, entries: 3, changed: false, dryRun: true });
  expect(files()).toEqual(before);
  // A wrong key password fails the dry run too: it really opens the keys.
  const wrong = run(['convert', src, out, '--storepass', 'store-pass-17', '--dry-run']);
  expect(wrong.status).toBe(3);
  expect(files()).toEqual(before);

  expect(run(args).status).toBe(0);
  const first = fs.readFileSync(out);
  expect(run(args).status).toBe(7); // exists
  const forced = run([...args, '--force', '--backup']);
  expect(forced.stdout).toMatch(/^Converted /);
  expect(fs.readFileSync(`${out}.bak`)).toEqual(first);
  expect((fs.statSync(out).mode & 0o777).toString(8)).toBe('600');
});

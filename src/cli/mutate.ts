/**
 * The mutate-and-report pattern shared by the verbs that change a store (delete, rename, passwd,
 * import-store, truststore): under the store's lock, load, apply a pure operation, write atomically
 * (with --backup) only when something changed and not --dry-run, then report "changed"/"unchanged"
 * as text or JSON, with `--exit-code-changed N` for scripts that want a distinct status.
 */
import type { Command } from 'commander';
import { KtoolError, inContext } from '../model/errors';
import { type KeyStore, type StoreType, isPasswordlessStore } from '../model/keystore';
import { type StoreChange, anyChange } from '../ops/delete';
import { stdio } from './context';
import { withFileLock } from './files';
import { holdsPrivateKeys, loadStoreFile, saveStoreFile } from './store-file';

export function mutationOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'show what would change, write nothing')
    .option('--backup', 'keep the previous file as FILE.bak')
    .option('--exit-code-changed <n>', 'exit with status N when the store changed (default: 0 whether or not it changed)', parseExitCode)
    .option('--json', 'report as JSON');
}

function parseExitCode(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new KtoolError('USAGE', `--exit-code-changed: expected a status 0-255, got ${JSON.stringify(v)}`);
  return n;
}

/** The store as found (or as it starts when the file does not exist yet). */
export interface Target {
  store: KeyStore;
  /** The password it is written with (null: a password-less PKCS#12). */
  password: string | null;
  exists: boolean;
}

export interface Outcome {
  store: KeyStore;
  changes: StoreChange[];
  /** Write with this password instead of the one it was opened with (passwd). */
  password?: string | null;
  /** Overrides "some change is not unchanged/skipped, or the file is new". */
  changed?: boolean;
  /** Extra fields for --json. */
  json?: Record<string, unknown>;
  /** Lines for the text report (default: one per change). */
  text?: string[];
}

export interface MutationReport {
  outcome: Outcome;
  changed: boolean;
}

/**
 * Open an existing store for read-modify-write. A password is required unless the store is a
 * password-less PKCS#12 (reading a protected PKCS#12 without it would drop its encrypted certificates,
 * and JKS/JCEKS cannot be written without one). `trustDefault`: a store with no keys may use
 * "changeit", with a notice.
 */
export function openForUpdate(file: string, password: string | undefined, type: StoreType | undefined, opts: { trustDefault?: boolean } = {}): Target {
  if (password !== undefined) return { store: loadStoreFile(file, password, type).store, password, exists: true };
  const { store } = loadStoreFile(file, null, type);
  if (isPasswordlessStore(store)) return { store, password: null, exists: true };
  if (opts.trustDefault && !holdsPrivateKeys(store)) {
    stdio.err(`ktool: ${file}: no store password given: using "changeit" (the JDK's truststore default)`);
    return { store: loadStoreFile(file, 'changeit', type).store, password: 'changeit', exists: true };
  }
  throw new KtoolError('USAGE', `${file}: give the store password (--storepass, --storepass-env, --storepass-file or --storepass-stdin)`);
}

export function runMutation(file: string, opts: Record<string, unknown>, load: () => Target, apply: (t: Target) => Outcome): MutationReport {
  const run = (): MutationReport => {
    const target = load();
    const outcome = apply(target);
    const changed = outcome.changed ?? (anyChange(outcome.changes) || !target.exists);
    if (changed && !opts.dryRun) {
      const password = outcome.password !== undefined ? outcome.password : target.password;
      saveStoreFile(file, outcome.store, password, { backup: !!opts.backup });
    }
    return { outcome, changed };
  };
  // A dry run reads only: it takes no lock (and so leaves no trace in the directory).
  const result = inContext(file, () => (opts.dryRun ? run() : withFileLock(file, run)));
  report(file, opts, result);
  return result;
}

export function report(file: string, opts: Record<string, unknown>, { outcome, changed }: MutationReport): void {
  const dryRun = !!opts.dryRun;
  if (opts.json) {
    stdio.json({ store: file, changed, dryRun, changes: outcome.changes, ...outcome.json });
  } else {
    const lines = outcome.text ?? outcome.changes.map(changeLine);
    for (const l of lines) stdio.out(l);
    stdio.out(`${file}: ${changed ? (dryRun ? 'would change (dry run, nothing written)' : 'changed') : 'unchanged'}`);
  }
  if (changed && typeof opts.exitCodeChanged === 'number') process.exitCode = opts.exitCodeChanged;
}

export function changeLine(c: StoreChange): string {
  const what = c.action === 'renamed' ? `${c.from} -> ${c.alias}` : c.alias || 'store';
  return `${c.action}: ${what}${c.reason ? ` (${c.reason})` : ''}`;
}

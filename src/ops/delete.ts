/**
 * Deleting entries. Also home of the change record every mutating operation returns, so the CLI can
 * report "changed"/"unchanged" the same way for all of them.
 */
import { findEntry, foldAlias } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { KeyStore } from '../model/keystore';

export type ChangeAction = 'added' | 'replaced' | 'deleted' | 'renamed' | 'password-changed' | 'removed' | 'unchanged' | 'skipped';

export interface StoreChange {
  alias: string;
  action: ChangeAction;
  /** rename: the alias before; merge with --on-conflict rename: the alias in the source store. */
  from?: string;
  reason?: string;
}

export interface MutationResult {
  store: KeyStore;
  changes: StoreChange[];
}

/** Did any change alter the store? ("skipped" and "unchanged" do not.) */
export const isChange = (c: StoreChange): boolean => c.action !== 'unchanged' && c.action !== 'skipped';
export const anyChange = (changes: readonly StoreChange[]): boolean => changes.some(isChange);

/**
 * Remove the named entries. An alias that is not there is NOT_FOUND, unless `ifExists` (the
 * idempotent "ensure absent" a deploy script wants), where it is reported as unchanged.
 */
export function deleteEntries(store: KeyStore, aliases: readonly string[], opts: { ifExists?: boolean } = {}): MutationResult {
  const changes: StoreChange[] = [];
  let entries = store.entries;
  for (const given of aliases) {
    const alias = foldAlias(given);
    const e = findEntry({ ...store, entries }, alias);
    if (!e) {
      if (!opts.ifExists) throw new KtoolError('NOT_FOUND', `alias <${given}> does not exist`);
      if (!changes.some((c) => c.alias === alias)) changes.push({ alias, action: 'unchanged', reason: 'not present' });
      continue;
    }
    entries = entries.filter((x) => x !== e);
    changes.push({ alias, action: 'deleted' });
  }
  return { store: anyChange(changes) ? { ...store, entries } : store, changes };
}

/** Renaming an entry (keytool -changealias). */
import { findEntry, foldAlias } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { Entry, KeyStore } from '../model/keystore';
import type { MutationResult } from './delete';

/**
 * Give entry OLD the alias NEW. A PKCS#12 trusted certificate keeps NEW's case in its friendlyName (as
 * keytool does); the alias itself is folded like every format folds it.
 *
 * Idempotent: when OLD is gone and NEW is there, the rename already happened ("unchanged"). OLD
 * missing with no NEW is NOT_FOUND; NEW taken by another entry is EXISTS.
 */
export function renameEntry(store: KeyStore, oldAlias: string, newAlias: string): MutationResult {
  const from = foldAlias(oldAlias);
  const to = foldAlias(newAlias);
  if (to === '') throw new KtoolError('USAGE', 'the new alias is empty');
  const entry = findEntry(store, from);
  const target = findEntry(store, to);
  if (!entry) {
    if (target) return { store, changes: [{ alias: to, from, action: 'unchanged', reason: `<${oldAlias}> is already named <${to}>` }] };
    throw new KtoolError('NOT_FOUND', `alias <${oldAlias}> does not exist`);
  }
  const wantsFriendlyName = store.type === 'PKCS12' && entry.type === 'trustedCertEntry';
  if (from === to) {
    // Same alias; only a PKCS#12 trusted certificate's friendlyName can change (its case).
    if (!wantsFriendlyName || entry.friendlyName === newAlias) return { store, changes: [{ alias: to, from, action: 'unchanged' }] };
  } else if (target) {
    throw new KtoolError('EXISTS', `alias <${newAlias}> already exists`);
  }
  const renamed: Entry = wantsFriendlyName ? { ...entry, alias: to, friendlyName: newAlias } : { ...entry, alias: to };
  if (renamed.type === 'trustedCertEntry' && store.type !== 'PKCS12') delete renamed.friendlyName;
  return { store: { ...store, entries: store.entries.map((e) => (e === entry ? renamed : e)) }, changes: [{ alias: to, from, action: 'renamed' }] };
}

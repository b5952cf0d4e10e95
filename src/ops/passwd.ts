/**
 * Changing passwords. JKS/JCEKS: the store password only guards integrity, so keys stay as they are;
 * each key has its own password (changeKeyPassword). PKCS#12: the keys are encrypted with the store
 * password, so changing it re-encrypts every key.
 */
import { findEntry } from '../model/alias';
import { KtoolError } from '../model/errors';
import { type KeyStore, isPasswordlessStore } from '../model/keystore';
import type { MutationResult } from './delete';
import { sealEntries } from './keys';


/**
 * The store re-protected for `newPassword`. `keyPassword` opens keys as they are now (PKCS#12: the old
 * store password); JKS/JCEKS keys are not touched.
 */
export function changeStorePassword(store: KeyStore, newPassword: string, keyPassword: (alias: string) => string | undefined): MutationResult {
  if (isPasswordlessStore(store)) {
    throw new KtoolError('USAGE', 'a password-less PKCS12 has no store password to change (use `ktool convert --profile modern` to protect it)');
  }
  if (store.type !== 'PKCS12' || store.protection.kind !== 'pkcs12') return { store, changes: [{ alias: '', action: 'password-changed' }] };
  const resealed = sealEntries(store, {
    target: 'PKCS12',
    sourceKeyPassword: keyPassword,
    targetKeyPassword: () => newPassword,
    pkcs12KeyProtection: store.protection.profile.keyProtection,
    force: true,
  });
  return { store: resealed, changes: [{ alias: '', action: 'password-changed' }] };
}

/** A JKS/JCEKS key entry's own password (PKCS#12 keys always use the store password). */
export function changeKeyPassword(store: KeyStore, alias: string, oldPassword: string, newPassword: string): MutationResult {
  if (store.type === 'PKCS12' && !isPasswordlessStore(store)) {
    throw new KtoolError('UNSUPPORTED', 'PKCS12 keys are protected by the store password: change that instead (ktool passwd without --alias)');
  }
  const entry = findEntry(store, alias);
  if (!entry) throw new KtoolError('NOT_FOUND', `alias <${alias}> does not exist`);
  if (entry.type === 'trustedCertEntry') throw new KtoolError('USAGE', `alias <${entry.alias}> is a trusted certificate: it has no key password`);
  const one: KeyStore = { ...store, entries: [entry] };
  const pkcs12KeyProtection = store.protection.kind === 'pkcs12' ? store.protection.profile.keyProtection : undefined;
  const [resealed] = sealEntries(one, { target: store.type, sourceKeyPassword: () => oldPassword, targetKeyPassword: () => newPassword, pkcs12KeyProtection, force: true }).entries;
  return {
    store: { ...store, entries: store.entries.map((e) => (e === entry ? resealed : e)) },
    changes: [{ alias: entry.alias, action: 'password-changed' }],
  };
}

/**
 * Importing PEM/DER material into a store model: one key entry (key + ordered chain), or every
 * certificate as a trusted entry. Idempotent: the same content under the same alias is "unchanged".
 */
import { foldAlias, findEntry } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { KeyStore, PrivateKeyEntry } from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import { aliasForCertificate, certificateIndex, sha256Hex } from './aliases';

export type Change = { alias: string; action: 'added' | 'replaced' | 'unchanged' | 'skipped'; reason?: string };

export interface ImportResult {
  store: KeyStore;
  changes: Change[];
}

const sameChain = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((c, i) => bytesEqual(c, b[i]));

/**
 * Add (or confirm) a key entry. `keyMatchesExisting` tells whether the existing entry's key equals the
 * new one (the caller opens it when it can; undefined means it could not be checked).
 */
export function importKeyEntry(
  store: KeyStore,
  entry: { alias: string; pkcs8: Uint8Array; chain: Uint8Array[]; created?: Date },
  opts: { overwrite?: boolean; keyMatchesExisting?: (existing: PrivateKeyEntry) => boolean | undefined } = {},
): ImportResult {
  const alias = foldAlias(entry.alias);
  const existing = findEntry(store, alias);
  const fresh: PrivateKeyEntry = { type: 'PrivateKeyEntry', alias, created: entry.created ?? new Date(), key: { form: 'plain', pkcs8: entry.pkcs8 }, chain: entry.chain };
  if (existing) {
    if (existing.type === 'PrivateKeyEntry' && sameChain(existing.chain, entry.chain) && opts.keyMatchesExisting?.(existing) !== false) {
      return { store, changes: [{ alias, action: 'unchanged' }] };
    }
    if (!opts.overwrite) throw new KtoolError('EXISTS', `alias <${alias}> already exists with different content (use --overwrite to replace it)`);
    return { store: { ...store, entries: store.entries.map((e) => (e === existing ? fresh : e)) }, changes: [{ alias, action: 'replaced' }] };
  }
  return { store: { ...store, entries: [...store.entries, fresh] }, changes: [{ alias, action: 'added' }] };
}

/** Every certificate becomes a trusted entry; duplicates (by SHA-256) are skipped. */
export function importTrustedCerts(
  store: KeyStore,
  certs: Uint8Array[],
  opts: { alias?: string; aliasTemplate?: string; overwrite?: boolean } = {},
): ImportResult {
  if (opts.alias !== undefined && certs.length > 1) {
    throw new KtoolError('USAGE', `--alias names one entry but the input holds ${certs.length} certificates (leave out --alias, or use --alias-template)`);
  }
  let entries = [...store.entries];
  const changes: Change[] = [];
  const bySha = certificateIndex(store);
  const taken = (a: string) => entries.some((e) => e.alias === a);
  for (const der of certs) {
    const sha = sha256Hex(der);
    const alias = opts.alias !== undefined ? foldAlias(opts.alias) : aliasForCertificate(der, (a) => taken(a) && bySha.get(sha) !== a, opts.aliasTemplate, sha);
    const existing = entries.find((e) => e.alias === alias);
    if (existing) {
      if (existing.type === 'trustedCertEntry' && bytesEqual(existing.cert, der)) {
        changes.push({ alias, action: 'unchanged' });
        continue;
      }
      if (!opts.overwrite) throw new KtoolError('EXISTS', `alias <${alias}> already exists with different content (use --overwrite to replace it)`);
      entries = entries.map((e) => (e === existing ? { type: 'trustedCertEntry' as const, alias, created: new Date(), cert: der } : e));
      changes.push({ alias, action: 'replaced' });
      bySha.set(sha, alias);
      continue;
    }
    const other = bySha.get(sha);
    if (other !== undefined) {
      changes.push({ alias: other, action: 'unchanged', reason: 'same certificate already present' });
      continue;
    }
    entries.push({ type: 'trustedCertEntry', alias, created: new Date(), cert: der, friendlyName: opts.alias });
    bySha.set(sha, alias);
    changes.push({ alias, action: 'added' });
  }
  return { store: { ...store, entries }, changes };
}

export const changed = (r: ImportResult): boolean => r.changes.some((c) => c.action === 'added' || c.action === 'replaced');

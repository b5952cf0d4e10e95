/**
 * Merging one store into another (keytool -importkeystore, with a policy for alias collisions).
 * Idempotent: an entry whose content is already in the destination under its alias (or, with
 * `rename`, under one of the renamed aliases) is "unchanged", so re-running a merge changes nothing.
 */
import { findEntry, foldAlias, sortedEntries } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { Entry, KeyStore } from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import type { MutationResult, StoreChange } from './delete';
import { unsupportedReason } from './convert';
import { sealEntries } from './keys';

export type ConflictPolicy = 'fail' | 'skip' | 'overwrite' | 'rename';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['fail', 'skip', 'overwrite', 'rename'];

export interface MergeOptions {
  /** Only these source aliases (all entries when absent); a missing one is NOT_FOUND. */
  aliases?: readonly string[];
  onConflict: ConflictPolicy;
  /** Opens a source key (its current password). */
  sourceKeyPassword: (sourceAlias: string) => string | undefined;
  /** The password a key gets in the destination (PKCS#12: the destination store password). */
  targetKeyPassword: (destAlias: string) => string;
  /** Secret keys sealed in different forms compare equal when both open to the same key. */
  sameSecret?: (dest: Entry, source: Entry) => boolean;
}

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]) => a.length === b.length && a.every((c, i) => bytesEqual(c, b[i]));

/** Same content, whatever the alias: same certificate(s); for keys, the chain pins the key pair. */
export function sameContent(a: Entry, b: Entry, sameSecret?: MergeOptions['sameSecret']): boolean {
  if (a.type === 'trustedCertEntry' && b.type === 'trustedCertEntry') return bytesEqual(a.cert, b.cert);
  if (a.type === 'PrivateKeyEntry' && b.type === 'PrivateKeyEntry') return sameChain(a.chain, b.chain);
  if (a.type === 'SecretKeyEntry' && b.type === 'SecretKeyEntry') {
    const x = a.secret;
    const y = b.secret;
    if (x.form === 'jceks-sealed' && y.form === 'jceks-sealed') return bytesEqual(x.serialized, y.serialized) || !!sameSecret?.(a, b);
    if (x.form === 'pkcs12-encrypted' && y.form === 'pkcs12-encrypted') return bytesEqual(x.epki, y.epki) || !!sameSecret?.(a, b);
    if (x.form === 'plain' && y.form === 'plain') return x.algorithm === y.algorithm && bytesEqual(x.key, y.key);
    return !!sameSecret?.(a, b);
  }
  return false;
}

/** Aliases tried by --on-conflict rename: NAME-2, NAME-3, … */
const renamedAlias = (alias: string, n: number) => `${alias}-${n}`;

export function mergeStores(dest: KeyStore, source: KeyStore, opts: MergeOptions): MutationResult {
  let picked: Entry[];
  if (opts.aliases && opts.aliases.length) {
    picked = opts.aliases.map((a) => {
      const e = findEntry(source, a);
      if (!e) throw new KtoolError('NOT_FOUND', `source alias <${a}> does not exist`);
      return e;
    });
  } else picked = sortedEntries(source);

  const entries = [...dest.entries];
  const changes: StoreChange[] = [];
  /** Entries to seal for the destination, with the source alias that opens them. */
  const incoming = new Map<Entry, string>();
  const lookup = (alias: string) => entries.find((e) => e.alias === alias);
  const put = (e: Entry, alias: string, replacing?: Entry) => {
    // A source localKeyId could collide with one in the destination: the codec makes a fresh one.
    const placed = { ...e, alias, created: e.created ?? new Date(), localKeyId: undefined } as Entry;
    if (placed.type === 'trustedCertEntry' && alias !== e.alias) placed.friendlyName = alias;
    if (replacing) entries[entries.indexOf(replacing)] = placed;
    else entries.push(placed);
    incoming.set(placed, e.alias);
  };

  for (const e of picked) {
    const reason = unsupportedReason(e.type, dest.type);
    if (reason) {
      changes.push({ alias: e.alias, action: 'skipped', reason });
      continue;
    }
    const alias = foldAlias(e.alias);
    const existing = lookup(alias);
    if (!existing) {
      put(e, alias);
      changes.push({ alias, action: 'added' });
      continue;
    }
    if (sameContent(existing, e, opts.sameSecret)) {
      changes.push({ alias, action: 'unchanged' });
      continue;
    }
    switch (opts.onConflict) {
      case 'fail':
        throw new KtoolError('EXISTS', `alias <${alias}> already exists in the destination with different content (use --on-conflict skip|overwrite|rename)`);
      case 'skip':
        changes.push({ alias, action: 'skipped', reason: 'alias exists in the destination with different content' });
        break;
      case 'overwrite':
        put(e, alias, existing);
        changes.push({ alias, action: 'replaced' });
        break;
      case 'rename': {
        for (let n = 2; ; n++) {
          const candidate = renamedAlias(alias, n);
          const there = lookup(candidate);
          if (!there) {
            put(e, candidate);
            changes.push({ alias: candidate, from: alias, action: 'added', reason: `renamed: <${alias}> exists` });
            break;
          }
          if (sameContent(there, e, opts.sameSecret)) {
            changes.push({ alias: candidate, from: alias, action: 'unchanged', reason: 'already imported under this alias' });
            break;
          }
        }
        break;
      }
    }
  }
  if (incoming.size === 0) return { store: dest, changes };

  // Seal only what came in: the destination's own keys stay byte for byte.
  const pkcs12KeyProtection = dest.protection.kind === 'pkcs12' ? dest.protection.profile.keyProtection : undefined;
  const added = [...incoming.keys()];
  const sealed = sealEntries(
    { ...dest, entries: added },
    {
      target: dest.type,
      sourceKeyPassword: (a) => opts.sourceKeyPassword(incoming.get(added.find((x) => x.alias === a)!) ?? a),
      targetKeyPassword: opts.targetKeyPassword,
      pkcs12KeyProtection,
    },
  ).entries;
  const bySealed = new Map(added.map((e, i) => [e, sealed[i]]));
  return { store: { ...dest, entries: entries.map((e) => bySealed.get(e) ?? e) }, changes };
}

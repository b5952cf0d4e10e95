/** Conversion between store types: all entries, keys re-protected for the target. */
import { KtoolError } from '../model/errors';
import type { KeyStore, Pkcs12Profile, StoreType } from '../model/keystore';
import { type SealOptions, sealEntries } from './keys';

export interface ConvertOptions {
  target: StoreType;
  profile?: Pkcs12Profile;
  sourceKeyPassword: SealOptions['sourceKeyPassword'];
  targetKeyPassword: SealOptions['targetKeyPassword'];
  /** Drop entries the target cannot hold instead of failing. */
  skipUnsupported?: boolean;
  /** Re-seal keys even when the target could keep them as they are (new key password). */
  reseal?: boolean;
  random?: SealOptions['random'];
}

export interface ConvertResult {
  store: KeyStore;
  skipped: { alias: string; reason: string }[];
}

export function unsupportedReason(type: KeyStore['entries'][number]['type'], target: StoreType): string | undefined {
  if (target === 'JKS' && type === 'SecretKeyEntry') return 'JKS cannot hold secret keys';
  return undefined;
}

export function convertStore(source: KeyStore, opts: ConvertOptions): ConvertResult {
  const skipped: ConvertResult['skipped'] = [];
  const kept = source.entries.filter((e) => {
    const reason = unsupportedReason(e.type, opts.target);
    if (reason) skipped.push({ alias: e.alias, reason });
    return !reason;
  });
  if (skipped.length && !opts.skipUnsupported) {
    throw new KtoolError('UNSUPPORTED', `${skipped.map((s) => `alias ${s.alias}`).join(', ')}: ${skipped[0].reason} (use --skip-unsupported to leave them out)`);
  }
  let protection: KeyStore['protection'];
  if (opts.target === 'PKCS12') {
    const { profileByName } = require('../formats/pkcs12-profiles') as typeof import('../formats/pkcs12-profiles');
    const profile = opts.profile ?? (source.protection.kind === 'pkcs12' ? source.protection.profile : profileByName('modern'));
    protection = { kind: 'pkcs12', profile };
  } else {
    protection = { kind: 'keyed-sha1' };
  }
  const retyped: KeyStore = { type: opts.target, entries: kept, protection };
  const store = sealEntries(retyped, {
    target: opts.target,
    sourceKeyPassword: opts.sourceKeyPassword,
    targetKeyPassword: opts.targetKeyPassword,
    pkcs12KeyProtection: protection.kind === 'pkcs12' ? protection.profile.keyProtection : undefined,
    force: opts.reseal,
    random: opts.random,
  });
  return { store, skipped };
}

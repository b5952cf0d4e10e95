/**
 * Opening and sealing keys across formats. A key stays sealed in the form it was read in until an
 * operation needs it (conversion to another type, a changed key password, export); then it is opened
 * with its own key password and sealed for the target.
 */
import { decryptPrivateKeyInfo } from '../crypto/epki';
import { KtoolError } from '../model/errors';
import type { Entry, JavaKeyForm, KeyStore, PbeSpec, PrivateKeyEntry, SecretKeyEntry, StoreType } from '../model/keystore';
import type { RandomSource } from '../crypto/random';

export interface OpenSecret {
  algorithm: string;
  key: Uint8Array;
  javaForm?: JavaKeyForm;
}

export function openPrivateKey(entry: PrivateKeyEntry, keyPassword: string): Uint8Array {
  if (entry.key.form === 'plain') return entry.key.pkcs8;
  try {
    return decryptPrivateKeyInfo(entry.key.epki, keyPassword);
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'WRONG_PASSWORD') {
      throw new KtoolError('WRONG_PASSWORD', `alias ${entry.alias}: cannot recover key (wrong key password)`);
    }
    throw e;
  }
}

export function openSecretKey(entry: SecretKeyEntry, keyPassword: string): OpenSecret {
  const s = entry.secret;
  try {
    switch (s.form) {
      case 'plain':
        return { algorithm: s.algorithm, key: s.key, javaForm: s.javaForm };
      case 'jceks-sealed':
        return (require('../formats/jks') as typeof import('../formats/jks')).openJceksSecretKey(s.serialized, keyPassword);
      case 'pkcs12-encrypted':
        return (require('../formats/pkcs12') as typeof import('../formats/pkcs12')).openPkcs12SecretKey(s.epki, keyPassword);
    }
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'WRONG_PASSWORD') {
      throw new KtoolError('WRONG_PASSWORD', `alias ${entry.alias}: cannot recover key (wrong key password)`);
    }
    throw e;
  }
}

/** Where a key's password comes from: per alias, else a common one, else the store password. */
export type KeyPasswordLookup = (alias: string) => string | undefined;

/** Is this entry's key material already sealed in a form the target type writes as-is? */
function sealedFor(entry: Entry, target: StoreType): boolean {
  if (entry.type === 'trustedCertEntry') return true;
  if (entry.type === 'PrivateKeyEntry') {
    if (entry.key.form !== 'encrypted') return false;
    const { keyProtectionOf } = require('../crypto/epki') as typeof import('../crypto/epki');
    const kind = keyProtectionOf(entry.key.epki).kind;
    return target === 'PKCS12' ? kind === 'pbe' : target === 'JKS' ? kind === 'jks' : kind === 'jks' || kind === 'jceks';
  }
  if (target === 'JCEKS') return entry.secret.form === 'jceks-sealed';
  if (target === 'PKCS12') return entry.secret.form === 'pkcs12-encrypted';
  return false;
}

export interface SealOptions {
  target: StoreType;
  /** Password for keys in the target (PKCS#12: the store password, except password-less stores). */
  targetKeyPassword: (alias: string) => string;
  /** Password to open keys as they are now. */
  sourceKeyPassword: (alias: string) => string | undefined;
  /** PKCS#12 key protection for newly sealed keys. */
  pkcs12KeyProtection?: PbeSpec;
  jceksIterations?: number;
  /** Re-seal even keys already sealed for the target (password change). */
  force?: boolean;
  random?: RandomSource;
}

/** Whether a key entry opens with `keyPassword`: a wrong password is false, damage still throws. */
export function keyOpensWith(entry: PrivateKeyEntry | SecretKeyEntry, keyPassword: string): boolean {
  try {
    if (entry.type === 'PrivateKeyEntry') openPrivateKey(entry, keyPassword);
    else openSecretKey(entry, keyPassword);
    return true;
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'WRONG_PASSWORD') return false;
    throw e;
  }
}

/**
 * Make every entry writable by the target type: keys already sealed in a suitable form are kept byte
 * for byte; the rest are opened with their current password and sealed for the target.
 */
export function sealEntries(store: KeyStore, opts: SealOptions): KeyStore {
  const entries = store.entries.map((e) => {
    if (e.type === 'trustedCertEntry') return e;
    const srcPw = opts.sourceKeyPassword(e.alias);
    const dstPw = opts.targetKeyPassword(e.alias);
    // Keep sealed bytes when the target can hold them and the password does not change.
    if (!opts.force && sealedFor(e, opts.target) && (srcPw === undefined || srcPw === dstPw)) return e;
    const needPw = (): string => {
      if (srcPw === undefined) throw new KtoolError('USAGE', `alias ${e.alias}: key password needed (give --keypass or --keypass-for ${e.alias}=…)`);
      return srcPw;
    };
    if (e.type === 'PrivateKeyEntry') {
      const pkcs8 = e.key.form === 'plain' ? e.key.pkcs8 : openPrivateKey(e, needPw());
      return { ...e, key: { form: 'encrypted' as const, epki: sealPrivateKey(pkcs8, dstPw, opts) } };
    }
    const open = e.secret.form === 'plain' ? e.secret : openSecretKey(e, needPw());
    return { ...e, secret: sealSecretKey(e.alias, open, dstPw, opts) };
  });
  return { ...store, type: opts.target, entries };
}

function sealPrivateKey(pkcs8: Uint8Array, password: string, opts: SealOptions): Uint8Array {
  switch (opts.target) {
    case 'JKS':
      return (require('../formats/jks') as typeof import('../formats/jks')).sealJksPrivateKey(pkcs8, password, opts.random);
    case 'JCEKS':
      return (require('../formats/jks') as typeof import('../formats/jks')).sealJceksPrivateKey(pkcs8, password, opts.jceksIterations, opts.random);
    case 'PKCS12': {
      const p12 = require('../formats/pkcs12') as typeof import('../formats/pkcs12');
      return p12.sealPkcs12PrivateKey(pkcs8, password, opts.pkcs12KeyProtection ?? defaultKeyProtection(), opts.random);
    }
  }
}

function sealSecretKey(alias: string, open: OpenSecret, password: string, opts: SealOptions): SecretKeyEntry['secret'] {
  switch (opts.target) {
    case 'JKS':
      throw new KtoolError('UNSUPPORTED', `alias ${alias}: JKS cannot hold secret keys (use JCEKS or PKCS12)`);
    case 'JCEKS': {
      const jks = require('../formats/jks') as typeof import('../formats/jks');
      return { form: 'jceks-sealed', serialized: jks.sealJceksSecretKey(open, password, opts.jceksIterations, opts.random) };
    }
    case 'PKCS12': {
      const p12 = require('../formats/pkcs12') as typeof import('../formats/pkcs12');
      return { form: 'pkcs12-encrypted', epki: p12.sealPkcs12SecretKey(open.algorithm, open.key, password, opts.pkcs12KeyProtection ?? defaultKeyProtection(), opts.random) };
    }
  }
}

function defaultKeyProtection(): PbeSpec {
  return (require('../formats/pkcs12-profiles') as typeof import('../formats/pkcs12-profiles')).profileByName('modern').keyProtection;
}

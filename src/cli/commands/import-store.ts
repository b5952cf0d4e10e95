/**
 * ktool import-store SRC DEST: merge the entries of one store into another (keytool -importkeystore),
 * with a policy for aliases that exist in DEST with different content. Entries already in DEST with the
 * same content are "unchanged", so re-running a merge writes nothing.
 */
import type { Command } from 'commander';
import { parseStoreType, typeFromExtension } from '../../formats';
import { findEntry } from '../../model/alias';
import { KtoolError } from '../../model/errors';
import type { Entry, KeyStore } from '../../model/keystore';
import { CONFLICT_POLICIES, type ConflictPolicy, mergeStores } from '../../ops/merge';
import { openSecretKey } from '../../ops/keys';
import { isPasswordlessStore } from '../../model/keystore';
import { bytesEqual } from '../../util/bytes';
import { type Target, mutationOptions, openForUpdate, runMutation } from '../mutate';
import { askWrongKeyPasswords, collect, keyPasswordMap, oneOf, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { pkcs12ProfileOption, readProfile, warnIfJdk17CannotOpen } from '../profile';
import { loadStoreFile, storeExists } from '../store-file';

export function register(program: Command): void {
  const cmd = program
    .command('import-store')
    .description('merge the entries of SRC into DEST (keytool -importkeystore), created if missing')
    .argument('<src>', 'source keystore')
    .argument('<dest>', 'destination keystore')
    .option('--alias <alias>', 'only this source entry (repeatable)', collect)
    .option('--on-conflict <policy>', 'an alias in DEST with different content: fail, skip, overwrite, or rename (to ALIAS-2, …)', 'fail')
    .option('--desttype <type>', 'type of a new DEST: JKS, JCEKS or PKCS12 (default: from the extension, else the source type)')
    .option('--keypass-for <alias=password>', 'key password of one source entry (repeatable)', collect)
    .option('--keypass-map <file>', 'source key passwords, one alias=password per line');
  passwordOptions(cmd, 'storepass', 'source store password');
  passwordOptions(cmd, 'keypass', 'source key password for all keys (default: the source store password)');
  passwordOptions(cmd, 'deststorepass', 'destination store password (a new DEST: default the source store password)');
  passwordOptions(cmd, 'destkeypass', 'key password in a JKS/JCEKS DEST (default: keep each key\'s password; PKCS12 keys use the store password)');
  storeTypeOption(cmd, '--storetype', 'source store type');
  pkcs12ProfileOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (src: string, dest: string, opts: Record<string, unknown>) => {
    const policy = oneOf<ConflictPolicy>(String(opts.onConflict).toLowerCase(), CONFLICT_POLICIES, '--on-conflict');
    const storepass = await password(opts, 'storepass', 'source keystore password', true);
    const keypass = await password(opts, 'keypass', 'source key password');
    const perAlias = keyPasswordMap(opts);
    const deststorepassGiven = await password(opts, 'deststorepass', 'destination keystore password');
    const destkeypass = await password(opts, 'destkeypass', 'destination key password');
    const source = loadStoreFile(src, storepass ?? null, readStoreType(opts.storetype)).store;
    if (storepass === undefined && source.protection.kind === 'pkcs12' && source.protection.profile.certProtection) {
      throw new KtoolError('USAGE', `${src}: this PKCS12 keystore is password-protected: give --storepass…`);
    }
    const sourceKeyPassword = (alias: string) => perAlias.get(alias) ?? keypass ?? storepass;
    // On a terminal, as keytool -importkeystore: a source key that these passwords do not open has its password asked for.
    await askWrongKeyPasswords(source, sourceKeyPassword, perAlias, (opts.alias as string[] | undefined)?.map((a) => findEntry(source, a)?.alias ?? a));
    const profile = readProfile(opts);

    const load = (): Target => {
      if (storeExists(dest)) {
        const t = openForUpdate(dest, deststorepassGiven, undefined);
        if (profile && t.store.type === 'PKCS12') t.store = { ...t.store, protection: { kind: 'pkcs12', profile } };
        return t;
      }
      const type = opts.desttype ? parseStoreType(String(opts.desttype)) : typeFromExtension(dest) ?? source.type;
      const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
      const p12Profile = profile ?? (source.protection.kind === 'pkcs12' && type === 'PKCS12' ? source.protection.profile : profileByName('modern'));
      const store: KeyStore = { type, entries: [], protection: type === 'PKCS12' ? { kind: 'pkcs12', profile: p12Profile } : { kind: 'keyed-sha1' } };
      const passwordless = isPasswordlessStore(store);
      const pw = passwordless ? null : deststorepassGiven ?? storepass ?? null;
      if (pw === null && !passwordless) throw new KtoolError('USAGE', `${dest}: give a destination store password (--deststorepass…)`);
      return { store, password: pw, exists: false };
    };

    runMutation(dest, opts, load, (t) => {
      const passwordless = isPasswordlessStore(t.store);
      const targetKeyPassword = (alias: string): string => {
        const pw = t.store.type === 'PKCS12' && !passwordless ? t.password : destkeypass ?? (t.store.type === 'PKCS12' ? undefined : sourceKeyPassword(findOriginal(alias))) ?? t.password;
        if (pw === null || pw === undefined) throw new KtoolError('USAGE', `alias ${alias}: give --destkeypass to protect the key`);
        return pw;
      };
      // Map a destination alias back to the source alias (for --on-conflict rename: NAME-2 -> NAME).
      const findOriginal = (alias: string) => (findEntry(source, alias) ? alias : alias.replace(/-\d+$/, ''));
      const r = mergeStores(t.store, source, {
        aliases: opts.alias as string[] | undefined,
        onConflict: policy,
        sourceKeyPassword,
        targetKeyPassword,
        sameSecret: (a, b) => sameSecret(a, b, (x) => (x === a ? (t.store.type === 'PKCS12' && !passwordless ? t.password : destkeypass ?? t.password) : sourceKeyPassword(b.alias))),
      });
      warnIfJdk17CannotOpen(r.store, t.password ?? undefined, destkeypass);
      return { ...r, json: { source: src } };
    });
  });
}

/** Two secret keys sealed differently are the same when both open to the same bytes. */
function sameSecret(a: Entry, b: Entry, pw: (e: Entry) => string | undefined | null): boolean {
  if (a.type !== 'SecretKeyEntry' || b.type !== 'SecretKeyEntry') return false;
  try {
    const pa = pw(a);
    const pb = pw(b);
    if (pa == null || pb == null) return false;
    const x = openSecretKey(a, pa);
    const y = openSecretKey(b, pb);
    return x.algorithm.toLowerCase() === y.algorithm.toLowerCase() && bytesEqual(x.key, y.key);
  } catch {
    return false;
  }
}

/**
 * ktool passwd STORE: change the store password (PKCS#12: re-encrypts the keys with it), or with
 * --alias the key password of a JKS/JCEKS entry. Re-running after success reports "unchanged": the
 * store (or key) already opens with the new password.
 */
import type { Command } from 'commander';
import { findEntry } from '../../model/alias';
import { KtoolError } from '../../model/errors';
import type { KeyStore, StoreType } from '../../model/keystore';
import { keyOpensWith } from '../../ops/keys';
import { changeKeyPassword, changeStorePassword } from '../../ops/passwd';
import { type Target, mutationOptions, openForUpdate, runMutation } from '../mutate';
import { askWrongKeyPasswords, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { warnIfJdk17CannotOpen } from '../profile';
import { loadStoreFile } from '../store-file';

const isAuthFailure = (e: unknown) => e instanceof KtoolError && (e.code === 'TAMPERED' || e.code === 'WRONG_PASSWORD');

export function register(program: Command): void {
  const cmd = program
    .command('passwd')
    .description('change the store password, or with --alias a JKS/JCEKS key password (PKCS12 keys use the store password)')
    .argument('<store>', 'keystore')
    .option('--alias <alias>', 'change this key entry\'s password instead (JKS, JCEKS)');
  passwordOptions(cmd, 'storepass', 'current store password');
  passwordOptions(cmd, 'new-storepass', 'new store password');
  passwordOptions(cmd, 'keypass', 'current key password (with --alias; default: the store password)');
  passwordOptions(cmd, 'new-keypass', 'new key password (with --alias)');
  storeTypeOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const type = readStoreType(opts.storetype);
    const storepass = await password(opts, 'storepass', 'keystore password', true);
    const alias = opts.alias as string | undefined;

    if (alias !== undefined) {
      const keypass = (await password(opts, 'keypass', `key password for <${alias}>`)) ?? (await askedKeyPassword(file, alias, storepass, type)) ?? storepass;
      const newKeypass = await password(opts, 'newKeypass', `new key password for <${alias}>`, true);
      if (newKeypass === undefined) throw new KtoolError('USAGE', 'give the new key password (--new-keypass…)');
      if (keypass === undefined) throw new KtoolError('USAGE', `give the current key password of <${alias}> (--keypass…)`);
      runMutation(
        file,
        opts,
        () => openForUpdate(file, storepass, type),
        (t) => {
          if (keypass === newKeypass) return { store: t.store, changes: [{ alias, action: 'unchanged' as const, reason: 'same password' }] };
          try {
            const r = changeKeyPassword(t.store, alias, keypass, newKeypass);
            warnIfJdk17CannotOpen(r.store, undefined, newKeypass);
            return r;
          } catch (e) {
            if (isAuthFailure(e) && aliasKeyOpensWith(t.store, alias, newKeypass)) {
              return { store: t.store, changes: [{ alias: alias.toLowerCase(), action: 'unchanged' as const, reason: 'the key already has the new password' }] };
            }
            throw e;
          }
        },
      );
      return;
    }

    const newStorepass = await password(opts, 'newStorepass', 'new keystore password', true);
    if (newStorepass === undefined) throw new KtoolError('USAGE', 'give the new store password (--new-storepass…)');
    let alreadyDone = false;
    const load = (): Target => {
      try {
        return openForUpdate(file, storepass, type);
      } catch (e) {
        // Already changed by an earlier run: the store opens with the new password.
        if (!isAuthFailure(e)) throw e;
        try {
          const t: Target = { store: loadStoreFile(file, newStorepass, type).store, password: newStorepass, exists: true };
          alreadyDone = true;
          return t;
        } catch {
          throw e;
        }
      }
    };
    runMutation(file, opts, load, (t) => {
      if (alreadyDone || storepass === newStorepass) {
        return { store: t.store, changes: [{ alias: '', action: 'unchanged' as const, reason: 'the store already has the new password' }] };
      }
      const keypass = storepass; // PKCS#12 keys are sealed with the store password
      const r = changeStorePassword(t.store, newStorepass, () => keypass);
      warnIfJdk17CannotOpen(r.store, newStorepass, undefined);
      return { ...r, password: newStorepass };
    });
  });
}

/**
 * On a terminal, as keytool -keypasswd does: the current password of a key that the store password
 * does not open is asked for (before the new one). Undefined without a terminal, or if the store
 * password opens the key.
 */
async function askedKeyPassword(file: string, alias: string, storepass: string | undefined, type: StoreType | undefined): Promise<string | undefined> {
  if (!process.stdin.isTTY || storepass === undefined) return undefined;
  const store = loadStoreFile(file, storepass, type).store;
  const entry = findEntry(store, alias);
  if (!entry) return undefined; // the change itself reports the alias
  const asked = new Map<string, string>();
  await askWrongKeyPasswords(store, () => storepass, asked, [entry.alias]);
  return asked.get(entry.alias);
}

function aliasKeyOpensWith(store: KeyStore, alias: string, pw: string): boolean {
  const e = findEntry(store, alias);
  if (e?.type !== 'PrivateKeyEntry' && e?.type !== 'SecretKeyEntry') return false;
  try {
    return keyOpensWith(e, pw);
  } catch {
    return false;
  }
}

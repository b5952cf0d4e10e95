/** The PKCS#12 profile option and the JDK 17 password warning shared by the writing commands. */
import type { Command } from 'commander';
import type { KeyStore, Pkcs12Profile } from '../model/keystore';
import { stdio } from './context';

export function pkcs12ProfileOption(cmd: Command): Command {
  return cmd.option('--profile <name>', 'PKCS12 protection profile: modern (default, JDK 17+), legacy-3des, legacy-rc2, passwordless');
}

export function readProfile(opts: Record<string, unknown>): Pkcs12Profile | undefined {
  const name = opts.profile as string | undefined;
  if (name === undefined) return undefined;
  const { profileByName } = require('../formats/pkcs12-profiles') as typeof import('../formats/pkcs12-profiles');
  return profileByName(name);
}

const asciiPrintable = (s: string) => /^[\x20-\x7e]*$/.test(s);

/**
 * JDK 17 refuses non-ASCII passwords for PKCS#12 (store and keys) and JCEKS keys; JDK 25 accepts them.
 * Writing such a file is allowed, with a warning.
 */
export function warnIfJdk17CannotOpen(store: KeyStore, storepass: string | undefined, keypass: string | undefined): void {
  const pbePasswords = store.type === 'PKCS12' ? [storepass, keypass] : store.type === 'JCEKS' ? [keypass ?? storepass] : [];
  if (pbePasswords.some((p) => p !== undefined && !asciiPrintable(p))) {
    stdio.err('ktool: warning: a non-ASCII password protects this store: JDK 25 opens it, JDK 17 and older cannot');
  }
}

/** Shared option declarations and readers for the modern verbs. */
import type { Command } from 'commander';
import { parseStoreType } from '../formats';
import { KtoolError } from '../model/errors';
import { type KeyStore, type StoreType, isPasswordlessStore } from '../model/keystore';
import { readFileOrFail } from './files';
import { writeStderr } from './context';
import { type PasswordSource, sourceFromOptions, obtainPassword } from './passwords';

/** --NAME, --NAME-env, --NAME-file, --NAME-stdin for one password. */
export function passwordOptions(cmd: Command, name: string, what: string): Command {
  return cmd
    .option(`--${name} <password>`, `${what} (visible to other users in ps: prefer the -env/-file forms)`)
    .option(`--${name}-env <var>`, `${what} from an environment variable`)
    .option(`--${name}-file <path>`, `${what} from the first line of a file`)
    .option(`--${name}-stdin`, `${what} from a line of standard input`);
}

export function storeTypeOption(cmd: Command, flag = '--storetype', what = 'store type'): Command {
  return cmd.option(`${flag} <type>`, `${what}: JKS, JCEKS or PKCS12 (default: detected from the bytes)`);
}

export function readStoreType(value: unknown): StoreType | undefined {
  return typeof value === 'string' ? parseStoreType(value) : undefined;
}

export function source(opts: Record<string, unknown>, name: string): PasswordSource | undefined {
  return sourceFromOptions(opts, name);
}

export async function password(opts: Record<string, unknown>, name: string, label: string, prompt = false): Promise<string | undefined> {
  return obtainPassword(sourceFromOptions(opts, name), label, { prompt });
}

/** `--keypass-for ALIAS=PASSWORD` (repeatable) and `--keypass-map FILE` (lines alias=password). */
export function keyPasswordMap(opts: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  const add = (spec: string, where: string) => {
    const i = spec.indexOf('=');
    if (i <= 0) throw new KtoolError('USAGE', `${where}: expected ALIAS=PASSWORD`);
    map.set(spec.slice(0, i).toLowerCase(), spec.slice(i + 1));
  };
  for (const s of (opts.keypassFor as string[] | undefined) ?? []) add(s, '--keypass-for');
  const file = opts.keypassMap as string | undefined;
  if (file) {
    const text = Buffer.from(readFileOrFail(file, 'key password map')).toString('utf8');
    for (const line of text.split(/\r?\n/)) if (line.trim() && !line.startsWith('#')) add(line, file);
  }
  return map;
}

/**
 * Commander parser for a whole-number option (--days, --keysize, --pathlen, …): a bad value is a usage
 * error naming it (`--days: not a number: abc`, exit 2), never NaN passed on.
 */
export function integerOption(flag: string): (value: string) => number {
  return (value: string): number => {
    const t = value.trim();
    if (/^[+-]?\d+$/.test(t)) {
      const n = Number(t);
      if (!Number.isSafeInteger(n)) throw new KtoolError('USAGE', `${flag}: number out of range: ${value}`);
      return n;
    }
    const asNumber = t === '' ? NaN : Number(t);
    throw new KtoolError('USAGE', Number.isFinite(asNumber) ? `${flag}: not a whole number: ${value}` : `${flag}: not a number: ${value}`);
  };
}

export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The value of a choice option (--driver, --starttls, --purpose, …), or a usage error naming the choices. */
export function oneOf<T extends string>(value: unknown, choices: readonly T[], flag: string): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new KtoolError('USAGE', `${flag}: expected ${choices.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * On a terminal, the key passwords that `passwordFor` gets wrong (or lacks) are asked for, as keytool
 * asks "Enter key password for <alias>"; the answers go into `perAlias`. Without a terminal nothing is
 * asked and the command fails later naming the alias.
 */
export async function askWrongKeyPasswords(store: KeyStore, passwordFor: (alias: string) => string | undefined, perAlias: Map<string, string>, aliases?: readonly string[]): Promise<void> {
  // A PKCS#12 store with a password protects its keys with it: nothing else to ask.
  if (!process.stdin.isTTY || (store.type === 'PKCS12' && !isPasswordlessStore(store))) return;
  const { keyOpensWith } = require('../ops/keys') as typeof import('../ops/keys');
  const { promptPassword } = require('./passwords') as typeof import('./passwords');
  for (const e of store.entries) {
    if (e.type === 'trustedCertEntry' || (aliases && !aliases.includes(e.alias))) continue;
    if ((e.type === 'PrivateKeyEntry' && e.key.form === 'plain') || (e.type === 'SecretKeyEntry' && e.secret.form === 'plain')) continue;
    const opens = (pw: string | undefined): boolean => pw !== undefined && keyOpensWith(e, pw);
    if (opens(passwordFor(e.alias))) continue;
    for (let tries = 0; tries < 3; tries++) {
      const pw = await promptPassword(`Enter key password for <${e.alias}>: `);
      if (opens(pw)) {
        perAlias.set(e.alias, pw);
        break;
      }
      writeStderr(`ktool: that is not the key password of <${e.alias}>\n`);
    }
  }
}

/**
 * On a terminal, as keytool asks for a password it was not given: `open` runs first without one, and
 * if that fails as WRONG_PASSWORD, with up to three typed answers. With a given password, or without a
 * terminal, it runs once.
 */
export async function openAskingOnTerminal<T>(given: string | undefined, label: string, open: (password: string | undefined) => T): Promise<T> {
  if (given !== undefined || !process.stdin.isTTY) return open(given);
  const wrong = (e: unknown) => e instanceof KtoolError && e.code === 'WRONG_PASSWORD';
  let failure: unknown;
  try {
    return open(undefined);
  } catch (e) {
    if (!wrong(e)) throw e;
    failure = e;
  }
  const { promptPassword } = require('./passwords') as typeof import('./passwords');
  for (let tries = 0; tries < 3; tries++) {
    try {
      return open(await promptPassword(`Enter ${label}: `));
    } catch (e) {
      if (!wrong(e)) throw e;
      failure = e;
      if (tries < 2) writeStderr(`ktool: that is not the ${label}\n`);
    }
  }
  throw failure;
}

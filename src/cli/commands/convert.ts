/** ktool convert IN OUT: any store to any store type (or PEM), keys re-protected. */
import type { Command } from 'commander';
import { parseStoreType, typeFromExtension } from '../../formats';
import { KtoolError, inContext } from '../../model/errors';
import type { KeyStore, StoreType } from '../../model/keystore';
import { sortedEntries } from '../../model/alias';
import { convertStore } from '../../ops/convert';
import { openPrivateKey } from '../../ops/keys';
import { stdio } from '../context';
import { atomicWrite } from '../files';
import { loadStoreFile, saveStoreFile, storeExists } from '../store-file';
import { askWrongKeyPasswords, collect, keyPasswordMap, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { pkcs12ProfileOption, readProfile, warnIfJdk17CannotOpen } from '../profile';

export function register(program: Command): void {
  const cmd = program
    .command('convert')
    .description('convert a keystore to another type (JKS, JCEKS, PKCS12) or to PEM, re-protecting every key')
    .argument('<in>', 'source keystore')
    .argument('<out>', 'destination file (must not exist unless --force)')
    .option('--desttype <type>', 'JKS, JCEKS, PKCS12 or PEM (default: from the extension of OUT: .jks .jceks .p12 .pfx .pem)')
    .option('--skip-unsupported', 'leave out entries the destination type cannot hold (e.g. secret keys in JKS)')
    .option('--keypass-for <alias=password>', 'key password of one entry (repeatable)', collect)
    .option('--keypass-map <file>', 'key passwords, one alias=password per line')
    .option('--force', 'replace OUT if it exists')
    .option('--backup', 'with --force: keep the replaced OUT as OUT.bak')
    .option('--dry-run', 'convert in memory (every key opened and re-sealed), write nothing')
    .option('--json', 'report as JSON');
  passwordOptions(cmd, 'storepass', 'source store password');
  passwordOptions(cmd, 'keypass', 'source key password for all keys (default: the store password)');
  passwordOptions(cmd, 'deststorepass', 'destination store password (default: the source store password)');
  passwordOptions(cmd, 'destkeypass', 'destination key password (JKS/JCEKS, password-less PKCS12, encrypted PEM; default: the destination store password, none for PEM)');
  storeTypeOption(cmd);
  pkcs12ProfileOption(cmd);
  cmd.action(async (input: string, out: string, opts: Record<string, unknown>) => {
    const desttype = typeof opts.desttype === 'string' ? opts.desttype.toUpperCase() : undefined;
    const target: StoreType | 'PEM' | undefined = desttype === 'PEM' ? 'PEM' : desttype ? parseStoreType(desttype) : /\.pem$/i.test(out) ? 'PEM' : typeFromExtension(out);
    if (!target) throw new KtoolError('USAGE', `${out}: cannot tell the destination type from the name: give --desttype`);
    if (storeExists(out) && !opts.force) throw new KtoolError('EXISTS', `${out}: already exists (use --force to replace it)`);
    const storepass = await password(opts, 'storepass', 'source keystore password', true);
    const keypass = await password(opts, 'keypass', 'source key password');
    const perAlias = keyPasswordMap(opts);
    const { store: source } = loadStoreFile(input, storepass ?? null, readStoreType(opts.storetype));
    const sourceKeyPassword = (alias: string) => perAlias.get(alias) ?? keypass ?? storepass;
    await askWrongKeyPasswords(source, sourceKeyPassword, perAlias);

    if (target === 'PEM') {
      const destkeypass = await password(opts, 'destkeypass', 'PEM key passphrase');
      const pem = inContext(input, () => storeToPem(source, sourceKeyPassword, destkeypass, !!opts.skipUnsupported));
      if (!opts.dryRun) atomicWrite(out, pem.bytes, { mode: pem.hasKeys ? 0o600 : 0o644, backup: !!opts.backup });
      report(opts, input, out, 'PEM', pem.count, pem.skipped);
      return;
    }
    const profile = readProfile(opts);
    const passwordless = target === 'PKCS12' && profile !== undefined && !profile.mac && !profile.certProtection;
    const deststorepass = passwordless ? undefined : (await password(opts, 'deststorepass', 'destination keystore password')) ?? storepass;
    if (deststorepass === undefined && !passwordless) throw new KtoolError('USAGE', `${out}: give a destination store password (--deststorepass…)`);
    const destkeypass = await password(opts, 'destkeypass', 'destination key password');
    const targetKeyPassword = (alias: string): string => {
      const pw = target === 'PKCS12' && !passwordless ? deststorepass : destkeypass ?? deststorepass;
      if (pw === undefined) throw new KtoolError('USAGE', `alias ${alias}: a password-less PKCS12 still encrypts keys: give --destkeypass`);
      return pw;
    };
    const { store, skipped } = inContext(input, () => convertStore(source, {
      target,
      profile,
      sourceKeyPassword,
      targetKeyPassword,
      skipUnsupported: !!opts.skipUnsupported,
      reseal: profile !== undefined,
    }));
    warnIfJdk17CannotOpen(store, deststorepass, destkeypass);
    if (!opts.dryRun) saveStoreFile(out, store, passwordless ? null : deststorepass ?? null, { backup: !!opts.backup });
    report(opts, input, out, target, store.entries.length, skipped);
  });
}

function report(opts: Record<string, unknown>, input: string, out: string, type: string, count: number, skipped: { alias: string; reason: string }[]) {
  const dryRun = !!opts.dryRun;
  if (opts.json) stdio.json({ source: input, destination: out, destinationType: type, entries: count, skipped, changed: !dryRun, dryRun });
  else {
    for (const s of skipped) stdio.err(`ktool: skipped alias ${s.alias}: ${s.reason}`);
    const what = `${input} to ${type} ${out}: ${count} entries${skipped.length ? `, ${skipped.length} skipped` : ''}`;
    stdio.out(dryRun ? `Would convert ${what} (dry run, nothing written)` : `Converted ${what}`);
  }
}

/** All entries as one PEM file: each key (PKCS#8, encrypted when a passphrase is given) before its chain. */
export function storeToPem(store: KeyStore, keyPassword: (alias: string) => string | undefined, passphrase: string | undefined, skipUnsupported: boolean) {
  const pem = require('../../formats/pem') as typeof import('../../formats/pem');
  const parts: string[] = [];
  const skipped: { alias: string; reason: string }[] = [];
  let count = 0;
  let hasKeys = false;
  for (const e of sortedEntries(store)) {
    if (e.type === 'SecretKeyEntry') {
      if (!skipUnsupported) throw new KtoolError('UNSUPPORTED', `alias ${e.alias}: PEM cannot hold secret keys (use --skip-unsupported to leave it out)`);
      skipped.push({ alias: e.alias, reason: 'PEM cannot hold secret keys' });
      continue;
    }
    count++;
    if (e.type === 'trustedCertEntry') {
      parts.push(pem.certificatesToPem([e.cert]));
      continue;
    }
    const pw = keyPassword(e.alias);
    if (e.key.form === 'encrypted' && pw === undefined) throw new KtoolError('USAGE', `alias ${e.alias}: key password needed`);
    const pkcs8 = openPrivateKey(e, pw ?? '');
    hasKeys = true;
    parts.push(passphrase !== undefined ? pem.encryptedPrivateKeyToPem(pkcs8, passphrase) : pem.privateKeyToPem(pkcs8));
    parts.push(pem.certificatesToPem(e.chain));
  }
  return { bytes: new Uint8Array(Buffer.from(parts.join(''), 'utf8')), count, skipped, hasKeys };
}

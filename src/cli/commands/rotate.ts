/**
 * ktool rotate STORE: new key + chain or a CA reply for a key entry (alias kept); for truststores
 * --add-ca beside the old CA and, after the overlap, --retire the old one.
 */
import type { Command } from 'commander';
import { KtoolError } from '../../model/errors';
import { readFileOrFail } from '../files';
import { mutationOptions, openForUpdate, runMutation } from '../mutate';
import { collect, password, passwordOptions, readStoreType, storeTypeOption } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('rotate')
    .description('replace a key entry\'s key/chain keeping its alias, or add a new CA beside the old one and retire the old one later')
    .argument('<store>', 'keystore or truststore to update')
    .option('--alias <alias>', 'the key entry to rotate, or the alias of the CA added with --add-ca')
    .option('--key <file>', 'new private key (PEM/DER, as ktool import reads it)')
    .option('--cert <file>', 'new certificate (with --key)')
    .option('--chain <file>', 'issuer certificates of the new certificate (repeatable)', collect)
    .option('--reply <file>', 'CA reply for the entry\'s current key: the key stays, the chain is replaced')
    .option('--add-ca <file>', 'new CA certificate(s) to trust beside the existing ones')
    .option('--retire <alias>', 'remove this trusted entry (the old CA, after the overlap)')
    .option('--retire-fingerprint <sha256>', 'remove the trusted entry with this SHA-256 fingerprint');
  mutationOptions(cmd);
  passwordOptions(cmd, 'storepass', 'store password');
  passwordOptions(cmd, 'keypass', 'key password for JKS/JCEKS (default: the store password)');
  passwordOptions(cmd, 'keypass-in', 'passphrase of an encrypted --key file');
  storeTypeOption(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const modes = ['key', 'reply', 'addCa', 'retire', 'retireFingerprint'].filter((m) => opts[m] !== undefined);
    if (modes.length !== 1) throw new KtoolError('USAGE', 'give exactly one of --key (with --cert), --reply, --add-ca, --retire, --retire-fingerprint');
    if (opts.key !== undefined && opts.cert === undefined) throw new KtoolError('USAGE', '--key needs --cert (the new certificate)');
    if ((opts.key !== undefined || opts.reply !== undefined) && opts.alias === undefined) throw new KtoolError('USAGE', '--alias names the key entry to rotate');
    const rot = require('../../ops/rotate') as typeof import('../../ops/rotate');
    const pem = require('../../formats/pem') as typeof import('../../formats/pem');
    const certsOf = (f: string) => pem.readCertificates(readFileOrFail(f, 'certificate file'));
    const storepass = await password(opts, 'storepass', 'keystore password', true);
    const keypass = await password(opts, 'keypass', 'key password');
    let newKey: Uint8Array | undefined;
    if (opts.key !== undefined) newKey = pem.readPrivateKey(readFileOrFail(opts.key as string, 'key file'), await password(opts, 'keypassIn', 'key file passphrase')).pkcs8;
    const alias = opts.alias as string | undefined;
    runMutation(
      file,
      opts,
      () => openForUpdate(file, storepass, readStoreType(opts.storetype), { trustDefault: opts.addCa !== undefined || opts.retire !== undefined || opts.retireFingerprint !== undefined }),
      (t) => {
        const keyPw = t.store.type === 'PKCS12' ? t.password : keypass ?? t.password;
        let r: import('../../ops/rotate').RotateResult;
        if (newKey) {
          const { openPrivateKey } = require('../../ops/keys') as typeof import('../../ops/keys');
          const { findEntry, foldAlias } = require('../../model/alias') as typeof import('../../model/alias');
          const old = findEntry(t.store, foldAlias(alias!));
          let current: Uint8Array | undefined;
          if (old?.type === 'PrivateKeyEntry' && keyPw !== null) current = old.key.form === 'plain' ? old.key.pkcs8 : openPrivateKey(old, keyPw);
          const certs = [...certsOf(opts.cert as string), ...((opts.chain as string[] | undefined) ?? []).flatMap(certsOf)];
          r = rot.rotateKey(t.store, alias!, newKey, certs, current);
        } else if (opts.reply !== undefined) r = rot.rotateReply(t.store, alias!, certsOf(opts.reply as string));
        else if (opts.addCa !== undefined) r = rot.addCa(t.store, certsOf(opts.addCa as string), alias);
        else r = rot.retireCa(t.store, { alias: opts.retire as string | undefined, fingerprint: opts.retireFingerprint as string | undefined });
        let store = r.store;
        if (store !== t.store && !opts.dryRun && store.entries.some((e) => e.type === 'PrivateKeyEntry' && e.key.form === 'plain')) {
          const { sealEntries } = require('../../ops/keys') as typeof import('../../ops/keys');
          const pw = (a: string): string => {
            if (keyPw === null) throw new KtoolError('USAGE', `alias ${a}: give --keypass to protect the key`);
            return keyPw;
          };
          store = sealEntries(store, { target: store.type, sourceKeyPassword: pw, targetKeyPassword: pw, pkcs12KeyProtection: store.protection.kind === 'pkcs12' ? store.protection.profile.keyProtection : undefined });
        }
        return { store, changes: r.changes, text: r.plan, json: { plan: r.plan } };
      },
    );
  });
}

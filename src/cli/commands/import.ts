/** ktool import STORE --cert … [--key …]: PEM/DER/PKCS#7 material into a store, idempotently. */
import type { Command } from 'commander';
import { typeFromExtension } from '../../formats';
import { KtoolError, inContext } from '../../model/errors';
import { type KeyStore, type StoreType, isPasswordlessStore } from '../../model/keystore';
import { changed, importKeyEntry, importTrustedCerts } from '../../ops/import';
import { openPrivateKey, sealEntries } from '../../ops/keys';
import { bytesEqual } from '../../util/bytes';
import { stdio } from '../context';
import { readFileOrFail, withFileLock } from '../files';
import { loadStoreFile, saveStoreFile, storeExists } from '../store-file';
import { mutationOptions, report } from '../mutate';
import { collect, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { pkcs12ProfileOption, readProfile, warnIfJdk17CannotOpen } from '../profile';

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .description('import certificates (as trusted entries) or a private key with its chain (as one key entry) from PEM/DER/PKCS#7 files')
    .argument('<store>', 'keystore to create or update')
    .requiredOption('--cert <file>', 'certificate file: PEM bundle, DER or PKCS#7 (repeatable)', collect)
    .option('--key <file>', 'private key (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8 or OpenSSL-encrypted PEM, or DER)')
    .option('--alias <alias>', 'alias of the entry (default: derived from the certificate subject CN)')
    .option('--alias-template <t>', 'aliases for trusted certificates, e.g. "{cn}-{sha256:8}"')
    .option('--overwrite', 'replace an entry whose alias exists with different content');
  mutationOptions(cmd);
  passwordOptions(cmd, 'storepass', 'store password');
  passwordOptions(cmd, 'keypass', 'key password for JKS/JCEKS or password-less PKCS12 (default: the store password)');
  passwordOptions(cmd, 'keypass-in', 'passphrase of an encrypted --key file');
  storeTypeOption(cmd, '--storetype', 'type of a new store (default: from the extension, else PKCS12)');
  pkcs12ProfileOption(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const pem = require('../../formats/pem') as typeof import('../../formats/pem');
    const chainLib = require('../../x509/chain') as typeof import('../../x509/chain');
    const certs = (opts.cert as string[]).flatMap((f) => inContext(f, () => pem.readCertificates(readFileOrFail(f, 'certificate file'))));
    const storepassGiven = await password(opts, 'storepass', 'keystore password', true);
    const keypass = await password(opts, 'keypass', 'key password');
    let key: { pkcs8: Uint8Array; chain: Uint8Array[] } | undefined;
    if (opts.key) {
      const keyFile = opts.key as string;
      const passIn = await password(opts, 'keypassIn', 'key file passphrase');
      const { pkcs8 } = inContext(keyFile, () => pem.readPrivateKey(readFileOrFail(keyFile, 'key file'), passIn));
      const leaf = chainLib.findLeafForKey(pkcs8, certs);
      key = { pkcs8, chain: chainLib.orderChain(certs, leaf) };
    }
    const profile = readProfile(opts);
    const requestedType: StoreType | undefined = readStoreType(opts.storetype);

    const run = () => {
      let store: KeyStore;
      const exists = storeExists(file);
      const passwordless = profile !== undefined && !profile.mac && !profile.certProtection;
      let storepass = storepassGiven;
      if (exists) {
        store = loadStoreFile(file, storepass ?? null, requestedType).store;
        if (profile && store.type === 'PKCS12') store = { ...store, protection: { kind: 'pkcs12', profile } };
      } else {
        const type = requestedType ?? typeFromExtension(file) ?? 'PKCS12';
        const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
        store = { type, entries: [], protection: type === 'PKCS12' ? { kind: 'pkcs12', profile: profile ?? profileByName('modern') } : { kind: 'keyed-sha1' } };
      }
      const isPasswordless = isPasswordlessStore(store);
      if (storepass === undefined && !isPasswordless && !passwordless) {
        if (key || store.entries.some((e) => e.type !== 'trustedCertEntry')) {
          throw new KtoolError('USAGE', `${file}: a store holding private keys needs a store password (--storepass…)`);
        }
        storepass = 'changeit';
        stdio.err(`ktool: ${file}: no store password given: using "changeit" (the JDK's truststore default)`);
      }
      const keyPassword = (alias: string): string => {
        const pw = store.type === 'PKCS12' && !isPasswordless ? storepass : keypass ?? storepass;
        if (pw === undefined) throw new KtoolError('USAGE', `alias ${alias}: give --keypass to protect the key`);
        return pw;
      };
      const result = key
        ? importKeyEntry(store, { alias: (opts.alias as string | undefined) ?? defaultKeyAlias(key.chain[0]), pkcs8: key.pkcs8, chain: key.chain }, {
            overwrite: !!opts.overwrite,
            keyMatchesExisting: (existing) => {
              try {
                return bytesEqual(openPrivateKey(existing, keyPassword(existing.alias)), key!.pkcs8);
              } catch {
                return undefined;
              }
            },
          })
        : importTrustedCerts(store, certs, { alias: opts.alias as string | undefined, aliasTemplate: opts.aliasTemplate as string | undefined, overwrite: !!opts.overwrite });
      const isChanged = changed(result) || !exists;
      if (isChanged && !opts.dryRun) {
        const sealed = sealEntries(result.store, {
          target: result.store.type,
          sourceKeyPassword: keyPassword,
          targetKeyPassword: keyPassword,
          pkcs12KeyProtection: result.store.protection.kind === 'pkcs12' ? result.store.protection.profile.keyProtection : undefined,
        });
        warnIfJdk17CannotOpen(sealed, storepass, keypass);
        saveStoreFile(file, sealed, isPasswordless ? null : storepass ?? null, { backup: !!opts.backup });
      }
      return { result, isChanged };
    };
    const { result, isChanged } = inContext(file, () => (opts.dryRun ? run() : withFileLock(file, run)));
    report(file, opts, { outcome: result, changed: isChanged });
  });
}

function defaultKeyAlias(leaf: Uint8Array): string {
  const { slug, subjectCommonName } = require('../../ops/aliases') as typeof import('../../ops/aliases');
  return slug(subjectCommonName(leaf) ?? 'mykey');
}

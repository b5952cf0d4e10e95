/** ktool list STORE: the entries of a store, as keytool prints them or as JSON. */
import type { Command } from 'commander';
import { findEntry } from '../../model/alias';
import type { Entry } from '../../model/keystore';
import { KtoolError } from '../../model/errors';
import { stdio, writeStdout } from '../context';
import { loadStoreFile } from '../store-file';
import { password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { openForListing } from '../open-store';

export function register(program: Command): void {
  const cmd = program
    .command('list')
    .description('list the entries of a keystore (keytool -list)')
    .argument('<store>', 'keystore file (JKS, JCEKS or PKCS12; type detected from the bytes)')
    .option('--alias <alias>', 'only this entry')
    .option('-v, --verbose', 'every certificate in full (keytool -list -v)')
    .option('--rfc', 'certificates as PEM (keytool -list -rfc)')
    .option('--json', 'machine-readable output (schema in the README)');
  passwordOptions(cmd, 'storepass', 'store password');
  storeTypeOption(cmd);
  cmd.action(async (store: string, opts: Record<string, unknown>) => {
    const pw = await password(opts, 'storepass', 'keystore password', true);
    const { decoded, note } = openForListing(store, pw, readStoreType(opts.storetype), loadStoreFile);
    const alias = opts.alias as string | undefined;
    if (alias !== undefined && !findEntry(decoded.store, alias)) throw new KtoolError('NOT_FOUND', `${store}: alias <${alias}> does not exist`);
    if (opts.json) {
      const { storeJsonText } = require('../../output/list-json') as typeof import('../../output/list-json');
      for (const text of storeJsonText(decoded.store, decoded.info, { alias: alias?.toLowerCase(), secretInfo: pw === undefined ? undefined : (e) => secretKeyInfo(e, pw) })) writeStdout(text);
      return;
    }
    const { renderStoreListing, protectionLine } = require('../../output/listing') as typeof import('../../output/listing');
    if (note) stdio.err(note);
    stdio.err(`Protection: ${protectionLine(decoded)}`);
    stdio.out(renderStoreListing(decoded, { verbose: !!opts.verbose, rfc: !!opts.rfc, alias: alias?.toLowerCase() }));
  });
}

/** A secret key's algorithm and size, when it opens with the store password (else unknown: null in JSON). */
function secretKeyInfo(e: Entry, storepass: string): { algorithm: string; size: number } | undefined {
  if (e.type !== 'SecretKeyEntry') return undefined;
  const { openSecretKey } = require('../../ops/keys') as typeof import('../../ops/keys');
  try {
    const { algorithm, key } = openSecretKey(e, storepass);
    return { algorithm, size: key.length * 8 };
  } catch {
    return undefined;
  }
}

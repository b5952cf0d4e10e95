/** ktool export STORE --alias A: a certificate, a chain, or the private key as PKCS#8. */
import type { Command } from 'commander';
import { findEntry } from '../../model/alias';
import { KtoolError, inContext } from '../../model/errors';
import { openPrivateKey } from '../../ops/keys';
import { concatBytes } from '../../util/bytes';
import { stdio, writeStdout } from '../context';
import { atomicWrite } from '../files';
import { loadStoreFile } from '../store-file';
import { askWrongKeyPasswords, password, passwordOptions, readStoreType, storeTypeOption } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('export a certificate, a chain (--chain) or a private key (--key) from a store')
    .argument('<store>', 'keystore')
    .requiredOption('--alias <alias>', 'the entry')
    .option('--chain', 'the whole chain, leaf first')
    .option('--key', 'the private key as PKCS#8 (encrypted with --out-keypass…)')
    .option('--format <f>', 'pem or der', 'pem')
    .option('--out <file>', 'write to a file (default: standard output)')
    .option('--json', 'report as JSON (with --out)');
  passwordOptions(cmd, 'storepass', 'store password');
  passwordOptions(cmd, 'keypass', 'key password (default: the store password)');
  passwordOptions(cmd, 'out-keypass', 'passphrase to encrypt the exported key (PKCS#8 PBES2 AES-256)');
  storeTypeOption(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const format = String(opts.format).toLowerCase();
    if (format !== 'pem' && format !== 'der') throw new KtoolError('USAGE', `--format must be pem or der`);
    const storepass = await password(opts, 'storepass', 'keystore password', true);
    const { store } = loadStoreFile(file, storepass ?? null, readStoreType(opts.storetype));
    const alias = opts.alias as string;
    const entry = findEntry(store, alias);
    if (!entry) throw new KtoolError('NOT_FOUND', `${file}: alias <${alias}> does not exist`);
    const pem = require('../../formats/pem') as typeof import('../../formats/pem');
    const parts: Uint8Array[] = [];
    let holdsKey = false;
    if (opts.key) {
      if (entry.type !== 'PrivateKeyEntry') throw new KtoolError('UNSUPPORTED', `${file}: alias <${entry.alias}> is a ${entry.type}, not a private key entry`);
      const given = (await password(opts, 'keypass', 'key password')) ?? storepass;
      const asked = new Map<string, string>();
      await askWrongKeyPasswords(store, () => given, asked, [entry.alias]);
      const keypass = asked.get(entry.alias) ?? given;
      if (keypass === undefined && entry.key.form === 'encrypted') throw new KtoolError('USAGE', `alias ${entry.alias}: key password needed (--keypass…)`);
      const pkcs8 = inContext(file, () => openPrivateKey(entry, keypass ?? ''));
      const outPass = await password(opts, 'outKeypass', 'export passphrase');
      holdsKey = true;
      if (format === 'der') {
        if (opts.chain) throw new KtoolError('USAGE', 'DER holds one object: export the key and the chain separately, or use --format pem');
        parts.push(outPass !== undefined ? pem.encryptPkcs8Der(pkcs8, outPass) : pkcs8);
      } else {
        parts.push(Buffer.from(outPass !== undefined ? pem.encryptedPrivateKeyToPem(pkcs8, outPass) : pem.privateKeyToPem(pkcs8)));
      }
    }
    if (!opts.key || opts.chain) {
      if (entry.type === 'SecretKeyEntry') throw new KtoolError('UNSUPPORTED', `${file}: alias <${entry.alias}> is a secret key: it has no certificate`);
      const certs = entry.type === 'trustedCertEntry' ? [entry.cert] : opts.chain ? entry.chain : entry.chain.slice(0, 1);
      if (format === 'der') {
        if (certs.length > 1) throw new KtoolError('USAGE', 'DER holds one certificate: use --format pem for a chain');
        parts.push(certs[0]);
      } else parts.push(Buffer.from(pem.certificatesToPem(certs)));
    }
    const bytes = concatBytes(parts);
    if (opts.out) {
      atomicWrite(opts.out as string, bytes, { mode: holdsKey ? 0o600 : 0o644 });
      if (opts.json) stdio.json({ store: file, alias: entry.alias, out: opts.out, format, key: holdsKey, changed: true });
      else stdio.err(`ktool: wrote ${opts.out}`);
    } else {
      writeStdout(bytes);
    }
  });
}

/** ktool expiry STORE|PEM…: days left for every certificate; exit 20 inside the window, 21 expired. */
import type { Command } from 'commander';
import { KtoolError } from '../../model/errors';
import { stdio } from '../context';
import { password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { readCertsOrStore } from './verify';

export function register(program: Command): void {
  const cmd = program
    .command('expiry')
    .description('days left for every certificate of stores and certificate files (exit 0 fine, 20 inside --within, 21 expired)')
    .argument('<files...>', 'keystores and certificate files (PEM/DER/PKCS#7)')
    .option('--within <duration>', 'warning window: 30d, 12h, 2w, 90m (a bare number is days)', '30d')
    .option('--at <date>', 'compute as of this time instead of now')
    .option('--json', 'report as JSON');
  passwordOptions(cmd, 'storepass', 'store password (a password-protected PKCS12 needs it: without it, exit 2)');
  storeTypeOption(cmd);
  cmd.action(async (files: string[], opts: Record<string, unknown>) => {
    const ex = require('../../ops/expiry') as typeof import('../../ops/expiry');
    const windowMs = ex.parseDuration(opts.within as string);
    const now = opts.at !== undefined ? new Date(opts.at as string) : new Date();
    if (Number.isNaN(now.getTime())) throw new KtoolError('USAGE', `--at: not a date: ${opts.at}`);
    const storepass = await password(opts, 'storepass', 'keystore password');
    const items: import('../../ops/expiry').ExpiryItem[] = [];
    for (const f of files) {
      const src = readCertsOrStore(f, storepass, readStoreType(opts.storetype), { role: 'store' }); // a protected PKCS12 without --storepass: exit 2, as ktool list
      if ('certs' in src) src.certs.forEach((c, index) => items.push(ex.expiryItem(c, { source: f, index }, now, windowMs)));
      else
        for (const e of src.store.entries) {
          const chain = e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : [];
          chain.forEach((c, index) => items.push(ex.expiryItem(c, { source: f, alias: e.alias, index }, now, windowMs)));
        }
    }
    const status = ex.expiryStatus(items);
    if (opts.json) stdio.json({ at: now.toISOString(), within: opts.within, status, certificates: items });
    else
      for (const i of items) {
        const where = `${i.source}${i.alias !== undefined ? `: ${i.alias}` : ''}${i.index ? ` [${i.index}]` : ''}`;
        const tag = i.status === 'expired' ? `EXPIRED ${-i.daysLeft} day(s) ago` : `${i.daysLeft} day(s) left${i.status === 'within' ? ' WITHIN WINDOW' : ''}`;
        stdio.out(`${where}: ${i.subject}: ${i.notAfter}: ${tag}`);
      }
    process.exitCode = status;
  });
}

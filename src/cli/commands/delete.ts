/** ktool delete STORE ALIAS…: remove entries (idempotent with --if-exists). */
import type { Command } from 'commander';
import { deleteEntries } from '../../ops/delete';
import { mutationOptions, openForUpdate, runMutation } from '../mutate';
import { password, passwordOptions, readStoreType, storeTypeOption } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('delete')
    .description('delete entries from a store (keytool -delete)')
    .argument('<store>', 'keystore')
    .argument('<alias...>', 'aliases to delete')
    .option('--if-exists', 'an alias that is not there is not an error ("unchanged"): ensure-absent for deploy scripts');
  passwordOptions(cmd, 'storepass', 'store password');
  storeTypeOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (file: string, aliases: string[], opts: Record<string, unknown>) => {
    const storepass = await password(opts, 'storepass', 'keystore password', true);
    runMutation(
      file,
      opts,
      () => openForUpdate(file, storepass, readStoreType(opts.storetype), { trustDefault: true }),
      (t) => deleteEntries(t.store, aliases, { ifExists: !!opts.ifExists }),
    );
  });
}

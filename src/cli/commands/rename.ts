/** ktool rename STORE OLD NEW: change an entry's alias (keytool -changealias). */
import type { Command } from 'commander';
import { renameEntry } from '../../ops/rename';
import { mutationOptions, openForUpdate, runMutation } from '../mutate';
import { password, passwordOptions, readStoreType, storeTypeOption } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('rename')
    .description('rename an entry (keytool -changealias); re-running it after success reports "unchanged"')
    .argument('<store>', 'keystore')
    .argument('<old>', 'current alias')
    .argument('<new>', 'new alias (a PKCS12 trusted certificate keeps its case in the friendlyName)');
  passwordOptions(cmd, 'storepass', 'store password');
  storeTypeOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (file: string, oldAlias: string, newAlias: string, opts: Record<string, unknown>) => {
    const storepass = await password(opts, 'storepass', 'keystore password', true);
    runMutation(
      file,
      opts,
      () => openForUpdate(file, storepass, readStoreType(opts.storetype), { trustDefault: true }),
      (t) => renameEntry(t.store, oldAlias, newAlias),
    );
  });
}

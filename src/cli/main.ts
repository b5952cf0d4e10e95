/**
 * ktool's entry point. A first argument that is a keytool command (-list, -importcert, ...) switches to
 * keytool compatibility mode; everything else is the modern kebab-case CLI.
 */
import type { Command } from 'commander';
import { KtoolError } from '../model/errors';
import { writeStdout, writeStderr } from './context';

// bin/ktool asks whether it may exit at once.
export { outputHandedOver } from './context';
import { EXIT, exitStatus } from './exit-codes';

export const KEYTOOL_COMMANDS = new Set([
  '-list', '-importcert', '-import', '-exportcert', '-export', '-importkeystore', '-delete', '-changealias',
  '-storepasswd', '-keypasswd', '-printcert', '-printcertreq', '-printcrl', '-genkeypair', '-genkey', '-certreq',
  '-gencert', '-genseckey', '-importpass', '-version', '-help', '-showinfo', '-keyclone', '-selfcert', '-gencrl',
]);

/** Command modules, by the command names they register (every command must be here): start-up loads only the one that runs. */
const COMMAND_MODULES: Record<string, string> = {
  list: 'list', convert: 'convert', import: 'import', export: 'export', delete: 'delete', rename: 'rename',
  passwd: 'passwd', 'import-store': 'import-store', truststore: 'truststore', inspect: 'inspect', jdbc: 'jdbc',
  ca: 'ca', crl: 'crl', printcert: 'pki', printcertreq: 'pki', fetch: 'fetch',
  verify: 'verify', expiry: 'expiry', rotate: 'rotate',
};

/** The whole program, or with `only` (a command name) just that command, so start-up skips unused modules. */
export function buildProgram(only?: string): Command {
  // commander is loaded here, not at the top: keytool mode never needs it.
  const { Command } = require('commander') as typeof import('commander');
  const program = new Command('ktool')
    .description('Java keystores (JKS, JCEKS, PKCS#12), PEM conversion, PKI and JDBC/TLS configuration without a JVM.\nkeytool syntax works too: ktool -list -v -keystore x.jks -storepass:env PW')
    .version(require('../../package.json').version, '--version')
    // Usage errors are one line, like every other failure (commander's own text, named as ktool's).
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr, outputError: (text, write) => write(`ktool: ${text.replace(/^error: /, '').trimEnd()} (see ktool ${only && Object.hasOwn(COMMAND_MODULES, only) ? `${only} ` : ''}--help)\n`) })
    .exitOverride();
  const one = only !== undefined && Object.hasOwn(COMMAND_MODULES, only) ? COMMAND_MODULES[only] : undefined;
  // Help, unknown commands and errors need every command: all modules, in the map's (help) order.
  const modules = one ? [one] : [...new Set(Object.values(COMMAND_MODULES))];
  for (const m of modules) {
    (require(`./commands/${m}`).register as (p: Command) => void)(program);
  }
  return program;
}

/** Print one line for an error and return the exit status (no stack traces for expected failures). */
export function reportError(e: unknown): number {
  if (e instanceof KtoolError) {
    writeStderr(`ktool: ${e.message}\n`);
    return exitStatus(e);
  }
  const { CommanderError } = require('commander') as typeof import('commander');
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return EXIT.USAGE; // commander already printed its message
  }
  const msg = e instanceof Error ? e.message : String(e);
  writeStderr(`ktool: internal error: ${msg}\n`);
  if (process.env.KTOOL_DEBUG && e instanceof Error) writeStderr(`${e.stack}\n`);
  return EXIT.INTERNAL;
}

/**
 * keytool syntax: the first argument is a keytool command, or (keytool takes its options in any order,
 * `keytool -keystore x.jks -list`) a single-dash option with a keytool command somewhere after it.
 */
export function isKeytoolSyntax(argv: readonly string[]): boolean {
  const isCommand = (a: string) => KEYTOOL_COMMANDS.has(a.split(':')[0].toLowerCase());
  if (argv.length === 0) return false;
  if (isCommand(argv[0])) return true;
  return /^-[^-]/.test(argv[0]) && argv.some(isCommand);
}

export async function main(argv: string[]): Promise<void> {
  let status: number;
  if (isKeytoolSyntax(argv)) {
    const { runKeytool } = require('./keytool/run') as typeof import('./keytool/run');
    status = await runKeytool(argv);
  } else {
    try {
      await buildProgram(argv[0]).parseAsync(argv, { from: 'user' });
      status = process.exitCode === undefined ? 0 : Number(process.exitCode);
    } catch (e) {
      status = reportError(e);
    }
  }
  // Let pending stdout drain before exiting with the status.
  process.exitCode = status;
}

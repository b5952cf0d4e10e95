/** Run the built ktool binary (npm test builds first) as a user would. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const KTOOL_BIN = path.resolve(__dirname, '../../bin/ktool');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export function ktool(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [KTOOL_BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    env: { ...process.env, TZ: 'UTC', ...opts.env },
    timeout: 120000,
  });
  return {
    status: r.status ?? -1,
    stdout: r.stdout?.toString('utf8') ?? '',
    stderr: r.stderr?.toString('utf8') ?? '',
    stdoutBytes: r.stdout ?? Buffer.alloc(0),
  };
}

/** SHA-256 fingerprints as keytool prints them, from `keytool -list -v` or ktool's text output. */
/** A command line, optionally with what is typed on standard input (answers to keytool's prompts). */
export type Step = string[] & { input?: string };
export const typed = (args: string[], input: string): Step => Object.assign([...args], { input });

export function fingerprintsIn(listing: string): string[] {
  return [...listing.matchAll(/SHA256: ([0-9A-F:]{95})/g)].map((m) => m[1]).sort();
}

/** alias -> entry type from `keytool -list` (short or verbose) text. */
export function entriesIn(listing: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of listing.matchAll(/^Alias name: (.*)\n(?:Creation date: .*\n)?Entry type: (\w+)/gm)) out.set(m[1], m[2]);
  for (const m of listing.matchAll(/^(.*), [A-Z][a-z]{2} \d{1,2}, \d{4}, (\w+),\s*$/gm)) out.set(m[1], m[2]);
  return out;
}

/**
 * The real JDKs are the judges. Tests find keytool 17 (PATH or JDK17_HOME) and 25 (JDK25_HOME, else the
 * Temurin 25 folder beside 17). A missing JDK fails the test with what to install; it never skips.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function findJdk(envVar: string, candidates: string[]): string {
  const fromEnv = process.env[envVar];
  const all = fromEnv ? [fromEnv, ...candidates] : candidates;
  for (const home of all) if (fs.existsSync(path.join(home, 'bin', 'keytool'))) return home;
  throw new Error(`JDK not found: set ${envVar} (looked in ${all.join(', ')}); install it (see .ci/run)`);
}

export const JDK17_HOME = (): string => findJdk('JDK17_HOME', ['/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/openjdk-17']);
export const JDK25_HOME = (): string => findJdk('JDK25_HOME', ['/usr/lib/jvm/temurin-25-jdk-amd64']);
export const JDKS: { name: '17' | '25'; home: () => string }[] = [
  { name: '17', home: JDK17_HOME },
  { name: '25', home: JDK25_HOME },
];

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** keytool with the fixtures' implicit options (English dates, UTC). */
export function keytool(jdkHome: string, args: string[], opts: { cwd?: string; input?: string } = {}): RunResult {
  const r = spawnSync(path.join(jdkHome, 'bin', 'keytool'), ['-J-Duser.language=en', '-J-Duser.country=US', ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' },
    timeout: 120000,
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function openssl(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): RunResult & { stdoutBytes: Buffer } {
  const r = spawnSync('openssl', args, { cwd: opts.cwd, input: opts.input ?? '', timeout: 60000 });
  return {
    status: r.status ?? -1,
    stdout: r.stdout?.toString('utf8') ?? '',
    stderr: r.stderr?.toString('utf8') ?? '',
    stdoutBytes: r.stdout ?? Buffer.alloc(0),
  };
}

/** openssl in `cwd` that must succeed (set-up steps): its failure throws with openssl's message. */
export function opensslIn(cwd: string): (args: string[]) => void {
  return (args) => {
    const r = openssl(args, { cwd });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
}

/** A fresh temporary directory for one test file. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(require('node:os').tmpdir(), `ktool-${prefix}-`));
}

/** What every command handler gets: where to print, and how to report results as text or JSON. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
}

let stdoutClosed = false;
let guarded = false;

/**
 * A reader that goes away early (`ktool list big.p12 | grep -q x`, `ktool verify … | head -c1`) makes
 * the next write to stdout fail with EPIPE; without a handler Node dies on the unhandled 'error' event
 * with a stack trace. Policy, in both the modern CLI and keytool mode: the rest of the output is
 * discarded, nothing is printed about it, and the command ends with the exit status it would have had
 * anyway. That is what keytool does (Java's PrintStream swallows the error; `keytool -list … | head -c1`
 * exits 0), and it keeps the status meaningful for scripts under `set -o pipefail`: `ktool expiry … |
 * head` still exits 20/21 when a certificate needs attention, and `… | grep -q` does not turn a success
 * into a failure the way a SIGPIPE death (141) would. Other stdout errors are not handled here.
 */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    throw e;
  });
}

/** Whether standard output's reader has gone (EPIPE seen). */
export const stdoutGone = (): boolean => stdoutClosed;

/** Write to standard output unless its reader has gone. */
export function writeStdout(chunk: string | Uint8Array): void {
  if (!stdoutClosed) process.stdout.write(chunk);
}

export const stdio: Output = {
  out: (t) => writeStdout(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  json: (v) => writeStdout(JSON.stringify(v, null, 2) + '\n'),
};

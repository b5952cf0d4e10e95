import * as fs from 'node:fs';
/** What every command handler gets: where to print, and how to report results as text or JSON. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
}

let stdoutClosed = false;
let stdoutStream = false;

/**
 * A reader that goes away early (`ktool list big.p12 | grep -q x`, `ktool verify … | head -c1`) makes
 * the next write to stdout fail with EPIPE. Policy, in both the modern CLI and keytool mode: the rest of
 * the output is discarded, nothing is printed about it, and the command ends with the exit status it
 * would have had anyway. That is what keytool does (Java's PrintStream swallows the error; `keytool
 * -list … | head -c1` exits 0), and it keeps the status meaningful for scripts under `set -o pipefail`:
 * `ktool expiry … | head` still exits 20/21 when a certificate needs attention, and `… | grep -q` does
 * not turn a success into a failure the way a SIGPIPE death (141) would.
 *
 * Output is written to file descriptor 1 directly, synchronously: process.stdout on a pipe would load
 * Node's socket and stream modules (~2.5 ms of every start-up), and a synchronous write leaves nothing
 * to drain at exit. A descriptor that is non-blocking and full (EAGAIN) hands the rest to process.stdout,
 * which queues it; everything before was written, so the order holds. Other errors are not handled here.
 */
export function writeStdout(chunk: string | Uint8Array): void {
  if (stdoutClosed) return;
  if (stdoutStream) {
    process.stdout.write(chunk);
    return;
  }
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done, bytes.length - done);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') stdoutClosed = true;
    else if (code === 'EAGAIN') {
      streamStdout();
      process.stdout.write(bytes.subarray(done));
    } else throw e;
  }
}

function streamStdout(): void {
  stdoutStream = true;
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

export const stdio: Output = {
  out: (t) => writeStdout(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  json: (v) => writeStdout(JSON.stringify(v, null, 2) + '\n'),
};

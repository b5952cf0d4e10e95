import * as fs from 'node:fs';
/** What every command handler gets: where to print, and how to report results as text or JSON. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
}

/**
 * A reader that goes away early (`ktool list big.p12 | grep -q x`, `ktool verify … | head -c1`) makes
 * the next write to stdout fail with EPIPE. Policy, in both the modern CLI and keytool mode: the rest of
 * the output is discarded, nothing is printed about it, and the command ends with the exit status it
 * would have had anyway. That is what keytool does (Java's PrintStream swallows the error; `keytool
 * -list … | head -c1` exits 0), and it keeps the status meaningful for scripts under `set -o pipefail`:
 * `ktool expiry … | head` still exits 20/21 when a certificate needs attention, and `… | grep -q` does
 * not turn a success into a failure the way a SIGPIPE death (141) would. stderr is treated alike.
 *
 * Both are written to their file descriptors directly, synchronously: process.stdout on a pipe would
 * load Node's socket modules, and process.stderr costs a stream too (~3 ms of start-up together), and a
 * synchronous write leaves nothing to drain at exit. A descriptor that is non-blocking and full (EAGAIN)
 * hands the rest to the process stream, which queues it; everything before was written, so the order
 * holds. Other errors are not handled here.
 */
class SyncOutput {
  private closed = false;
  private streaming = false;
  /** Output was handed over to the process stream, which may still hold some of it. */
  get handedOver(): boolean {
    return this.streaming;
  }
  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WriteStream,
  ) {}

  write(chunk: string | Uint8Array): void {
    if (this.closed) return;
    if (this.streaming) {
      this.stream().write(chunk);
      return;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let done = 0;
    try {
      while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') this.closed = true;
      else if (code === 'EAGAIN') this.handOver().write(bytes.subarray(done));
      else throw e;
    }
  }

  private handOver(): NodeJS.WriteStream {
    this.streaming = true;
    return this.stream().on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      this.closed = true;
    });
  }
}

const stdout = new SyncOutput(1, () => process.stdout);
const stderr = new SyncOutput(2, () => process.stderr);

export const writeStdout = (chunk: string | Uint8Array): void => stdout.write(chunk);
export const writeStderr = (chunk: string | Uint8Array): void => stderr.write(chunk);
/** Whether some output may still be queued in a process stream (so the process must not exit yet). */
export const outputHandedOver = (): boolean => stdout.handedOver || stderr.handedOver;

export const stdio: Output = {
  out: (t) => writeStdout(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => writeStderr(t.endsWith('\n') ? t : t + '\n'),
  json: (v) => writeStdout(JSON.stringify(v, null, 2) + '\n'),
};

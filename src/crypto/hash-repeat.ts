/**
 * A digest applied `times` times to a value of its own output size: the inner loop of the PKCS#12
 * KDF (RFC 7292 B.2), 10,000 rounds for every MAC check of a JDK-written store. Node has no native
 * call for it, and one OpenSSL call per round costs more in call overhead than the hashing (~14 ms
 * for 10,000 one-shot crypto.hash calls). Plain JS is slow until V8 optimises it: its 32-bit values
 * are heap numbers in the interpreter (~10 ms plus garbage collection). So the rounds run as
 * WebAssembly (sha-wasm-build.ts). V8 runs a new module in its baseline compiler, ~14 times slower
 * here, until its optimised code, compiled in the background, is swapped in at the next call: hence
 * the chunks of separate calls, and warmUpRepeatedDigest, which starts that compilation early.
 * Measured cold, 10,000 SHA-256 rounds: ~4.8 ms, ~3.5 ms after a warm-up; ~2.3 ms once optimised.
 * SHA-1 (legacy profiles) and SHA-256 (modern).
 */
import { SHA_WASM } from './sha-wasm';

// The part of the WebAssembly global used here (lib ES2022 does not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer }; sha1(n: number): void; sha256(n: number): void } };
};

interface Compressors {
  /** The state, shared with the module (its memory at 0). */
  words: Int32Array;
  sha1(times: number): void;
  sha256(times: number): void;
}

let compressors: Compressors | undefined;

/** Instantiated on first use (well under a millisecond): only PKCS#12 needs it. */
function load(): Compressors {
  if (!compressors) {
    const e = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(SHA_WASM, 'base64'))).exports;
    compressors = { words: new Int32Array(e.memory.buffer, 0, 8), sha1: e.sha1, sha256: e.sha256 };
  }
  return compressors;
}

/** Rounds per call: small enough that V8's optimised code, compiled meanwhile, is picked up soon. */
const CHUNK = 64;

/** Rounds that use up V8's tier-up budget, so optimised code is being compiled when they return. */
const WARM_UP_ROUNDS = 64;

/**
 * Runs a few rounds of the digest on a scratch state, so that V8 compiles the optimised code in the
 * background while the caller does other work (~1 ms; the rounds that follow then run optimised).
 */
export function warmUpRepeatedDigest(digest: string): void {
  if (digest === 'sha1') sha1Repeated(new Uint8Array(20), WARM_UP_ROUNDS);
  else if (digest === 'sha256') sha256Repeated(new Uint8Array(32), WARM_UP_ROUNDS);
}

function repeated(value: Uint8Array, times: number, size: 20 | 32, label: string): Buffer {
  if (value.length !== size) throw new Error(`${label}: expects a ${size}-byte value`);
  const c = load();
  const run = size === 20 ? c.sha1 : c.sha256;
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
  for (let i = 0; i < size / 4; i++) c.words[i] = bytes.readInt32BE(4 * i);
  for (let left = times; left > 0; left -= CHUNK) run(Math.min(left, CHUNK));
  const out = Buffer.alloc(size);
  for (let i = 0; i < size / 4; i++) out.writeInt32BE(c.words[i], 4 * i);
  return out;
}

export const sha1Repeated = (value: Uint8Array, times: number): Buffer => repeated(value, times, 20, 'sha1Repeated');
export const sha256Repeated = (value: Uint8Array, times: number): Buffer => repeated(value, times, 32, 'sha256Repeated');

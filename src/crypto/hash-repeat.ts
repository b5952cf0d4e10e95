/**
 * A digest applied `times` times to a value of its own output size: the inner loop of the PKCS#12
 * KDF (RFC 7292 B.2), 10,000 rounds for every MAC check of a JDK-written store. Node has no native
 * call for it, and one OpenSSL call per round costs more in call overhead than the hashing. Plain JS
 * is slow until V8 optimises it: its 32-bit values are heap numbers in the interpreter, so a cold
 * 10,000-round SHA-256 took ~10 ms plus garbage collection. So each round runs as WebAssembly
 * (sha-wasm-build.ts), about 8 ms cold: V8 runs the first calls in its baseline compiler and swaps in
 * optimised code by itself, which is why the rounds are run in chunks of separate calls.
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
const CHUNK = 256;

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

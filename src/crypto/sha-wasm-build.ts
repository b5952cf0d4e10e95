/**
 * Generates the WebAssembly module behind hash-repeat.ts: SHA-1 and SHA-256 applied `times` times to
 * a state of their own output size, each round one padded block. The bytes are embedded in
 * sha-wasm.ts (`npm run gen:wasm` rewrites it; a test checks it matches this generator), so start-up
 * does not pay for generating them. Only the instructions the two functions use are emitted.
 *
 * The rounds are loops over tables in memory, not straight-line code: a cold run is mostly V8
 * compiling and tiering up the function, and a 1.5 KB function compiles several times faster than a
 * 24 KB one, while the optimised loop runs about as fast (measured: 10,000 cold SHA-256 rounds ~4.5 ms
 * against ~7.5 ms straight-line).
 */
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  get: 0x20, set: 0x21, load: 0x28, store: 0x36, const: 0x41, eqz: 0x45, ne: 0x47,
  add: 0x6a, sub: 0x6b, and: 0x71, or: 0x72, xor: 0x73, shrU: 0x76, rotl: 0x77, rotr: 0x78,
} as const;
const VOID = 0x40;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  n |= 0;
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** One function body; local 0 is the parameter (the round count). */
class Body {
  readonly code: number[] = [];
  count = 1;
  local(): number {
    return this.count++;
  }
  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  get(l: number): this {
    return this.op(OP.get, ...uleb(l));
  }
  set(l: number): this {
    return this.op(OP.set, ...uleb(l));
  }
  constant(n: number): this {
    return this.op(OP.const, ...sleb(n));
  }
  /** Pushes the i32 at byte `offset` of memory, plus the address on the stack (or 0). */
  load(offset: number, address?: number): this {
    if (address === undefined) this.constant(0);
    else this.get(address);
    return this.op(OP.load, 2, ...uleb(offset));
  }
  /** Stores what `value` pushes at byte `offset` (plus the address local, or 0). */
  store(offset: number, value: () => void, address?: number): this {
    if (address === undefined) this.constant(0);
    else this.get(address);
    value();
    return this.op(OP.store, 2, ...uleb(offset));
  }
  /** rotr(x, r1) ^ rotr(x, r2) ^ (shr or rotr)(x, r3) of a local. */
  sigma(x: number, r1: number, r2: number, r3: number, lastShifts: boolean): this {
    this.get(x).constant(r1).op(OP.rotr).get(x).constant(r2).op(OP.rotr, OP.xor);
    return this.get(x).constant(r3).op(lastShifts ? OP.shrU : OP.rotr, OP.xor);
  }
  /** A loop that runs `body` while the local `counter`, stepped by `step`, has not reached `stop`. */
  countedLoop(counter: number, from: number, step: number, stop: number, body: () => void): void {
    this.constant(from).set(counter).op(OP.loop, VOID);
    body();
    this.get(counter).constant(step).op(OP.add).set(counter);
    this.get(counter).constant(stop).op(OP.ne, OP.brIf, 0, OP.end);
  }
}

// Memory: the state at 0 (the module's interface), the round constants, the message schedule.
const K_AT = 64;
const W_AT = 512;

const SHA1_IV = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];
const SHA256_IV = [0x6a09e667, 0xbb67ae85 | 0, 0x3c6ef372, 0xa54ff53a | 0, 0x510e527f, 0x9b05688c | 0, 0x1f83d9ab, 0x5be0cd19];
const SHA256_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map((k) => k | 0);
const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc | 0, 0xca62c1d6 | 0];

interface Digest {
  iv: number[];
  /** Message schedule length in words (64 or 80). */
  words: number;
  /** W[i] for i >= 16, pushed from the schedule at byte address `p` (W[i] is at W_AT + p). */
  schedule(b: Body, p: number, x: number): void;
  /** The rounds over the working variables `v` (locals), reading W (and K) in memory. */
  rounds(b: Body, v: number[], p: number, t: number): void;
}

const SHA256: Digest = {
  iv: SHA256_IV,
  words: 64,
  // W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]
  schedule(b, p, x) {
    b.load(W_AT - 8, p).set(x).sigma(x, 17, 19, 10, true);
    b.load(W_AT - 28, p).op(OP.add);
    b.load(W_AT - 60, p).set(x).sigma(x, 7, 18, 3, true).op(OP.add);
    b.load(W_AT - 64, p).op(OP.add);
  },
  // Eight rounds a pass, so the renaming of a..h comes back to where it started.
  rounds(b, v, p, t1) {
    b.countedLoop(p, 0, 32, 256, () => {
      let w = v.slice();
      for (let u = 0; u < 8; u++) {
        const [a, bb, c, d, e, f, g, h] = w;
        // T1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i], with Ch = g ^ (e & (f ^ g))
        b.get(h).sigma(e, 6, 11, 25, false).op(OP.add);
        b.get(g).get(e).get(f).get(g).op(OP.xor, OP.and, OP.xor, OP.add);
        b.load(K_AT + 4 * u, p).op(OP.add).load(W_AT + 4 * u, p).op(OP.add).set(t1);
        b.get(d).get(t1).op(OP.add).set(d); // e' = d + T1
        // a' = T1 + Σ0(a) + Maj(a, b, c), with Maj = (a & b) | (c & (a | b))
        b.get(t1).sigma(a, 2, 13, 22, false).op(OP.add).get(a).get(bb).op(OP.and).get(c).get(a).get(bb).op(OP.or, OP.and, OP.or, OP.add).set(h);
        w = [h, a, bb, c, d, e, f, g];
      }
    });
  },
};

const SHA1: Digest = {
  iv: SHA1_IV,
  words: 80,
  // W[i] = rotl1(W[i-3] ^ W[i-8] ^ W[i-14] ^ W[i-16])
  schedule(b, p) {
    b.load(W_AT - 12, p).load(W_AT - 32, p).op(OP.xor).load(W_AT - 56, p).op(OP.xor).load(W_AT - 64, p).op(OP.xor);
    b.constant(1).op(OP.rotl);
  },
  // Four loops of 20 rounds, one per round function, five rounds a pass (the renaming's period).
  rounds(b, v, p) {
    SHA1_K.forEach((k, stage) => {
      b.countedLoop(p, 80 * stage, 20, 80 * (stage + 1), () => {
        let w = v.slice();
        for (let u = 0; u < 5; u++) {
          const [a, bb, c, d, e] = w;
          // temp = rotl5(a) + f(b, c, d) + e + K + W[i], into e's local; then b = rotl30(b).
          b.get(a).constant(5).op(OP.rotl).get(e).op(OP.add).constant(k).op(OP.add).load(W_AT + 4 * u, p).op(OP.add);
          if (stage === 0) b.get(d).get(bb).get(c).get(d).op(OP.xor, OP.and, OP.xor); // Ch = d ^ (b & (c ^ d))
          else if (stage === 2) b.get(bb).get(c).op(OP.and).get(d).get(bb).get(c).op(OP.or, OP.and, OP.or); // Maj
          else b.get(bb).get(c).op(OP.xor).get(d).op(OP.xor); // Parity
          b.op(OP.add).set(e);
          b.get(bb).constant(30).op(OP.rotl).set(bb);
          w = [e, a, bb, c, d];
        }
      });
    });
  },
};

/** fn(times): load the state from memory at 0, compress `times` times, store it back. */
function repeatFunction(digest: Digest): number[] {
  const n = digest.iv.length;
  const b = new Body();
  const state = digest.iv.map(() => b.local());
  const v = digest.iv.map(() => b.local());
  const p = b.local();
  const x = b.local();
  // The block is the state, the 0x80 pad byte, zeros and the length in bits: W[n..15] never change.
  for (let i = n; i < 16; i++) b.store(W_AT + 4 * i, () => b.constant(i === n ? 0x80000000 | 0 : i === 15 ? 32 * n : 0));
  state.forEach((l, i) => b.load(4 * i).set(l));
  b.op(OP.block, VOID, OP.loop, VOID);
  b.get(0).op(OP.eqz, OP.brIf, 1);
  state.forEach((l, i) => b.store(W_AT + 4 * i, () => b.get(l)));
  b.countedLoop(p, 64, 4, 4 * digest.words, () => b.store(W_AT, () => digest.schedule(b, p, x), p));
  digest.iv.forEach((c, i) => b.constant(c).set(v[i]));
  digest.rounds(b, v, p, x);
  // The digest of the block is the next round's message: state[i] = iv[i] + working[i].
  state.forEach((l, i) => b.get(v[i]).constant(digest.iv[i]).op(OP.add).set(l));
  b.get(0).constant(1).op(OP.sub).set(0).op(OP.br, 0, OP.end, OP.end);
  state.forEach((l, i) => b.store(4 * i, () => b.get(l)));
  b.op(OP.end);
  const body = [...uleb(1), ...uleb(b.count - 1), I32, ...b.code];
  return [...uleb(body.length), ...body];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

/** The SHA-256 round constants at K_AT, as the module's one data segment. */
function roundConstants(): number[] {
  const bytes = Buffer.alloc(4 * SHA256_K.length);
  SHA256_K.forEach((k, i) => bytes.writeInt32LE(k, 4 * i));
  return [1, 0, OP.const, ...sleb(K_AT), OP.end, ...uleb(bytes.length), ...bytes];
}

/** The module: one page of memory ("memory", the state at 0) and the functions sha1(times), sha256(times). */
export function shaWasmModule(): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, I32, 0]), // type 0: (i32) -> ()
    ...section(3, [2, 0, 0]), // two functions of type 0
    ...section(5, [1, 0, 1]), // one memory, one page
    ...section(7, [3, ...name('memory'), 2, 0, ...name('sha1'), 0, 0, ...name('sha256'), 0, 1]),
    ...section(10, [2, ...repeatFunction(SHA1), ...repeatFunction(SHA256)]),
    ...section(11, roundConstants()),
  ]);
}

/** The TypeScript source of sha-wasm.ts. */
export function shaWasmSource(): string {
  const b64 = Buffer.from(shaWasmModule()).toString('base64');
  const lines = b64.match(/.{1,100}/g) ?? [];
  return (
    '// Generated by sha-wasm-build.ts (npm run gen:wasm): do not edit.\n' +
    '/** The WebAssembly module of hash-repeat.ts, base64. */\n' +
    `export const SHA_WASM =\n${lines.map((l) => `  '${l}'`).join(' +\n')};\n`
  );
}

/**
 * Generates the WebAssembly module behind hash-repeat.ts: SHA-1 and SHA-256 applied `times` times to
 * a state of their own output size, each round one padded block, as straight-line code. The bytes are
 * embedded in sha-wasm.ts (`npm run gen:wasm` rewrites it; a test checks it matches this generator), so
 * start-up does not pay for generating them. Only the instructions the two functions use are emitted.
 */

const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  get: 0x20, set: 0x21, load: 0x28, store: 0x36, const: 0x41, eqz: 0x45,
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

/** A message word: a local holding it, or a constant known when the code is made (the padding). */
type Word = { local: number } | { value: number };
const valueOf = (w: Word): number | undefined => ('value' in w ? w.value : undefined);

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
  /** New locals set to these constants. */
  locals(values: number[]): number[] {
    return values.map((x) => {
      const l = this.local();
      this.constant(x).set(l);
      return l;
    });
  }
  /** Pushes the sum of the words and of what `more` pushes; the constant words are added up here. */
  sum(words: Word[], more: (() => void)[] = []): this {
    let known = 0;
    let pushed = 0;
    const push = (emit: () => void) => {
      emit();
      if (pushed++) this.op(OP.add);
    };
    for (const w of words) {
      const v = valueOf(w);
      if (v !== undefined) known = (known + v) | 0;
      else push(() => this.get((w as { local: number }).local));
    }
    for (const m of more) push(m);
    if (known !== 0 || pushed === 0) push(() => this.constant(known));
    return this;
  }
  /** rotr(x, r1) ^ rotr(x, r2) ^ (shr or rotr)(x, r3) of a local. */
  sigma(x: number, r1: number, r2: number, r3: number, lastShifts: boolean): this {
    this.get(x).constant(r1).op(OP.rotr).get(x).constant(r2).op(OP.rotr, OP.xor);
    return this.get(x).constant(r3).op(lastShifts ? OP.shrU : OP.rotr, OP.xor);
  }
  /** The digest of the block is the next round's message: state[i] = iv[i] + working[i]. */
  feedForward(state: number[], working: number[], iv: number[]): void {
    state.forEach((s, i) => this.get(working[i]).constant(iv[i]).op(OP.add).set(s));
  }
}

/**
 * The message schedule as a window of 16 words, each made just before the round that uses it, in the
 * slot of the word 16 back: few locals, so the baseline compiler keeps most of them in registers.
 */
class Schedule {
  private readonly slots: Word[];
  constructor(
    private readonly b: Body,
    state: number[],
    bits: number,
  ) {
    // The block: the state words, the 0x80 pad byte, zeros and the message length in bits.
    this.slots = Array.from({ length: 16 }, (_, i) => (i < state.length ? { local: state[i] } : { value: i === state.length ? 0x80000000 | 0 : i === 15 ? bits : 0 }));
  }
  /** W[i]; from 16 on, `next` makes it from the window (w(k) is W[i - k]), as code or as a constant. */
  word(i: number, next: (w: (back: number) => Word) => Word | (() => void)): Word {
    if (i < 16) return this.slots[i];
    const made = next((back) => this.slots[(i - back) % 16]);
    const slot = i % 16;
    if (typeof made !== 'function') return (this.slots[slot] = made);
    made();
    const old = this.slots[slot];
    const local = 'local' in old ? old.local : this.b.local();
    this.b.set(local);
    return (this.slots[slot] = { local });
  }
}

const SHA1_IV = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];
const SHA256_IV = [0x6a09e667, 0xbb67ae85 | 0, 0x3c6ef372, 0xa54ff53a | 0, 0x510e527f, 0x9b05688c | 0, 0x1f83d9ab, 0x5be0cd19];
const SHA256_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** One SHA-256 compression of the state as a 32-byte message (FIPS 180-4 6.2.2). */
function sha256Round(b: Body, state: number[]): void {
  const schedule = new Schedule(b, state, 256);
  const sigma = (x: Word, r1: number, r2: number, r3: number): Word | (() => void) => {
    const v = valueOf(x);
    if (v === undefined) return () => b.sigma((x as { local: number }).local, r1, r2, r3, true);
    const rotr = (n: number) => (v >>> n) | (v << (32 - n));
    return { value: rotr(r1) ^ rotr(r2) ^ (v >>> r3) };
  };
  // W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]
  const next = (w: (back: number) => Word): Word | (() => void) => {
    const words = [w(16), w(7)];
    const calls: (() => void)[] = [];
    for (const s of [sigma(w(15), 7, 18, 3), sigma(w(2), 17, 19, 10)]) {
      if (typeof s === 'function') calls.push(s);
      else words.push(s);
    }
    if (calls.length === 0 && words.every((x) => valueOf(x) !== undefined)) return { value: words.reduce((acc, x) => (acc + (valueOf(x) as number)) | 0, 0) };
    return () => b.sum(words, calls);
  };
  // Working variables start at the IV (every round hashes one fresh block); rounds rename them
  // instead of moving seven values.
  const v = b.locals(SHA256_IV);
  const t1 = b.local();
  for (let i = 0; i < 64; i++) {
    const [a, bb, c, d, e, f, g, h] = v;
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i], with Ch = g ^ (e & (f ^ g))
    b.sum([{ value: SHA256_K[i] | 0 }, schedule.word(i, next), { local: h }], [
      () => b.sigma(e, 6, 11, 25, false),
      () => b.get(g).get(e).get(f).get(g).op(OP.xor, OP.and, OP.xor),
    ]).set(t1);
    b.get(d).get(t1).op(OP.add).set(d); // e' = d + T1
    // a' = T1 + Σ0(a) + Maj(a, b, c), with Maj = (a & b) | (c & (a | b))
    b.get(t1).sigma(a, 2, 13, 22, false).op(OP.add).get(a).get(bb).op(OP.and).get(c).get(a).get(bb).op(OP.or, OP.and, OP.or, OP.add).set(h);
    v.splice(0, 8, h, a, bb, c, d, e, f, g);
  }
  b.feedForward(state, v, SHA256_IV);
}

/** One SHA-1 compression of the state as a 20-byte message (FIPS 180-4 6.1.2). */
function sha1Round(b: Body, state: number[]): void {
  const schedule = new Schedule(b, state, 160);
  // W[i] = rotl1(W[i-3] ^ W[i-8] ^ W[i-14] ^ W[i-16])
  const next = (w: (back: number) => Word): Word | (() => void) => {
    const parts = [w(3), w(8), w(14), w(16)];
    const known = parts.reduce((acc, p) => acc ^ (valueOf(p) ?? 0), 0);
    const locals = parts.flatMap((p) => ('local' in p ? [p.local] : []));
    if (locals.length === 0) return { value: (known << 1) | (known >>> 31) };
    return () => {
      locals.forEach((l, k) => (k ? b.get(l).op(OP.xor) : b.get(l)));
      if (known) b.constant(known).op(OP.xor);
      b.constant(1).op(OP.rotl);
    };
  };
  const v = b.locals(SHA1_IV);
  const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc | 0, 0xca62c1d6 | 0];
  for (let i = 0; i < 80; i++) {
    const [a, bb, c, d, e] = v;
    const f =
      i < 20 ? () => b.get(d).get(bb).get(c).get(d).op(OP.xor, OP.and, OP.xor) // Ch = d ^ (b & (c ^ d))
      : i >= 40 && i < 60 ? () => b.get(bb).get(c).op(OP.and).get(d).get(bb).get(c).op(OP.or, OP.and, OP.or) // Maj
      : () => b.get(bb).get(c).op(OP.xor).get(d).op(OP.xor); // Parity
    // temp = rotl5(a) + f(b, c, d) + e + K + W[i], into e's local; then b = rotl30(b).
    b.sum([{ value: K[Math.floor(i / 20)] }, schedule.word(i, next), { local: e }], [() => b.get(a).constant(5).op(OP.rotl), f]).set(e);
    b.get(bb).constant(30).op(OP.rotl).set(bb);
    v.splice(0, 5, e, a, bb, c, d);
  }
  b.feedForward(state, v, SHA1_IV);
}

/** fn(times): load the state from memory at 0, compress `times` times, store it back. */
function repeatFunction(stateWords: number, round: (b: Body, state: number[]) => void): number[] {
  const b = new Body();
  const state = Array.from({ length: stateWords }, () => b.local());
  state.forEach((l, i) => b.constant(0).op(OP.load, 2, ...uleb(4 * i)).set(l));
  b.op(OP.block, VOID, OP.loop, VOID);
  b.get(0).op(OP.eqz, OP.brIf, 1);
  round(b, state);
  b.get(0).constant(1).op(OP.sub).set(0).op(OP.br, 0, OP.end, OP.end);
  state.forEach((l, i) => b.constant(0).get(l).op(OP.store, 2, ...uleb(4 * i)));
  b.op(OP.end);
  const body = [...uleb(1), ...uleb(b.count - 1), I32, ...b.code];
  return [...uleb(body.length), ...body];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

/** The module: one page of memory ("memory", the state at 0) and the functions sha1(times), sha256(times). */
export function shaWasmModule(): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, I32, 0]), // type 0: (i32) -> ()
    ...section(3, [2, 0, 0]), // two functions of type 0
    ...section(5, [1, 0, 1]), // one memory, one page
    ...section(7, [3, ...name('memory'), 2, 0, ...name('sha1'), 0, 0, ...name('sha256'), 0, 1]),
    ...section(10, [2, ...repeatFunction(5, sha1Round), ...repeatFunction(8, sha256Round)]),
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

import { corrupt } from '../model/errors';

/** Big-endian reader that bounds every read by the bytes that remain (hostile lengths are errors). */
export class ByteReader {
  private pos = 0;
  constructor(readonly buf: Uint8Array, private readonly what = 'input') {}

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || n > this.remaining) throw corrupt(`${this.what} is truncated (needed ${n} bytes at offset ${this.pos}, ${this.remaining} left)`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }
  i32(): number {
    return this.u32() | 0;
  }
  u64(): bigint {
    const hi = BigInt(this.u32());
    const lo = BigInt(this.u32());
    return (hi << 32n) | lo;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Java DataInput.readUTF: u2 length + modified UTF-8. */
  utf(): string {
    return decodeModifiedUtf8(this.bytes(this.u16()));
  }
}

/** Growable big-endian writer. */
export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }
  raw(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }
  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }
  u16(v: number): this {
    return this.raw(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }
  u32(v: number): this {
    return this.raw(Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }
  u64(v: bigint): this {
    this.u32(Number((v >> 32n) & 0xffffffffn));
    return this.u32(Number(v & 0xffffffffn));
  }
  /** Java DataOutput.writeUTF. */
  utf(s: string): this {
    const enc = encodeModifiedUtf8(s);
    if (enc.length > 0xffff) throw corrupt(`string too long for Java writeUTF (${enc.length} bytes)`);
    return this.u16(enc.length).raw(enc);
  }
  toBytes(): Uint8Array {
    return concatBytes(this.chunks, this.size);
  }
}

export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const size = total ?? parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
export const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Java's char[] as UTF-16BE bytes (no BOM, no terminator): the JKS/JCEKS password encoding. */
export function utf16be(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c >>> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** UTF-16BE code units as a string (a trailing odd byte is ignored; lone surrogates are kept). */
export function decodeUtf16be(b: Uint8Array): string {
  const units = new Array<number>(b.length >> 1);
  for (let i = 0; i < units.length; i++) units[i] = (b[2 * i] << 8) | b[2 * i + 1];
  return fromCodeUnits(units);
}

/**
 * UTF-16 code units as a string: one String.fromCharCode per chunk. Cold, this is faster than a
 * string per character (and than Buffer.swap16, which loops in JS below 128 bytes).
 */
function fromCodeUnits(units: readonly number[]): string {
  if (units.length <= CODE_UNIT_CHUNK) return String.fromCharCode.apply(null, units as number[]);
  let s = '';
  for (let start = 0; start < units.length; start += CODE_UNIT_CHUNK) s += String.fromCharCode.apply(null, units.slice(start, start + CODE_UNIT_CHUNK));
  return s;
}
/** Code units per String.fromCharCode call, well inside the engine's argument limit. */
const CODE_UNIT_CHUNK = 8192;

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** "AB:CD:..." (keytool's fingerprints), or lower case. One join: a regular expression over the hex built a string per match. */
export function colonHex(b: Uint8Array, lowerCase = false): string {
  const parts = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) parts[i] = HEX_UPPER[b[i]];
  const s = parts.join(':');
  return lowerCase ? s.toLowerCase() : s;
}

/** Java modified UTF-8: U+0000 as C0 80, supplementary characters as two 3-byte surrogates. */
export function encodeModifiedUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

export function decodeModifiedUtf8(b: Uint8Array): string {
  // At most one code unit per byte: allocated once, cut to length at the end.
  const units = new Array<number>(b.length);
  let n = 0;
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    if (x < 0x80) {
      units[n++] = x;
      i += 1;
    } else if ((x & 0xe0) === 0xc0 && i + 1 < b.length && (b[i + 1] & 0xc0) === 0x80) {
      units[n++] = ((x & 0x1f) << 6) | (b[i + 1] & 0x3f);
      i += 2;
    } else if ((x & 0xf0) === 0xe0 && i + 2 < b.length && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) {
      units[n++] = ((x & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      i += 3;
    } else {
      throw corrupt(`malformed modified UTF-8 string at byte ${i}`);
    }
  }
  units.length = n;
  return fromCodeUnits(units);
}

/**
 * A small ASN.1 DER reader and writer. Reading also accepts the BER that real PKCS#12 files use
 * (indefinite lengths, constructed OCTET STRINGs). Every length is bounded by the bytes that remain,
 * and nesting depth is bounded, so hostile input gives a CORRUPT error, never a crash or a large allocation.
 */
import { corrupt } from '../model/errors';
import { concatBytes, decodeUtf16be } from '../util/bytes';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const MAX_DEPTH = 64;

export class Asn1 {
  private kids?: Asn1[];
  private constructor(
    /** The whole input this node was read from. */
    private readonly src: Uint8Array,
    /** Class bits (0 universal, 1 application, 2 context, 3 private). */
    readonly cls: number,
    readonly constructed: boolean,
    readonly tagNumber: number,
    readonly start: number,
    readonly contentStart: number,
    /** End of contents (before an end-of-contents marker for indefinite lengths). */
    readonly contentEnd: number,
    /** End of the whole element. */
    readonly end: number,
    private readonly depth: number,
  ) {}

  /** Parse exactly one element filling `bytes` (trailing bytes are an error unless allowTrailing). */
  static parse(bytes: Uint8Array, what = 'ASN.1 data', allowTrailing = false): Asn1 {
    const node = Asn1.readAt(bytes, 0, bytes.length, 0, what);
    if (!allowTrailing && node.end !== bytes.length) throw corrupt(`${what}: ${bytes.length - node.end} unexpected bytes after the ASN.1 structure`);
    return node;
  }

  /** Parse a sequence of consecutive elements (e.g. a DER certificate bundle). */
  static parseAll(bytes: Uint8Array, what = 'ASN.1 data'): Asn1[] {
    const out: Asn1[] = [];
    for (let p = 0; p < bytes.length; ) {
      const n = Asn1.readAt(bytes, p, bytes.length, 0, what);
      out.push(n);
      p = n.end;
    }
    return out;
  }

  private static readAt(src: Uint8Array, pos: number, limit: number, depth: number, what: string): Asn1 {
    if (depth > MAX_DEPTH) throw corrupt(`${what}: ASN.1 nested too deeply`);
    const start = pos;
    if (pos >= limit) throw corrupt(`${what}: truncated ASN.1 (no tag)`);
    const id = src[pos++];
    const cls = id >> 6;
    const constructed = (id & 0x20) !== 0;
    let tagNumber = id & 0x1f;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      for (let i = 0; ; i++) {
        if (pos >= limit || i > 4) throw corrupt(`${what}: bad ASN.1 tag`);
        const b = src[pos++];
        tagNumber = tagNumber * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) break;
      }
    }
    if (pos >= limit) throw corrupt(`${what}: truncated ASN.1 (no length)`);
    const lb = src[pos++];
    if (lb === 0x80) {
      if (!constructed) throw corrupt(`${what}: indefinite length on a primitive ASN.1 element`);
      const contentStart = pos;
      // Indefinite length: children until the 00 00 end-of-contents marker.
      const kids: Asn1[] = [];
      for (;;) {
        if (pos + 2 > limit) throw corrupt(`${what}: truncated ASN.1 (missing end-of-contents)`);
        if (src[pos] === 0 && src[pos + 1] === 0) break;
        const k = Asn1.readAt(src, pos, limit, depth + 1, what);
        kids.push(k);
        pos = k.end;
      }
      const node = new Asn1(src, cls, constructed, tagNumber, start, contentStart, pos, pos + 2, depth);
      node.kids = kids;
      return node;
    }
    let len: number;
    if (lb < 0x80) len = lb;
    else {
      const n = lb & 0x7f;
      if (n > 4) throw corrupt(`${what}: ASN.1 length field too large`);
      len = 0;
      for (let i = 0; i < n; i++) {
        if (pos >= limit) throw corrupt(`${what}: truncated ASN.1 length`);
        len = len * 256 + src[pos++];
      }
    }
    if (len > limit - pos) throw corrupt(`${what}: ASN.1 length ${len} runs past the end of the data`);
    return new Asn1(src, cls, constructed, tagNumber, start, pos, pos + len, pos + len, depth);
  }

  /** Universal-class tags compare as the single identifier byte (0x30 SEQUENCE, 0x02 INTEGER, ...). */
  get tag(): number {
    return (this.cls << 6) | (this.constructed ? 0x20 : 0) | (this.tagNumber < 31 ? this.tagNumber : 31);
  }
  isContext(n: number): boolean {
    return this.cls === 2 && this.tagNumber === n;
  }
  /** The raw contents octets (for constructed BER strings use octets()). */
  get content(): Uint8Array {
    return this.src.subarray(this.contentStart, this.contentEnd);
  }
  /** The whole element, header included. */
  get der(): Uint8Array {
    return this.src.subarray(this.start, this.end);
  }
  get children(): Asn1[] {
    if (!this.kids) {
      if (!this.constructed) throw corrupt('ASN.1: expected a constructed element');
      const kids: Asn1[] = [];
      for (let p = this.contentStart; p < this.contentEnd; ) {
        const k = Asn1.readAt(this.src, p, this.contentEnd, this.depth + 1, 'ASN.1 data');
        kids.push(k);
        p = k.end;
      }
      this.kids = kids;
    }
    return this.kids;
  }
  /**
   * Each child in order, parsed one at a time and not kept (unless `children` already holds them): a
   * SafeContents of 100,000 bags is walked without keeping 100,000 parsed subtrees alive.
   */
  forEachChild(fn: (child: Asn1, index: number) => void): void {
    if (this.kids) {
      this.kids.forEach(fn);
      return;
    }
    if (!this.constructed) throw corrupt('ASN.1: expected a constructed element');
    for (let p = this.contentStart, i = 0; p < this.contentEnd; i++) {
      const k = Asn1.readAt(this.src, p, this.contentEnd, this.depth + 1, 'ASN.1 data');
      p = k.end;
      fn(k, i);
    }
  }
  child(i: number, what = 'ASN.1 element'): Asn1 {
    const c = this.children[i];
    if (!c) throw corrupt(`${what}: missing element #${i}`);
    return c;
  }

  expect(tag: number, what: string): this {
    if (this.tag !== tag) throw corrupt(`${what}: expected ASN.1 tag 0x${tag.toString(16)}, found 0x${this.tag.toString(16)}`);
    return this;
  }

  /** OCTET STRING / BIT STRING contents, joining BER constructed segments. */
  octets(): Uint8Array {
    if (!this.constructed) return this.content;
    return concatBytes(this.children.map((c) => c.octets()));
  }
  /** BIT STRING contents without the unused-bits byte. */
  bits(): Uint8Array {
    const b = this.octets();
    if (b.length < 1) throw corrupt('ASN.1: empty BIT STRING');
    return b.subarray(1);
  }
  oid(): string {
    this.expect(TAG.OID, 'OID');
    return decodeOidIn(this.src, this.contentStart, this.contentEnd);
  }
  bigint(): bigint {
    const c = this.content;
    if (c.length === 0) throw corrupt('ASN.1: empty INTEGER');
    let v = 0n;
    for (const b of c) v = (v << 8n) | BigInt(b);
    if (c[0] & 0x80) v -= 1n << BigInt(8 * c.length);
    return v;
  }
  int(): number {
    const v = this.bigint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('ASN.1: INTEGER too large');
    return Number(v);
  }
  /** A string of any ASN.1 string type. */
  text(): string {
    const c = this.octets();
    switch (this.tagNumber) {
      case 0x1e:
        return decodeUtf16be(c);
      case 0x1c: {
        let s = '';
        for (let i = 0; i + 3 < c.length; i += 4) s += String.fromCodePoint(((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0);
        return s;
      }
      case 0x14:
        return Buffer.from(c).toString('latin1');
      default:
        return Buffer.from(c).toString('utf8');
    }
  }
  time(): Date {
    const s = Buffer.from(this.content).toString('latin1');
    let m: RegExpMatchArray | null;
    if (this.tagNumber === TAG.UTC_TIME) {
      m = s.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/);
      if (!m) throw corrupt(`ASN.1: bad UTCTime ${JSON.stringify(s)}`);
      const yy = Number(m[1]);
      return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
    }
    m = s.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d+))?Z$/);
    if (!m) throw corrupt(`ASN.1: bad GeneralizedTime ${JSON.stringify(s)}`);
    const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  }
}

// The same few dozen OIDs recur in every certificate; decoding them with BigInt dominated reading big
// stores. Memoised by their bytes (short ones only, and a bounded number, so hostile input cannot grow it).
// The key is a 32-bit FNV-1a hash of the bytes (no string to build per lookup); a hit is checked
// against the stored bytes, and a collision is simply decoded.
const oidMemo = new Map<number, { bytes: Uint8Array; oid: string }>();

export const decodeOid = (c: Uint8Array): string => decodeOidIn(c, 0, c.length);

/** The OID whose contents are src[start, end): no view is made unless it is decoded for the memo. */
function decodeOidIn(src: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0 || n > 32) return decodeOidBytes(src.subarray(start, end));
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src[i], 0x01000193);
  const hit = oidMemo.get(h);
  if (hit && sameBytes(hit.bytes, src, start, n)) return hit.oid;
  const c = src.slice(start, end);
  const oid = decodeOidBytes(c);
  if (!hit && oidMemo.size < 4096) oidMemo.set(h, { bytes: c, oid });
  return oid;
}

function sameBytes(a: Uint8Array, src: Uint8Array, start: number, n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== src[start + i]) return false;
  return true;
}

function decodeOidBytes(c: Uint8Array): string {
  if (c.length === 0) throw corrupt('ASN.1: empty OID');
  const parts: string[] = [];
  let v = 0n;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    v = (v << 7n) | BigInt(c[i] & 0x7f);
    if ((c[i] & 0x80) === 0) {
      if (first) {
        const a = v < 40n ? 0n : v < 80n ? 1n : 2n;
        parts.push(a.toString(), (v - a * 40n).toString());
        first = false;
      } else parts.push(v.toString());
      v = 0n;
    } else if (i === c.length - 1) throw corrupt('ASN.1: truncated OID');
  }
  return parts.join('.');
}

// ---------------------------------------------------------------- writing

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const b: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) b.unshift(x & 0xff);
  return Uint8Array.from([0x80 | b.length, ...b]);
}

/** One TLV with a single-byte identifier. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return tlvOf(tag, [content]);
}

/** A TLV whose contents are `items` one after another, written into one new buffer. */
const tlvOf = (tag: number, items: readonly Uint8Array[]): Uint8Array => writeDer(deferred(tag, items));

export const seq = (...items: Uint8Array[]): Uint8Array => tlvOf(TAG.SEQUENCE, items);

/**
 * A DER element not written out yet: the outer layers of a big store (ContentInfo around
 * EncryptedData around megabytes of ciphertext) are laid out once by writeDer instead of being
 * copied at every level.
 */
export interface DeferredDer {
  readonly tag: number;
  readonly parts: readonly DerPart[];
  readonly contentLength: number;
}
export type DerPart = Uint8Array | DeferredDer;

const partLength = (p: DerPart): number => (p instanceof Uint8Array ? p.length : 1 + encodeLength(p.contentLength).length + p.contentLength);

export function deferred(tag: number, parts: readonly DerPart[]): DeferredDer {
  let n = 0;
  for (const p of parts) n += partLength(p);
  return { tag, parts, contentLength: n };
}

/** The bytes of `root`, in one allocation. */
export function writeDer(root: DerPart): Uint8Array {
  if (root instanceof Uint8Array) return root;
  const out = new Uint8Array(partLength(root));
  let o = 0;
  const put = (p: DerPart): void => {
    if (p instanceof Uint8Array) {
      out.set(p, o);
      o += p.length;
      return;
    }
    out[o++] = p.tag;
    const len = encodeLength(p.contentLength);
    out.set(len, o);
    o += len.length;
    for (const q of p.parts) put(q);
  };
  put(root);
  return out;
}
/** SET in the order given (the JDK writes PKCS#12 attribute SETs unsorted). */
export const set = (...items: Uint8Array[]): Uint8Array => tlvOf(TAG.SET, items);
/** SET OF in DER order (sorted by encoding), as certificates and CRLs require. */
export function setOfSorted(items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return set(...sorted);
}
export const octetString = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const bool = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
export const bitString = (b: Uint8Array, unusedBits = 0): Uint8Array => tlv(TAG.BIT_STRING, concatBytes([Uint8Array.of(unusedBits), b]));
export const utf8String = (s: string): Uint8Array => tlv(TAG.UTF8_STRING, new Uint8Array(Buffer.from(s, 'utf8')));
export const printableString = (s: string): Uint8Array => tlv(TAG.PRINTABLE_STRING, new Uint8Array(Buffer.from(s, 'latin1')));
export const ia5String = (s: string): Uint8Array => tlv(TAG.IA5_STRING, new Uint8Array(Buffer.from(s, 'latin1')));
export function bmpString(s: string): Uint8Array {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    b[2 * i] = s.charCodeAt(i) >> 8;
    b[2 * i + 1] = s.charCodeAt(i) & 0xff;
  }
  return tlv(TAG.BMP_STRING, b);
}
/** [n] EXPLICIT: a constructed context tag around a complete element. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** [n] IMPLICIT primitive (0x80|n) or constructed (0xa0|n) around raw contents. */
export const implicit = (n: number, content: Uint8Array, constructed = false): Uint8Array => tlv((constructed ? 0xa0 : 0x80) | n, content);

export function integer(v: number | bigint | Uint8Array): Uint8Array {
  if (v instanceof Uint8Array) {
    // Unsigned magnitude: strip leading zeros, add one back if the top bit is set.
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    let m = v.subarray(i);
    if (m.length === 0) m = Uint8Array.of(0);
    if (m[0] & 0x80) m = concatBytes([Uint8Array.of(0), m]);
    return tlv(TAG.INTEGER, m);
  }
  let x = BigInt(v);
  const out: number[] = [];
  if (x === 0n) out.push(0);
  else if (x > 0n) {
    while (x > 0n) {
      out.unshift(Number(x & 0xffn));
      x >>= 8n;
    }
    if (out[0] & 0x80) out.unshift(0);
  } else {
    while (x < -1n || out.length === 0 || (out[0] & 0x80) === 0) {
      out.unshift(Number(x & 0xffn));
      x >>= 8n;
      if (x === -1n && out[0] & 0x80) break;
    }
  }
  return tlv(TAG.INTEGER, Uint8Array.from(out));
}

// Encoded OIDs by their dotted text: the same few recur in every bag of a store (bounded, as decoding's).
const oidEncodings = new Map<string, Uint8Array>();

export function oid(dotted: string): Uint8Array {
  let enc = oidEncodings.get(dotted);
  if (enc === undefined) {
    enc = encodeOid(dotted);
    if (oidEncodings.size < 4096) oidEncodings.set(dotted, enc);
  }
  // A copy: callers own what they are given.
  return enc.slice();
}

function encodeOid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((p) => BigInt(p));
  if (parts.length < 2) throw new Error(`bad OID ${dotted}`);
  const arcs = [parts[0] * 40n + parts[1], ...parts.slice(2)];
  const out: number[] = [];
  for (const a of arcs) {
    const bytes: number[] = [Number(a & 0x7fn)];
    for (let x = a >> 7n; x > 0n; x >>= 7n) bytes.unshift(Number(x & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
export function time(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, new Uint8Array(Buffer.from(`${p(y % 100)}${rest}`, 'latin1')));
  return generalizedTime(d);
}
export function generalizedTime(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(TAG.GENERALIZED_TIME, new Uint8Array(Buffer.from(s, 'latin1')));
}

/** AlgorithmIdentifier { oid, params } ; params omitted when undefined. */
export function algId(oidStr: string, params?: Uint8Array | null): Uint8Array {
  if (params === undefined) return seq(oid(oidStr));
  return seq(oid(oidStr), params === null ? nullValue() : params);
}

/**
 * X.501 Names: read from DER, print the way Java does (X500Name.toString for keytool's Owner/Issuer
 * lines, X500Principal.getName() = RFC 2253), and parse keytool's -dname syntax back into DER.
 *
 * The rules follow sun.security.x509.X500Name / RDN / AVA so that output matches keytool byte for byte;
 * strings are handled as UTF-16 code units, like Java chars.
 */
import { Asn1, TAG, oid as encodeOid, seq, setOfSorted, tlv } from '../asn1/der';
import { KtoolError } from '../model/errors';
import { decodeUtf16be, toHex } from '../util/bytes';

/** One AttributeTypeAndValue. */
export interface Ava {
  readonly oid: string;
  /** ASN.1 tag byte of the value (0x13 PrintableString, 0x0c UTF8String, ...). */
  readonly tag: number;
  /** The complete DER of the value (tag, length, contents). */
  readonly valueDer: Uint8Array;
}

/** A RelativeDistinguishedName: its AVAs in encoding order. */
export type Rdn = readonly Ava[];

// OIDs of the attribute types Java has keywords for.
const A = {
  CN: '2.5.4.3',
  SURNAME: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  GIVENNAME: '2.5.4.42',
  INITIALS: '2.5.4.43',
  GENERATION: '2.5.4.44',
  DNQ: '2.5.4.46',
  IP: '1.3.6.1.4.1.42.2.11.2.1',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  EMAIL: '1.2.840.113549.1.9.1',
} as const;

/** Keyword printed by X500Name.toString (Java's "DEFAULT" format): the last registered keyword wins. */
const DEFAULT_KEYWORD: Record<string, string> = {
  [A.CN]: 'CN',
  [A.C]: 'C',
  [A.L]: 'L',
  [A.ST]: 'ST',
  [A.O]: 'O',
  [A.OU]: 'OU',
  [A.T]: 'T',
  [A.IP]: 'IP',
  [A.STREET]: 'STREET',
  [A.DC]: 'DC',
  [A.DNQ]: 'DNQ',
  [A.SURNAME]: 'SURNAME',
  [A.GIVENNAME]: 'GIVENNAME',
  [A.INITIALS]: 'INITIALS',
  [A.GENERATION]: 'GENERATION',
  [A.EMAIL]: 'EMAILADDRESS',
  [A.UID]: 'UID',
  [A.SERIALNUMBER]: 'SERIALNUMBER',
};

/** Keywords RFC 2253 allows (X500Principal.getName()); other types print as dotted OIDs. */
const RFC2253_KEYWORD: Record<string, string> = {
  [A.CN]: 'CN',
  [A.C]: 'C',
  [A.L]: 'L',
  [A.ST]: 'ST',
  [A.O]: 'O',
  [A.OU]: 'OU',
  [A.STREET]: 'STREET',
  [A.DC]: 'DC',
  [A.UID]: 'UID',
};

/** Keywords accepted when parsing a -dname string (upper-cased), including the aliases Java knows. */
const PARSE_KEYWORD: Record<string, string> = {
  CN: A.CN,
  C: A.C,
  L: A.L,
  S: A.ST,
  ST: A.ST,
  O: A.O,
  OU: A.OU,
  T: A.T,
  IP: A.IP,
  STREET: A.STREET,
  DC: A.DC,
  DNQUALIFIER: A.DNQ,
  DNQ: A.DNQ,
  SURNAME: A.SURNAME,
  GIVENNAME: A.GIVENNAME,
  INITIALS: A.INITIALS,
  GENERATION: A.GENERATION,
  EMAIL: A.EMAIL,
  EMAILADDRESS: A.EMAIL,
  UID: A.UID,
  SERIALNUMBER: A.SERIALNUMBER,
};

/** Java's DerValue.isPrintableStringChar. */
export function isPrintableStringChar(c: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]$/.test(c);
}

function decodeAscii(b: Uint8Array): string {
  // Java decodes these types as US-ASCII: bytes above 0x7f become U+FFFD.
  let s = '';
  for (const x of b) s += x < 0x80 ? String.fromCharCode(x) : '\ufffd';
  return s;
}
const decodeLatin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
function decodeUtf32be(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  }
  return s;
}
const decodeUtf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** DerValue.getAsString(): the string of a string-typed value, or null for other types. */
export function avaValueString(ava: Ava): string | null {
  const c = Asn1.parse(ava.valueDer, 'attribute value').content;
  switch (ava.tag) {
    case TAG.UTF8_STRING:
      return decodeUtf8(c);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case 0x1b: // GeneralString
      return decodeAscii(c);
    case TAG.T61_STRING:
      return decodeLatin1(c);
    case TAG.UNIVERSAL_STRING:
      return decodeUtf32be(c);
    case TAG.BMP_STRING:
      return decodeUtf16be(c);
    default:
      return null;
  }
}


/** AVA.toString(): keyword=value with RFC 1779 style quoting. */
export function avaToString(ava: Ava): string {
  const keyword = DEFAULT_KEYWORD[ava.oid] ?? `OID.${ava.oid}`;
  const val = avaValueString(ava);
  if (val === null) return `${keyword}=#${toHex(ava.valueDer)}`;
  // Most values need neither quotes nor escapes: no special character, no leading, trailing or double space.
  if (!/[,+=\n<>#;\\"]|^ | $|  /.test(val)) return `${keyword}=${val}`;
  const escapees = ',+=\n<>#;\\"';
  let quoteNeeded = false;
  let out = '';
  let previousWhite = false;
  const len = val.length;
  const alreadyQuoted = len > 1 && val[0] === '"' && val[len - 1] === '"';
  for (let i = 0; i < len; i++) {
    const c = val[i];
    if (alreadyQuoted && (i === 0 || i === len - 1)) {
      out += c;
      continue;
    }
    if (isPrintableStringChar(c) || escapees.includes(c)) {
      if (!quoteNeeded && ((i === 0 && (c === ' ' || c === '\n')) || escapees.includes(c))) quoteNeeded = true;
      if (!(c === ' ' || c === '\n')) {
        if (c === '"' || c === '\\') out += '\\';
        previousWhite = false;
      } else {
        if (!quoteNeeded && previousWhite) quoteNeeded = true;
        previousWhite = true;
      }
      out += c;
    } else {
      previousWhite = false;
      out += c;
    }
  }
  if (out.length > 0) {
    const t = out[out.length - 1];
    if (t === ' ' || t === '\n') quoteNeeded = true;
  }
  return `${keyword}=${!alreadyQuoted && quoteNeeded ? `"${out}"` : out}`;
}

/** AVA.toRFC2253String(). */
function avaToRfc2253(ava: Ava): string {
  const keyword = RFC2253_KEYWORD[ava.oid] ?? ava.oid;
  const c0 = keyword.charCodeAt(0);
  const content = () => Asn1.parse(ava.valueDer, 'attribute value').content;
  let valStr: string | null = null;
  if (!(c0 >= 0x30 && c0 <= 0x39)) {
    switch (ava.tag) {
      case TAG.PRINTABLE_STRING:
      case TAG.T61_STRING:
      case TAG.IA5_STRING:
      case 0x1b:
        valStr = decodeLatin1(content());
        break;
      case TAG.BMP_STRING:
        valStr = decodeUtf16be(content());
        break;
      case TAG.UTF8_STRING:
        valStr = decodeUtf8(content());
        break;
    }
  }
  if (valStr === null) return `${keyword}=#${toHex(ava.valueDer)}`;
  // The special characters get a backslash, NUL becomes \00, and so does every leading and trailing
  // space or CR (a backslash each).
  const sb = /[,=+<>#;"\\\u0000]/.test(valStr) ? valStr.replace(/[,=+<>#;"\\]/g, '\\$&').replace(/\u0000/g, '\\00') : valStr;
  const edge = (c: string) => c === ' ' || c === '\r';
  if (sb.length === 0 || (!edge(sb[0]) && !edge(sb[sb.length - 1]))) return `${keyword}=${sb}`;
  let lead = 0;
  while (lead < sb.length && edge(sb[lead])) lead++;
  let trail = sb.length;
  while (trail > lead && edge(sb[trail - 1])) trail--;
  const escapeEach = (t: string) => t.replace(/[^]/g, '\\$&');
  return `${keyword}=${escapeEach(sb.slice(0, lead))}${sb.slice(lead, trail)}${escapeEach(sb.slice(trail))}`;
}

export class X500Name {
  private constructor(
    /** RDNs in encoding order (most significant first, e.g. C before CN). */
    readonly rdns: readonly Rdn[],
    /** DER of the Name SEQUENCE. */
    readonly der: Uint8Array,
  ) {}

  /** Read a Name (SEQUENCE OF RDN) from DER. */
  static fromDer(der: Uint8Array): X500Name {
    return X500Name.fromAsn1(Asn1.parse(der, 'X.500 name'));
  }

  static fromAsn1(node: Asn1): X500Name {
    node.expect(TAG.SEQUENCE, 'X.500 name');
    const rdns: Rdn[] = node.children.map((set) => {
      set.expect(TAG.SET, 'X.500 RDN');
      return set.children.map((a) => {
        a.expect(TAG.SEQUENCE, 'X.500 attribute');
        const oidNode = a.child(0, 'X.500 attribute');
        const v = a.child(1, 'X.500 attribute');
        return { oid: oidNode.oid(), tag: v.tag, valueDer: v.der };
      });
    });
    return new X500Name(rdns, node.der);
  }

  /** Build from RDNs in encoding order; each RDN's AVAs are DER-sorted as Java does. */
  static fromRdns(rdns: readonly Rdn[]): X500Name {
    const der = seq(...rdns.map((r) => setOfSorted(r.map((a) => seq(encodeOid(a.oid), a.valueDer)))));
    // Re-read so the stored AVA order is the sorted encoding order.
    return X500Name.fromDer(der);
  }

  /** Parse a keytool -dname / X500Name(String) string ("CN=a, OU=b, O=c, L=d, ST=e, C=f"). */
  static parse(dname: string): X500Name {
    return X500Name.fromRdns(parseDnString(dname));
  }

  get isEmpty(): boolean {
    return this.rdns.length === 0;
  }

  /** X500Name.toString() / X500Principal.toString(): what keytool prints after Owner: and Issuer:. */
  toString(): string {
    return [...this.rdns].reverse().map((r) => r.map(avaToString).join(' + ')).join(', ');
  }

  /** X500Principal.getName() (RFC 2253). */
  toRfc2253(): string {
    return [...this.rdns].reverse().map((r) => r.map(avaToRfc2253).join('+')).join(',');
  }

  /** The first value of an attribute (by OID), most specific RDN first; null if absent. */
  attribute(oid: string): string | null {
    for (let i = this.rdns.length - 1; i >= 0; i--) {
      for (const a of this.rdns[i]) if (a.oid === oid) return avaValueString(a);
    }
    return null;
  }

  /** The common name, if any. */
  get commonName(): string | null {
    return this.attribute(A.CN);
  }
}

export const NAME_OIDS = A;

// ------------------------------------------------------------------ parsing keytool's -dname syntax

const bad = (msg: string): KtoolError => new KtoolError('USAGE', `invalid distinguished name: ${msg}`);

/** X500Name.countQuotes. */
function countQuotes(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === '"' && (i === from || s[i - 1] !== '\\')) n++;
  return n;
}

/** X500Name.escaped: is the delimiter at rdnEnd preceded by an odd number of backslashes? */
function escapedAt(rdnEnd: number, searchOffset: number, s: string): boolean {
  if (rdnEnd === 1 && s[0] === '\\') return true;
  if (rdnEnd > 1 && s[rdnEnd - 1] === '\\' && s[rdnEnd - 2] !== '\\') return true;
  if (rdnEnd > 1 && s[rdnEnd - 1] === '\\' && s[rdnEnd - 2] === '\\') {
    let count = 0;
    for (let i = rdnEnd - 1; i >= searchOffset; i--) if (s[i] === '\\') count++;
    return count % 2 !== 0;
  }
  return false;
}

/** Split like X500Name.parseDN, returning RDNs in encoding order (reversed string order). */
function parseDnString(dn: string): Rdn[] {
  if (dn === '') return [];
  const out: Rdn[] = [];
  let dnOffset = 0;
  let searchOffset = 0;
  let quoteCount = 0;
  let nextComma = dn.indexOf(',');
  let nextSemi = dn.indexOf(';');
  while (nextComma >= 0 || nextSemi >= 0) {
    const rdnEnd = nextSemi < 0 ? nextComma : nextComma < 0 ? nextSemi : Math.min(nextComma, nextSemi);
    quoteCount += countQuotes(dn, searchOffset, rdnEnd);
    if (rdnEnd >= 0 && quoteCount !== 1 && !escapedAt(rdnEnd, searchOffset, dn)) {
      out.push(parseRdn(dn.substring(dnOffset, rdnEnd)));
      dnOffset = rdnEnd + 1;
      quoteCount = 0;
    }
    searchOffset = rdnEnd + 1;
    nextComma = dn.indexOf(',', searchOffset);
    nextSemi = dn.indexOf(';', searchOffset);
  }
  out.push(parseRdn(dn.substring(dnOffset)));
  return out.reverse();
}

/** RDN(String): AVAs separated by unescaped, unquoted '+'. */
function parseRdn(s: string): Rdn {
  const avas: Ava[] = [];
  let quoteCount = 0;
  let searchOffset = 0;
  let avaOffset = 0;
  let nextPlus = s.indexOf('+');
  while (nextPlus >= 0) {
    quoteCount += countQuotes(s, searchOffset, nextPlus);
    if (nextPlus > 0 && s[nextPlus - 1] !== '\\' && quoteCount !== 1) {
      const a = s.substring(avaOffset, nextPlus);
      if (a === '') throw bad(`empty AVA in RDN "${s}"`);
      avas.push(parseAva(a));
      avaOffset = nextPlus + 1;
      quoteCount = 0;
    }
    searchOffset = nextPlus + 1;
    nextPlus = s.indexOf('+', searchOffset);
  }
  const last = s.substring(avaOffset);
  if (last === '') throw bad(`empty AVA in RDN "${s}"`);
  avas.push(parseAva(last));
  return avas;
}

function keywordToOid(raw: string): string {
  let k = raw.toUpperCase().trim();
  const known = PARSE_KEYWORD[k];
  if (known) return known;
  if (k.startsWith('OID.')) k = k.substring(4);
  if (!/^[0-9]/.test(k)) throw bad(`invalid keyword "${k}"`);
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(k)) throw bad(`invalid OID "${k}"`);
  return k;
}

const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Value of a string-typed AVA: IA5 for e-mail and DC, PrintableString when it fits, else UTF8String. */
function stringValue(oid: string, s: string, printable: boolean): Uint8Array {
  if (oid === A.EMAIL || oid === A.DC) return tlv(TAG.IA5_STRING, new Uint8Array(Buffer.from(s, 'latin1')));
  if (printable && [...s].every(isPrintableStringChar)) return tlv(TAG.PRINTABLE_STRING, new Uint8Array(Buffer.from(s, 'latin1')));
  return tlv(TAG.UTF8_STRING, new Uint8Array(Buffer.from(s, 'utf8')));
}

/** Java String.trim(): strips chars <= U+0020 at both ends. */
const javaTrim = (s: string): string => s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');

/** AVA(Reader, DEFAULT): keyword '=' value, with #hex, "quoted" and backslash-escaped forms. */
function parseAva(s: string): Ava {
  const eq = s.indexOf('=');
  if (eq < 0) throw bad('Incorrect AVA format');
  const oid = keywordToOid(s.substring(0, eq));
  let p = eq + 1;
  while (p < s.length && (s[p] === ' ' || s[p] === '\n')) p++;
  const make = (valueDer: Uint8Array): Ava => ({ oid, tag: valueDer[0], valueDer });
  if (p >= s.length) return make(stringValue(oid, '', true));

  const c0 = s[p];
  if (c0 === '#') {
    let hex = '';
    for (p++; p < s.length && !'+,;'.includes(s[p]); p++) {
      if (!isHexDigit(s[p])) throw bad(`AVA parse, invalid hex digit: ${s[p]}`);
      hex += s[p];
    }
    if (hex.length === 0) throw bad('AVA parse, zero hex digits');
    if (hex.length % 2 === 1) throw bad('AVA parse, odd number of hex digits');
    const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
    const node = Asn1.parse(bytes, 'AVA hex value');
    return { oid, tag: node.tag, valueDer: bytes };
  }

  let text = '';
  let printable = true;
  let hexBytes: number[] = [];
  const flushHex = () => {
    if (hexBytes.length > 0) {
      text += Buffer.from(hexBytes).toString('utf8');
      hexBytes = [];
    }
  };

  if (c0 === '"') {
    p++;
    for (;;) {
      if (p >= s.length) throw bad('Quoted string did not end in quote');
      let c = s[p++];
      if (c === '"') break;
      if (c === '\\') {
        if (p >= s.length) throw bad('Quoted string did not end in quote');
        c = s[p++];
        if (isHexDigit(c)) {
          const c2 = s[p++];
          if (!isHexDigit(c2)) throw bad('escaped hex value must include two valid digits');
          printable = false;
          hexBytes.push(parseInt(c + c2, 16));
          continue;
        }
        if (!',=\n+<>#;\\"'.includes(c)) throw bad(`Invalid escaped character in AVA: ${c}`);
      }
      flushHex();
      printable &&= isPrintableStringChar(c);
      text += c;
    }
    flushHex();
    while (p < s.length && (s[p] === '\n' || s[p] === ' ')) p++;
    if (p < s.length) throw bad('AVA had characters other than whitespace after terminating quote');
    return make(stringValue(oid, javaTrim(text), printable));
  }

  // Unquoted: unescaped spaces are held back so trailing ones are dropped.
  let spaceCount = 0;
  let c: string | undefined = c0;
  p++;
  do {
    let escape = false;
    if (c === '\\') {
      escape = true;
      if (p >= s.length) throw bad('Invalid trailing backslash');
      c = s[p++];
      if (isHexDigit(c)) {
        const c2 = s[p++];
        if (!isHexDigit(c2)) throw bad('escaped hex value must include two valid digits');
        printable = false;
        hexBytes.push(parseInt(c + c2, 16));
        c = s[p++];
        continue;
      }
      if (!',=\n+<>#;\\" '.includes(c)) throw bad(`Invalid escaped character in AVA: '${c}'`);
    } else if (',+<>;"'.includes(c)) {
      throw bad(`Character '${c}' in AVA appears without escape`);
    }
    if (hexBytes.length > 0) {
      text += ' '.repeat(spaceCount);
      spaceCount = 0;
      flushHex();
    }
    printable &&= isPrintableStringChar(c);
    if (c === ' ' && !escape) spaceCount++;
    else {
      text += ' '.repeat(spaceCount) + c;
      spaceCount = 0;
    }
    c = s[p++];
  } while (c !== undefined && !'+,;'.includes(c));
  flushHex();
  return make(stringValue(oid, text, printable));
}

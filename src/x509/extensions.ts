/**
 * X.509 v3 extensions (RFC 5280 4.2): encoders, decoders, and keytool's `-ext` grammar
 * (sun/security/tools/keytool/Main.createV3Extensions, re-implemented from its documented behaviour).
 *
 * An `Ext` carries the extnValue *contents* (the DER of the inner value, without the OCTET STRING wrapper).
 */
import * as net from 'node:net';
import { digest } from '../crypto/digest';
import { Asn1, TAG, bitString, bool, decodeOid, explicit, implicit, integer, octetString, oid, seq } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';
import { concatBytes } from '../util/bytes';

export interface Ext {
  oid: string;
  critical: boolean;
  /** DER of the extension value (the contents of extnValue). */
  value: Uint8Array;
}

export const EXT_OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

/** Extended key usage purposes, by keytool's names. */
export const EKU_OID = {
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** Access methods for AIA / SIA. */
export const ACCESS_METHOD_OID = {
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  timeStamping: '1.3.6.1.5.5.7.48.3',
  caRepository: '1.3.6.1.5.5.7.48.5',
} as const;

/** KeyUsage bits in bit order (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

// ---------------------------------------------------------------- Extension / Extensions DER

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
export function encodeExtension(e: Ext): Uint8Array {
  return e.critical ? seq(oid(e.oid), bool(true), octetString(e.value)) : seq(oid(e.oid), octetString(e.value));
}
/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension */
export function encodeExtensions(exts: readonly Ext[]): Uint8Array {
  return seq(...exts.map(encodeExtension));
}
export function decodeExtensions(node: Asn1): Ext[] {
  node.expect(TAG.SEQUENCE, 'Extensions');
  return node.children.map((e) => {
    e.expect(TAG.SEQUENCE, 'Extension');
    const kids = e.children;
    const id = e.child(0, 'Extension').oid();
    let critical = false;
    let i = 1;
    if (kids[i]?.tag === TAG.BOOLEAN) {
      critical = kids[i].content[0] !== 0;
      i++;
    }
    const v = e.child(i, 'Extension').expect(TAG.OCTET_STRING, `extension ${id}`);
    return { oid: id, critical, value: v.content };
  });
}

/** Last one wins per OID, then ordered by OID string as the JDK's CertificateExtensions (a TreeMap) writes them. */
export function mergeExtensions(exts: readonly Ext[]): Ext[] {
  const m = new Map<string, Ext>();
  for (const e of exts) m.set(e.oid, e);
  return [...m.values()].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
}

export const findExt = (exts: readonly Ext[], o: string): Ext | undefined => exts.find((e) => e.oid === o);

// ---------------------------------------------------------------- GeneralName

export type GeneralName =
  | { type: 'dns' | 'email' | 'uri' | 'oid'; value: string }
  /** value is the text form; bytes the 4 or 16 octets. */
  | { type: 'ip'; value: string; bytes?: Uint8Array }
  /** value is the Name DER. */
  | { type: 'dirName'; value: Uint8Array }
  /** otherName, x400Address, ediPartyName: kept as raw DER. */
  | { type: 'other'; tag: number; der: Uint8Array };

export function parseIp(s: string): Uint8Array {
  if (net.isIPv4(s)) return Uint8Array.from(s.split('.').map(Number));
  if (net.isIPv6(s) && !s.includes('%')) {
    const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
    const groups = (part: string | undefined): number[] => {
      if (!part) return [];
      const out: number[] = [];
      for (const g of part.split(':')) {
        if (g.includes('.')) {
          const b = g.split('.').map(Number);
          out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
        } else out.push(parseInt(g, 16));
      }
      return out;
    };
    const h = groups(head);
    const t = groups(tail);
    const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
    const b = new Uint8Array(16);
    all.forEach((g, i) => {
      b[2 * i] = g >> 8;
      b[2 * i + 1] = g & 0xff;
    });
    return b;
  }
  throw new KtoolError('USAGE', `Invalid IPAddress: ${s}`);
}

export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
    return g.join(':');
  }
  return Buffer.from(b).toString('hex');
}

function ia5(s: string, what: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(s)) throw new KtoolError('USAGE', `${what} must be ASCII (IA5String): ${s}`);
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

export function encodeGeneralName(g: GeneralName): Uint8Array {
  switch (g.type) {
    case 'email':
      return implicit(1, ia5(g.value, 'RFC822Name'));
    case 'dns':
      return implicit(2, ia5(g.value, 'DNSName'));
    case 'dirName':
      return explicit(4, g.value);
    case 'uri':
      return implicit(6, ia5(g.value, 'URIName'));
    case 'ip':
      return implicit(7, g.bytes ?? parseIp(g.value));
    case 'oid':
      return implicit(8, oid(g.value).subarray(2));
    case 'other':
      return g.der;
  }
}
export const encodeGeneralNames = (names: readonly GeneralName[]): Uint8Array => seq(...names.map(encodeGeneralName));

export function decodeGeneralName(n: Asn1): GeneralName {
  if (n.cls !== 2) throw corrupt(`GeneralName: unexpected tag 0x${n.tag.toString(16)}`);
  const latin = () => Buffer.from(n.content).toString('latin1');
  switch (n.tagNumber) {
    case 1:
      return { type: 'email', value: latin() };
    case 2:
      return { type: 'dns', value: latin() };
    case 4:
      return { type: 'dirName', value: n.child(0, 'directoryName').der };
    case 6:
      return { type: 'uri', value: latin() };
    case 7:
      return { type: 'ip', value: formatIp(n.content), bytes: n.content };
    case 8:
      return { type: 'oid', value: decodeOid(n.content) };
    default:
      return { type: 'other', tag: n.tag, der: n.der };
  }
}
export function decodeGeneralNames(value: Uint8Array | Asn1): GeneralName[] {
  const n = value instanceof Uint8Array ? Asn1.parse(value, 'GeneralNames') : value;
  return n.children.map(decodeGeneralName);
}

export function formatGeneralName(g: GeneralName): string {
  switch (g.type) {
    case 'dns':
      return `DNS:${g.value}`;
    case 'email':
      return `EMAIL:${g.value}`;
    case 'uri':
      return `URI:${g.value}`;
    case 'ip':
      return `IP:${g.value}`;
    case 'oid':
      return `OID:${g.value}`;
    case 'dirName':
      return `DirName:${Buffer.from(g.value).toString('hex')}`;
    case 'other':
      return `Other:${Buffer.from(g.der).toString('hex')}`;
  }
}

// ---------------------------------------------------------------- encoders

/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1; the JDK's KeyIdentifier). */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const n = Asn1.parse(spki, 'SubjectPublicKeyInfo').expect(TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const bits = n.child(1, 'SubjectPublicKeyInfo').expect(TAG.BIT_STRING, 'subjectPublicKey').bits();
  return new Uint8Array(digest('sha1', bits));
}

export function basicConstraints(opts: { ca: boolean; pathLen?: number }, critical = false): Ext {
  const parts: Uint8Array[] = [];
  if (opts.ca) {
    parts.push(bool(true));
    if (opts.pathLen !== undefined && opts.pathLen >= 0) parts.push(integer(opts.pathLen));
  }
  return { oid: EXT_OID.basicConstraints, critical, value: seq(...parts) };
}

/** KeyUsage as a DER named-bit list (trailing zero bits removed). */
export function keyUsage(usages: readonly KeyUsageName[] | readonly boolean[], critical = false): Ext {
  const on = new Array<boolean>(9).fill(false);
  usages.forEach((u, i) => {
    if (typeof u === 'boolean') on[i] = u;
    else on[KEY_USAGE_BITS.indexOf(u)] = true;
  });
  const last = on.lastIndexOf(true);
  if (last < 0) return { oid: EXT_OID.keyUsage, critical, value: bitString(new Uint8Array(0)) };
  const nbytes = (last >> 3) + 1;
  const b = new Uint8Array(nbytes);
  for (let i = 0; i <= last; i++) if (on[i]) b[i >> 3] |= 0x80 >> (i & 7);
  return { oid: EXT_OID.keyUsage, critical, value: bitString(b, nbytes * 8 - (last + 1)) };
}

export function extendedKeyUsage(purposes: readonly string[], critical = false): Ext {
  return { oid: EXT_OID.extKeyUsage, critical, value: seq(...purposes.map((p) => oid((EKU_OID as Record<string, string>)[p] ?? p))) };
}

export const subjectAltName = (names: readonly GeneralName[], critical = false): Ext => ({ oid: EXT_OID.subjectAltName, critical, value: encodeGeneralNames(names) });
export const issuerAltName = (names: readonly GeneralName[], critical = false): Ext => ({ oid: EXT_OID.issuerAltName, critical, value: encodeGeneralNames(names) });
export const subjectKeyIdentifier = (spkiOrKeyId: Uint8Array, isKeyId = false): Ext => ({
  oid: EXT_OID.subjectKeyIdentifier,
  critical: false,
  value: octetString(isKeyId ? spkiOrKeyId : keyIdentifier(spkiOrKeyId)),
});
/** AuthorityKeyIdentifier with only keyIdentifier [0]. */
export const authorityKeyIdentifier = (keyId: Uint8Array): Ext => ({ oid: EXT_OID.authorityKeyIdentifier, critical: false, value: seq(implicit(0, keyId)) });

export interface AccessDescription {
  /** OID or one of ocsp / caIssuers / timeStamping / caRepository. */
  method: string;
  location: GeneralName;
}
const encodeAccess = (ads: readonly AccessDescription[]): Uint8Array =>
  seq(...ads.map((a) => seq(oid((ACCESS_METHOD_OID as Record<string, string>)[a.method] ?? a.method), encodeGeneralName(a.location))));
export const authorityInfoAccess = (ads: readonly AccessDescription[]): Ext => ({ oid: EXT_OID.authorityInfoAccess, critical: false, value: encodeAccess(ads) });
export const subjectInfoAccess = (ads: readonly AccessDescription[]): Ext => ({ oid: EXT_OID.subjectInfoAccess, critical: false, value: encodeAccess(ads) });

/** CRLDistributionPoints with one DistributionPoint whose fullName is `names` (what keytool writes). */
export function crlDistributionPoints(names: readonly GeneralName[], critical = false): Ext {
  const fullName = implicit(0, concatBytes(names.map(encodeGeneralName)), true);
  return { oid: EXT_OID.crlDistributionPoints, critical, value: seq(seq(explicit(0, fullName))) };
}

export const rawExtension = (o: string, value: Uint8Array, critical = false): Ext => ({ oid: o, critical, value });

// ---------------------------------------------------------------- decoders

export function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLen?: number } {
  const n = Asn1.parse(value, 'BasicConstraints').expect(TAG.SEQUENCE, 'BasicConstraints');
  let ca = false;
  let pathLen: number | undefined;
  for (const k of n.children) {
    if (k.tag === TAG.BOOLEAN) ca = k.content[0] !== 0;
    else if (k.tag === TAG.INTEGER) pathLen = k.int();
  }
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

export function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const n = Asn1.parse(value, 'KeyUsage').expect(TAG.BIT_STRING, 'KeyUsage');
  const b = n.bits();
  const out = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, i) => {
    if ((i >> 3) < b.length && b[i >> 3] & (0x80 >> (i & 7))) out.add(name);
  });
  return out;
}

export function decodeExtendedKeyUsage(value: Uint8Array): string[] {
  return Asn1.parse(value, 'ExtendedKeyUsage').expect(TAG.SEQUENCE, 'ExtendedKeyUsage').children.map((c) => c.oid());
}

export function decodeSubjectKeyIdentifier(value: Uint8Array): Uint8Array {
  return Asn1.parse(value, 'SubjectKeyIdentifier').expect(TAG.OCTET_STRING, 'SubjectKeyIdentifier').content;
}

export function decodeAuthorityKeyIdentifier(value: Uint8Array): { keyId?: Uint8Array; issuer?: GeneralName[]; serial?: bigint } {
  const n = Asn1.parse(value, 'AuthorityKeyIdentifier').expect(TAG.SEQUENCE, 'AuthorityKeyIdentifier');
  const out: { keyId?: Uint8Array; issuer?: GeneralName[]; serial?: bigint } = {};
  for (const k of n.children) {
    if (k.isContext(0)) out.keyId = k.content;
    else if (k.isContext(1)) out.issuer = k.children.map(decodeGeneralName);
    else if (k.isContext(2)) out.serial = k.bigint();
  }
  return out;
}

export function decodeAccessDescriptions(value: Uint8Array): { method: string; location: GeneralName }[] {
  return Asn1.parse(value, 'AccessDescriptions')
    .expect(TAG.SEQUENCE, 'AccessDescriptions')
    .children.map((a) => ({ method: a.child(0, 'AccessDescription').oid(), location: decodeGeneralName(a.child(1, 'AccessDescription')) }));
}

/** The fullName GeneralNames of each DistributionPoint (relative names and CRL issuers are skipped). */
export function decodeCrlDistributionPoints(value: Uint8Array): GeneralName[][] {
  const out: GeneralName[][] = [];
  for (const dp of Asn1.parse(value, 'CRLDistributionPoints').expect(TAG.SEQUENCE, 'CRLDistributionPoints').children) {
    for (const f of dp.children) {
      if (!f.isContext(0)) continue;
      const dpn = f.child(0, 'DistributionPointName');
      if (dpn.isContext(0)) out.push(dpn.children.map(decodeGeneralName));
    }
  }
  return out;
}

// ---------------------------------------------------------------- keytool -ext grammar

const usage = (msg: string): KtoolError => new KtoolError('USAGE', msg);

/** Java String.split(regex-free single char): trailing empty strings removed. */
function javaSplit(s: string, sep: string): string[] {
  if (!s.includes(sep)) return [s];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** "keyCertSign" -> "kCS": lower-case ASCII letters removed except the first character. */
const camel = (b: string): string => b.charAt(0) + b.slice(1).replace(/[a-z]/g, '');

/**
 * keytool's oneOf: exact match, else a single camelCase-abbreviation or prefix match, else the same ignoring
 * case. Entries after a null are "experimental": an ambiguity involving them resolves to the first match.
 */
export function oneOf(s: string, list: readonly (string | null)[]): number {
  const exact = oneOfMatch((a, b) => a === b, s, list);
  if (exact >= 0) return exact;
  const abbr = oneOfMatch((a, b) => a === camel(b) || b.startsWith(a), s, list);
  if (abbr >= 0) return abbr;
  return oneOfMatch((a, b) => a.toUpperCase() === camel(b).toUpperCase() || b.toUpperCase().startsWith(a.toUpperCase()), s, list);
}

function oneOfMatch(matcher: (a: string, b: string) => boolean, s: string, list: readonly (string | null)[]): number {
  const match: number[] = [];
  let experiment = Number.MAX_SAFE_INTEGER;
  list.forEach((one, i) => {
    if (one === null) {
      experiment = i;
      return;
    }
    if (matcher(s, one)) match.push(i);
  });
  if (match.length === 0) return -1;
  if (match.length === 1) return match[0];
  if (match[1] > experiment) return match[0];
  const names = match.filter((i) => i < experiment).map((i) => list[i]);
  throw usage(`command ${s} is ambiguous: ${names.join(' ')}`);
}

const EXT_SUPPORTED: readonly (string | null)[] = [
  'BasicConstraints',
  'KeyUsage',
  'ExtendedKeyUsage',
  'SubjectAlternativeName',
  'IssuerAlternativeName',
  'SubjectInfoAccess',
  'AuthorityInfoAccess',
  null,
  'CRLDistributionPoints',
];
const EXT_SUPPORTED_OID = [
  EXT_OID.basicConstraints,
  EXT_OID.keyUsage,
  EXT_OID.extKeyUsage,
  EXT_OID.subjectAltName,
  EXT_OID.issuerAltName,
  EXT_OID.subjectInfoAccess,
  EXT_OID.authorityInfoAccess,
  '',
  EXT_OID.crlDistributionPoints,
];

/** A dotted OID as ObjectIdentifier.of accepts it (at least two arcs, first 0..2, second < 40 unless first is 2). */
export function isValidOid(s: string): boolean {
  if (!/^\d+(\.\d+)+$/.test(s)) return false;
  const [a, b] = s.split('.').map(Number);
  return a <= 2 && (a === 2 || b < 40);
}

function javaParseInt(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const v = Number(s);
  return v > 2147483647 || v < -2147483648 ? null : v;
}

const KU_CHOICES = [...KEY_USAGE_BITS, 'contentCommitment'];
const EKU_CHOICES = ['anyExtendedKeyUsage', 'serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'OCSPSigning'];
const EKU_CHOICE_OID = [EKU_OID.anyExtendedKeyUsage, EKU_OID.serverAuth, EKU_OID.clientAuth, EKU_OID.codeSigning, EKU_OID.emailProtection, EKU_OID.timeStamping, EKU_OID.OCSPSigning];
const AD_CHOICES = ['OCSP', 'caIssuers', 'timeStamping', 'caRepository'];
const AD_CHOICE_OID = [ACCESS_METHOD_OID.ocsp, ACCESS_METHOD_OID.caIssuers, ACCESS_METHOD_OID.timeStamping, ACCESS_METHOD_OID.caRepository];

const ALPHA_DIGITS = /[0-9A-Za-z]/;

/** keytool's createGeneralName with the JDK's validation of each name type. exttype 3 (SAN) allows a wildcard DNS name. */
function keytoolGeneralName(t: string, v: string, allowWildcard: boolean): GeneralName {
  const p = oneOf(t, ['EMAIL', 'URI', 'DNS', 'IP', 'OID']);
  if (p < 0) throw usage(`Unrecognized GeneralName type: ${t}`);
  switch (p) {
    case 0: {
      if (v === '') throw usage('RFC822Name may not be null or empty');
      const domain = v.substring(v.indexOf('@') + 1);
      if (domain === '') throw usage('RFC822Name may not end with @');
      if (domain === '.') throw usage('RFC822Name domain may not be just .');
      return { type: 'email', value: v };
    }
    case 1:
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) throw usage(`URI name must include scheme:${v}`);
      if (/\s/.test(v)) throw usage(`invalid URI name:${v}`);
      return { type: 'uri', value: v };
    case 2:
      checkDnsName(v, allowWildcard);
      return { type: 'dns', value: v };
    case 3:
      if (v === '') throw usage('IPAddress cannot be null or empty');
      return { type: 'ip', value: v, bytes: parseIp(v) };
    default:
      if (!isValidOid(v)) throw usage(`Unable to create OIDName: ${v}`);
      return { type: 'oid', value: v };
  }
}

/** The JDK's DNSName(String, allowWildcard) checks, with its messages. */
export function checkDnsName(name: string, allowWildcard: boolean): void {
  if (name === '') throw usage('DNSName must not be null or empty');
  if (name.includes(' ')) throw usage('DNSName with blank components is not permitted');
  if (name.startsWith('.') || name.endsWith('.')) throw usage('DNSName may not begin or end with a .');
  let start = 0;
  while (start < name.length) {
    let end = name.indexOf('.', start);
    if (end < 0) end = name.length;
    if (end - start < 1) throw usage('DNSName with empty components are not permitted');
    if (!ALPHA_DIGITS.test(name.charAt(start))) {
      if (!allowWildcard) throw usage('DNSName components must begin with a letter or digit');
      if (name.length < 3 || name.indexOf('*') !== 0 || name.charAt(start + 1) !== '.' || !ALPHA_DIGITS.test(name.charAt(start + 2)))
        throw usage('DNSName components must begin with a letter, digit, or the first component can have only a wildcard character *');
    }
    for (let i = start + 1; i < end; i++) {
      const x = name.charAt(i);
      if (!ALPHA_DIGITS.test(x) && x !== '-') throw usage('DNSName components must consist of letters, digits, and hyphens');
    }
    start = end + 1;
  }
}

/**
 * One keytool `-ext` value: `name[:critical][=value]`. Returns null for `honored=...` (only meaningful for
 * -gencert; see buildKeytoolExtensions).
 */
export function parseKeytoolExt(extstr: string): Ext | null {
  let name: string;
  let value: string | null;
  const eq = extstr.indexOf('=');
  if (eq >= 0) {
    name = extstr.substring(0, eq);
    value = extstr.substring(eq + 1);
  } else {
    name = extstr;
    value = null;
  }
  let isCritical = false;
  const colon = name.indexOf(':');
  if (colon >= 0) {
    if (oneOf(name.substring(colon + 1), ['critical']) === 0) isCritical = true;
    name = name.substring(0, colon);
  }
  if (name.toLowerCase() === 'honored') return null;
  const exttype = oneOf(name, EXT_SUPPORTED);
  if (exttype !== -1 && value !== null && value === '') throw usage(`Illegal value: ${extstr}`);
  const illegal = () => usage(`Illegal value: ${extstr}`);
  switch (exttype) {
    case 0: {
      let pathLen = -1;
      let ca = false;
      if (value === null) ca = true;
      else {
        const n = javaParseInt(value);
        if (n !== null) {
          pathLen = n;
          ca = true;
        } else {
          for (const part of javaSplit(value, ',')) {
            const nv = javaSplit(part, ':');
            if (nv.length !== 2) throw illegal();
            if (nv[0].toLowerCase() === 'ca') ca = nv[1].toLowerCase() === 'true';
            else if (nv[0].toLowerCase() === 'pathlen') {
              const p = javaParseInt(nv[1]);
              if (p === null) throw usage(`For input string: "${nv[1]}"`);
              pathLen = p;
            } else throw illegal();
          }
        }
      }
      return basicConstraints({ ca, pathLen }, isCritical);
    }
    case 1: {
      if (value === null) throw illegal();
      const ok = new Array<boolean>(9).fill(false);
      for (const s of javaSplit(value, ',')) {
        let p = oneOf(s, KU_CHOICES);
        if (p < 0) throw usage(`Unknown keyUsage type: ${s}`);
        if (p === 9) p = 1;
        ok[p] = true;
      }
      return keyUsage(ok, isCritical);
    }
    case 2: {
      if (value === null) throw illegal();
      const oids = javaSplit(value, ',').map((s) => {
        const p = oneOf(s, EKU_CHOICES);
        const o = p >= 0 ? EKU_CHOICE_OID[p] : s;
        if (!isValidOid(o)) throw usage(`Unknown extendedkeyUsage type: ${s}`);
        return o;
      });
      return extendedKeyUsage(oids, isCritical);
    }
    case 3:
    case 4:
    case 8: {
      if (value === null) throw illegal();
      const names = javaSplit(value, ',').map((item) => {
        const c = item.indexOf(':');
        if (c < 0) throw usage(`Illegal item ${item} in ${extstr}`);
        return keytoolGeneralName(item.substring(0, c), item.substring(c + 1), exttype === 3);
      });
      if (exttype === 3) return subjectAltName(names, isCritical);
      if (exttype === 4) return issuerAltName(names, isCritical);
      return crlDistributionPoints(names, isCritical);
    }
    case 5:
    case 6: {
      if (isCritical) throw usage(`This extension cannot be marked as critical. ${extstr}`);
      if (value === null) throw illegal();
      const ads = javaSplit(value, ',').map((item) => {
        const c1 = item.indexOf(':');
        const c2 = item.indexOf(':', c1 + 1);
        if (c1 < 0 || c2 < 0) throw illegal();
        const m = item.substring(0, c1);
        const p = oneOf(m, AD_CHOICES);
        let method: string;
        if (p >= 0) method = AD_CHOICE_OID[p];
        else if (isValidOid(m)) method = m;
        else throw usage(`Unknown AccessDescription type: ${m}`);
        return { method, location: keytoolGeneralName(item.substring(c1 + 1, c2), item.substring(c2 + 1), false) };
      });
      return exttype === 5 ? subjectInfoAccess(ads) : authorityInfoAccess(ads);
    }
    case -1: {
      // keytool fails here with ObjectIdentifier's parse error; we say which -ext it was.
      if (!isValidOid(name)) throw usage(`Unknown extension type: ${extstr}`);
      let data = new Uint8Array(0);
      if (value !== null) {
        const digits = value.replace(/[^0-9A-Fa-f]/g, '');
        if (digits.length % 2 !== 0) throw usage(`Odd number of hex digits found: ${extstr}`);
        data = new Uint8Array(Buffer.from(digits, 'hex'));
      }
      return rawExtension(name, data, isCritical);
    }
    default:
      throw usage(`Unknown extension type: ${extstr}`);
  }
}

function extNameToOid(type: string): string {
  const i = oneOf(type, EXT_SUPPORTED);
  if (i >= 0) return EXT_SUPPORTED_OID[i];
  if (!isValidOid(type)) throw usage(`Unknown extension type: ${type}`);
  return type;
}

/**
 * The extensions keytool puts in a certificate or request (createV3Extensions): `existing` (-selfcert), a
 * non-critical SubjectKeyIdentifier of `subjectSpki`, an AuthorityKeyIdentifier when `issuerKeyId` is given,
 * the request's extensions selected by `honored=` (-gencert, when `requested` is given), then each -ext in
 * order (a later one with the same OID replaces an earlier one). Result ordered by OID as the JDK writes them.
 */
export function buildKeytoolExtensions(opts: {
  specs: readonly string[];
  subjectSpki: Uint8Array;
  issuerKeyId?: Uint8Array;
  requested?: readonly Ext[];
  existing?: readonly Ext[];
}): Ext[] {
  const result = new Map<string, Ext>();
  for (const e of opts.existing ?? []) result.set(e.oid, e);
  result.set(EXT_OID.subjectKeyIdentifier, subjectKeyIdentifier(opts.subjectSpki));
  if (opts.issuerKeyId) result.set(EXT_OID.authorityKeyIdentifier, authorityKeyIdentifier(opts.issuerKeyId));
  if (opts.requested) {
    const req = new Map(opts.requested.map((e) => [e.oid, e] as const));
    for (const extstr of opts.specs) {
      const lower = extstr.toLowerCase();
      if (!lower.startsWith('honored=')) continue;
      const list = javaSplit(lower.substring(8), ',');
      if (list.includes('all')) for (const e of req.values()) result.set(e.oid, e);
      for (const item of list) {
        if (item === 'all') continue;
        let add = true;
        let action = -1;
        let type: string;
        if (item.startsWith('-')) {
          add = false;
          type = item.substring(1);
        } else {
          const c = item.indexOf(':');
          if (c >= 0) {
            type = item.substring(0, c);
            action = oneOf(item.substring(c + 1), ['critical', 'non-critical']);
            if (action === -1) throw usage(`Illegal value: ${item}`);
          } else type = item;
        }
        const o = extNameToOid(type);
        if (add) {
          const e = req.get(o);
          if (!e) throw usage(`Extension ${type} is not in the certificate request: ${item}`);
          result.set(o, action === 0 ? { ...e, critical: true } : action === 1 ? { ...e, critical: false } : e);
        } else result.delete(o);
      }
    }
  }
  for (const extstr of opts.specs) {
    const e = parseKeytoolExt(extstr);
    if (e) result.set(e.oid, e);
  }
  return mergeExtensions([...result.values()]);
}


/**
 * X.500 Name -> RFC 2253 text as Java's X500Principal.getName() prints it. The JDK writes this as the
 * friendlyName of the CA certificates of a key's chain, so ktool must produce the identical string.
 *
 * Rules followed (sun.security.x509.AVA/RDN): RDNs last-to-first, joined by ","; AVAs of a multi-valued
 * RDN in encoding order joined by "+"; keywords only for the RFC 2253 set (+ DC, UID); other types as
 * dotted OID with "#" + hex of the value's DER; string values of types other than Printable, T61, IA5,
 * General, BMP and UTF8 also as "#hex"; escapes , = + < > # ; " \ with a backslash, NUL as \00, and
 * leading/trailing spaces (and CR) with a backslash.
 */
import { Asn1, TAG } from '../asn1/der';
import { toHex } from '../util/bytes';

const KEYWORDS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

const STRING_TAGS = new Set<number>([TAG.PRINTABLE_STRING, TAG.T61_STRING, TAG.IA5_STRING, 0x1b /* GeneralString */, TAG.BMP_STRING, TAG.UTF8_STRING]);
const ESCAPEES = ',=+<>#;"\\';

function valueText(v: Asn1): string {
  const c = v.content;
  switch (v.tag) {
    case TAG.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
      return s;
    }
    case TAG.UTF8_STRING:
      return Buffer.from(c).toString('utf8');
    default:
      return Buffer.from(c).toString('latin1');
  }
}

function escapeValue(s: string): string {
  const chars: string[] = [];
  for (const ch of s) {
    if (ESCAPEES.includes(ch)) chars.push('\\' + ch);
    else if (ch === '\0') chars.push('\\00');
    else chars.push(ch);
  }
  // Leading and trailing blanks are escaped one by one (after the escaping above, like the JDK).
  const flat = chars.join('');
  let lead = 0;
  while (lead < flat.length && (flat[lead] === ' ' || flat[lead] === '\r')) lead++;
  let trail = flat.length - 1;
  while (trail >= 0 && (flat[trail] === ' ' || flat[trail] === '\r')) trail--;
  let out = '';
  for (let i = 0; i < flat.length; i++) out += i < lead || i > trail ? '\\' + flat[i] : flat[i];
  return out;
}

function avaText(ava: Asn1): string {
  const type = ava.child(0, 'AttributeTypeAndValue').oid();
  const value = ava.child(1, 'AttributeTypeAndValue');
  const keyword = KEYWORDS[type];
  if (!keyword || !STRING_TAGS.has(value.tag)) return `${keyword ?? type}=#${toHex(value.der)}`;
  return `${keyword}=${escapeValue(valueText(value))}`;
}

/** RFC 2253 form of a DER-encoded Name (e.g. a certificate's subject). */
export function nameToRfc2253(nameDer: Uint8Array | Asn1): string {
  const name = nameDer instanceof Uint8Array ? Asn1.parse(nameDer, 'X.500 name') : nameDer;
  name.expect(TAG.SEQUENCE, 'X.500 name');
  return name.children
    .map((rdn) => rdn.expect(TAG.SET, 'RDN').children.map(avaText).join('+'))
    .reverse()
    .join(',');
}

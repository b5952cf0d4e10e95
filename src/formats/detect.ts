/**
 * Keystore type from the first bytes of a file, without parsing it: JKS and JCEKS by their magic
 * numbers, PKCS#12 by the start of its PFX structure (SEQUENCE { INTEGER 3, ContentInfo ... }).
 */
import type { StoreType } from '../model/keystore';

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
/** DER of the OID prefix 1.2.840.113549.1.7 (PKCS#7 content types); data is .1, signedData .2. */
const PKCS7_OID_PREFIX = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/** Position after a SEQUENCE header at `pos` (definite or BER indefinite length), or -1. */
function afterSequenceHeader(b: Uint8Array, pos: number): number {
  if (b[pos] !== 0x30 || pos + 1 >= b.length) return -1;
  const lb = b[pos + 1];
  if (lb === 0x80) return pos + 2;
  if (lb < 0x80) return lb <= b.length - pos - 2 ? pos + 2 : -1;
  const n = lb & 0x7f;
  if (n === 0 || n > 4 || pos + 2 + n > b.length) return -1;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[pos + 2 + i];
  const start = pos + 2 + n;
  return len <= b.length - start ? start : -1;
}

export function detectStoreType(bytes: Uint8Array): StoreType | null {
  if (bytes.length >= 4) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (magic === JKS_MAGIC) return 'JKS';
    if (magic === JCEKS_MAGIC) return 'JCEKS';
  }
  let p = afterSequenceHeader(bytes, 0);
  if (p < 0) return null;
  // version INTEGER 3
  if (bytes[p] !== 0x02 || bytes[p + 1] !== 0x01 || bytes[p + 2] !== 0x03) return null;
  p = afterSequenceHeader(bytes, p + 3);
  if (p < 0) return null;
  for (let i = 0; i < PKCS7_OID_PREFIX.length; i++) if (bytes[p + i] !== PKCS7_OID_PREFIX[i]) return null;
  const last = bytes[p + PKCS7_OID_PREFIX.length];
  return last === 0x01 || last === 0x02 ? 'PKCS12' : null;
}

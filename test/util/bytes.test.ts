/** Byte helpers behind names and fingerprints: agree with the obvious per-character forms. */
import { createHash, randomBytes } from 'node:crypto';
import { colonHex, decodeModifiedUtf8, decodeUtf16be, encodeModifiedUtf8, utf16be } from '../../src/util/bytes';

const slowUtf16be = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
  return s;
};

test('decodeUtf16be: code units as they are, a trailing odd byte ignored', () => {
  for (const s of ['', 'a', 'cacerts alias', 'Zürich Ⅻ', '😀 emoji', '\ud800 lone', 'x\u0000y']) expect(decodeUtf16be(utf16be(s))).toBe(s);
  expect(decodeUtf16be(Uint8Array.of(0x00))).toBe('');
  expect(decodeUtf16be(Uint8Array.of(0x00, 0x41, 0x00))).toBe('A');
  for (const n of [0, 1, 2, 7, 255, 256, 16383, 16384, 16385, 40000]) {
    const b = randomBytes(n);
    // A view at an odd offset of a larger buffer reads the right bytes.
    const view = Buffer.concat([Buffer.of(1), b]).subarray(1);
    expect(decodeUtf16be(view)).toBe(slowUtf16be(b));
  }
});

test('colonHex: keytool-style fingerprints', () => {
  expect(colonHex(Uint8Array.of())).toBe('');
  expect(colonHex(Uint8Array.of(0x0a))).toBe('0A');
  expect(colonHex(Uint8Array.of(0x00, 0xff, 0x10), true)).toBe('00:ff:10');
  const d = createHash('sha256').update('x').digest();
  expect(colonHex(d)).toBe(d.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'));
});

test('modified UTF-8 (JKS aliases): round trip, NUL as C0 80, supplementary characters as surrogates, long strings', () => {
  for (const s of ['', 'mykey', 'zürich', 'x\u0000y', '日本', '😀', '\udc00', 'a'.repeat(20000) + 'é'.repeat(5000)]) {
    expect(decodeModifiedUtf8(encodeModifiedUtf8(s))).toBe(s);
  }
  expect(Buffer.from(encodeModifiedUtf8('\u0000')).toString('hex')).toBe('c080');
  expect(() => decodeModifiedUtf8(Uint8Array.of(0x61, 0xc3))).toThrow(/malformed modified UTF-8 string at byte 1/);
});

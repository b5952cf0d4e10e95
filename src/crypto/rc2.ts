/**
 * RC2 (RFC 2268) in CBC mode with PKCS#5 padding. Node's OpenSSL 3 build has RC2 only in the legacy
 * provider, which is not loaded, yet PKCS#12 files from keytool's legacy profile and OpenSSL 1.x
 * encrypt their certificates with 40-bit RC2: so a small implementation lives here.
 */
import { KtoolError } from '../model/errors';

// RFC 2268 section 2: the "PITABLE", a permutation of 0..255 derived from the digits of pi.
const PI = Uint8Array.from(
  Buffer.from(
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
      '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
      '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
      '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
      '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
      'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
      '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
      '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
    'hex',
  ),
);

/** Key expansion: 64 16-bit subkeys from a 1..128 byte key limited to `effectiveBits`. */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new KtoolError('UNSUPPORTED', `RC2 key length ${key.length} out of range`);
  if (effectiveBits < 1 || effectiveBits > 1024) throw new KtoolError('UNSUPPORTED', `RC2 effective key bits ${effectiveBits} out of range`);
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PI[(L[i - 1] + L[i - T]) & 0xff];
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PI[L[128 - T8] & TM];
  for (let i = 127 - T8; i >= 0; i--) L[i] = PI[L[i + 1] ^ L[i + T8]];
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i] | (L[2 * i + 1] << 8);
  return K;
}

const rol16 = (x: number, s: number): number => ((x << s) | (x >>> (16 - s))) & 0xffff;
const ror16 = (x: number, s: number): number => ((x >>> s) | (x << (16 - s))) & 0xffff;
const SHIFTS = [1, 2, 3, 5];

function encryptBlock(K: Uint16Array, b: Uint8Array, o: number): void {
  const R = [b[o] | (b[o + 1] << 8), b[o + 2] | (b[o + 3] << 8), b[o + 4] | (b[o + 5] << 8), b[o + 6] | (b[o + 7] << 8)];
  let j = 0;
  const mix = () => {
    for (let i = 0; i < 4; i++) {
      R[i] = (R[i] + K[j] + (R[(i + 3) & 3] & R[(i + 2) & 3]) + (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
      j++;
      R[i] = rol16(R[i], SHIFTS[i]);
    }
  };
  const mash = () => {
    for (let i = 0; i < 4; i++) R[i] = (R[i] + K[R[(i + 3) & 3] & 63]) & 0xffff;
  };
  for (let r = 0; r < 16; r++) {
    mix();
    if (r === 4 || r === 10) mash();
  }
  for (let i = 0; i < 4; i++) {
    b[o + 2 * i] = R[i] & 0xff;
    b[o + 2 * i + 1] = R[i] >>> 8;
  }
}

function decryptBlock(K: Uint16Array, b: Uint8Array, o: number): void {
  const R = [b[o] | (b[o + 1] << 8), b[o + 2] | (b[o + 3] << 8), b[o + 4] | (b[o + 5] << 8), b[o + 6] | (b[o + 7] << 8)];
  let j = 63;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      R[i] = ror16(R[i], SHIFTS[i]);
      R[i] = (R[i] - K[j] - (R[(i + 3) & 3] & R[(i + 2) & 3]) - (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
      j--;
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i] - K[R[(i + 3) & 3] & 63]) & 0xffff;
  };
  for (let r = 15; r >= 0; r--) {
    rmix();
    if (r === 5 || r === 11) rmash();
  }
  for (let i = 0; i < 4; i++) {
    b[o + 2 * i] = R[i] & 0xff;
    b[o + 2 * i + 1] = R[i] >>> 8;
  }
}

/** Raw ECB block operations, exposed for the RFC 2268 test vectors. */
export function rc2EncryptBlock(K: Uint16Array, block: Uint8Array): Uint8Array {
  const b = Uint8Array.from(block);
  encryptBlock(K, b, 0);
  return b;
}
export function rc2DecryptBlock(K: Uint16Array, block: Uint8Array): Uint8Array {
  const b = Uint8Array.from(block);
  decryptBlock(K, b, 0);
  return b;
}

export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const K = rc2ExpandKey(key, effectiveBits);
  const pad = 8 - (plain.length % 8);
  const out = new Uint8Array(plain.length + pad);
  out.set(plain);
  out.fill(pad, plain.length);
  let prev = iv;
  for (let o = 0; o < out.length; o += 8) {
    for (let i = 0; i < 8; i++) out[o + i] ^= prev[i];
    encryptBlock(K, out, o);
    prev = out.subarray(o, o + 8);
  }
  return out;
}

/** Returns null on bad padding (the caller decides what a bad password means). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, cipher: Uint8Array): Uint8Array | null {
  if (cipher.length === 0 || cipher.length % 8 !== 0) return null;
  const K = rc2ExpandKey(key, effectiveBits);
  const out = Uint8Array.from(cipher);
  for (let o = out.length - 8; o >= 0; o -= 8) {
    decryptBlock(K, out, o);
    const prev = o === 0 ? iv : cipher.subarray(o - 8, o);
    for (let i = 0; i < 8; i++) out[o + i] ^= prev[i];
  }
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8) return null;
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return null;
  return out.subarray(0, out.length - pad);
}

/**
 * The PKCS#12 key derivation function (RFC 7292 Appendix B.2), used by the PKCS#12 PBE schemes
 * (ID 1 key, ID 2 IV) and by the classic PKCS#12 MAC (ID 3).
 */
import * as nodeCrypto from 'node:crypto';
import { KtoolError } from '../model/errors';
import type { DigestName } from '../model/keystore';
import { digest as digestOf } from './digest';
import { sha1Repeated, sha256Repeated } from './hash-repeat';

export const KDF_KEY = 1;
export const KDF_IV = 2;
export const KDF_MAC = 3;

/** Output size u and block size v (bytes) of each digest, and its node:crypto name. */
export const DIGESTS: Record<DigestName, { u: number; v: number; node: string }> = {
  sha1: { u: 20, v: 64, node: 'sha1' },
  sha224: { u: 28, v: 64, node: 'sha224' },
  sha256: { u: 32, v: 64, node: 'sha256' },
  sha384: { u: 48, v: 128, node: 'sha384' },
  sha512: { u: 64, v: 128, node: 'sha512' },
  'sha512-224': { u: 28, v: 128, node: 'sha512-224' },
  'sha512-256': { u: 32, v: 128, node: 'sha512-256' },
};

/**
 * The password as the KDF takes it: UTF-16BE code units (Java chars, so surrogate pairs stay as
 * pairs) plus a 00 00 terminator; "" becomes 00 00. `nulForm` gives the JDK's retry encoding of an
 * empty password (the single NUL char, which the JDK encodes as no bytes at all).
 */
export function pkcs12PasswordBytes(password: string, nulForm = false): Uint8Array {
  if (nulForm || password === '\0') return new Uint8Array(0);
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >>> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function fillRepeated(dst: Uint8Array, offset: number, length: number, src: Uint8Array): void {
  for (let i = 0; i < length; i++) dst[offset + i] = src[i % src.length];
}

/** Derive n bytes for purpose `id` (1 key, 2 IV, 3 MAC key). `passwordBytes` from pkcs12PasswordBytes. */
export function pkcs12Kdf(digest: DigestName, passwordBytes: Uint8Array, salt: Uint8Array, iterations: number, id: number, n: number): Uint8Array {
  const d = DIGESTS[digest];
  if (!d) throw new KtoolError('UNSUPPORTED', `PKCS#12 KDF: digest ${String(digest)} not supported`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new KtoolError('CORRUPT', `PKCS#12 KDF: iteration count ${iterations} out of range`);
  const { u, v } = d;
  const D = new Uint8Array(v).fill(id);
  const sLen = salt.length === 0 ? 0 : v * Math.ceil(salt.length / v);
  const pLen = passwordBytes.length === 0 ? 0 : v * Math.ceil(passwordBytes.length / v);
  const I = new Uint8Array(sLen + pLen);
  if (sLen) fillRepeated(I, 0, sLen, salt);
  if (pLen) fillRepeated(I, sLen, pLen, passwordBytes);
  const out = new Uint8Array(n);
  const B = new Uint8Array(v);
  for (let block = 0, done = 0; done < n; block++) {
    let A: Buffer = nodeCrypto.createHash(d.node).update(D).update(I).digest();
    if (digest === 'sha1') A = sha1Repeated(A, iterations - 1);
    else if (digest === 'sha256') A = sha256Repeated(A, iterations - 1);
    else for (let r = 1; r < iterations; r++) A = digestOf(d.node, A);
    out.set(A.subarray(0, Math.min(u, n - done)), done);
    done += u;
    if (done >= n) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, B being A repeated.
    fillRepeated(B, 0, v, A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k] + B[k] + carry;
        I[j + k] = x & 0xff;
        carry = x >>> 8;
      }
    }
  }
  return out;
}

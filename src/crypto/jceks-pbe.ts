/**
 * PBEWithMD5AndTripleDES, Sun's proprietary PBE used by JCEKS for private keys and sealed secret
 * keys: two MD5 chains (one per salt half) give a 3DES key and IV for DES-EDE3-CBC with PKCS#5
 * padding. JDK 25 feeds the password as UTF-8; JDK 17 accepts only printable ASCII (same bytes).
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { KtoolError, corrupt } from '../model/errors';
import { concatBytes } from '../util/bytes';
import { digest } from './digest';

/** Java's UTF-8 encoder: like JS, but an unpaired surrogate becomes '?' rather than U+FFFD. */
export function javaUtf8(s: string): Uint8Array {
  let fixed = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        fixed += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    fixed += c >= 0xd800 && c <= 0xdfff ? '?' : s[i];
  }
  return new Uint8Array(Buffer.from(fixed, 'utf8'));
}

/** JDK 17's PBEKey refuses anything outside U+0020..U+007E ("Password is not ASCII"). */
export function isJdk17SafePassword(pw: string): boolean {
  for (let i = 0; i < pw.length; i++) {
    const c = pw.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function deriveKeyIv(password: string, saltIn: Uint8Array, iterations: number): { key: Uint8Array; iv: Uint8Array } {
  if (saltIn.length !== 8) throw corrupt(`PBEWithMD5AndTripleDES salt must be 8 bytes, not ${saltIn.length}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw corrupt(`PBEWithMD5AndTripleDES iteration count ${iterations} is not positive`);
  const salt = Uint8Array.from(saltIn);
  // Equal halves would give equal key thirds; the JDK reverses the first half in that case.
  if (salt[0] === salt[4] && salt[1] === salt[5] && salt[2] === salt[6] && salt[3] === salt[7]) {
    salt.set([saltIn[3], saltIn[2], saltIn[1], saltIn[0]], 0);
  }
  const pw = javaUtf8(password);
  const out: Uint8Array[] = [];
  for (let half = 0; half < 2; half++) {
    // One buffer holds t || password, hashed in one call per round (200k rounds per key): ~2.5x
    // faster than a createHash object per round.
    const buf = Buffer.alloc(16 + pw.length);
    buf.set(pw, 16);
    createHash('md5').update(salt.subarray(half * 4, half * 4 + 4)).update(pw).digest().copy(buf, 0);
    for (let i = 1; i < iterations; i++) {
      digest('md5', buf).copy(buf, 0);
    }
    out.push(new Uint8Array(buf.subarray(0, 16)));
  }
  const all = concatBytes(out);
  return { key: all.subarray(0, 24), iv: all.subarray(24, 32) };
}

export function jceksEncrypt(plain: Uint8Array, password: string, salt: Uint8Array, iterations: number): Uint8Array {
  const { key, iv } = deriveKeyIv(password, salt, iterations);
  const c = createCipheriv('des-ede3-cbc', key, iv);
  return new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
}

export function jceksDecrypt(ct: Uint8Array, password: string, salt: Uint8Array, iterations: number): Uint8Array {
  if (ct.length === 0 || ct.length % 8 !== 0) throw corrupt(`PBEWithMD5AndTripleDES ciphertext length ${ct.length} is not a multiple of 8`);
  const { key, iv } = deriveKeyIv(password, salt, iterations);
  const d = createDecipheriv('des-ede3-cbc', key, iv);
  try {
    return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
  } catch {
    // Bad padding is what a wrong password looks like.
    throw new KtoolError('WRONG_PASSWORD', 'Cannot recover key: wrong key password');
  }
}

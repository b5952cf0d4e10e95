/**
 * Sun's JKS key protector (OID 1.3.6.1.4.1.42.2.17.1.1): the PKCS#8 bytes XORed with a SHA-1 chain
 * seeded by a random salt, followed by SHA-1(password || plaintext) as the only integrity check.
 * The password enters as UTF-16BE (Java chars, two bytes each).
 */
import { createHash } from 'node:crypto';
import { KtoolError, corrupt } from '../model/errors';
import { bytesEqual, concatBytes, utf16be } from '../util/bytes';
import type { RandomSource } from './random';

const SALT_LEN = 20;
const DIGEST_LEN = 20;

const sha1 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** D1 = SHA1(pw || salt), Di = SHA1(pw || D(i-1)), concatenated and cut to `length` bytes. */
function keystream(pw: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let d = salt;
  for (let off = 0; off < length; off += DIGEST_LEN) {
    d = sha1(pw, d);
    out.set(d.subarray(0, Math.min(DIGEST_LEN, length - off)), off);
  }
  return out;
}

/** salt(20) || plain XOR keystream || SHA1(pw || plain). */
export function jksProtect(plain: Uint8Array, password: string, random: RandomSource): Uint8Array {
  const pw = utf16be(password);
  const salt = random(SALT_LEN);
  if (salt.length !== SALT_LEN) throw new KtoolError('UNSUPPORTED', 'random source returned a short salt');
  const ks = keystream(pw, salt, plain.length);
  const body = new Uint8Array(plain.length);
  for (let i = 0; i < plain.length; i++) body[i] = plain[i] ^ ks[i];
  return concatBytes([salt, body, sha1(pw, plain)]);
}

export function jksRecover(data: Uint8Array, password: string): Uint8Array {
  if (data.length < SALT_LEN + DIGEST_LEN) throw corrupt(`JKS protected key is too short (${data.length} bytes)`);
  const pw = utf16be(password);
  const salt = data.subarray(0, SALT_LEN);
  const body = data.subarray(SALT_LEN, data.length - DIGEST_LEN);
  const check = data.subarray(data.length - DIGEST_LEN);
  const ks = keystream(pw, salt, body.length);
  const plain = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) plain[i] = body[i] ^ ks[i];
  if (!bytesEqual(sha1(pw, plain), check)) {
    plain.fill(0);
    throw new KtoolError('WRONG_PASSWORD', 'Cannot recover key: wrong key password');
  }
  return plain;
}

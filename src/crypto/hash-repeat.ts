/**
 * A digest applied `times` times to a value of its own output size: the inner loop of the PKCS#12
 * KDF (RFC 7292 B.2), 10,000 rounds for every MAC check of a JDK-written store. Each round is the
 * compression of one padded block, so it runs in plain JS without a call into OpenSSL per round,
 * about 2.5 times faster than crypto.hash in a loop. SHA-1 (legacy profiles) and SHA-256 (modern).
 */

const SHA1_IV = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

function readWords(value: Uint8Array, n: number): Int32Array {
  const v = new DataView(value.buffer, value.byteOffset, value.length);
  const words = new Int32Array(n);
  for (let i = 0; i < n; i++) words[i] = v.getInt32(4 * i);
  return words;
}

function writeWords(words: Int32Array): Buffer {
  const out = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) out.writeInt32BE(words[i], 4 * i);
  return out;
}

export function sha1Repeated(value: Uint8Array, times: number): Buffer {
  if (value.length !== 20) throw new Error('sha1Repeated: expects a 20-byte value');
  const h = readWords(value, 5);
  const w = new Int32Array(80);
  for (let t = 0; t < times; t++) {
    // The block: the 160-bit value, the 0x80 pad byte, zeros, and the bit length 160.
    w.set(h, 0);
    w[5] = 0x80000000 | 0;
    w.fill(0, 6, 15);
    w[15] = 160;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = SHA1_IV[0], b = SHA1_IV[1], c = SHA1_IV[2], d = SHA1_IV[3], e = SHA1_IV[4];
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const next = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = next;
    }
    h[0] = (a + SHA1_IV[0]) | 0; h[1] = (b + SHA1_IV[1]) | 0; h[2] = (c + SHA1_IV[2]) | 0; h[3] = (d + SHA1_IV[3]) | 0; h[4] = (e + SHA1_IV[4]) | 0;
  }
  return writeWords(h);
}

const SHA256_IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const SHA256_K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256Repeated(value: Uint8Array, times: number): Buffer {
  if (value.length !== 32) throw new Error('sha256Repeated: expects a 32-byte value');
  const h = readWords(value, 8);
  const w = new Int32Array(64);
  const K = SHA256_K;
  for (let t = 0; t < times; t++) {
    // The block: the 256-bit value, the 0x80 pad byte, zeros, and the bit length 256.
    w.set(h, 0);
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = 256;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = SHA256_IV[0], b = SHA256_IV[1], c = SHA256_IV[2], d = SHA256_IV[3], e = SHA256_IV[4], f = SHA256_IV[5], g = SHA256_IV[6], hh = SHA256_IV[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (a + SHA256_IV[0]) | 0; h[1] = (b + SHA256_IV[1]) | 0; h[2] = (c + SHA256_IV[2]) | 0; h[3] = (d + SHA256_IV[3]) | 0;
    h[4] = (e + SHA256_IV[4]) | 0; h[5] = (f + SHA256_IV[5]) | 0; h[6] = (g + SHA256_IV[6]) | 0; h[7] = (hh + SHA256_IV[7]) | 0;
  }
  return writeWords(h);
}

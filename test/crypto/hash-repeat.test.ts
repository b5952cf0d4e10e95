/** The WebAssembly repeated digests of the PKCS#12 KDF agree with node:crypto for every round count. */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha1Repeated, sha256Repeated, warmUpRepeatedDigest } from '../../src/crypto/hash-repeat';
import { shaWasmSource } from '../../src/crypto/sha-wasm-build';

test.each([
  ['sha1', sha1Repeated, 20],
  ['sha256', sha256Repeated, 32],
] as const)('%s: equals node:crypto applied n times', (alg, repeated, size) => {
  // Around the chunk size (256 rounds a call) and across many chunks.
  for (const times of [0, 1, 2, 3, 64, 255, 256, 257, 1000, 10000]) {
    const value = randomBytes(size);
    let expected = Buffer.from(value);
    for (let i = 0; i < times; i++) expected = createHash(alg).update(expected).digest();
    expect({ times, hex: repeated(value, times).toString('hex') }).toEqual({ times, hex: expected.toString('hex') });
  }
  // A view into a larger buffer at an odd offset reads the right bytes.
  const big = randomBytes(size + 7);
  const view = big.subarray(3, 3 + size);
  expect(repeated(view, 5).equals(repeated(Buffer.from(view), 5))).toBe(true);
  expect(() => repeated(randomBytes(size + 1), 1)).toThrow();
  // The warm-up runs on a scratch state: it changes no later result.
  const before = repeated(view, 300);
  warmUpRepeatedDigest(alg);
  expect(repeated(view, 300).equals(before)).toBe(true);
});

test('the embedded module (src/crypto/sha-wasm.ts) is what sha-wasm-build.ts generates (npm run gen:wasm)', () => {
  expect(fs.readFileSync(path.join(__dirname, '../../src/crypto/sha-wasm.ts'), 'utf8')).toBe(shaWasmSource());
});

/** Choosing the certificate `fetch --import` trusts, and the fingerprint check, on an openssl-made PKI. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KtoolError } from '../../src/model/errors';
import { FingerprintMismatch, checkFingerprint, chooseTrustCertificate, judgeChain, normalizeFingerprint } from '../../src/ops/server-trust';
import { makeTestPki, pemCertificates, type TestPki } from '../helpers/db-servers';
import { tempDir } from '../helpers/jdk';
import { exitStatus } from '../../src/cli/exit-codes';

let dir: string;
let pki: TestPki;
let leaf: Buffer, inter: Buffer, root: Buffer;

beforeAll(() => {
  dir = tempDir('server-trust');
  pki = makeTestPki(path.join(dir, 'pki'));
  [leaf, inter, root] = [pki.serverCert, pki.intermediateCert, pki.rootCert].map((f) => pemCertificates(f)[0]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof KtoolError ? e.code : 'other';
  }
  return undefined;
};

test('root sent (even out of order): root; not sent: highest issuer with a warning; issuer; leaf', () => {
  const r = chooseTrustCertificate([leaf, root, inter], 'root');
  expect(r).toMatchObject({ role: 'root', index: 1 });
  expect(r.warning).toBeUndefined();
  const top = chooseTrustCertificate([leaf, inter], 'root');
  expect(top).toMatchObject({ role: 'top', index: 1, subject: 'CN=ktool Test Intermediate CA, O=ktool tests' });
  expect(top.warning).toMatch(/did not send its root CA/);
  expect(chooseTrustCertificate([leaf, inter, root], 'issuer')).toMatchObject({ role: 'issuer', index: 1 });
  expect(chooseTrustCertificate([leaf, inter], 'leaf')).toMatchObject({ role: 'leaf', index: 0 });
});

test('a self-signed server certificate is its own root; a lone CA-issued leaf has no issuer to trust', () => {
  expect(chooseTrustCertificate([root], 'root')).toMatchObject({ role: 'root', index: 0 });
  expect(chooseTrustCertificate([root], 'issuer')).toMatchObject({ role: 'root', index: 0 });
  expect(code(() => chooseTrustCertificate([leaf], 'root'))).toBe('NOT_FOUND');
  expect(code(() => chooseTrustCertificate([leaf], 'issuer'))).toBe('NOT_FOUND');
});

test('fingerprints: colons or not, any case, SHA256: prefix; anything else is USAGE', () => {
  const hex = 'ab'.repeat(32);
  for (const f of [hex, hex.toUpperCase(), hex.toUpperCase().replace(/(..)(?!$)/g, '$1:'), `SHA256:${hex}`, ` ${hex} `]) expect(normalizeFingerprint(f)).toBe(hex);
  for (const f of ['', 'ab', 'zz'.repeat(32), hex + 'ab']) expect(code(() => normalizeFingerprint(f))).toBe('USAGE');
});

test('a mismatch is a FingerprintMismatch with its own exit status, naming the --trust that matches', () => {
  const chosen = chooseTrustCertificate([leaf, inter], 'root');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  expect(() => checkFingerprint(chosen, sha(inter), [leaf, inter])).not.toThrow();
  let err: unknown;
  try {
    checkFingerprint(chosen, sha(leaf), [leaf, inter]);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FingerprintMismatch);
  expect((err as Error).message).toMatch(/choose it with --trust leaf; nothing imported$/);
  expect(exitStatus(err as KtoolError)).toBe(16);
});

test('judgeChain: null without trust, true with the root, false with a reason otherwise', () => {
  expect(judgeChain([leaf, inter], null)).toEqual({ verified: null, verifyError: null });
  expect(judgeChain([leaf, inter], [root], 'localhost')).toEqual({ verified: true, verifyError: null });
  const bad = judgeChain([leaf, inter], [root], 'db.example.com');
  expect(bad.verified).toBe(false);
  expect(bad.verifyError).toMatch(/db\.example\.com/);
  expect(judgeChain([leaf, inter], []).verifyError).toMatch(/no trusted anchor/);
});

/**
 * Chain ordering, key/certificate matching and key facts against the fixture manifest.
 */
import { X509Certificate, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCertificates, readPrivateKey } from '../../src/formats/pem';
import { KtoolError } from '../../src/model/errors';
import { describePrivateKey, describePublicKey, keyMatchesCertificate, publicKeyOfPrivate } from '../../src/x509/keyinfo';
import { findLeafForKey, orderChain, orderChainDetailed } from '../../src/x509/chain';
import { FIXTURES_DIR, manifest, type ManifestEntry } from '../helpers/fixtures';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fp = (b: Uint8Array): string => sha256(b).toUpperCase().match(/../g)!.join(':');

interface KeyCase {
  name: string;
  entry: ManifestEntry;
  pkcs8: Uint8Array;
  chain: Uint8Array[];
}

const CASES: KeyCase[] = [];
for (const store of manifest().stores) {
  const dir = path.join(FIXTURES_DIR, 'pem', path.basename(store.file));
  if (!fs.existsSync(dir)) continue;
  const files = fs.readdirSync(dir);
  store.entries.forEach((entry, i) => {
    if (entry.entry_type !== 'PrivateKeyEntry') return;
    const prefix = `${String(i + 1).padStart(2, '0')}-`;
    const key = files.find((f) => f.startsWith(prefix) && f.endsWith('.key.pem'))!;
    const chain = files.find((f) => f.startsWith(prefix) && f.endsWith('.chain.pem'))!;
    CASES.push({
      name: `${path.basename(store.file)}/${entry.alias}`,
      entry,
      pkcs8: readPrivateKey(fs.readFileSync(path.join(dir, key))).pkcs8,
      chain: readCertificates(fs.readFileSync(path.join(dir, chain))),
    });
  });
}

/** Every permutation (chains here have at most 3 certificates). */
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function errorOf(f: () => unknown): KtoolError {
  try {
    f();
  } catch (e) {
    if (e instanceof KtoolError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

test('fixtures: chains of length 1 to 3', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(20);
  expect(new Set(CASES.map((c) => c.chain.length))).toEqual(new Set([1, 2, 3]));
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_n, c) => {
  const want = c.entry.certificates.map((x) => x.sha256);

  test('orderChain: every shuffle (and duplicates) gives the manifest order', () => {
    for (const p of permutations(c.chain)) {
      expect(orderChain(p).map(fp)).toEqual(want);
      expect(orderChain(p, c.chain[0]).map(fp)).toEqual(want);
      expect(orderChain([...p, ...p.map((d) => d.slice())]).map(fp)).toEqual(want);
    }
  });

  test('findLeafForKey and keyMatchesCertificate', () => {
    for (const p of permutations(c.chain)) expect(fp(findLeafForKey(c.pkcs8, p))).toBe(want[0]);
    expect(keyMatchesCertificate(c.pkcs8, c.chain[0])).toBe(true);
    for (const other of c.chain.slice(1)) expect(keyMatchesCertificate(c.pkcs8, other)).toBe(false);
    // Another entry's leaf of the same algorithm never matches.
    const others = CASES.filter((o) => o !== c && sha256(o.pkcs8) !== sha256(c.pkcs8));
    for (const o of others) expect(keyMatchesCertificate(c.pkcs8, o.chain[0])).toBe(false);
    const e = errorOf(() => findLeafForKey(c.pkcs8, others.slice(0, 3).map((o) => o.chain[0])));
    expect(e.code).toBe('USAGE');
    expect(e.message).toMatch(/no certificate matches the private key \(checked 3 certificates\)/);
  });

  test('describe*() equals the manifest; the public half is the certificate key', () => {
    const facts = describePrivateKey(c.pkcs8);
    expect({ algorithm: facts.algorithm, size: facts.size, curve: facts.curve ?? null }).toEqual({
      algorithm: c.entry.key_algorithm,
      size: c.entry.key_size,
      curve: c.entry.curve,
    });
    const certKey = new X509Certificate(Buffer.from(c.chain[0])).publicKey;
    const spki = new Uint8Array(certKey.export({ type: 'spki', format: 'der' }));
    expect(publicKeyOfPrivate(c.pkcs8)).toEqual(spki);
    expect(describePublicKey(spki)).toEqual(facts);
    expect(describePublicKey(certKey)).toEqual(facts);
    c.chain.forEach((d, i) => {
      const pub = describePublicKey(new X509Certificate(Buffer.from(d)).publicKey);
      expect([pub.algorithm, pub.size]).toEqual([c.entry.certificates[i].public_key_algorithm, c.entry.certificates[i].public_key_bits]);
    });
  });
});

describe('several chains', () => {
  const long = CASES.filter((c) => c.chain.length === 3);
  const two = CASES.filter((c) => c.chain.length === 2);

  test('with a key: its chain, the rest reported unused', () => {
    const a = long[0];
    const b = two.find((x) => sha256(x.chain[1]) !== sha256(a.chain[1]) && sha256(x.chain[1]) !== sha256(a.chain[2]))!;
    const mixed = [b.chain[1], a.chain[2], b.chain[0], a.chain[0], a.chain[1]];
    const leaf = findLeafForKey(a.pkcs8, mixed);
    const r = orderChainDetailed(mixed, leaf);
    expect(r.chain.map(fp)).toEqual(a.entry.certificates.map((x) => x.sha256));
    expect(r.unused.map(sha256).sort()).toEqual([b.chain[0], b.chain[1]].map(sha256).sort());
    const r2 = orderChainDetailed(mixed, findLeafForKey(b.pkcs8, mixed));
    expect(r2.chain.map(fp)).toEqual(b.entry.certificates.map((x) => x.sha256));
  });

  test('without a key: the longest chain; equal chains are a USAGE error', () => {
    const a = long[0];
    const b = two.find((x) => !x.chain.some((d) => a.chain.some((e) => sha256(e) === sha256(d))))!;
    expect(orderChain([...b.chain, ...a.chain].reverse()).map(fp)).toEqual(a.entry.certificates.map((x) => x.sha256));
    // Another leaf (possibly under the same root): two chains of equal length.
    const c = two.find((x) => x !== b && sha256(x.chain[0]) !== sha256(b.chain[0]));
    expect(c).toBeDefined();
    const e = errorOf(() => orderChain([...b.chain, ...c!.chain]));
    expect(e.code).toBe('USAGE');
    expect(e.message).toMatch(/2 separate chains/);
    // Two self-signed end-entity certificates: nothing says which one is meant.
    const selfSigned = CASES.filter((x) => x.chain.length === 1).slice(0, 2);
    expect(errorOf(() => orderChain(selfSigned.map((x) => x.chain[0]))).code).toBe('USAGE');
    expect(orderChain(selfSigned.map((x) => x.chain[0]), selfSigned[1].chain[0]).map(fp)).toEqual([selfSigned[1].entry.certificates[0].sha256]);
  });

  test('a partial chain (intermediate missing) stops at the last issuer present', () => {
    const a = long[0];
    expect(orderChain([a.chain[2], a.chain[0]], a.chain[0]).map(fp)).toEqual([a.entry.certificates[0].sha256]);
    expect(orderChainDetailed([a.chain[2], a.chain[0]], a.chain[0]).unused.map(fp)).toEqual([a.entry.certificates[2].sha256]);
  });

  test('bad input', () => {
    expect(errorOf(() => orderChain([])).code).toBe('USAGE');
    expect(errorOf(() => orderChain([new Uint8Array([0x30, 0x00])])).code).toBe('CORRUPT');
    expect(errorOf(() => findLeafForKey(CASES[0].pkcs8, [])).code).toBe('USAGE');
    expect(errorOf(() => keyMatchesCertificate(new Uint8Array([1, 2, 3]), CASES[0].chain[0])).code).toBe('CORRUPT');
    expect(errorOf(() => describePublicKey(new Uint8Array([0x30, 0x00]))).code).toBe('CORRUPT');
  });
});

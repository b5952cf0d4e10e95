/**
 * Seeded mutation fuzzing of every decoder: bit flips, byte overwrites, truncations, inserted bytes,
 * huge length fields and deep nesting, applied to real fixtures. Every input must either parse or fail
 * with ktool's own KtoolError: never another exception, never a hang (each case is timed).
 * Crashers found once are kept in test/robustness/corpus/ and replayed first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KtoolError } from '../../src/model/errors';
import { execFileSync } from 'node:child_process';
import { manifest, readFixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const CORPUS = path.join(__dirname, 'corpus');
const CASES_PER_SEED = Number(process.env.KTOOL_FUZZ_CASES ?? 400);
const MAX_MS_PER_CASE = 2000;
/** Inputs are < 100 KiB; the jest worker itself stays far below this. */
const RSS_LIMIT = process.memoryUsage.rss() + 512 * 2 ** 20;

/** xorshift32: deterministic, seedable. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export function mutate(input: Uint8Array, r: () => number): Uint8Array {
  const b = Buffer.from(input);
  const pick = (n: number) => Math.floor(r() * n);
  switch (pick(7)) {
    case 0: {
      for (let i = 0, n = 1 + pick(4); i < n; i++) b[pick(b.length)] ^= 1 << pick(8);
      return b;
    }
    case 1: {
      for (let i = 0, n = 1 + pick(8); i < n; i++) b[pick(b.length)] = pick(256);
      return b;
    }
    case 2:
      return b.subarray(0, pick(b.length));
    case 3: {
      const at = pick(b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256))), b.subarray(at)]);
    }
    case 4: {
      // A hostile length: 0x84 + four 0xff bytes (DER), or a u32 length near 2^32 (JKS).
      const at = pick(Math.max(1, b.length - 6));
      const evil = r() < 0.5 ? [0x84, 0xff, 0xff, 0xff, 0xf0] : [0x7f, 0xff, 0xff, 0xff];
      evil.forEach((v, i) => (b[at + i] = v));
      return b;
    }
    case 5: {
      // Deep nesting: thousands of SEQUENCE headers with indefinite length.
      const depth = 100 + pick(5000);
      const head = Buffer.alloc(depth * 2);
      for (let i = 0; i < depth; i++) {
        head[2 * i] = 0x30;
        head[2 * i + 1] = 0x80;
      }
      return Buffer.concat([head, b]);
    }
    default: {
      const from = pick(b.length);
      const len = pick(Math.min(64, b.length - from));
      return Buffer.concat([b.subarray(0, from), b.subarray(from + len)]);
    }
  }
}

interface Target {
  name: string;
  seeds: () => Uint8Array[];
  run: (input: Uint8Array) => unknown;
  /** Mutations per seed (default CASES_PER_SEED); the cheap decoders get more. */
  cases?: number;
}

const stores = (type: string) => () => manifest().stores.filter((s) => s.store_type === type).slice(0, 3).map((s) => readFixture(s.file));
const withPw = (type: string) => (input: Uint8Array) => {
  const s = manifest().stores.find((x) => x.store_type === type)!;
  const { codecFor } = require('../../src/formats') as typeof import('../../src/formats');
  codecFor(type as 'JKS').decode(input, s.store_password);
};
const pemFiles = () =>
  manifest()
    .stores.flatMap((s) => s.entries)
    .filter((e) => e.chain_pem)
    .slice(0, 4)
    .map((e) => readFixture(e.chain_pem!));

/** CSRs, CRLs and PKCS#7 bundles written by OpenSSL (the real tool), made once per run. */
let generated: Record<'csr' | 'crl' | 'p7' | 'p7pem', Uint8Array[]> | undefined;
function openssl(): NonNullable<typeof generated> {
  if (generated) return generated;
  const dir = tempDir('fuzz-seeds');
  const o = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Fuzz CA/O=ktool', '-days', '30');
  o('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'r.key', '-out', 'r.csr', '-outform', 'DER', '-subj', '/CN=fuzz.example/O=ktool', '-addext', 'subjectAltName=DNS:fuzz.example,IP:10.0.0.1');
  o('req', '-new', '-key', 'ca.key', '-out', 'e.csr', '-outform', 'DER', '-subj', '/CN=ec.example', '-addext', 'keyUsage=critical,digitalSignature');
  // A minimal `openssl ca` setup with two revoked serials, for a CRL with entries and extensions.
  fs.writeFileSync(path.join(dir, 'index.txt'), ['R\t301231235959Z\t240101000000Z,keyCompromise\t1001\tunknown\t/CN=a', 'R\t301231235959Z\t240102000000Z\t1002\tunknown\t/CN=b', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'crlnumber'), '05\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncertificate=ca.pem\nprivate_key=ca.key\n');
  o('ca', '-config', 'ca.cnf', '-gencrl', '-out', 'c.pem');
  o('crl', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der');
  fs.writeFileSync(path.join(dir, 'bundle.pem'), Buffer.concat(pemFiles().slice(0, 2).map((b) => Buffer.from(b))));
  o('crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem', '-outform', 'DER', '-out', 'b.p7b');
  o('crl2pkcs7', '-in', 'c.pem', '-certfile', 'ca.pem', '-out', 'b.p7.pem');
  const rd = (f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
  return (generated = { csr: [rd('r.csr'), rd('e.csr')], crl: [rd('c.der')], p7: [rd('b.p7b')], p7pem: [rd('b.p7.pem')] });
}

const TARGETS: Target[] = [
  { name: 'JKS', seeds: stores('JKS'), run: (i) => require('../../src/formats/jks').jksCodec.decode(i, null) },
  { name: 'JKS with password', seeds: stores('JKS'), run: withPw('JKS') },
  { name: 'JCEKS', seeds: stores('JCEKS'), run: (i) => require('../../src/formats/jks').jceksCodec.decode(i, null) },
  { name: 'PKCS12', seeds: stores('PKCS12'), run: withPw('PKCS12') },
  { name: 'PEM certificates', seeds: pemFiles, run: (i) => require('../../src/formats/pem').readCertificates(i) },
  {
    name: 'DER certificate view',
    seeds: () => pemFiles().map((p) => require('../../src/formats/pem').readCertificates(p)[0]),
    run: (i) => {
      const { CertView, certToJson } = require('../../src/x509/certificate');
      return certToJson(new CertView(i));
    },
  },
  {
    name: 'private keys',
    seeds: () =>
      manifest()
        .stores.flatMap((s) => s.entries)
        .filter((e) => e.private_key_pem)
        .slice(0, 4)
        .map((e) => readFixture(e.private_key_pem!)),
    run: (i) => require('../../src/formats/pem').readPrivateKey(i, 'pass'),
  },
  { name: 'CSR', cases: 4 * CASES_PER_SEED, seeds: () => openssl().csr, run: (i) => require('../../src/x509/csr').parseCsr(i) },
  { name: 'CRL', cases: 4 * CASES_PER_SEED, seeds: () => openssl().crl, run: (i) => require('../../src/x509/crl').parseCrl(i) },
  { name: 'PKCS7 DER', cases: 4 * CASES_PER_SEED, seeds: () => openssl().p7, run: (i) => require('../../src/formats/pem').readCertificates(i) },
  { name: 'PKCS7 PEM', cases: 4 * CASES_PER_SEED, seeds: () => openssl().p7pem, run: (i) => require('../../src/formats/pem').readCertificates(i) },
];

function check(target: Target, input: Uint8Array, label: string): void {
  const t0 = Date.now();
  try {
    target.run(input);
  } catch (e) {
    if (!(e instanceof KtoolError)) {
      fs.mkdirSync(CORPUS, { recursive: true });
      const file = path.join(CORPUS, `${target.name.replace(/\W+/g, '-')}-${label}.bin`);
      fs.writeFileSync(file, input);
      throw new Error(`${target.name} ${label}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)} (input kept in ${file})`);
    }
  }
  const ms = Date.now() - t0;
  if (ms > MAX_MS_PER_CASE) throw new Error(`${target.name} ${label}: took ${ms} ms`);
  // Allocation bounded by the input: a hostile length field must not make the decoder reserve gigabytes.
  const rss = process.memoryUsage.rss();
  if (rss > RSS_LIMIT) throw new Error(`${target.name} ${label}: resident memory ${(rss / 2 ** 20).toFixed(0)} MiB`);
}

describe('mutation fuzzing', () => {
  test('the crasher corpus stays fixed', () => {
    if (!fs.existsSync(CORPUS)) return;
    for (const f of fs.readdirSync(CORPUS)) {
      const target = TARGETS.find((t) => f.startsWith(t.name.replace(/\W+/g, '-')));
      if (target) check(target, new Uint8Array(fs.readFileSync(path.join(CORPUS, f))), `corpus-${f}`);
    }
  });

  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_n, target) => {
    const seeds = target.seeds();
    expect(seeds.length).toBeGreaterThan(0);
    seeds.forEach((seed, si) => {
      const r = rng(0x5eed + si * 7919 + target.name.length);
      for (let i = 0; i < (target.cases ?? CASES_PER_SEED); i++) check(target, mutate(seed, r), `seed${si}-case${i}`);
    });
  });
});

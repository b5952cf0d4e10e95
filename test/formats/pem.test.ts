/**
 * PEM/DER codec against the fixtures and the real openssl CLI: every fixture key converted by openssl
 * into every form it writes must read back as the JDK's PKCS#8 (manifest pkcs8_sha256).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Asn1, seq } from '../../src/asn1/der';
import {
  certificateToDer,
  certificatesToPem,
  encryptPkcs8Der,
  encryptedPrivateKeyToPem,
  normalizePkcs8ForJdk,
  parsePemBlocks,
  parsePemLines,
  privateKeyToPem,
  readCertificates,
  readPrivateKey,
  sniffPemOrDer,
} from '../../src/formats/pem';
import { detectStoreType } from '../../src/formats/detect';
import { KtoolError } from '../../src/model/errors';
import { concatBytes } from '../../src/util/bytes';
import { describePrivateKey } from '../../src/x509/keyinfo';
import { FIXTURES_DIR, manifest, readFixture, type ManifestEntry, type ManifestStore } from '../helpers/fixtures';
import { openssl, tempDir } from '../helpers/jdk';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const certSha = (b: Uint8Array): string => sha256(b).toUpperCase().match(/../g)!.join(':');

interface KeyCase {
  name: string;
  store: ManifestStore;
  entry: ManifestEntry;
  keyFile: string;
  chainFile: string;
}

/** Fixture key entries with their PEM files (NN is the 1-based position in the manifest's entries). */
function keyCases(): KeyCase[] {
  const out: KeyCase[] = [];
  for (const store of manifest().stores) {
    const dir = path.join(FIXTURES_DIR, 'pem', path.basename(store.file));
    if (!fs.existsSync(dir)) continue;
    const files = fs.readdirSync(dir);
    store.entries.forEach((entry, i) => {
      if (entry.entry_type !== 'PrivateKeyEntry') return;
      const prefix = `${String(i + 1).padStart(2, '0')}-`;
      const key = files.find((f) => f.startsWith(prefix) && f.endsWith('.key.pem'));
      const chain = files.find((f) => f.startsWith(prefix) && f.endsWith('.chain.pem'));
      if (!key || !chain) throw new Error(`fixture files missing for ${store.file} ${entry.alias}`);
      out.push({ name: `${path.basename(store.file)}/${entry.alias}`, store, entry, keyFile: path.join(dir, key), chainFile: path.join(dir, chain) });
    });
  }
  return out;
}

const CASES = keyCases();
const byJdk = (c: KeyCase): boolean => c.store.written_by.tool !== 'openssl';
/** The JDK's PKCS#8 of a fixture key: the manifest's bytes for JDK-written keys. */
function expectedSha(c: KeyCase): string {
  if (byJdk(c)) return c.entry.pkcs8_sha256!;
  return sha256(normalizePkcs8ForJdk(pemBody(fs.readFileSync(c.keyFile, 'utf8'))));
}
const pemBody = (text: string): Uint8Array => parsePemBlocks(text)[0].der;

function run(args: string[], input?: Buffer | string): Buffer {
  const r = openssl(args, { input });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdoutBytes;
}

function errorOf(f: () => unknown): KtoolError {
  try {
    f();
  } catch (e) {
    if (e instanceof KtoolError) return e;
    throw new Error(`expected a KtoolError, got ${String(e)}`);
  }
  throw new Error('expected an error');
}

const LEGACY = ['-provider', 'legacy', '-provider', 'default'];
const PASS = 'pässwörd 1';

let tmp: string;
beforeAll(() => {
  tmp = tempDir('pem');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('fixture set has keys of every algorithm', () => {
  const algs = new Set(CASES.map((c) => c.entry.key_algorithm));
  expect([...algs].sort()).toEqual(['DSA', 'EC', 'Ed25519', 'Ed448', 'RSA']);
  expect(CASES.length).toBeGreaterThanOrEqual(20);
});

describe.each(CASES.map((c) => [c.name, c] as const))('key %s', (_name, c) => {
  const pem = fs.readFileSync(c.keyFile);
  const want = expectedSha(c);
  const alg = c.entry.key_algorithm;
  const tradLabel: Record<string, string> = { RSA: 'RSA PRIVATE KEY', EC: 'EC PRIVATE KEY', DSA: 'DSA PRIVATE KEY' };
  const traditional = alg in tradLabel;
  const tool = alg === 'RSA' ? 'rsa' : alg === 'EC' ? 'ec' : alg === 'DSA' ? 'dsa' : '';
  const write = (name: string, data: Buffer): string => {
    const f = path.join(tmp, `${sha256(pem).slice(0, 12)}-${name}`);
    fs.writeFileSync(f, data);
    return f;
  };
  const check = (input: Uint8Array, passphrase?: string) => {
    const r = readPrivateKey(input, passphrase);
    expect(sha256(r.pkcs8)).toBe(want);
    expect(r.algorithm).toBe(alg);
    return r;
  };

  test('PKCS#8 PEM and DER read as the JDK form; describe matches the manifest', () => {
    const r = check(pem);
    expect(r.form).toBe('pkcs8');
    expect(r.encrypted).toBe(false);
    check(pemBody(pem.toString('utf8')));
    if (byJdk(c)) expect(sha256(normalizePkcs8ForJdk(pemBody(pem.toString('utf8'))))).toBe(want);
    const facts = describePrivateKey(r.pkcs8);
    expect(facts.algorithm).toBe(c.entry.key_algorithm);
    expect(facts.size).toBe(c.entry.key_size);
    expect(facts.curve ?? null).toBe(c.entry.curve);
  });

  test('openssl default PKCS#8 re-encoding (public key included) normalizes back', () => {
    const f = write('in.pem', pem);
    check(run(['pkey', '-in', f]));
    check(run(['pkey', '-in', f, '-outform', 'DER']));
  });

  if (traditional) test('traditional PEM and DER (PKCS#1 / SEC1 / DSA)', () => {
    const f = write('in.pem', pem);
    const trad = run(['pkey', '-in', f, '-traditional']);
    expect(trad.toString()).toContain(`BEGIN ${tradLabel[alg]}`);
    const r = check(trad);
    expect(r.form).toBe(alg === 'RSA' ? 'pkcs1' : alg === 'EC' ? 'sec1' : 'dsa');
    check(run([tool, '-in', f, '-outform', 'DER']));
    if (alg === 'EC') {
      // SEC1 without the public key, and without the curve parameters (curve from the scalar length).
      const noPub = run(['ec', '-in', f, '-no_public', '-outform', 'DER']);
      check(noPub);
      const ec = Asn1.parse(new Uint8Array(noPub));
      const bare = seq(ec.child(0).der, ec.child(1).der);
      check(bare);
      const bareBlock = `-----BEGIN EC PRIVATE KEY-----\n${Buffer.from(bare).toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
      check(Buffer.from(bareBlock));
      // openssl ecparam -genkey style: an EC PARAMETERS block (the curve OID) before a parameter-less key.
      const curveOid = ec.children.find((k) => k.isContext(0))!.child(0).der;
      check(Buffer.from(`-----BEGIN EC PARAMETERS-----\n${Buffer.from(curveOid).toString('base64')}\n-----END EC PARAMETERS-----\n${bareBlock}`));
    }
  });

  if (traditional) test('traditional Proc-Type encryption: AES-128/256, 3DES, DES', () => {
    const f = write('in.pem', pem);
    for (const cipher of ['-aes128', '-aes256', '-des3']) {
      const enc = run([tool, '-in', f, '-traditional', cipher, '-passout', `pass:${PASS}`]);
      expect(enc.toString()).toContain('Proc-Type: 4,ENCRYPTED');
      const r = check(enc, PASS);
      expect(r.encrypted).toBe(true);
      expect(errorOf(() => readPrivateKey(enc, 'wrong')).code).toBe('WRONG_PASSWORD');
      const missing = errorOf(() => readPrivateKey(enc));
      expect(missing.code).toBe('USAGE');
      expect(missing.message).toBe('key is encrypted: give its passphrase');
    }
    const des = run([tool, '-in', f, '-traditional', '-des', '-passout', `pass:${PASS}`, ...LEGACY]);
    expect(des.toString()).toContain('DEK-Info: DES-CBC,');
    check(des, PASS);
  });

  test('encrypted PKCS#8: PBES2 AES-256 (PEM and DER), PBES1 MD5-DES, PKCS#12 SHA1-3DES', () => {
    const f = write('in.pem', pem);
    const variants: [string, string[]][] = [
      ['pbes2-aes256', ['-v2', 'aes-256-cbc']],
      ['pbes2-aes128-sha1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
      ['pbe-md5-des', ['-v1', 'PBE-MD5-DES', ...LEGACY]],
      ['pbe-sha1-3des', ['-v1', 'PBE-SHA1-3DES']],
    ];
    for (const [, args] of variants) {
      const enc = run(['pkcs8', '-topk8', '-in', f, '-passout', `pass:${PASS}`, ...args]);
      const r = check(enc, PASS);
      expect(r.form).toBe('encrypted-pkcs8');
      expect(r.encrypted).toBe(true);
      expect(errorOf(() => readPrivateKey(enc, 'wrong')).code).toBe('WRONG_PASSWORD');
      expect(errorOf(() => readPrivateKey(enc)).code).toBe('USAGE');
    }
    const der = run(['pkcs8', '-topk8', '-in', f, '-passout', `pass:${PASS}`, '-v2', 'aes-256-cbc', '-outform', 'DER']);
    check(der, PASS);
  });

  test('ktool-written PEM opens with openssl (plain and encrypted)', () => {
    const pkcs8 = readPrivateKey(pem).pkcs8;
    const plain = privateKeyToPem(pkcs8);
    if (byJdk(c)) expect(plain).toBe(pem.toString('utf8').replace(/\r\n/g, '\n'));
    check(new Uint8Array(Buffer.from(plain)));
    const encPem = encryptedPrivateKeyToPem(pkcs8, PASS);
    expect(encPem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
    expect(encPem.endsWith('-----END ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
    expect(encPem.split('\n').every((l) => l.length <= 64)).toBe(true);
    const f = write('ktool-enc.pem', Buffer.from(encPem));
    check(run(['pkey', '-in', f, '-passin', `pass:${PASS}`]));
    const info = run(['asn1parse', '-in', f]).toString();
    expect(info).toContain('PBES2');
    expect(info).toContain('hmacWithSHA256');
    expect(info).toContain('aes-256-cbc');
    expect(info).toMatch(/INTEGER\s+:0800/);
    const derFile = write('ktool-enc.der', Buffer.from(encryptPkcs8Der(pkcs8, PASS)));
    check(run(['pkcs8', '-inform', 'DER', '-in', derFile, '-passin', `pass:${PASS}`]));
  });

  test('chain PEM: certificates in manifest order with their fingerprints', () => {
    const certs = readCertificates(fs.readFileSync(c.chainFile));
    expect(certs.length).toBe(c.entry.chain_length);
    expect(certs.map(certSha)).toEqual(c.entry.certificates.map((x) => x.sha256));
    expect(certs.map((x) => x.length)).toEqual(c.entry.certificates.map((x) => x.der_length));
    // Round trip through the writer.
    expect(readCertificates(new Uint8Array(Buffer.from(certificatesToPem(certs)))).map(sha256)).toEqual(certs.map(sha256));
  });

  test('chain as openssl x509 -text output, CRLF, DER concatenation, PKCS#7 (DER, PEM, BER), TRUSTED CERTIFICATE', () => {
    const certs = readCertificates(fs.readFileSync(c.chainFile));
    const want = certs.map(sha256);
    const files = certs.map((d, i) => write(`c${i}.pem`, Buffer.from(certificatesToPem([d]))));
    const withText = Buffer.concat(files.map((f) => run(['x509', '-in', f, '-text'])));
    expect(withText.toString()).toContain('Certificate:');
    expect(readCertificates(withText).map(sha256)).toEqual(want);
    const crlf = Buffer.from(('# bundle\r\n' + withText.toString('latin1')).replace(/\n/g, '\r\n'), 'latin1');
    expect(readCertificates(crlf).map(sha256)).toEqual(want);
    expect(readCertificates(concatBytes(certs)).map(sha256)).toEqual(want);
    const args = ['crl2pkcs7', '-nocrl', ...files.flatMap((f) => ['-certfile', f])];
    const p7der = run([...args, '-outform', 'DER']);
    const p7pem = run(args);
    expect(p7pem.toString()).toContain('BEGIN PKCS7');
    expect(readCertificates(p7der).map(sha256).sort()).toEqual([...want].sort());
    expect(readCertificates(p7pem).map(sha256).sort()).toEqual([...want].sort());
    expect(readCertificates(toIndefinite(new Uint8Array(p7der))).map(sha256).sort()).toEqual([...want].sort());
    expect(sniffPemOrDer(p7der).kind).toBe('pkcs7');
    const trusted = run(['x509', '-in', files[0], '-addtrust', 'serverAuth', '-trustout']);
    expect(trusted.toString()).toContain('BEGIN TRUSTED CERTIFICATE');
    expect(certificateToDer(trusted)).toEqual(certs[0]);
    if (certs.length > 1) expect(errorOf(() => certificateToDer(p7der)).code).toBe('USAGE');
    // A text preamble starting with '0' (0x30, like a DER SEQUENCE) is still PEM.
    expect(readCertificates(Buffer.concat([Buffer.from('0 comment line that is long enough to look like a DER length\n'), withText])).map(sha256)).toEqual(want);
  });
});

/** BER re-encoding: every constructed SEQUENCE/SET/[n] with an indefinite length (as Windows p7b writers do). */
function toIndefinite(der: Uint8Array): Uint8Array {
  const enc = (n: Asn1): Uint8Array => {
    if (!n.constructed) return n.der;
    // Keep certificates themselves DER (they are signed); re-encode their containers.
    if (n.tag === 0x30 && n.children.length === 3 && n.children[2].tag === 0x03) return n.der;
    const header = n.der.subarray(0, 1);
    return concatBytes([header, Uint8Array.of(0x80), ...n.children.map(enc), Uint8Array.of(0, 0)]);
  };
  return enc(Asn1.parse(der));
}

describe('certificates', () => {
  test('every trusted-certificate fixture reads with its fingerprint', () => {
    let n = 0;
    for (const store of manifest().stores) {
      const dir = path.join(FIXTURES_DIR, 'pem', path.basename(store.file));
      if (!fs.existsSync(dir)) continue;
      const files = fs.readdirSync(dir);
      store.entries.forEach((e, i) => {
        if (e.entry_type !== 'trustedCertEntry') return;
        const f = files.find((x) => x.startsWith(`${String(i + 1).padStart(2, '0')}-`) && x.endsWith('.cert.pem'));
        if (!f) return;
        const certs = readCertificates(fs.readFileSync(path.join(dir, f)));
        expect(certs.map(certSha)).toEqual([e.certificates[0].sha256]);
        n++;
      });
    }
    expect(n).toBeGreaterThan(200);
  });

  test('a whole CA bundle with text between blocks', () => {
    const dir = path.join(FIXTURES_DIR, 'pem', 'cacerts-17.p12');
    const files = fs.readdirSync(dir).sort();
    const bundle = files.map((f) => `# ${f}\nsome comment: yes\n\n${fs.readFileSync(path.join(dir, f), 'utf8')}\n`).join('');
    expect(readCertificates(new Uint8Array(Buffer.from(bundle))).length).toBe(files.length);
  });

  test('tls-postgresql files', () => {
    const d = path.join(FIXTURES_DIR, 'tls-postgresql');
    for (const f of ['server.crt', 'root.crt', 'postgresql.crt']) expect(readCertificates(fs.readFileSync(path.join(d, f))).length).toBeGreaterThanOrEqual(1);
    const k1 = readPrivateKey(fs.readFileSync(path.join(d, 'postgresql.key')));
    const k2 = readPrivateKey(fs.readFileSync(path.join(d, 'postgresql.pk8')));
    expect(k2.pkcs8).toEqual(k1.pkcs8);
    expect(readPrivateKey(fs.readFileSync(path.join(d, 'server.key'))).algorithm).toBe('RSA');
  });

  test('garbage and broken PEM give CORRUPT naming the line', () => {
    const cert = fs.readFileSync(CASES[0].chainFile, 'utf8').split(/(?<=-----END CERTIFICATE-----\n)/)[0];
    const lines = cert.split('\n');
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /empty/],
      ['random bytes', new Uint8Array(createHash('sha512').update('x').digest()), /neither PEM nor DER/],
      ['text', 'hello world\n', /neither PEM nor DER/],
      ['key only', fs.readFileSync(CASES[0].keyFile, 'utf8'), /no certificate in the PEM data \(it holds PRIVATE KEY\)/],
      ['bad base64', [...lines.slice(0, 3), 'not*base64!', ...lines.slice(3)].join('\n'), /line 4: not base64/],
      ['mismatched END', cert.replace('-----END CERTIFICATE-----', '-----END PRIVATE KEY-----'), /END PRIVATE KEY does not match BEGIN CERTIFICATE of line 1/],
      ['missing END', lines.slice(0, -2).join('\n'), /line 1: BEGIN CERTIFICATE has no END/],
      ['END without BEGIN', lines.slice(1).join('\n'), /END CERTIFICATE without a BEGIN/],
      ['nested BEGIN', lines.slice(0, 3).join('\n') + '\n' + cert, /line 4: BEGIN CERTIFICATE inside/],
      ['truncated body', [...lines.slice(0, 3), ...lines.slice(-2)].join('\n'), /CERTIFICATE block at line 1: not a valid X\.509 certificate/],
      ['truncated DER', pemBody(cert).subarray(0, 100), /neither PEM nor DER|not a valid/],
    ];
    for (const [name, input, re] of cases) {
      const bytes = typeof input === 'string' ? new Uint8Array(Buffer.from(input)) : input;
      const e = errorOf(() => readCertificates(bytes));
      expect([name, e.code]).toEqual([name, 'CORRUPT']);
      expect(e.message).toMatch(re);
      expect(e.message).not.toContain('\n');
    }
  });

  test("base64 bodies: '=' only as final padding, lengths that base64 can have", () => {
    const block = (body: string) => parsePemBlocks(`-----BEGIN X-----\n${body}\n-----END X-----\n`)[0].der;
    expect(Buffer.from(block('QQ==')).toString()).toBe('A');
    expect(Buffer.from(block('QUI=')).toString()).toBe('AB');
    expect(Buffer.from(block('QUJD')).toString()).toBe('ABC');
    expect(Buffer.from(block('QUJD\nRA==')).toString()).toBe('ABCD');
    expect(Buffer.from(block('QUJ')).toString()).toBe('AB'); // unpadded, as base64 decoders accept
    for (const bad of ['QQ=A', 'Q===', '=QUJ', 'QQ=', 'QUJDR', 'QU==\nQQ==', 'QQ===']) {
      expect(() => block(bad)).toThrow(/bad base64/);
    }
  });

  test('fuzzed inputs only ever throw KtoolError', () => {
    const seed = new Uint8Array(Buffer.concat([fs.readFileSync(CASES[0].chainFile), fs.readFileSync(CASES[0].keyFile)]));
    const der = readCertificates(seed)[0];
    let x = 12345;
    const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 400; i++) {
      const src = i % 2 ? seed : der;
      const m = src.slice();
      for (let j = 0; j < 1 + (i % 5); j++) m[rnd() % m.length] = rnd() & 0xff;
      const input = i % 7 === 0 ? m.subarray(0, rnd() % m.length) : m;
      for (const f of [() => readCertificates(input), () => readPrivateKey(input, 'x'), () => sniffPemOrDer(input)]) {
        try {
          f();
        } catch (e) {
          if (!(e instanceof KtoolError)) throw new Error(`non-KtoolError on fuzz #${i}: ${String(e)}`);
        }
      }
    }
  });
});

describe('private key errors', () => {
  test('no key, two keys, garbage', () => {
    expect(errorOf(() => readPrivateKey(fs.readFileSync(CASES[0].chainFile))).message).toMatch(/no private key in the PEM data \(it holds CERTIFICATE\)/);
    const two = Buffer.concat([fs.readFileSync(CASES[0].keyFile), fs.readFileSync(CASES[1].keyFile)]);
    expect(errorOf(() => readPrivateKey(two)).code).toBe('USAGE');
    expect(errorOf(() => readPrivateKey(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).code).toBe('CORRUPT');
    const bad = '-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n';
    expect(errorOf(() => readPrivateKey(new Uint8Array(Buffer.from(bad)))).code).toBe('CORRUPT');
    const unknownAlg = Buffer.from('3016020100300706052b0e03020f0408' + '0123456789abcdef', 'hex');
    const e = errorOf(() => readPrivateKey(new Uint8Array(unknownAlg)));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('1.3.14.3.2.15');
  });

  test('unknown DEK-Info cipher is UNSUPPORTED, bad IV is CORRUPT', () => {
    const rsa = CASES.find((c) => c.entry.key_algorithm === 'RSA')!;
    const enc = run(['rsa', '-in', rsa.keyFile, '-traditional', '-aes256', '-passout', 'pass:x']).toString();
    const e1 = errorOf(() => readPrivateKey(new Uint8Array(Buffer.from(enc.replace('AES-256-CBC', 'CAMELLIA-256-CBC'))), 'x'));
    expect(e1.code).toBe('UNSUPPORTED');
    expect(e1.message).toContain('CAMELLIA-256-CBC');
    const e2 = errorOf(() => readPrivateKey(new Uint8Array(Buffer.from(enc.replace(/(DEK-Info: AES-256-CBC,)([0-9A-F]{4})/, '$1'))), 'x'));
    expect(e2.code).toBe('CORRUPT');
  });
});

describe('sniffing and store detection', () => {
  test('stores by magic and PFX header', () => {
    for (const s of manifest().stores) {
      const b = readFixture(s.file);
      expect([s.file, detectStoreType(b)]).toEqual([s.file, s.store_type]);
      expect(sniffPemOrDer(b).kind).toBe(s.store_type.toLowerCase());
    }
    expect(detectStoreType(new Uint8Array(0))).toBeNull();
    expect(detectStoreType(fs.readFileSync(CASES[0].chainFile))).toBeNull();
    expect(detectStoreType(readCertificates(fs.readFileSync(CASES[0].chainFile))[0])).toBeNull();
  });

  test('PEM and DER objects', () => {
    const c = CASES.find((x) => x.entry.key_algorithm === 'EC')!;
    const chain = fs.readFileSync(c.chainFile);
    expect(sniffPemOrDer(chain)).toMatchObject({ kind: 'certificate', encoding: 'PEM' });
    expect(sniffPemOrDer(readCertificates(chain)[0])).toMatchObject({ kind: 'certificate', encoding: 'DER' });
    expect(sniffPemOrDer(concatBytes(readCertificates(chain))).kind).toBe('certificate');
    const key = fs.readFileSync(c.keyFile);
    expect(sniffPemOrDer(key)).toMatchObject({ kind: 'private-key', keyForm: 'pkcs8', encrypted: false });
    expect(sniffPemOrDer(pemBody(key.toString()))).toMatchObject({ kind: 'private-key', keyForm: 'pkcs8', encrypted: false });
    expect(sniffPemOrDer(Buffer.concat([key, chain]))).toMatchObject({ kind: 'mixed', keyForm: 'pkcs8' });
    const sec1 = run(['ec', '-in', c.keyFile, '-traditional', '-aes128', '-passout', 'pass:x']);
    expect(sniffPemOrDer(sec1)).toMatchObject({ kind: 'private-key', keyForm: 'sec1', encrypted: true });
    expect(sniffPemOrDer(run(['ec', '-in', c.keyFile, '-outform', 'DER']))).toMatchObject({ kind: 'private-key', keyForm: 'sec1' });
    const epki = run(['pkcs8', '-topk8', '-in', c.keyFile, '-passout', 'pass:x', '-outform', 'DER']);
    expect(sniffPemOrDer(epki)).toMatchObject({ kind: 'private-key', keyForm: 'encrypted-pkcs8', encrypted: true });
    expect(sniffPemOrDer(run(['pkey', '-in', c.keyFile, '-pubout', '-outform', 'DER'])).kind).toBe('public-key');
    const csrPem = run(['req', '-new', '-key', c.keyFile, '-subj', '/CN=sniff']);
    expect(sniffPemOrDer(csrPem).kind).toBe('csr');
    expect(sniffPemOrDer(parsePemBlocks(csrPem.toString())[0].der).kind).toBe('csr');
    expect(sniffPemOrDer(new Uint8Array([1, 2, 3, 4, 5])).kind).toBe('unknown');
  });

  test('CRL (made by openssl ca)', () => {
    const c = CASES.find((x) => x.entry.key_algorithm === 'EC')!;
    const dir = tempDir('crl');
    try {
      const certFile = path.join(dir, 'ca.pem');
      fs.writeFileSync(certFile, certificatesToPem([readCertificates(fs.readFileSync(c.chainFile))[0]]));
      fs.writeFileSync(path.join(dir, 'index.txt'), '');
      fs.writeFileSync(
        path.join(dir, 'ca.cnf'),
        `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n`,
      );
      fs.writeFileSync(path.join(dir, 'crlnumber'), '01\n');
      const crl = run(['ca', '-gencrl', '-config', path.join(dir, 'ca.cnf'), '-keyfile', c.keyFile, '-cert', certFile]);
      expect(sniffPemOrDer(crl).kind).toBe('crl');
      expect(sniffPemOrDer(parsePemBlocks(crl.toString())[0].der).kind).toBe('crl');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PEM block parser', () => {
  test('headers, CRLF, surrounding text', () => {
    const text = 'intro\r\n-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\r\n\r\nAAEC\r\nAwQ=\r\n-----END RSA PRIVATE KEY-----\r\ntrailer';
    const [b] = parsePemBlocks(text);
    expect(b.label).toBe('RSA PRIVATE KEY');
    expect(b.headers).toEqual([
      { name: 'Proc-Type', value: '4,ENCRYPTED' },
      { name: 'DEK-Info', value: 'AES-128-CBC,00112233445566778899AABBCCDDEEFF' },
    ]);
    expect([...b.der]).toEqual([0, 1, 2, 3, 4]);
    expect([b.beginLine, b.endLine]).toEqual([2, 8]);
  });

  /** What a parser makes of a text: its blocks, or its error message. */
  const outcome = (parse: (t: string) => unknown, text: string): unknown => {
    try {
      return parse(text);
    } catch (e) {
      return { error: e instanceof KtoolError ? `${e.code}: ${e.message}` : String(e) };
    }
  };
  const bundle = fs.readdirSync(path.join(FIXTURES_DIR, 'pem/cacerts-17.p12')).sort().slice(0, 6)
    .map((f) => fs.readFileSync(path.join(FIXTURES_DIR, 'pem/cacerts-17.p12', f), 'latin1')).join('# a comment between blocks\n');

  // parsePemBlocks reads plain texts with one regular expression and leaves the rest to the line
  // reader: both must agree on every text, on the blocks, line numbers and errors alike.
  test.each([
    ['LF bundle', bundle],
    ['CRLF', bundle.replace(/\n/g, '\r\n')],
    ['lone CR line ends', bundle.replace(/\n/g, '\r')],
    ['mixed line ends', bundle.replace(/\n(?=M)/g, '\r\n')],
    ['a lone CR ending a base64 line', bundle.replace(/(BEGIN CERTIFICATE-----\n.{64})\n/, '$1\r')],
    ['BOM', `\uFEFF${bundle}`],
    ['no final line end', bundle.replace(/\n$/, '')],
    ['blank line in a body', bundle.replace(/(BEGIN CERTIFICATE-----\n.{64}\n)/, '$1\n')],
    ['indented BEGIN', bundle.replace('-----BEGIN', '  -----BEGIN')],
    ['trailing blank after END', bundle.replace(/-----END CERTIFICATE-----/, '-----END CERTIFICATE-----  ')],
    ['END label differs', bundle.replace(/-----END CERTIFICATE-----/, '-----END X509 CRL-----')],
    ['stray END before', `-----END CERTIFICATE-----\n${bundle}`],
    ['dashes in the text between', bundle.replace('# a comment', '# ----- a comment')],
    ['empty body', `${bundle}-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n`],
    ['bad base64 padding', bundle.replace(/\n(.{60}).{4}\n-----END/, '\n$1A===\n-----END')],
    ['a non-base64 character', bundle.replace(/\n(.{10})./, '\n$1!')],
    ['spaces inside a base64 line', bundle.replace(/\n(.{10})(.)/, '\n$1 $2')],
    ['END glued to base64', bundle.replace(/\n-----END/, '-----END')],
    ['missing END', bundle.replace(/-----END CERTIFICATE-----\n[^]*$/, '')],
    ['headers', `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-CBC,0011223344556677\n\nAAEC\n-----END RSA PRIVATE KEY-----\n${bundle}`],
    ['label with dashes', '-----BEGIN A-----B-----\nAAEC\n-----END A-----B-----\n'],
    ['no blocks', 'nothing here\n'],
  ])('%s: the same as the line reader', (_name, text) => {
    expect(outcome(parsePemBlocks, text)).toEqual(outcome(parsePemLines, text));
  });

  test('seeded mutations: the same as the line reader', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
    // Pieces that break a block, and harmless ones (a base64 letter written over another, line ends).
    const alphabet = ['-', '\n', '\r', ' ', '=', ':', '!', '-----END CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\n', 'A', 'A', 'A', 'A', 'A', '\r\n', '# note\n'];
    const small = bundle.slice(0, bundle.indexOf('# a comment', bundle.indexOf('# a comment') + 1));
    let parsed = 0;
    for (let i = 0; i < 400; i++) {
      let text = small;
      for (let k = next(4) === 0 ? 2 : 1; k > 0; k--) {
        const at = next(text.length);
        const op = next(5) < 3 ? 2 : next(2);
        const piece = alphabet[next(alphabet.length)];
        text = op === 0 ? text.slice(0, at) + piece + text.slice(at) : op === 1 ? text.slice(0, at) + text.slice(at + 1 + next(8)) : text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      const want = outcome(parsePemLines, text);
      expect({ i, got: outcome(parsePemBlocks, text) }).toEqual({ i, got: want });
      if (!(want as { error?: string }).error) parsed++;
    }
    // Enough of them parse, so the comparison covers results as well as errors.
    process.stdout.write(`PEM readers compared on 400 mutated texts: ${parsed} parse, the rest fail alike\n`);
    expect(parsed).toBeGreaterThan(50);
  });
});

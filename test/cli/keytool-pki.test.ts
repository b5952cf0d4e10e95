/**
 * keytool's PKI commands, differential: the same -genkeypair/-certreq/-gencert/-printcertreq/-printcrl/
 * -genseckey/-importpass sequences and -importcert of CA replies (trusted, untrusted with the "Install reply
 * anyway?" question, -trustcacerts, -noprompt, keytool's errors) run with the real keytool 17 and with
 * ktool on separate directories,
 * then compared by content (keys are random): aliases, entry types, chain lengths, owners/issuers, key
 * algorithms and sizes, signature algorithms and the extensions present, as `keytool -list -v` shows both
 * stores. keytool (17 and 25) reads ktool's stores, requests, certificates; ktool reads keytool's; openssl
 * accepts ktool's requests and chains. Also the modern verbs (genkeypair, certreq, gencert, genseckey,
 * printcert, printcertreq).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JDK17_HOME, JDK25_HOME, keytool, openssl, tempDir } from '../helpers/jdk';
import { type Step, ktool, typed } from '../helpers/cli';

const root = tempDir('kt-pki');
const KT = path.join(root, 'keytool');
const OURS = path.join(root, 'ktool');
fs.mkdirSync(KT);
fs.mkdirSync(OURS);

const kt17 = (args: string[], input?: string) => keytool(JDK17_HOME(), args, { cwd: KT, input });
const our = (args: string[], input?: string, cwd = OURS) => ktool(args, { cwd, input });
/** keytool 17 run in ktool's directory: the judge reading what ktool wrote. */
const judge = (args: string[], input?: string) => keytool(JDK17_HOME(), args, { cwd: OURS, input });

const SP = ['-storepass', 'changeit'];

interface CertSummary {
  owner: string;
  issuer: string;
  key: string;
  sig: string;
  version: string;
  exts: string[];
}

/** The content of `keytool -list -v` (or -printcert) text: per alias its type and chain, without random parts. */
function summarize(listing: string): Record<string, { type: string; chain: CertSummary[] }> {
  const out: Record<string, { type: string; chain: CertSummary[] }> = {};
  const blocks = listing.split(/^Alias name: /m).slice(1);
  for (const b of blocks) {
    const alias = b.split('\n')[0];
    const type = /^Entry type: (\w+)/m.exec(b)?.[1] ?? '?';
    out[alias] = { type, chain: certsIn(b) };
  }
  return out;
}

function certsIn(text: string): CertSummary[] {
  return text
    .split(/^Owner: /m)
    .slice(1)
    .map((c) => ({
      owner: c.split('\n')[0],
      issuer: /^Issuer: (.*)$/m.exec(c)?.[1] ?? '',
      key: /^Subject Public Key Algorithm: (.*)$/m.exec(c)?.[1] ?? '',
      sig: /^Signature algorithm name: (.*)$/m.exec(c)?.[1] ?? '',
      version: /^Version: (.*)$/m.exec(c)?.[1] ?? '',
      exts: [...c.matchAll(/^#\d+: ObjectId: ([\d.]+) Criticality=(\w+)/gm)].map((m) => `${m[1]}:${m[2]}`),
    }));
}

/** Extension bodies without the key identifiers (random keys): what -ext asked for, as keytool prints it. */
const extensionText = (text: string) =>
  text
    .split(/^#\d+: /m)
    .slice(1)
    .filter((e) => !/^ObjectId: 2\.5\.29\.(14|35) /.test(e))
    .join('#');

describe('keytool -genkeypair: every key type, -ext, -signer, against keytool 17', () => {
  const steps: string[][] = [
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'rsa', '-keyalg', 'RSA', '-dname', 'CN=rsa, OU=Dev, O=Acme, C=DE'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'rsa3k', '-keyalg', 'RSA', '-keysize', '3072', '-dname', 'CN=rsa3k', '-validity', '3650'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'ec', '-keyalg', 'EC', '-dname', 'CN=ec', '-ext', 'bc:c=ca:true,pathlen:1', '-ext', 'ku:c=kCS,cRLSign'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'ec384', '-keyalg', 'EC', '-groupname', 'secp384r1', '-dname', 'CN=ec384', '-startdate', '2030/01/01 00:00:00'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'ec521', '-keyalg', 'EC', '-groupname', 'secp521r1', '-dname', 'CN=ec521', '-startdate', '-1d'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'ed', '-keyalg', 'Ed25519', '-dname', 'CN=ed'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'ed448', '-keyalg', 'Ed448', '-dname', 'CN=ed448'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'dsa', '-keyalg', 'DSA', '-dname', 'CN=dsa'],
    [
      '-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'leaf', '-keyalg', 'EC', '-dname', 'CN=leaf.example.com', '-signer', 'ec',
      '-ext', 'san=dns:leaf.example.com,ip:10.0.0.5,email:a@example.com,uri:https://example.com/x,oid:1.2.3.4', '-ext', 'eku=sA,cA',
      '-ext', 'ian=dns:ca.example.com', '-ext', 'aia=ocsp:uri:http://ocsp.example.com', '-ext', 'sia=caRepository:uri:http://repo.example.com',
      '-ext', '1.2.3.4.5:critical=0403010203', '-sigalg', 'SHA384withECDSA',
    ],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'leaf2', '-keyalg', 'RSA', '-dname', 'CN=leaf2', '-signer', 'leaf'],
    // errors
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'dsa', '-keyalg', 'DSA', '-dname', 'CN=dsa'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'x', '-keyalg', 'EC', '-dname', 'CN=x', '-signer', 'nope'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'x', '-dname', 'CN=x'],
    ['-genkeypair', '-keystore', 'a.p12', ...SP, '-alias', 'x', '-keyalg', 'EC', '-groupname', 'secp256r1', '-keysize', '256', '-dname', 'CN=x'],
  ];
  let real: ReturnType<typeof kt17>[];
  let ours: ReturnType<typeof our>[];
  beforeAll(() => {
    real = steps.map((s) => kt17(s));
    ours = steps.map((s) => our(s));
  });

  test('same exit codes, same progress messages and errors', () => {
    expect(ours.map((r) => r.status)).toEqual(real.map((r) => r.status));
    expect(ours.map((r) => r.stdout)).toEqual(real.map((r) => r.stdout));
    // Progress lines are deterministic text: identical.
    expect(ours.map((r) => r.stderr)).toEqual(real.map((r) => r.stderr));
    expect(ours[10].stdout).toBe('keytool error: java.lang.Exception: Key pair not generated, alias <dsa> already exists\n');
    expect(ours[11].stdout).toBe('keytool error: java.lang.Exception: Alias <nope> does not exist\n');
  });

  test('the stores hold the same content (keytool -list -v of both)', () => {
    const a = summarize(kt17(['-list', '-v', '-keystore', 'a.p12', ...SP]).stdout);
    const b = summarize(judge(['-list', '-v', '-keystore', 'a.p12', ...SP]).stdout);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b).toEqual(a);
    expect(b.leaf.chain.length).toBe(2);
    expect(b.leaf2.chain.length).toBe(3);
    expect(b.ed448.chain[0].key).toBe('448-bit Ed448 key');
    // keytool 25 (other defaults, same formats) reads ktool's store too.
    const k25 = keytool(JDK25_HOME(), ['-list', '-keystore', 'a.p12', ...SP], { cwd: OURS });
    expect(k25.status).toBe(0);
    expect(k25.stdout).toMatch(/Your keystore contains 10 entries/);
    // The extension texts -ext asked for read the same (SKID/AKID differ: random keys).
    const v = (dir: 'kt' | 'ours') =>
      extensionText((dir === 'kt' ? kt17 : judge)(['-list', '-v', '-keystore', 'a.p12', ...SP, '-alias', 'leaf']).stdout.split('Certificate[2]:')[0]);
    expect(v('ours')).toEqual(v('kt'));
  });

  test('validity and start date as keytool computes them', () => {
    const dates = (l: string) => [...l.matchAll(/^Valid from: (.*) until: (.*)$/gm)].map((m) => [m[1], m[2]]);
    const a = dates(kt17(['-list', '-v', '-keystore', 'a.p12', ...SP, '-alias', 'ec384']).stdout);
    const b = dates(judge(['-list', '-v', '-keystore', 'a.p12', ...SP, '-alias', 'ec384']).stdout);
    expect(b).toEqual(a); // absolute -startdate: same to the second
    expect(b[0][0]).toMatch(/Jan 01 00:00:00 UTC 2030/);
    const until = (d: 'kt' | 'ours') => new Date(dates((d === 'kt' ? kt17 : judge)(['-list', '-v', '-keystore', 'a.p12', ...SP, '-alias', 'rsa3k']).stdout)[0][1]).getTime();
    expect(Math.abs(until('ours') - until('kt'))).toBeLessThan(120000);
  });

  test('ktool reads keytool\'s store (keys open, chains intact)', () => {
    fs.copyFileSync(path.join(KT, 'a.p12'), path.join(OURS, 'from-keytool.p12'));
    const r = our(['list', 'from-keytool.p12', '--storepass', 'changeit', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { entries: { alias: string; type: string; certificates: unknown[] }[] };
    expect(j.entries.find((e) => e.alias === 'leaf2')?.certificates.length).toBe(3);
    // A CSR from keytool's key entry, made by ktool, verifies.
    const csr = our(['-certreq', '-keystore', 'from-keytool.p12', ...SP, '-alias', 'ed448']);
    expect(csr.status).toBe(0);
    expect(openssl(['req', '-verify', '-noout'], { input: csr.stdout }).status).toBe(0);
  });
});

describe('keytool -certreq / -printcertreq / -gencert', () => {
  const ALIASES = ['rsa', 'ec', 'ec384', 'ed', 'ed448', 'dsa'];
  beforeAll(() => {
    for (const [run, dir] of [[kt17, KT], [our, OURS]] as const) {
      void dir;
      for (const a of ALIASES) run(['-certreq', '-keystore', 'a.p12', ...SP, '-alias', a, '-file', `${a}.csr`, '-ext', 'san=dns:a.example,ip:10.0.0.1', '-ext', 'ku=dS,kE', '-ext', 'eku=sA']);
      run(['-certreq', '-keystore', 'a.p12', ...SP, '-alias', 'rsa', '-file', 'dn.csr', '-dname', 'CN=override, O=Acme', '-sigalg', 'SHA512withRSA']);
    }
  });

  test('keytool reads ktool\'s requests exactly as its own (every key type); openssl req -verify accepts them', () => {
    for (const a of ALIASES) {
      const mine = judge(['-printcertreq', '-file', `${a}.csr`]);
      const theirs = kt17(['-printcertreq', '-file', `${a}.csr`]);
      expect(mine.status).toBe(0);
      // Same text except the SKID bytes (random keys).
      // Hex dump lines (key identifiers) differ: random keys.
      const strip = (s: string) => s.replace(/^[0-9A-F]{4}: .*$/gm, 'HEX');
      expect(strip(mine.stdout)).toBe(strip(theirs.stdout));
      expect(openssl(['req', '-verify', '-noout', '-in', path.join(OURS, `${a}.csr`)]).stderr + openssl(['req', '-verify', '-noout', '-in', path.join(OURS, `${a}.csr`)]).stdout).toMatch(/verify OK/);
      // ktool prints keytool's requests byte for byte as keytool does.
      expect(our(['-printcertreq', '-file', path.join(KT, `${a}.csr`)]).stdout).toBe(theirs.stdout);
    }
    const dn = judge(['-printcertreq', '-file', 'dn.csr']).stdout;
    expect(dn).toMatch(/^Subject: CN=override, O=Acme$/m);
    expect(dn).toMatch(/^Signature algorithm: SHA512withRSA$/m);
    expect(fs.readFileSync(path.join(OURS, 'dn.csr'), 'latin1')).toMatch(/^-----BEGIN NEW CERTIFICATE REQUEST-----\n/);
    // keytool 25 reads them too.
    expect(keytool(JDK25_HOME(), ['-printcertreq', '-file', 'ed448.csr'], { cwd: OURS }).stdout).toMatch(/Ed448/);
  });

  test('-gencert: ktool signs keytool\'s request and keytool signs ktool\'s, same extensions; chain output; errors', () => {
    const args = (csrDir: string, out: string) => ['-gencert', '-keystore', 'a.p12', ...SP, '-alias', 'ec', '-infile', path.join(csrDir, 'rsa.csr'), '-outfile', out, '-rfc', '-ext', 'honored=all', '-ext', 'bc=ca:false', '-validity', '365'];
    expect(kt17(args(OURS, 'k.pem')).status).toBe(0);
    expect(our(args(KT, 'o.pem')).status).toBe(0);
    const a = kt17(['-printcert', '-file', 'k.pem']).stdout;
    const b = judge(['-printcert', '-file', 'o.pem']).stdout;
    expect(certsIn(b).map((c) => ({ ...c, owner: c.owner }))).toEqual(certsIn(a));
    expect(extensionText(b)).toBe(extensionText(a));
    expect(fs.readFileSync(path.join(OURS, 'o.pem'), 'latin1')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    // A leaf issued by a non-root entry comes with the issuer's chain minus the root, in DER without -rfc.
    for (const run of [kt17, our]) run(['-gencert', '-keystore', 'a.p12', ...SP, '-alias', 'leaf', '-infile', 'ed.csr', '-outfile', 'chain.der']);
    const chainA = kt17(['-printcert', '-file', 'chain.der']).stdout;
    const chainB = judge(['-printcert', '-file', 'chain.der']).stdout;
    expect(certsIn(chainB)).toEqual(certsIn(chainA));
    expect(certsIn(chainB).length).toBe(2);
    // openssl verifies what ktool issued with its CA entry (CA:true, keyCertSign) against that root.
    our(['-exportcert', '-keystore', 'a.p12', ...SP, '-alias', 'ec', '-rfc', '-file', 'root.pem']);
    our(['-gencert', '-keystore', 'a.p12', ...SP, '-alias', 'ec', '-infile', 'dsa.csr', '-outfile', 'issued.pem', '-rfc', '-ext', 'honored=all']);
    expect(openssl(['verify', '-CAfile', 'root.pem', 'issued.pem'], { cwd: OURS }).stdout).toMatch(/issued.pem: OK/);
    // Errors: unknown alias, a request that is not one.
    const errArgs = ['-gencert', '-keystore', 'a.p12', ...SP, '-alias', 'nope', '-infile', 'rsa.csr'];
    expect(our(errArgs).stdout).toBe(kt17(errArgs).stdout);
    const cr = ['-certreq', '-keystore', 'a.p12', ...SP, '-alias', 'nope'];
    const crOurs = our(cr);
    expect(crOurs.stdout).toBe(kt17(cr).stdout);
    expect(crOurs.status).toBe(1);
  });
});

describe('keytool -gencert with an RSA and an Ed25519 issuer', () => {
  // The same key entries (made in the first describe) sign the other tool's request; the EC issuer is above.
  test.each([
    { issuer: 'rsa', sig: 'SHA256withRSA', csr: 'ec.csr' },
    { issuer: 'ed', sig: 'Ed25519', csr: 'rsa.csr' },
  ])('$issuer issuer: same certificate content as keytool 17; the signature verifies with the issuer key', ({ issuer, sig, csr }) => {
    const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
    const args = (csrDir: string, out: string) => ['-gencert', '-keystore', 'a.p12', ...SP, '-alias', issuer, '-infile', path.join(csrDir, csr), '-outfile', out, '-rfc', '-ext', 'honored=all', '-ext', 'bc=ca:false', '-validity', '365'];
    const k = kt17(args(OURS, `${issuer}-k.pem`));
    const o = our(args(KT, `${issuer}-o.pem`));
    expect(o.status).toBe(k.status);
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(k.stdout);
    expect(o.stderr).toBe(k.stderr);
    const a = kt17(['-printcert', '-file', `${issuer}-k.pem`]).stdout;
    const b = judge(['-printcert', '-file', `${issuer}-o.pem`]).stdout;
    expect(certsIn(b)).toEqual(certsIn(a));
    expect(certsIn(b)).toHaveLength(1);
    expect(certsIn(b)[0].sig).toBe(sig);
    expect(certsIn(b)[0].issuer).toBe(issuer === 'rsa' ? 'CN=rsa, OU=Dev, O=Acme, C=DE' : 'CN=ed');
    expect(extensionText(b)).toBe(extensionText(a));
    const issuerPem = our(['-exportcert', '-keystore', 'a.p12', ...SP, '-alias', issuer, '-rfc']).stdout;
    const issued = new X509Certificate(fs.readFileSync(path.join(OURS, `${issuer}-o.pem`)));
    expect(issued.verify(new X509Certificate(issuerPem).publicKey)).toBe(true);
  });
});

describe('keytool -importcert of a CA reply onto a key entry, against keytool 17', () => {
  // keytool 17 makes the CA, the key entries and the replies once; each case runs both tools on copies of
  // the same store and compares exit codes, stdout and stderr, then the resulting chains as keytool 17
  // lists them (length and SHA-256 fingerprints).
  const src = path.join(root, 'reply-src');
  const S = (f: string) => path.join(src, f);
  // A java.home whose cacerts holds the test root, for -trustcacerts: the JDK 17 home linked entry by
  // entry except lib/security/cacerts. keytool reads it with -J-Djava.home, ktool through JAVA_HOME.
  const fakeHome = path.join(root, 'fake-jdk17');
  const make = (args: string[], input?: string) => {
    const r = keytool(JDK17_HOME(), args, { cwd: src, input });
    if (r.status !== 0) throw new Error(`keytool ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r;
  };

  beforeAll(() => {
    fs.mkdirSync(src);
    make(['-genkeypair', '-keystore', 'ca.p12', ...SP, '-alias', 'root', '-keyalg', 'EC', '-dname', 'CN=Reply Root, O=Acme', '-ext', 'bc:c=ca:true', '-validity', '365']);
    make(['-genkeypair', '-keystore', 'ca.p12', ...SP, '-alias', 'int', '-keyalg', 'EC', '-dname', 'CN=Reply Intermediate, O=Acme', '-signer', 'root', '-ext', 'bc:c=ca:true,pathlen:0']);
    make(['-exportcert', '-keystore', 'ca.p12', ...SP, '-alias', 'root', '-rfc', '-file', 'root.pem']);
    make(['-genkeypair', '-keystore', 'srv.p12', ...SP, '-alias', 'srv', '-keyalg', 'RSA', '-dname', 'CN=srv.example.com']);
    make(['-genkeypair', '-keystore', 'other.p12', ...SP, '-alias', 'other', '-keyalg', 'RSA', '-dname', 'CN=other.example.com']);
    make(['-certreq', '-keystore', 'srv.p12', ...SP, '-alias', 'srv', '-file', 'srv.csr']);
    make(['-certreq', '-keystore', 'other.p12', ...SP, '-alias', 'other', '-file', 'other.csr']);
    make(['-gencert', '-keystore', 'ca.p12', ...SP, '-alias', 'root', '-infile', 'srv.csr', '-outfile', 'by-root.pem', '-rfc']);
    make(['-gencert', '-keystore', 'ca.p12', ...SP, '-alias', 'int', '-infile', 'srv.csr', '-outfile', 'by-int.pem', '-rfc']);
    make(['-gencert', '-keystore', 'ca.p12', ...SP, '-alias', 'root', '-infile', 'other.csr', '-outfile', 'other.pem', '-rfc']);
    // A CA whose root has a 1024-bit RSA key (which keytool warns about), its intermediate, and a reply
    // from the intermediate: the store that trusts the root completes the chain with it.
    make(['-genkeypair', '-keystore', 'ca.p12', ...SP, '-alias', 'weakroot', '-keyalg', 'RSA', '-keysize', '1024', '-dname', 'CN=Weak Root, O=Acme', '-ext', 'bc:c=ca:true', '-validity', '365']);
    make(['-genkeypair', '-keystore', 'ca.p12', ...SP, '-alias', 'weakint', '-keyalg', 'RSA', '-dname', 'CN=Weak Intermediate, O=Acme', '-signer', 'weakroot', '-ext', 'bc:c=ca:true,pathlen:0']);
    make(['-exportcert', '-keystore', 'ca.p12', ...SP, '-alias', 'weakroot', '-rfc', '-file', 'weakroot.pem']);
    make(['-gencert', '-keystore', 'ca.p12', ...SP, '-alias', 'weakint', '-infile', 'srv.csr', '-outfile', 'by-weakint.pem', '-rfc']);
    fs.copyFileSync(S('srv.p12'), S('srv-trusts-weakroot.p12'));
    make(['-importcert', '-keystore', 'srv-trusts-weakroot.p12', ...SP, '-alias', 'weakroot', '-file', 'weakroot.pem', '-noprompt']);
    // Replies signed with SHA1withECDSA, which keytool warns about ("considered a security risk").
    make(['-gencert', '-keystore', 'ca.p12', ...SP, '-alias', 'root', '-infile', 'srv.csr', '-outfile', 'weak-by-root.pem', '-rfc', '-sigalg', 'SHA1withECDSA']);
    const rootPem = fs.readFileSync(S('root.pem'), 'latin1');
    fs.writeFileSync(S('weak-with-root.pem'), fs.readFileSync(S('weak-by-root.pem'), 'latin1') + rootPem);
    fs.writeFileSync(S('with-root.pem'), fs.readFileSync(S('by-root.pem'), 'latin1') + rootPem);
    fs.writeFileSync(S('other-chain.pem'), fs.readFileSync(S('other.pem'), 'latin1') + rootPem);
    fs.copyFileSync(S('srv.p12'), S('srv-trusts-root.p12'));
    make(['-importcert', '-keystore', 'srv-trusts-root.p12', ...SP, '-alias', 'root', '-file', 'root.pem', '-noprompt']);
    make(['-importkeystore', '-srckeystore', 'srv.p12', '-srcstorepass', 'changeit', '-destkeystore', 'srv.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit']);
    const home = JDK17_HOME();
    fs.mkdirSync(path.join(fakeHome, 'lib', 'security'), { recursive: true });
    for (const [from, to, skip] of [[home, fakeHome, 'lib'], [path.join(home, 'lib'), path.join(fakeHome, 'lib'), 'security'], [path.join(home, 'lib', 'security'), path.join(fakeHome, 'lib', 'security'), 'cacerts']]) {
      for (const e of fs.readdirSync(from)) if (e !== skip) fs.symlinkSync(path.join(from, e), path.join(to, e));
    }
    // JKS, as the JDK 17 cacerts: keytool reads its certificates without a password.
    make(['-importcert', '-keystore', path.join(fakeHome, 'lib', 'security', 'cacerts'), '-storetype', 'JKS', ...SP, '-alias', 'replyroot', '-file', 'root.pem', '-noprompt']);
  });

  const INSTALLED = /(^|\[no\]: {2})Certificate reply was installed in keystore$/m;
  const NOT_INSTALLED = /^\.\.\. is not trusted\. Install reply anyway\? \[no\]: {2}Certificate reply was not installed in keystore$/m;
  // (keytool prints the weak-algorithm warnings found so far between the two.)
  const ASKED = /^\.\.\. is not trusted\. (\nWarning:\n(.+\n)+\n)?Install reply anyway\? \[no\]: {2}/m;
  interface ReplyCase {
    name: string;
    store: string;
    reply: string;
    args?: string[];
    input?: string;
    /** cacerts = the fake java.home's (holding the root). */
    cacerts?: boolean;
    status: number;
    grep: RegExp;
    chain: number;
    asked?: boolean;
  }
  const CASES: ReplyCase[] = [
    { name: 'one certificate, its issuer trusted in the store', store: 'srv-trusts-root.p12', reply: 'by-root.pem', status: 0, grep: INSTALLED, chain: 2 },
    { name: 'leaf + intermediate: the store\'s root is appended', store: 'srv-trusts-root.p12', reply: 'by-int.pem', status: 0, grep: INSTALLED, chain: 3 },
    { name: 'chain whose top is in the store: no question', store: 'srv-trusts-root.p12', reply: 'with-root.pem', status: 0, grep: INSTALLED, chain: 2 },
    { name: 'one certificate for another key', store: 'srv-trusts-root.p12', reply: 'other.pem', status: 1, grep: /^keytool error: java\.lang\.Exception: Public keys in reply and keystore don't match$/m, chain: 1 },
    { name: 'a chain without the entry\'s key', store: 'srv-trusts-root.p12', reply: 'other-chain.pem', status: 1, grep: /^keytool error: java\.lang\.Exception: Certificate reply does not contain public key for <srv>$/m, chain: 1 },
    { name: 'one certificate whose issuer the store lacks', store: 'srv.p12', reply: 'by-root.pem', status: 1, grep: /^keytool error: java\.lang\.Exception: Failed to establish chain from reply$/m, chain: 1 },
    { name: '... -noprompt does not change that', store: 'srv.p12', reply: 'by-root.pem', args: ['-noprompt'], status: 1, grep: /Failed to establish chain from reply/, chain: 1 },
    { name: '-trustcacerts: the issuer in cacerts', store: 'srv.p12', reply: 'by-root.pem', args: ['-trustcacerts'], cacerts: true, status: 0, grep: INSTALLED, chain: 2 },
    { name: '-trustcacerts: a chain whose top is in cacerts, no question', store: 'srv.p12', reply: 'with-root.pem', args: ['-trustcacerts'], cacerts: true, status: 0, grep: INSTALLED, chain: 2 },
    { name: '-trustcacerts with the JDK\'s own cacerts: still asked', store: 'srv.p12', reply: 'with-root.pem', args: ['-trustcacerts'], input: 'no\n', status: 0, grep: NOT_INSTALLED, chain: 1, asked: true },
    { name: 'untrusted top answered no', store: 'srv.p12', reply: 'with-root.pem', input: 'no\n', status: 0, grep: NOT_INSTALLED, chain: 1, asked: true },
    { name: 'untrusted top, no answer (end of input) is no', store: 'srv.p12', reply: 'with-root.pem', status: 0, grep: NOT_INSTALLED, chain: 1, asked: true },
    { name: 'untrusted top answered yes', store: 'srv.p12', reply: 'with-root.pem', input: 'yes\n', status: 0, grep: INSTALLED, chain: 2, asked: true },
    { name: 'untrusted top answered Y', store: 'srv.p12', reply: 'with-root.pem', input: 'Y\n', status: 0, grep: INSTALLED, chain: 2, asked: true },
    { name: 'untrusted top with -noprompt: installed, nothing asked', store: 'srv.p12', reply: 'with-root.pem', args: ['-noprompt'], status: 0, grep: INSTALLED, chain: 2 },
    { name: 'JKS, answered no: keytool\'s migration advice still follows', store: 'srv.jks', reply: 'with-root.pem', input: 'n\n', status: 0, grep: /not installed in keystore\n\nWarning:\nThe JKS keystore uses a proprietary format/, chain: 1, asked: true },
    // Weak algorithms: the same warnings, in the same place, as keytool's.
    { name: 'SHA1 reply, one certificate, issuer trusted in the store', store: 'srv-trusts-root.p12', reply: 'weak-by-root.pem', status: 0, grep: /installed in keystore\n\nWarning:\nThe input uses the SHA1withECDSA signature algorithm which is considered a security risk/, chain: 2 },
    { name: 'SHA1 reply chain, -noprompt', store: 'srv.p12', reply: 'weak-with-root.pem', args: ['-noprompt'], status: 0, grep: /installed in keystore\n\nWarning:\nReply #1 of 2 uses the SHA1withECDSA signature algorithm/, chain: 2 },
    { name: 'SHA1 reply chain, untrusted top: the warning comes before the question', store: 'srv.p12', reply: 'weak-with-root.pem', input: 'yes\n', status: 0, grep: /is not trusted\. \nWarning:\nReply #1 of 2 uses the SHA1withECDSA[^\n]*\n\nInstall reply anyway\? \[no\]: {2}Certificate reply was installed in keystore$/m, chain: 2, asked: true },
    { name: 'reply chain completed with the store\'s root, whose key is weak', store: 'srv-trusts-weakroot.p12', reply: 'by-weakint.pem', status: 0, grep: /installed in keystore\n\nWarning:\nIssuer <weakroot> uses a 1024-bit RSA key which is considered a security risk/, chain: 3 },
    { name: 'SHA1 reply chain into a JKS: one warning block with the migration advice', store: 'srv.jks', reply: 'weak-with-root.pem', args: ['-noprompt'], status: 0, grep: /\nWarning:\nReply #1 of 2 uses the SHA1withECDSA[^\n]*\nThe JKS keystore uses a proprietary format/, chain: 2 },
  ];

  /** srv's chain as keytool 17 lists it: its length and the SHA-256 fingerprints in order. */
  const chainOf = (dir: string, file: string) => {
    const l = keytool(JDK17_HOME(), ['-list', '-v', '-keystore', file, ...SP, '-alias', 'srv'], { cwd: dir }).stdout;
    return { length: Number(/^Certificate chain length: (\d+)$/m.exec(l)?.[1]), fingerprints: [...l.matchAll(/SHA256: ([0-9A-F:]{95})/g)].map((m) => m[1]) };
  };

  test.each(CASES.map((c, i) => ({ ...c, i })))('$name', (c) => {
    const file = `reply-${c.i}${path.extname(c.store)}`;
    for (const d of [KT, OURS]) fs.copyFileSync(S(c.store), path.join(d, file));
    const args = ['-importcert', '-keystore', file, ...SP, '-alias', 'srv', '-file', S(c.reply), ...(c.args ?? [])];
    const theirs = keytool(JDK17_HOME(), [...args, ...(c.cacerts ? [`-J-Djava.home=${fakeHome}`] : [])], { cwd: KT, input: c.input });
    const ours = ktool(args, { cwd: OURS, input: c.input, env: c.cacerts ? { JAVA_HOME: fakeHome } : {} });
    expect(theirs.status).toBe(c.status);
    expect(ours.status).toBe(theirs.status);
    expect(theirs.stdout + theirs.stderr).toMatch(c.grep);
    expect(ours.stdout + ours.stderr).toMatch(c.grep);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.stdout).toBe(theirs.stdout);
    // The question: the top certificate printed on stdout as keytool prints it, the question on stderr.
    expect(ASKED.test(ours.stderr)).toBe(!!c.asked);
    if (c.asked) expect(ours.stdout).toMatch(/^Owner: CN=Reply Root, O=Acme\nIssuer: CN=Reply Root, O=Acme\n/);
    else if (c.status === 0) expect(ours.stdout).toBe('');
    const a = chainOf(KT, file);
    const b = chainOf(OURS, file);
    expect(b).toEqual(a);
    expect(b.length).toBe(c.chain);
    // Nothing installed: the store file is untouched.
    if (c.chain === 1) expect(fs.readFileSync(path.join(OURS, file))).toEqual(fs.readFileSync(S(c.store)));
  });

  // A SHA1-signed certificate imported as a trusted entry: with -noprompt, through a chain to the
  // store's root (no question), and shown and asked about (its issuer unknown): warned about like keytool.
  test.each([
    ['-noprompt', 'srv.p12', ['-noprompt'], undefined],
    ['chains to the store\'s root', 'srv-trusts-root.p12', [], undefined],
    ['unknown issuer, answered yes', 'srv.p12', [], 'yes\n'],
    ['unknown issuer, answered no', 'srv.p12', [], 'no\n'],
  ] as const)('SHA1 certificate as a trusted entry, %s', (_name, store, extra, input) => {
    const file = `trusted-${_name.replace(/\W+/g, '-')}${path.extname(store)}`;
    for (const d of [KT, OURS]) fs.copyFileSync(S(store), path.join(d, file));
    const args = ['-importcert', '-keystore', file, ...SP, '-alias', 'weak', '-file', S('weak-by-root.pem'), ...extra];
    const theirs = keytool(JDK17_HOME(), args, { cwd: KT, input });
    const ours = ktool(args, { cwd: OURS, input });
    expect(theirs.stderr).toMatch(/The input uses the SHA1withECDSA signature algorithm/);
    expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ status: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr });
  });
});

test('weak algorithms in the commands that make, read or copy certificates: keytool\'s warnings, word for word', () => {
  // A 1024-bit RSA key, a SHA1withRSA request and a SHA1withRSA certificate from it, then that
  // certificate exported, imported as a trusted entry and the store copied: each tool in its own folder.
  const steps: Step[] = [
    ['-genkeypair', '-keystore', 'weak.p12', ...SP, '-alias', 'k', '-keyalg', 'RSA', '-keysize', '1024', '-dname', 'CN=weak'],
    ['-certreq', '-keystore', 'weak.p12', ...SP, '-alias', 'k', '-file', 'weak.csr', '-sigalg', 'SHA1withRSA'],
    ['-printcertreq', '-file', 'weak.csr'],
    ['-gencert', '-keystore', 'weak.p12', ...SP, '-alias', 'k', '-infile', 'weak.csr', '-outfile', 'weak.crt', '-sigalg', 'SHA1withRSA'],
    ['-exportcert', '-keystore', 'weak.p12', ...SP, '-alias', 'k', '-file', 'weak-k.crt'],
    ['-importcert', '-keystore', 'weak.p12', ...SP, '-alias', 'weakca', '-file', 'weak.crt', '-noprompt'],
    // A trusted entry now: its signature is no longer checked, its key still is.
    ['-exportcert', '-keystore', 'weak.p12', ...SP, '-alias', 'weakca', '-file', 'weakca.crt'],
    typed(['-importcert', '-keystore', 'weak.p12', ...SP, '-alias', 'again', '-file', 'weak.crt'], 'no\n'),
    // keytool 17 checks an imported trusted certificate's signature too.
    ['-importkeystore', '-srckeystore', 'weak.p12', '-srcstorepass', 'changeit', '-destkeystore', 'weak-copy.p12', '-deststorepass', 'changeit'],
  ];
  for (const step of steps) {
    const theirs = kt17(step, step.input);
    const ours = our(step, step.input);
    expect(theirs.stderr).toMatch(/\nWarning:\n.* uses (a 1024-bit RSA key|the SHA1withRSA signature algorithm) which is considered a security risk/);
    expect({ step: step[0], status: ours.status, stderr: ours.stderr }).toEqual({ step: step[0], status: theirs.status, stderr: theirs.stderr });
  }
});

describe('keytool -gencrl', () => {
  // The same key for both (keytool's a.p12; -gencrl does not change the store), a fixed start date and
  // RSA, whose signatures are deterministic: the CRLs must be the same bytes.
  const gencrl = (prefix: string, file: string, extra: string[]) => ['-gencrl', '-keystore', 'a.p12', ...SP, '-alias', 'rsa', '-startdate', '2026/01/01 00:00:00', '-file', `${prefix}-${file}`, ...extra];
  test.each([
    ['reasons, DER', 'reasons.crl', ['-id', '1234:1', '-id', '99', '-id', '65535:4']],
    ['one serial, PEM, 30 days', 'one.pem', ['-id', '7', '-rfc', '-validity', '30']],
    ['SHA1withRSA: warned about', 'sha1.crl', ['-id', '5', '-sigalg', 'SHA1withRSA']],
    // keytool's "Must provide -id" check never fires: it writes a CRL that revokes nothing.
    ['no -id', 'empty.crl', []],
  ])('%s: the bytes keytool 17 writes', (_name, file, extra) => {
    const theirs = kt17(gencrl('kt', file, extra));
    const ours = our(gencrl('ours', file, extra), undefined, KT);
    expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ status: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr });
    expect(theirs.status).toBe(0);
    expect(fs.readFileSync(path.join(KT, `ours-${file}`))).toEqual(fs.readFileSync(path.join(KT, `kt-${file}`)));
  });

  test('-printcrl of a SHA1withRSA CRL: the "(weak)" marks and the warning, with and without the signer', () => {
    kt17(gencrl('kt', 'weak.crl', ['-id', '5', '-sigalg', 'SHA1withRSA']));
    for (const extra of [[], ['-keystore', 'a.p12', ...SP]]) {
      const args = ['-printcrl', '-file', 'kt-weak.crl', ...extra];
      const theirs = kt17(args);
      expect(theirs.stdout + theirs.stderr).toMatch(/SHA1withRSA \(weak\)[^]*The CRL uses the SHA1withRSA signature algorithm/);
      const ours = our(args, undefined, KT);
      expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ status: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr });
    }
  });
});

describe('keytool -printcrl', () => {
  test('keytool\'s CRLs (PEM, DER, with reasons) print identically; -keystore verifies the signature', () => {
    kt17(['-gencrl', '-keystore', 'a.p12', ...SP, '-alias', 'rsa', '-id', '1234:1', '-id', '99', '-id', '65535:4', '-file', 'r.crl', '-rfc']);
    kt17(['-gencrl', '-keystore', 'a.p12', ...SP, '-alias', 'ec', '-id', '7', '-file', 'e.crl']);
    for (const f of ['r.crl', 'e.crl']) {
      const theirs = kt17(['-printcrl', '-file', f]);
      const mine = our(['-printcrl', '-file', path.join(KT, f)]);
      expect(mine.status).toBe(theirs.status);
      expect(mine.stdout).toBe(theirs.stdout);
      const v = ['-printcrl', '-file', f, '-keystore', 'a.p12', ...SP];
      const verified = kt17(v).stdout;
      expect(verified).toMatch(/^Verified by /m);
      expect(our(v, undefined, KT).stdout).toBe(verified);
      expect(our(['-printcrl', '-rfc', '-file', path.join(KT, f)]).stdout).toBe(kt17(['-printcrl', '-rfc', '-file', f]).stdout);
    }
  });

  test('ktool CA CRLs (CRL number, AKID) print as keytool prints them', () => {
    const ca = path.join(OURS, 'ca');
    expect(our(['ca', 'init', ca, '--cn', 'Root', '--keyalg', 'EC', '--json']).status).toBe(0);
    expect(our(['crl', 'create', ca, '--json']).status).toBe(0);
    const crl = path.join(ca, 'crl.pem');
    expect(our(['-printcrl', '-file', crl]).stdout).toBe(keytool(JDK17_HOME(), ['-printcrl', '-file', crl]).stdout);
  });
});

describe('keytool -genseckey / -importpass (PKCS12 and JCEKS)', () => {
  const steps: [string[], string?][] = [
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'aes', '-keyalg', 'AES', '-keysize', '256']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'des', '-keyalg', 'DES']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'des3', '-keyalg', 'DESede']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'hmac', '-keyalg', 'HmacSHA256', '-keysize', '256']],
    [['-importpass', '-keystore', 's.p12', ...SP, '-alias', 'pw'], 'secretpw\n'],
    [['-importpass', '-keystore', 's.p12', ...SP, '-alias', 'pw2', '-keyalg', 'PBEWithHmacSHA256AndAES_128'], 'secretpw\n'],
    // PKCS12: a different -keypass is ignored, with keytool's warning.
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'kp', '-keyalg', 'AES', '-keysize', '128', '-keypass', 'other123']],
    [['-genseckey', '-keystore', 's.jceks', '-storetype', 'JCEKS', ...SP, '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128'], 'keypass1\nkeypass1\n'],
    [['-importpass', '-keystore', 's.jceks', '-storetype', 'JCEKS', ...SP, '-alias', 'pw'], 'secretpw\n\n'],
    // errors
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'x']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'x', '-keyalg', 'AES']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'x', '-keyalg', 'AES', '-keysize', '100']],
    [['-genseckey', '-keystore', 's.p12', ...SP, '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128']],
    [['-importpass', '-keystore', 's.p12', ...SP, '-alias', 'pw'], 'x\n'],
    [['-genseckey', '-keystore', 'j.jks', '-storetype', 'JKS', ...SP, '-alias', 'x', '-keyalg', 'AES', '-keysize', '128', '-keypass', 'changeit']],
  ];
  let real: ReturnType<typeof kt17>[];
  let ours: ReturnType<typeof our>[];
  beforeAll(() => {
    real = steps.map(([s, input]) => kt17(s, input));
    ours = steps.map(([s, input]) => our(s, input));
  });

  test('same exit codes, messages and errors', () => {
    expect(ours.map((r) => r.status)).toEqual(real.map((r) => r.status));
    expect(ours.map((r) => r.stdout)).toEqual(real.map((r) => r.stdout));
    expect(ours.map((r) => r.stderr)).toEqual(real.map((r) => r.stderr));
  });

  test('keytool lists and opens ktool\'s secret keys; ktool opens keytool\'s with the same values', () => {
    for (const f of ['s.p12', 's.jceks']) {
      expect(judge(['-list', '-keystore', f, ...SP]).stdout.replace(/, [A-Z][a-z]{2} \d+, \d{4},/g, ',')).toBe(kt17(['-list', '-keystore', f, ...SP]).stdout.replace(/, [A-Z][a-z]{2} \d+, \d{4},/g, ','));
    }
    // keytool must decrypt every key to copy it into another store.
    const imp = judge(['-importkeystore', '-srckeystore', 's.p12', ...SP.map((x) => (x === '-storepass' ? '-srcstorepass' : x)), '-destkeystore', 'copy.p12', '-deststorepass', 'changeit']);
    expect(imp.stderr).toMatch(/7 entries successfully imported, 0 entries failed/);
    const imp2 = judge(['-importkeystore', '-srckeystore', 's.jceks', '-srcstorepass', 'changeit', '-srcalias', 'aes', '-srckeypass', 'keypass1', '-destkeystore', 'copy.p12', '-deststorepass', 'changeit', '-destalias', 'aes-j']);
    expect(imp2.status).toBe(0);
    // Same passwords stored: the PBE keys are equal bytes in both tools' stores.
    const { loadStoreFile } = require('../../src/cli/store-file') as typeof import('../../src/cli/store-file');
    const { openSecretKey } = require('../../src/ops/keys') as typeof import('../../src/ops/keys');
    const key = (dir: string, f: string, alias: string, pw = 'changeit') => {
      const e = loadStoreFile(path.join(dir, f), 'changeit').store.entries.find((x) => x.alias === alias)!;
      return openSecretKey(e as never, pw);
    };
    expect(key(OURS, 's.p12', 'pw')).toEqual(key(KT, 's.p12', 'pw'));
    expect(key(OURS, 's.jceks', 'pw').algorithm).toBe(key(KT, 's.jceks', 'pw').algorithm);
    expect(key(OURS, 's.jceks', 'aes', 'keypass1').key.length).toBe(16);
    expect(key(OURS, 's.p12', 'des3').key.length).toBe(24);
  });
});

describe('prompts: interactive -dname and the JKS key password', () => {
  test('same questions and answers as keytool 17', () => {
    const input = 'John Doe\n\nAcme\n\n\nDE\nno\n\n.\n\n\n\n\nyes\n';
    const args = ['-genkeypair', '-keystore', 'i.p12', ...SP, '-alias', 'x', '-keyalg', 'EC'];
    const a = kt17(args, input);
    const b = our(args, input);
    expect(b.status).toBe(a.status);
    expect(b.stderr).toBe(a.stderr);
    expect(summarize(judge(['-list', '-v', '-keystore', 'i.p12', ...SP]).stdout)).toEqual(summarize(kt17(['-list', '-v', '-keystore', 'i.p12', ...SP]).stdout));
    // JKS: RETURN keeps the store password; an answer is asked twice.
    for (const [alias, answer] of [['k1', '\n'], ['k2', 'keypass2\nkeypass2\n']]) {
      const j = ['-genkeypair', '-keystore', 'j.jks', '-storetype', 'JKS', ...SP, '-alias', alias, '-keyalg', 'EC', '-dname', 'CN=j'];
      const x = kt17(j, answer);
      const y = our(j, answer);
      expect(y.stderr).toBe(x.stderr);
      expect(y.status).toBe(x.status);
    }
    // keytool opens ktool's JKS keys with the passwords given.
    expect(judge(['-certreq', '-keystore', 'j.jks', ...SP, '-alias', 'k1']).status).toBe(0);
    expect(judge(['-certreq', '-keystore', 'j.jks', ...SP, '-alias', 'k2', '-keypass', 'keypass2']).status).toBe(0);
  });
});

describe('modern verbs: genkeypair, certreq, gencert, genseckey, printcert, printcertreq', () => {
  const dir = path.join(root, 'modern');
  fs.mkdirSync(dir);
  const m = (args: string[], input?: string) => ktool(args, { cwd: dir, input });

  test('a CA and a server certificate without keytool syntax; keytool and openssl agree', () => {
    const pw = ['--storepass', 'changeit'];
    expect(m(['genkeypair', 'ca.p12', ...pw, '--alias', 'ca', '--dname', 'CN=Modern CA', '--keyalg', 'EC', '--groupname', 'secp384r1', '--ext', 'bc:c=ca:true', '--ext', 'ku:c=kCS,cRLS', '--validity', '3650']).status).toBe(0);
    const g = m(['genkeypair', 'srv.jks', ...pw, '--alias', 'srv', '--dname', 'CN=db.example.com', '--keypass', 'keypass1', '--json']);
    expect(g.status).toBe(0);
    const gj = JSON.parse(g.stdout) as { changed: boolean; certificate: { publicKeyAlgorithm: string; publicKeySize: number } };
    expect(gj.changed).toBe(true);
    expect(gj.certificate).toMatchObject({ publicKeyAlgorithm: 'RSA', publicKeySize: 2048 });
    expect(m(['genkeypair', 'srv.jks', ...pw, '--alias', 'srv', '--dname', 'CN=x']).status).toBe(7);
    expect(m(['certreq', 'srv.jks', ...pw, '--keypass', 'keypass1', '--alias', 'srv', '--ext', 'san=dns:db.example.com,ip:10.0.0.5', '--out', 'srv.csr']).status).toBe(0);
    expect(openssl(['req', '-verify', '-noout', '-in', 'srv.csr'], { cwd: dir }).stderr + openssl(['req', '-verify', '-noout', '-in', 'srv.csr'], { cwd: dir }).stdout).toMatch(/verify OK/);
    const rq = JSON.parse(m(['printcertreq', 'srv.csr', '--json']).stdout) as { subject: string; signatureValid: boolean; extensions: { oid: string }[] };
    expect(rq).toMatchObject({ subject: 'CN=db.example.com', signatureValid: true });
    expect(rq.extensions.map((e) => e.oid)).toEqual(['2.5.29.14', '2.5.29.17']);
    expect(m(['printcertreq', 'srv.csr']).stdout).toMatch(/^PKCS #10 Certificate Request \(Version 1\.0\)\nSubject: CN=db.example.com\n/);
    expect(m(['gencert', 'ca.p12', ...pw, '--alias', 'ca', '--csr', 'srv.csr', '--ext', 'honored=all', '--ext', 'eku=serverAuth', '--out', 'srv-chain.pem']).status).toBe(0);
    const pc = JSON.parse(m(['printcert', 'srv-chain.pem', '--json']).stdout) as { certificates: { subject: string; issuer: string; san: string[]; extensions: { oid: string }[] }[] };
    expect(pc.certificates.map((c) => c.subject)).toEqual(['CN=db.example.com', 'CN=Modern CA']);
    expect(pc.certificates[0].san).toEqual(['DNS:db.example.com', 'IP:10.0.0.5']);
    expect(pc.certificates[0].extensions.map((e) => e.oid)).toEqual(['2.5.29.14', '2.5.29.17', '2.5.29.35', '2.5.29.37']);
    // The chain goes back into the key entry with keytool's -importcert (CA reply), and openssl verifies it.
    fs.writeFileSync(path.join(dir, 'ca.pem'), m(['-exportcert', '-keystore', 'ca.p12', '-storepass', 'changeit', '-alias', 'ca', '-rfc']).stdout);
    expect(openssl(['verify', '-CAfile', 'ca.pem', 'srv-chain.pem'], { cwd: dir }).stdout).toMatch(/OK/);
    const rep = keytool(JDK17_HOME(), ['-importcert', '-keystore', 'srv.jks', '-storepass', 'changeit', '-keypass', 'keypass1', '-alias', 'srv', '-file', 'srv-chain.pem', '-noprompt'], { cwd: dir });
    expect(rep.stderr).toMatch(/Certificate reply was installed in keystore/);
    expect(m(['printcert', 'srv-chain.pem']).stdout).toMatch(/^Certificate\[1\]:\nOwner: CN=db.example.com\nIssuer: CN=Modern CA\n/);
  });

  test('genseckey into PKCS12 and JCEKS, keytool reads them', () => {
    expect(m(['genseckey', 'sec.p12', '--storepass', 'changeit', '--alias', 'aes']).stdout).toMatch(/added: aes \(256-bit AES secret key\)/);
    const h = JSON.parse(m(['genseckey', 'sec.jceks', '--storepass', 'changeit', '--alias', 'mac', '--keyalg', 'HmacSHA384', '--json']).stdout) as { algorithm: string; keySize: number };
    expect(h).toMatchObject({ algorithm: 'HmacSHA384', keySize: 384 });
    expect(m(['genseckey', 'sec.jks', '--storepass', 'changeit', '--alias', 'x']).status).not.toBe(0);
    for (const f of ['sec.p12', 'sec.jceks']) expect(keytool(JDK17_HOME(), ['-list', '-keystore', f, '-storepass', 'changeit'], { cwd: dir }).stdout).toMatch(/SecretKeyEntry/);
  });
});

/**
 * ktool verify / expiry / rotate against a PKI made with openssl in the test (root, pathlen:0
 * intermediate, server leaf with SAN, client, no-SAN, revoked, expired, expiring-soon, too-deep leaf,
 * a second root for rotation). verify's verdict is compared with `openssl verify` on the same inputs;
 * rotation results are read back with the real keytool 17. Also: RSA and Ed448 chains made by `ktool ca`,
 * password-protected PKCS#12 inputs and truststores without a password, and stdout closed early (EPIPE).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { JDK17_HOME, keytool, openssl, tempDir } from '../helpers/jdk';
import { verifyCertificate } from '../../src/ops/verify';
import { readCertificates, readPrivateKey } from '../../src/formats/pem';

const dir = tempDir('verify');
const f = (n: string) => path.join(dir, n);
const run = (args: string[]) => ktool(args, { cwd: dir });

const PKI_SCRIPT = String.raw`set -e
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $1.key 2>/dev/null; }
caconf() { # dir
mkdir -p $1; : > $1/index.txt; echo 1000 > $1/serial; echo 1000 > $1/crlnumber
cat > $1/ca.cnf <<C
[ca]
default_ca=d
[d]
dir=$1
database=\$dir/index.txt
serial=\$dir/serial
crlnumber=\$dir/crlnumber
new_certs_dir=\$dir
certificate=\$dir.pem
private_key=\$dir.key
default_md=sha256
default_days=365
default_crl_days=30
policy=p
unique_subject=no
copy_extensions=copy
[p]
commonName=supplied
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
[server]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
[sub]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
C
}
issue() { # ca name subj ext [extra args]
local ca=$1 n=$2 subj=$3 ext=$4; shift 4
key $n; openssl req -new -key $n.key -subj "$subj" -out $n.csr "$@" 2>/dev/null
openssl ca -batch -config $ca/ca.cnf -extensions $ext -in $n.csr -out $n.pem -notext ${'$'}{DATES:-} 2>/dev/null
}
key root; openssl req -x509 -new -key root.key -subj /CN=Root\ CA -days 3650 -out root.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
key root2; openssl req -x509 -new -key root2.key -subj /CN=Root\ CA\ 2 -days 3650 -out root2.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
caconf $PWD/root; caconf $PWD/root2
issue $PWD/root inter /CN=Intermediate inter
caconf $PWD/inter
issue $PWD/inter server /CN=db.example.com server -addext subjectAltName=DNS:db.example.com,DNS:*.apps.example.com,IP:10.0.0.5
issue $PWD/inter client /CN=dbuser1 client
issue $PWD/inter nosan /CN=legacy.example.com server
issue $PWD/inter revoked /CN=revoked.example.com server -addext subjectAltName=DNS:revoked.example.com
DATES="-startdate 20200101000000Z -enddate 20210101000000Z" issue $PWD/inter expired /CN=old.example.com server -addext subjectAltName=DNS:old.example.com
DATES="-startdate 20250101000000Z -enddate $(date -u -d '+10 days' +%Y%m%d%H%M%SZ)" issue $PWD/inter soon /CN=soon.example.com server -addext subjectAltName=DNS:soon.example.com
# a CA under the pathlen:0 intermediate, and a leaf under it: path length exceeded
issue $PWD/inter sub "/CN=Sub CA" sub
caconf $PWD/sub
issue $PWD/sub deep /CN=deep.example.com server -addext subjectAltName=DNS:deep.example.com
# renewal for rotation: new key, signed by root2 through inter2
issue $PWD/root2 inter2 "/CN=Intermediate 2" inter
caconf $PWD/inter2
issue $PWD/inter2 server2 /CN=db.example.com server -addext subjectAltName=DNS:db.example.com
openssl ca -batch -config inter/ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config inter/ca.cnf -gencrl -out inter.crl 2>/dev/null
openssl ca -batch -config root/ca.cnf -gencrl -out root.crl 2>/dev/null
openssl crl -in inter.crl -outform DER -out inter.crl.der
cat inter.pem root.pem > chain.pem
`;

beforeAll(() => {
  const r = spawnSync('bash', ['-c', PKI_SCRIPT], { cwd: dir });
  if (r.status !== 0) throw new Error(`PKI setup failed: ${r.stderr}`);
});

interface Case {
  name: string;
  leaf: string;
  untrusted?: string[];
  crl?: string;
  host?: string;
  purpose?: 'server' | 'client';
  at?: string;
  /** The problem code ktool must report (none: valid). */
  code?: string;
}

const CASES: Case[] = [
  { name: 'valid server chain, unordered extras', leaf: 'server.pem', untrusted: ['chain.pem'], host: 'db.example.com', purpose: 'server' },
  { name: 'wildcard SAN, one label', leaf: 'server.pem', untrusted: ['inter.pem'], host: 'api.apps.example.com' },
  { name: 'wildcard does not span two labels', leaf: 'server.pem', untrusted: ['inter.pem'], host: 'a.b.apps.example.com', code: 'HOSTNAME_MISMATCH' },
  { name: 'IP address against IP SAN', leaf: 'server.pem', untrusted: ['inter.pem'], host: '10.0.0.5' },
  { name: 'IP address not in SANs', leaf: 'server.pem', untrusted: ['inter.pem'], host: '10.0.0.6', code: 'HOSTNAME_MISMATCH' },
  { name: 'CN ignored when SAN present', leaf: 'revoked.pem', untrusted: ['inter.pem'], host: 'other.example.com', code: 'HOSTNAME_MISMATCH' },
  { name: 'CN used without SAN', leaf: 'nosan.pem', untrusted: ['inter.pem'], host: 'legacy.example.com' },
  { name: 'missing intermediate', leaf: 'server.pem', code: 'NO_TRUSTED_ANCHOR' },
  { name: 'server cert for client purpose', leaf: 'server.pem', untrusted: ['inter.pem'], purpose: 'client', code: 'EXTENDED_KEY_USAGE' },
  { name: 'client cert for client purpose', leaf: 'client.pem', untrusted: ['inter.pem'], purpose: 'client' },
  { name: 'client cert for server purpose', leaf: 'client.pem', untrusted: ['inter.pem'], purpose: 'server', code: 'EXTENDED_KEY_USAGE' },
  { name: 'expired', leaf: 'expired.pem', untrusted: ['inter.pem'], code: 'EXPIRED' },
  { name: 'expired cert valid at --at inside its period', leaf: 'expired.pem', untrusted: ['inter.pem'], at: '2020-06-01T00:00:00Z', code: 'NOT_YET_VALID' },
  { name: 'path length exceeded', leaf: 'deep.pem', untrusted: ['sub.pem', 'inter.pem'], code: 'PATH_LENGTH' },
  { name: 'revoked (PEM CRL)', leaf: 'revoked.pem', untrusted: ['inter.pem'], crl: 'inter.crl', code: 'REVOKED' },
  { name: 'not revoked (DER CRL)', leaf: 'server.pem', untrusted: ['inter.pem'], crl: 'inter.crl.der' },
  { name: 'CRL from the wrong issuer', leaf: 'server.pem', untrusted: ['inter.pem'], crl: 'root.crl', code: 'CRL_MISSING' },
];

describe('ktool verify agrees with openssl verify', () => {
  test.each(CASES)('$name', (c) => {
    const args = ['verify', c.leaf, '--trust', 'root.pem', '--json'];
    const oargs = ['verify', '-CAfile', 'root.pem'];
    for (const u of c.untrusted ?? []) {
      args.push('--untrusted', u);
      oargs.push('-untrusted', u);
    }
    if (c.crl) {
      args.push('--crl', c.crl);
      // openssl verify reads PEM CRLs only: give it the PEM form of the same CRL.
      oargs.push('-crl_check', '-CRLfile', c.crl.replace(/\.der$/, ''));
    }
    if (c.host) {
      args.push('--host', c.host);
      oargs.push(/^[\d.]+$/.test(c.host) ? '-verify_ip' : '-verify_hostname', c.host);
    }
    if (c.purpose) {
      args.push('--purpose', c.purpose);
      oargs.push('-purpose', c.purpose === 'server' ? 'sslserver' : 'sslclient');
    }
    if (c.at) {
      args.push('--at', c.at);
      oargs.push('-attime', String(Math.floor(Date.parse(c.at) / 1000)));
    }
    oargs.push(c.leaf);
    const ours = run(args);
    const theirs = openssl(oargs, { cwd: dir });
    const j = JSON.parse(ours.stdout);
    expect(ours.status).toBe(c.code ? 11 : 0);
    expect(theirs.status === 0).toBe(!c.code);
    expect(j.ok).toBe(!c.code);
    if (c.code) expect(j.problems.map((p: { code: string }) => p.code)).toContain(c.code);
  });

  test('text output: one line per problem naming the certificate subject', () => {
    const r = run(['verify', 'revoked.pem', '--untrusted', 'inter.pem', '--trust', 'root.pem', '--crl', 'inter.crl', '--purpose', 'client']);
    expect(r.status).toBe(11);
    expect(r.stdout).toMatch(/^REVOKED: CN=revoked\.example\.com: certificate revoked \(keyCompromise\)/m);
    expect(r.stdout).toMatch(/^EXTENDED_KEY_USAGE: CN=revoked\.example\.com: /m);
    expect(r.stdout).toMatch(/^FAILED: 2 problem\(s\)$/m);
  });

  test('key entry of a store: chain from the entry, anchors from the store, key match', () => {
    expect(run(['import', 'ks.p12', '--storepass', 'changeit', '--key', 'server.key', '--cert', 'server.pem', '--cert', 'chain.pem', '--alias', 'db']).status).toBe(0);
    expect(run(['import', 'ks.p12', '--storepass', 'changeit', '--cert', 'root.pem', '--alias', 'root']).status).toBe(0);
    const r = run(['verify', 'ks.p12', '--storepass', 'changeit', '--alias', 'db', '--host', 'db.example.com', '--purpose', 'server', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, anchored: true, keyMatches: true });
    expect(j.chain).toHaveLength(3);
  });

  test('a key that does not belong to the certificate is reported', () => {
    const read = (n: string) => new Uint8Array(fs.readFileSync(f(n)));
    const r = verifyCertificate({ certs: readCertificates(read('chain.pem')), leaf: readCertificates(read('server.pem'))[0], anchors: readCertificates(read('root.pem')), crls: [], purpose: 'any', at: new Date(), pkcs8: readPrivateKey(read('client.key')).pkcs8 });
    expect(r.ok).toBe(false);
    expect(r.keyMatches).toBe(false);
    expect(r.lines.some((l) => l.startsWith('KEY_MISMATCH: CN=db.example.com'))).toBe(true);
  });
});

describe('ktool verify: CRLs for the whole chain, purposes, openssl CRLs', () => {
  const both = (ours: string[], theirs: string[]) => {
    const r = run(['verify', 'server.pem', '--untrusted', 'inter.pem', '--trust', 'root.pem', ...ours]);
    const o = openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'inter.pem', ...theirs, 'server.pem'], { cwd: dir });
    return { ktool: r.status === 0, openssl: o.status === 0, r };
  };
  test('--crl-check-all needs the root\'s CRL for the intermediate too, as openssl -crl_check_all', () => {
    const leafOnly = both(['--crl', 'inter.crl', '--crl-check-all'], ['-crl_check_all', '-CRLfile', 'inter.crl']);
    expect(leafOnly).toMatchObject({ ktool: false, openssl: false });
    expect(leafOnly.r.status).toBe(11);
    expect(leafOnly.r.stdout + leafOnly.r.stderr).toMatch(/CRL_MISSING/);
    expect(both(['--crl', 'inter.crl', '--crl', 'root.crl', '--crl-check-all'], ['-crl_check_all', '-CRLfile', 'inter.crl', '-CRLfile', 'root.crl'])).toMatchObject({ ktool: true, openssl: true });
  });
  test('a server certificate is refused for the client purpose (EKU), as openssl -purpose sslclient', () => {
    const c = both(['--purpose', 'client'], ['-purpose', 'sslclient']);
    expect(c).toMatchObject({ ktool: false, openssl: false });
    expect(c.r.stdout + c.r.stderr).toMatch(/PURPOSE|EKU|clientAuth/i);
    expect(both(['--purpose', 'server'], ['-purpose', 'sslserver'])).toMatchObject({ ktool: true, openssl: true });
  });
  test('crl print reads an openssl CRL (PEM and DER) and checks it with --ca', () => {
    for (const crl of ['inter.crl', 'inter.crl.der']) {
      const r = run(['crl', 'print', crl, '--ca', 'inter.pem']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Intermediate/);
      expect(r.stdout).toMatch(/[Rr]evoked/);
    }
    expect(run(['crl', 'print', 'inter.crl', '--ca', 'root.pem']).status).not.toBe(0); // not the issuer
  });
});

describe('ktool expiry', () => {
  test('--at computes the days as of another time', () => {
    // expired.pem is valid 2020-01-01 .. 2021-01-01.
    const inside = JSON.parse(run(['expiry', 'expired.pem', '--at', '2020-06-01T00:00:00Z', '--json']).stdout);
    expect(inside.certificates[0]).toMatchObject({ status: 'ok', daysLeft: 214 });
    expect(run(['expiry', 'expired.pem', '--at', '2020-12-15T00:00:00Z', '--within', '30d']).status).toBe(20);
    expect(run(['expiry', 'server.pem', '--at', '2099-01-01T00:00:00Z']).status).toBe(21);
  });

  test('exit 0 when all are outside the window', () => {
    const r = run(['expiry', 'server.pem', 'root.pem', '--within', '30d']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/server\.pem: CN=db\.example\.com: .*: 36[45] day\(s\) left/);
  });
  test('exit 20 when one is inside the window (durations in days, weeks, hours)', () => {
    expect(run(['expiry', 'server.pem', 'soon.pem', '--within', '2w']).status).toBe(20);
    expect(run(['expiry', 'soon.pem', '--within', '12h']).status).toBe(0);
    const j = JSON.parse(run(['expiry', 'soon.pem', '--json']).stdout);
    expect(j.certificates[0]).toMatchObject({ status: 'within', daysLeft: 9 });
  });
  test('exit 21 when one is expired; stores: every entry and chain certificate', () => {
    expect(run(['expiry', 'expired.pem', 'soon.pem']).status).toBe(21);
    const r = run(['expiry', 'ks.p12', '--storepass', 'changeit', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).certificates.map((c: { alias: string; index: number }) => `${c.alias}/${c.index}`).sort()).toEqual(['db/0', 'db/1', 'db/2', 'root/0']);
  });
  test('a bad duration is a usage error', () => {
    expect(run(['expiry', 'server.pem', '--within', '3 fortnights']).status).toBe(2);
  });
});

describe('ktool rotate', () => {
  const list = (store: string) => keytool(JDK17_HOME(), ['-list', '-v', '-keystore', store, '-storepass', 'changeit'], { cwd: dir });

  test('truststore: add the new CA beside the old one, then retire the old one', () => {
    expect(run(['import', 'trust.jks', '--storepass', 'changeit', '--cert', 'root.pem', '--alias', 'root-ca']).status).toBe(0);
    const dry = run(['rotate', 'trust.jks', '--storepass', 'changeit', '--add-ca', 'root2.pem', '--alias', 'root-ca-2', '--dry-run']);
    expect(dry.stdout).toMatch(/add trusted <root-ca-2>/);
    expect(dry.stdout).toMatch(/would change/);
    expect(run(['rotate', 'trust.jks', '--storepass', 'changeit', '--add-ca', 'root2.pem', '--alias', 'root-ca-2']).stdout).toMatch(/changed$/m);
    expect(run(['rotate', 'trust.jks', '--storepass', 'changeit', '--add-ca', 'root2.pem', '--alias', 'root-ca-2']).stdout).toMatch(/unchanged$/m);
    const both = list('trust.jks');
    expect(both.status).toBe(0);
    expect(both.stdout).toMatch(/Alias name: root-ca\n/);
    expect(both.stdout).toMatch(/Alias name: root-ca-2\n/);
    expect(both.stdout).toMatch(/Owner: CN=Root CA 2\n/);
    expect(run(['rotate', 'trust.jks', '--storepass', 'changeit', '--retire', 'root-ca']).status).toBe(0);
    const after = list('trust.jks');
    expect(after.stdout).toMatch(/contains 1 entry/);
    expect(after.stdout).not.toMatch(/Alias name: root-ca\n/);
    expect(run(['rotate', 'trust.jks', '--storepass', 'changeit', '--retire-fingerprint', 'ab'.repeat(32)]).status).toBe(6);
  });

  test('key entry: new key and chain under the same alias; a mismatched key is refused', () => {
    expect(run(['import', 'rot.jks', '--storepass', 'changeit', '--key', 'server.key', '--cert', 'server.pem', '--cert', 'chain.pem', '--alias', 'db']).status).toBe(0);
    const bad = run(['rotate', 'rot.jks', '--storepass', 'changeit', '--alias', 'db', '--key', 'client.key', '--cert', 'server2.pem']);
    expect(bad.status).toBe(11);
    expect(bad.stderr).toMatch(/does not match/);
    const dry = run(['rotate', 'rot.jks', '--storepass', 'changeit', '--alias', 'db', '--key', 'server2.key', '--cert', 'server2.pem', '--chain', 'inter2.pem', '--chain', 'root2.pem', '--dry-run']);
    expect(dry.stdout).toMatch(/replace key and chain/);
    expect(list('rot.jks').stdout).toMatch(/Issuer: CN=Intermediate\n/);
    const r = run(['rotate', 'rot.jks', '--storepass', 'changeit', '--alias', 'db', '--key', 'server2.key', '--cert', 'server2.pem', '--chain', 'inter2.pem', '--chain', 'root2.pem']);
    expect(r.status).toBe(0);
    const l = list('rot.jks');
    expect(l.status).toBe(0);
    expect(l.stdout).toMatch(/Alias name: db\n/);
    expect(l.stdout).toMatch(/Certificate chain length: 3/);
    expect(l.stdout).toMatch(/Issuer: CN=Intermediate 2\n/);
    expect(run(['verify', 'rot.jks', '--storepass', 'changeit', '--alias', 'db', '--trust', 'root2.pem']).status).toBe(0);
    expect(run(['rotate', 'rot.jks', '--storepass', 'changeit', '--alias', 'db', '--key', 'server2.key', '--cert', 'server2.pem', '--chain', 'inter2.pem', '--chain', 'root2.pem']).stdout).toMatch(/unchanged$/m);
  });

  test('reply: the key stays, the chain is replaced; a reply for another key is refused', () => {
    expect(run(['import', 'reply.p12', '--storepass', 'changeit', '--key', 'server.key', '--cert', 'server.pem', '--cert', 'chain.pem', '--alias', 'db']).status).toBe(0);
    // Re-certify the same key under root2's intermediate (a renewal from another CA).
    expect(spawnSync('bash', ['-c', 'openssl ca -batch -config inter2/ca.cnf -extensions server -in server.csr -out renewed.pem -notext 2>/dev/null && cat renewed.pem inter2.pem root2.pem > reply.pem'], { cwd: dir }).status).toBe(0);
    expect(run(['rotate', 'reply.p12', '--storepass', 'changeit', '--alias', 'db', '--reply', 'server2.pem']).status).toBe(11);
    const r = run(['rotate', 'reply.p12', '--storepass', 'changeit', '--alias', 'db', '--reply', 'reply.pem']);
    expect(r.status).toBe(0);
    const l = list('reply.p12');
    expect(l.stdout).toMatch(/Issuer: CN=Intermediate 2\n/);
    const v = JSON.parse(run(['verify', 'reply.p12', '--storepass', 'changeit', '--alias', 'db', '--trust', 'root2.pem', '--json']).stdout);
    expect(v).toMatchObject({ ok: true, keyMatches: true });
  });
});

describe('RSA and Ed448 chains made by ktool ca', () => {
  test.each([
    { name: 'rsa', keyalg: ['--keyalg', 'RSA', '--keysize', '3072'] },
    { name: 'ed448', keyalg: ['--keyalg', 'Ed448'] },
  ])('$name: root -> intermediate -> server verifies (as openssl says); the key entry matches; a foreign root does not anchor it', ({ name, keyalg }) => {
    const ca = (args: string[]) => expect(run(['ca', ...args]).status).toBe(0);
    ca(['init', `${name}-root`, '--cn', `${name} Root`, ...keyalg]);
    ca(['intermediate', `${name}-int`, '--parent', `${name}-root`, '--cn', `${name} Intermediate`]);
    ca(['issue-server', `${name}-int`, '--cn', `${name}.example.com`, '--out-dir', `${name}-out`, '--name', 'server', '--keystore', `${name}-ks.p12`, '--storepass', 'changeit']);
    const leaf = path.join(`${name}-out`, 'server.cert.pem');
    const args = ['verify', leaf, '--untrusted', `${name}-int/ca.cert.pem`, '--trust', `${name}-root/ca.cert.pem`, '--host', `${name}.example.com`, '--purpose', 'server'];
    const r = run([...args, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, anchored: true, problems: [] });
    expect(j.chain.map((c: { subject: string }) => c.subject)).toEqual([`CN=${name}.example.com`, `CN=${name} Intermediate`, `CN=${name} Root`]);
    expect(run(args).stdout).toMatch(/^OK$/m);
    expect(openssl(['verify', '-CAfile', `${name}-root/ca.cert.pem`, '-untrusted', `${name}-int/ca.cert.pem`, '-purpose', 'sslserver', '-verify_hostname', `${name}.example.com`, leaf], { cwd: dir }).status).toBe(0);
    // The keystore ktool ca wrote: chain of 3, key matches, anchored by the root given.
    const ks = JSON.parse(run(['verify', `${name}-ks.p12`, '--storepass', 'changeit', '--trust', `${name}-root/ca.cert.pem`, '--purpose', 'server', '--json']).stdout);
    expect(ks).toMatchObject({ ok: true, keyMatches: true });
    expect(ks.chain).toHaveLength(3);
    // Against the openssl PKI's root: no anchor, exit 11, as openssl verify.
    const foreign = run(['verify', leaf, '--untrusted', `${name}-int/ca.cert.pem`, '--trust', 'root.pem']);
    expect(foreign.status).toBe(11);
    expect(foreign.stdout).toMatch(/^NO_TRUSTED_ANCHOR: /m);
    expect(openssl(['verify', '-CAfile', 'root.pem', '-untrusted', `${name}-int/ca.cert.pem`, leaf], { cwd: dir }).status).not.toBe(0);
  });
});

describe('password-protected PKCS#12 without a password: verify and expiry', () => {
  // s3cret.p12: trusted root under a password that is not "changeit"; changeit.p12: the same under "changeit".
  beforeAll(() => {
    expect(run(['import', 's3cret.p12', '--storepass', 's3cret', '--cert', 'root.pem', '--alias', 'root']).status).toBe(0);
    expect(run(['import', 'changeit.p12', '--storepass', 'changeit', '--cert', 'root.pem', '--alias', 'root']).status).toBe(0);
    expect(run(['import', 'trust-nopass.jks', '--storepass', 'changeit', '--cert', 'root.pem', '--alias', 'root']).status).toBe(0);
    expect(run(['import', 'keys.p12', '--storepass', 's3cret', '--key', 'server.key', '--cert', 'server.pem', '--cert', 'chain.pem', '--alias', 'db']).status).toBe(0);
  });
  const NEEDS_PASSWORD = /^ktool: (s3cret|keys)\.p12: this PKCS12 keystore is password-protected: give --storepass, --storepass-env or --storepass-file\n$/;

  test('expiry STORE: exit 2 with the same one-line error as ktool list (no silent pass with 0 certificates)', () => {
    const list = run(['list', 's3cret.p12']);
    const r = run(['expiry', 's3cret.p12']);
    expect(list.status).toBe(2);
    expect(r.status).toBe(list.status);
    expect(r.stderr).toBe(list.stderr);
    expect(r.stderr).toMatch(NEEDS_PASSWORD);
    expect(r.stdout).toBe('');
    expect(run(['expiry', 's3cret.p12', '--json']).status).toBe(2);
    // With the password: the certificate is there.
    const ok = run(['expiry', 's3cret.p12', '--storepass', 's3cret', '--json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).certificates).toEqual([expect.objectContaining({ alias: 'root', subject: 'CN=Root CA' })]);
    // Also "changeit" is not guessed for expiry's input: a keystore or truststore alike needs --storepass.
    expect(run(['expiry', 'changeit.p12']).stderr).toMatch(/changeit\.p12: this PKCS12 keystore is password-protected/);
  });

  test('verify STORE: exit 2 as ktool list; with --storepass it verifies', () => {
    const r = run(['verify', 'keys.p12', '--alias', 'db']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(NEEDS_PASSWORD);
    expect(r.stderr).toBe(run(['list', 'keys.p12']).stderr);
    expect(run(['verify', 'keys.p12', '--alias', 'db', '--storepass', 's3cret', '--trust', 'root.pem']).status).toBe(0);
  });

  test('verify --trust STORE: the right --trustpass; none: "changeit" with a notice, a clear error when that fails', () => {
    const base = ['verify', 'server.pem', '--untrusted', 'inter.pem', '--trust'];
    const right = run([...base, 's3cret.p12', '--trustpass', 's3cret', '--json']);
    expect(right.status).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ ok: true, anchored: true });
    expect(right.stderr).toBe('');
    const wrong = run([...base, 's3cret.p12', '--trustpass', 'nope']);
    expect(wrong.status).toBe(4);
    expect(wrong.stderr).toMatch(/^ktool: s3cret\.p12: .*password was incorrect/);
    const dflt = run([...base, 'changeit.p12']);
    expect(dflt.status).toBe(0);
    expect(dflt.stderr).toBe('ktool: changeit.p12: no truststore password given: using "changeit"\n');
    expect(dflt.stdout).toMatch(/^OK$/m);
    const none = run([...base, 's3cret.p12']);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      'ktool: s3cret.p12: no truststore password given: using "changeit"\n' +
        'ktool: s3cret.p12: this PKCS12 truststore is password-protected and "changeit" does not open it: give --trustpass, --trustpass-env or --trustpass-file\n',
    );
    expect(none.stdout).toBe('');
    // A JKS truststore still reads without a password (integrity not checked), as before.
    const jks = run(['verify', 'server.pem', '--untrusted', 'inter.pem', '--trust', 'trust-nopass.jks']);
    expect(jks.status).toBe(0);
    expect(jks.stderr).toBe('');
  });
});

describe('stdout closed early (EPIPE): no stack trace, the usual exit status', () => {
  /**
   * `CMD | head -c1` through bash: a real pipe (64 KiB) whose reader exits after the first byte, so a
   * command with more output than that gets EPIPE. (spawn's own stdio pipes are socket pairs whose
   * buffers can swallow a few hundred KiB, so they would not show it.) The status is CMD's.
   */
  function throughHead(cmd: string[]): { status: number; stderr: string } {
    const r = spawnSync('bash', ['-c', '"$@" | head -c1 >/dev/null; echo "status=${PIPESTATUS[0]}" >&2', 'bash', ...cmd], { cwd: dir, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' } });
    const m = /status=(\d+)\n$/.exec(r.stderr);
    if (!m) throw new Error(`no status: ${r.stderr}`);
    return { status: Number(m[1]), stderr: r.stderr.slice(0, m.index) };
  }
  /** ktool with stdout a pipe this side closes before anything is written: every write fails. */
  function nobodyReading(args: string[]) {
    return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [KTOOL_BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += String(d)));
      p.stdout.destroy();
      p.on('close', (status, signal) => resolve({ status, signal, stderr }));
    });
  }
  const NO_TRACE = /EPIPE|node:events|Unhandled|\n\s+at /;
  // The JDK's cacerts: over a hundred certificates, far more -v text than a pipe buffers.
  const cacerts = () => path.join(JDK17_HOME(), 'lib', 'security', 'cacerts');

  test('ktool list -v of a big store | head -c1: exit 0, nothing but the usual stderr', () => {
    const r = throughHead([process.execPath, KTOOL_BIN, 'list', cacerts(), '-v', '--storepass', 'changeit']);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(r.stderr).toBe('Protection: JKS keyed SHA-1 digest, integrity verified\n');
    expect(r.status).toBe(0);
    // --json too.
    const j = throughHead([process.execPath, KTOOL_BIN, 'list', cacerts(), '--json', '--storepass', 'changeit']);
    expect(j.stderr).toBe('');
    expect(j.status).toBe(0);
  });

  test('keytool mode -list -v | head -c1: exit 0, as the real keytool 17 in the same pipe', () => {
    const args = ['-list', '-v', '-keystore', cacerts(), '-storepass', 'changeit'];
    const theirs = throughHead([path.join(JDK17_HOME(), 'bin', 'keytool'), '-J-Duser.language=en', ...args]);
    const ours = throughHead([process.execPath, KTOOL_BIN, ...args]);
    expect(ours.stderr).not.toMatch(NO_TRACE);
    expect(theirs.status).toBe(0);
    expect(ours.status).toBe(theirs.status);
    // Nothing but keytool's own advice lines on stderr.
    for (const line of ours.stderr.split('\n').filter(Boolean)) expect(theirs.stderr.split('\n')).toContain(line);
  });

  test('ktool verify / expiry with nobody reading: the verdict is the exit status (0 valid, 11 not, 21 expired)', async () => {
    const good = await nobodyReading(['verify', 'server.pem', '--untrusted', 'inter.pem', '--trust', 'root.pem']);
    expect(good.stderr).toBe('');
    expect(good.signal).toBeNull();
    expect(good.status).toBe(0);
    const bad = await nobodyReading(['verify', 'server.pem', '--trust', 'root.pem', '--json']);
    expect(bad.stderr).toBe('');
    expect(bad.status).toBe(11);
    const expiry = await nobodyReading(['expiry', 'expired.pem', 'soon.pem']);
    expect(expiry.stderr).toBe('');
    expect(expiry.status).toBe(21);
    // keytool mode's own writes too.
    const pc = await nobodyReading(['-printcert', '-file', 'server.pem']);
    expect(pc.stderr).toBe('');
    expect(pc.status).toBe(0);
  });
});

/**
 * `ktool fetch` and `ktool -printcert -sslserver` through the built binary against real servers on
 * loopback: a TLS-enabled PostgreSQL 15, a PostgreSQL with ssl=off and a TLS-enabled MariaDB (all
 * configured with an openssl-made root -> intermediate -> server PKI), and Node TLS servers in a
 * child process (so the synchronous CLI runs do not block them). Judges: the PEM files the servers
 * were configured with, openssl s_client -starttls -showcerts, keytool 17 -printcert -sslserver and
 * keytool -list on the stores --import writes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CliResult, ktool } from '../helpers/cli';
import { freePort, makeTestPki, pemCertificates, startMariaDb, startPostgres, type MariaDbServer, type PostgresServer, type TestPki } from '../helpers/db-servers';
import { JDK17_HOME, keytool, openssl, tempDir } from '../helpers/jdk';

const EXIT = { OK: 0, USAGE: 2, VERIFY: 11, REFUSED: 10, TIMEOUT: 12, NO_TLS: 13, HANDSHAKE: 14, PROTOCOL: 15, FINGERPRINT: 16 };
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');

let work: string;
let pki: TestPki;
let chain: string[]; // SHA-256 of leaf, intermediate: what every server presents
let rootSha: string;
let pg: PostgresServer;
let pgNoSsl: PostgresServer;
let maria: MariaDbServer;
let mariaNoSsl: MariaDbServer;
let nodeServers: ChildProcess;
let ports: { tls4: number; tls6: number; withRoot: number; silent: number; sni: number };
let closedPort: number;

/** Node TLS servers in their own process: chain on IPv4 and IPv6, chain plus root, and a silent TCP server. */
const SERVERS_JS = `
const fs = require('fs'), tls = require('tls'), net = require('net');
const [chain, withRoot, key] = process.argv.slice(1).map((f) => fs.readFileSync(f));
const up = (srv, host) => new Promise((r) => srv.listen(0, host, () => r(srv.address().port)));
const mk = (cert) => { const s = tls.createServer({ cert, key }, (c) => c.end()); s.on('tlsClientError', () => {}); return s; };
const silent = net.createServer((s) => { s.resume(); s.on('error', () => {}); });
// Chooses its chain by the SNI name: 'pinned.test' gets the chain with the root.
const bySni = tls.createServer({ cert: chain, key, SNICallback: (name, cb) => cb(null, tls.createSecureContext({ cert: name === 'pinned.test' ? withRoot : chain, key })) }, (c) => c.end());
bySni.on('tlsClientError', () => {});
Promise.all([up(mk(chain), '127.0.0.1'), up(mk(chain), '::1'), up(mk(withRoot), '127.0.0.1'), up(silent, '127.0.0.1'), up(bySni, '127.0.0.1')])
  .then(([tls4, tls6, withRoot, silent, sni]) => console.log(JSON.stringify({ tls4, tls6, withRoot, silent, sni })));
`;

function run(args: string[]): CliResult {
  return ktool(args, { cwd: work });
}
function fetchJson(args: string[]) {
  const r = run(['fetch', ...args, '--json']);
  if (r.status !== 0) throw new Error(`ktool fetch ${args.join(' ')} -> ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const shas = (j: { certificates: { sha256: string }[] }): string[] => j.certificates.map((c) => c.sha256);
/** Runs and expects a status and a one-line error on stderr; returns the result. */
function fails(args: string[], status: number, message: RegExp): CliResult {
  const r = run(args);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status, stderr: expect.stringMatching(message) });
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r;
}

beforeAll(async () => {
  work = tempDir('fetch-cli');
  pki = makeTestPki(path.join(work, 'pki'));
  chain = pemCertificates(pki.serverChain).map(sha256);
  rootSha = sha256(pemCertificates(pki.rootCert)[0]);
  fs.writeFileSync(path.join(work, 'with-root.pem'), fs.readFileSync(pki.serverChain, 'utf8') + fs.readFileSync(pki.rootCert, 'utf8'));
  const ssl = { cert: pki.serverChain, key: pki.serverKey, ca: pki.caBundle };
  nodeServers = spawn(process.execPath, ['-e', SERVERS_JS, pki.serverChain, path.join(work, 'with-root.pem'), pki.serverKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const portsLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    nodeServers.stdout!.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    nodeServers.once('exit', (code) => reject(new Error(`node TLS servers exited with ${code}`)));
  });
  [pg, pgNoSsl, maria, mariaNoSsl] = await Promise.all([startPostgres({ ssl }), startPostgres({ ssl: false, ipv6: false }), startMariaDb({ ssl }), startMariaDb()]);
  ports = JSON.parse(await portsLine);
  closedPort = await freePort();
}, 90000);

afterAll(async () => {
  nodeServers?.kill();
  await Promise.all([pg?.stop(), pgNoSsl?.stop(), maria?.stop(), mariaNoSsl?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 30000);

describe('the chain each server was configured with', () => {
  test('direct TLS: exactly the JSON schema, leaf first, no trust given -> verified null', () => {
    const j = fetchJson([`127.0.0.1:${ports.tls4}`]);
    expect(Object.keys(j)).toEqual(['host', 'port', 'starttls', 'protocol', 'cipher', 'certificates', 'verified', 'verifyError']);
    expect(j).toMatchObject({ host: '127.0.0.1', port: ports.tls4, starttls: 'none', protocol: 'TLSv1.3', verified: null, verifyError: null });
    expect(j.cipher).toMatch(/^TLS_/);
    expect(shas(j)).toEqual(chain);
    // the same certificate objects as `list --json`
    const store = path.join(work, 'list-shape.p12');
    expect(run(['import', store, '--cert', pki.serverCert, '--storepass', 'changeit']).status).toBe(0);
    const listed = JSON.parse(run(['list', store, '--storepass', 'changeit', '--json']).stdout);
    expect(j.certificates[0]).toEqual(listed.entries[0].certificates[0]);
  });

  test('text: subject, issuer, validity, SHA-256, SAN per certificate; protocol and cipher', () => {
    const r = run(['fetch', `127.0.0.1:${ports.tls4}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Server: 127\.0\.0\.1:\d+, direct TLS\nTLS: TLSv1\.3, TLS_\w+\n/);
    expect(r.stdout).toContain('Certificate 1 of 2 (server):\n  Subject:  CN=localhost,O=ktool tests\n  Issuer:   CN=ktool Test Intermediate CA,O=ktool tests\n');
    expect(r.stdout).toMatch(/  Valid:    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ until \d{4}-/);
    for (const s of chain) expect(r.stdout).toContain(`  SHA-256:  ${s}\n`);
    expect(r.stdout).toContain('  SAN:      DNS:localhost, IP:127.0.0.1, IP:0:0:0:0:0:0:0:1\n');
    expect(r.stdout).toContain('Verified: not checked');
  });

  test('PostgreSQL (SSLRequest), IPv4 and IPv6', () => {
    for (const host of ['127.0.0.1', '[::1]']) {
      const j = fetchJson([`${host}:${pg.port}`, '--starttls', 'postgres']);
      expect(shas(j)).toEqual(chain);
      expect(j).toMatchObject({ host: host.replace(/[[\]]/g, ''), starttls: 'postgres' });
    }
  });

  test('MariaDB (MySQL SSL request)', () => {
    const j = fetchJson([`127.0.0.1:${maria.port}`, '--starttls', 'mysql']);
    expect(shas(j)).toEqual(chain);
    expect(j.starttls).toBe('mysql');
    expect(run(['fetch', `127.0.0.1:${maria.port}`, '--starttls', 'mysql']).stdout).toMatch(/MySQL\/MariaDB SSL request, .*MariaDB/);
  });

  test('direct TLS over IPv6 [::1]:PORT', () => {
    const j = fetchJson([`[::1]:${ports.tls6}`]);
    expect(shas(j)).toEqual(chain);
    expect(j.host).toBe('::1');
  });

  test.each(['postgres', 'mysql'] as const)('openssl s_client -starttls %s -showcerts agrees', (mode) => {
    const port = mode === 'postgres' ? pg.port : maria.port;
    const s = openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', mode, '-showcerts'], { input: '' });
    const theirs = [...s.stdout.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) => sha256(Buffer.from(m[0].replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64')));
    expect(theirs).toEqual(chain);
    expect(shas(fetchJson([`127.0.0.1:${port}`, '--starttls', mode]))).toEqual(theirs);
  });
});

describe('verification against given trust', () => {
  test('--ca root: verified, host name by IP SAN; --hostname that does not match: verified false, exit 11', () => {
    const ok = fetchJson([`127.0.0.1:${ports.tls4}`, '--ca', pki.rootCert]);
    expect(ok).toMatchObject({ verified: true, verifyError: null });
    const r = run(['fetch', `127.0.0.1:${ports.tls4}`, '--ca', pki.rootCert, '--hostname', 'db.example.com', '--json']);
    expect(r.status).toBe(EXIT.VERIFY);
    const j = JSON.parse(r.stdout);
    expect(j.verified).toBe(false);
    expect(j.verifyError).toMatch(/db\.example\.com does not match/);
    expect(r.stderr).toMatch(/^ktool: 127\.0\.0\.1:\d+: the chain does not verify: /);
    expect(fetchJson([`127.0.0.1:${ports.tls4}`, '--ca', pki.rootCert, '--hostname', 'db.example.com', '--no-hostname-check']).verified).toBe(true);
  });

  test('--truststore (written by keytool 17) verifies PostgreSQL; one without the root does not', () => {
    const ts = path.join(work, 'kt-trust.jks');
    const k = keytool(JDK17_HOME(), ['-importcert', '-noprompt', '-alias', 'root', '-file', pki.rootCert, '-keystore', ts, '-storepass', 'secret1', '-storetype', 'JKS']);
    expect(k.status).toBe(0);
    const j = fetchJson([`localhost:${pg.port}`, '--starttls', 'postgres', '--truststore', ts, '--truststore-pass', 'secret1']);
    expect(j).toMatchObject({ host: 'localhost', verified: true });
    const other = makeTestPki(path.join(work, 'other-pki'));
    const r = run(['fetch', `127.0.0.1:${pg.port}`, '--starttls', 'postgres', '--ca', other.rootCert]);
    expect(r.status).toBe(EXIT.VERIFY);
    expect(r.stdout).toMatch(/Verified: NO .*no trusted anchor/);
  });
});

test('--sni NAME is what the server sees: a server that picks its chain by name sends the other chain', () => {
  expect(shas(fetchJson([`127.0.0.1:${ports.sni}`]))).toEqual(chain);
  expect(shas(fetchJson([`127.0.0.1:${ports.sni}`, '--sni', 'pinned.test']))).toEqual([...chain, rootSha]);
  expect(shas(fetchJson([`127.0.0.1:${ports.sni}`, '--sni', 'other.test']))).toEqual(chain);
});

describe('distinct exit codes, bounded in time', () => {
  test('PostgreSQL with ssl=off: does not support TLS (13)', () => {
    fails(['fetch', `127.0.0.1:${pgNoSsl.port}`, '--starttls', 'postgres'], EXIT.NO_TLS, /^ktool: server 127\.0\.0\.1:\d+ does not support TLS \(answered N to SSLRequest\)\n$/);
  });

  test('MariaDB started with --skip-ssl: does not support TLS (13)', () => {
    fails(['fetch', `127.0.0.1:${mariaNoSsl.port}`, '--starttls', 'mysql'], EXIT.NO_TLS, /^ktool: server 127\.0\.0\.1:\d+ \(.*MariaDB.*\) does not support TLS \(CLIENT_SSL not offered in its handshake\)\n$/);
  });

  test('--starttls mysql against PostgreSQL, --starttls postgres against MariaDB: protocol mismatch (15)', () => {
    const t0 = Date.now();
    fails(['fetch', `127.0.0.1:${pg.port}`, '--starttls', 'mysql', '--timeout', '1'], EXIT.PROTOCOL, /not a MySQL\/MariaDB server/);
    expect(Date.now() - t0).toBeLessThan(4000);
    fails(['fetch', `127.0.0.1:${maria.port}`, '--starttls', 'postgres'], EXIT.PROTOCOL, /not a PostgreSQL server: it sent a MySQL\/MariaDB greeting/);
  });

  test('direct TLS against PostgreSQL: handshake failure (14) with a hint', () => {
    fails(['fetch', `127.0.0.1:${pg.port}`, '--starttls', 'none'], EXIT.HANDSHAKE, /--starttls postgres/);
  });

  test('connection refused (10), IPv4 and IPv6', () => {
    fails(['fetch', `127.0.0.1:${closedPort}`], EXIT.REFUSED, /^ktool: connection refused by 127\.0\.0\.1:\d+\n$/);
    fails(['fetch', `[::1]:${closedPort}`], EXIT.REFUSED, /^ktool: connection refused by \[::1\]:\d+\n$/);
  });

  test('a silent server: timeout (12) within --timeout', () => {
    const t0 = Date.now();
    fails(['fetch', `127.0.0.1:${ports.silent}`, '--timeout', '0.5'], EXIT.TIMEOUT, /timed out after 0\.5s in the TLS handshake/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test('usage errors (2)', () => {
    fails(['fetch', 'db:5432', '--starttls', 'smtp'], EXIT.USAGE, /--starttls: expected/);
    fails(['fetch', 'db:99999'], EXIT.USAGE, /port '99999'/);
    fails(['fetch', 'db', '--alias', 'x'], EXIT.USAGE, /--alias goes with --import/);
    fails(['fetch', 'db', '--timeout', '0'], EXIT.USAGE, /--timeout/);
    fails(['fetch', 'db', '--import', 'x.p12', '--expect-fingerprint', 'abc'], EXIT.USAGE, /not a SHA-256 fingerprint/);
  });
});

describe('--import', () => {
  const store = () => path.join(work, 'imported.p12');
  const listAliases = (file: string, pass: string) => {
    const k = keytool(JDK17_HOME(), ['-list', '-keystore', file, '-storepass', pass]);
    expect(k.status).toBe(0);
    return k.stdout;
  };

  test('the root when the server sends it; the same run again is unchanged; keytool reads the store', () => {
    const args = ['fetch', `127.0.0.1:${ports.withRoot}`, '--import', store(), '--storepass', 'changeit'];
    const first = run(args);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/trusting: CN=ktool Test Root CA, O=ktool tests \(root, certificate #3 sent/);
    expect(first.stdout).toMatch(/added: ktool-test-root-ca\n.*imported\.p12: changed\n$/);
    const bytes = fs.readFileSync(store());
    const again = run(args);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/unchanged: ktool-test-root-ca\n.*: unchanged\n$/);
    expect(fs.readFileSync(store()).equals(bytes)).toBe(true);
    const listing = listAliases(store(), 'changeit');
    expect(listing).toMatch(/ktool-test-root-ca, .*trustedCertEntry/);
    expect(listing).toContain(rootSha);
  });

  test('a server that does not send its root: the highest issuer, with a warning; JSON report', () => {
    const file = path.join(work, 'inter.jks');
    const r = run(['fetch', `127.0.0.1:${pg.port}`, '--starttls', 'postgres', '--import', file, '--storepass', 'secret1', '--alias', 'PG-CA', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^ktool: warning: the server did not send its root CA \(CN=ktool Test Root CA, O=ktool tests\): trusting the highest issuer it sent, CN=ktool Test Intermediate CA/);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ store: file, changed: true, dryRun: false, changes: [{ alias: 'pg-ca', action: 'added' }], trust: 'top' });
    expect(j.certificate.sha256).toBe(chain[1]);
    expect(shas(j.fetch)).toEqual(chain);
    expect(listAliases(file, 'secret1')).toMatch(/^pg-ca, .*trustedCertEntry/m);
    // the same certificate again under another alias: still unchanged
    const again = run(['fetch', `127.0.0.1:${pg.port}`, '--starttls', 'postgres', '--import', file, '--storepass', 'secret1', '--trust', 'issuer']);
    expect(again.stdout).toMatch(/unchanged: pg-ca \(same certificate already present\)\n.*: unchanged\n$/);
  });

  test('--expect-fingerprint: refused with 16 when it differs, store untouched; accepted with or without colons, any case', () => {
    const file = path.join(work, 'pinned.p12');
    const base = ['fetch', `127.0.0.1:${maria.port}`, '--starttls', 'mysql', '--import', file, '--storepass', 'changeit'];
    // default --trust root picks the intermediate here (the root is not sent); the leaf's fingerprint is not it
    const r = fails([...base, '--expect-fingerprint', chain[0]], EXIT.FINGERPRINT, new RegExp(`fingerprint mismatch: CN=ktool Test Intermediate CA, O=ktool tests has SHA-256 ${chain[1]}, expected ${chain[0]}`));
    expect(r.stderr).toContain('choose it with --trust leaf');
    expect(fs.existsSync(file)).toBe(false);
    fails([...base, '--trust', 'issuer', '--expect-fingerprint', rootSha], EXIT.FINGERPRINT, /nothing imported/);
    expect(fs.existsSync(file)).toBe(false);
    const lower = chain[1].replace(/:/g, '').toLowerCase();
    const dry = run([...base, '--trust', 'issuer', '--expect-fingerprint', lower, '--dry-run']);
    expect(dry.stdout).toMatch(/would change \(dry run, nothing written\)/);
    expect(fs.existsSync(file)).toBe(false);
    const ok = run([...base, '--trust', 'issuer', '--expect-fingerprint', chain[1].toLowerCase()]);
    expect(ok.status).toBe(0);
    expect(listAliases(file, 'changeit')).toContain(chain[1]);
  });

  test('--trust leaf pins the server certificate; a failing --ca check imports nothing', () => {
    const file = path.join(work, 'leaf.p12');
    const other = path.join(work, 'other-pki', 'root.pem');
    fails(['fetch', `127.0.0.1:${ports.tls4}`, '--trust', 'leaf', '--import', file, '--storepass', 'changeit', '--ca', other], EXIT.VERIFY, /does not verify .*nothing imported/);
    expect(fs.existsSync(file)).toBe(false);
    expect(run(['fetch', `127.0.0.1:${ports.tls4}`, '--trust', 'leaf', '--import', file, '--storepass', 'changeit', '--alias', 'db']).status).toBe(0);
    expect(listAliases(file, 'changeit')).toContain(chain[0]);
  });
});

describe('keytool -printcert -sslserver', () => {
  const kt17 = (args: string[]) => keytool(JDK17_HOME(), args);
  test.each([[[]], [['-rfc']], [['-v']]])('ktool matches keytool 17 byte for byte %j', (extra) => {
    for (const port of [ports.tls4, ports.withRoot]) {
      const args = ['-printcert', '-sslserver', `127.0.0.1:${port}`, ...extra];
      const theirs = kt17(args);
      const ours = run(args);
      expect(theirs.status).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.status).toBe(0);
    }
  });

  test('-sslserver [::1]:PORT', () => {
    const args = ['-printcert', '-sslserver', `[::1]:${ports.tls6}`];
    expect(run(args).stdout).toBe(kt17(args).stdout);
    expect(run(args).stdout).toMatch(/^Certificate #0\n====================================\nOwner: CN=localhost, O=ktool tests\n/);
  });

  test('failure: keytool words it "No certificate from the SSL server", exit 1; ktool adds the reason on stderr', () => {
    const args = ['-printcert', '-sslserver', `127.0.0.1:${closedPort}`];
    const theirs = kt17(args);
    const ours = run(args);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toBe('keytool error: java.lang.Exception: No certificate from the SSL server\n');
    expect([ours.status, theirs.status]).toEqual([1, 1]);
    expect(ours.stderr).toMatch(/connection refused/);
  });
});

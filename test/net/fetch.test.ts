/**
 * `fetch` against real servers on loopback: Node TLS servers (IPv4 and IPv6), a TLS-enabled
 * PostgreSQL 15, a PostgreSQL with ssl=off and a TLS-enabled MariaDB, all configured with an
 * openssl-made root -> intermediate -> server PKI. openssl s_client is the second opinion.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { fetchChain, parseHostPort, resolveStartTls, type FetchOptions } from '../../src/net/fetch';
import { NetError } from '../../src/net/starttls';
import { KtoolError } from '../../src/model/errors';
import { freePort, makeTestPki, pemCertificates, startMariaDb, startPostgres, type MariaDbServer, type PostgresServer, type TestPki } from '../helpers/db-servers';
import { openssl, tempDir } from '../helpers/jdk';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const hashes = (certs: Uint8Array[]): string[] => certs.map(sha256);

let dir: string;
let pki: TestPki;
let chainDer: Buffer[]; // leaf, intermediate: what every server is configured to present
let pg: PostgresServer;
let pgNoSsl: PostgresServer;
let maria: MariaDbServer;
const servers: (tls.Server | net.Server)[] = [];
let tlsPort4: number;
let tlsPort6: number;
let tls12Port: number;
let misorderedPort: number;
let silentPort: number;
let closedPort: number;
let silentClosed = 0;
const accepted = new Set<net.Socket>();

function listen(srv: net.Server, host: string): Promise<number> {
  servers.push(srv);
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => resolve((srv.address() as net.AddressInfo).port));
  });
}

function tlsServer(certPem: string, extra: tls.TlsOptions = {}): tls.Server {
  const srv = tls.createServer({ cert: certPem, key: fs.readFileSync(pki.serverKey), ...extra }, (s) => s.end());
  srv.on('tlsClientError', () => undefined);
  return srv;
}

/** Expects a NetError with this code and reason, and returns it. */
async function failure(p: Promise<unknown>, code: string, reason: string): Promise<NetError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KtoolError);
    const err = e as NetError;
    expect({ code: err.code, reason: err.reason }).toEqual({ code, reason });
    expect(err.message).not.toContain('\n');
    return err;
  }
  throw new Error('expected the fetch to fail');
}

const fetch = (o: Partial<FetchOptions> & { port: number }) => fetchChain({ host: '127.0.0.1', starttls: 'none', timeoutMs: 5000, ...o });

beforeAll(async () => {
  dir = tempDir('fetch');
  pki = makeTestPki(path.join(dir, 'pki'));
  chainDer = pemCertificates(pki.serverChain);
  expect(chainDer).toHaveLength(2);
  const ssl = { cert: pki.serverChain, key: pki.serverKey, ca: pki.caBundle };
  [pg, pgNoSsl, maria] = await Promise.all([startPostgres({ ssl }), startPostgres({ ssl: false, ipv6: false }), startMariaDb({ ssl })]);

  const chainPem = fs.readFileSync(pki.serverChain, 'utf8');
  tlsPort4 = await listen(tlsServer(chainPem, { ALPNProtocols: ['postgresql'] }), '127.0.0.1');
  tlsPort6 = await listen(tlsServer(chainPem), '::1');
  tls12Port = await listen(tlsServer(chainPem, { maxVersion: 'TLSv1.2' }), '127.0.0.1');
  // leaf, root, intermediate: out of order on purpose; a fetch must show what was sent.
  const misordered = [pki.serverCert, pki.rootCert, pki.intermediateCert].map((f) => fs.readFileSync(f, 'utf8')).join('');
  misorderedPort = await listen(tlsServer(misordered), '127.0.0.1');
  const silent = net.createServer((s) => {
    s.resume(); // read (and ignore) so the client's close is seen
    accepted.add(s);
    s.on('error', () => undefined);
    s.on('close', () => silentClosed++);
  });
  silentPort = await listen(silent, '127.0.0.1');
  closedPort = await freePort();
}, 60000);

afterAll(async () => {
  await Promise.all([pg?.stop(), pgNoSsl?.stop(), maria?.stop()]);
  for (const s of accepted) s.destroy(); // server.close() waits for open connections
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30000);

describe('parseHostPort', () => {
  test('names, IPv4, bracketed and bare IPv6, default ports by mode', () => {
    expect(parseHostPort('db:6543')).toEqual({ host: 'db', port: 6543, portGiven: true });
    expect(parseHostPort('db.example.com', 'postgres')).toEqual({ host: 'db.example.com', port: 5432, portGiven: false });
    expect(parseHostPort('127.0.0.1', 'mysql').port).toBe(3306);
    expect(parseHostPort('localhost').port).toBe(443);
    expect(parseHostPort('[::1]:5432')).toEqual({ host: '::1', port: 5432, portGiven: true });
    expect(parseHostPort('[::1]', 'mysql')).toEqual({ host: '::1', port: 3306, portGiven: false });
    expect(parseHostPort('::1')).toEqual({ host: '::1', port: 443, portGiven: false });
  });

  test.each(['', 'db:', 'db:0', 'db:65536', 'db:5x', '[::1', '[db]:5432', '[::1]5432', '::1:zz', 'a b', 'db:1:2x'])('rejects %j with USAGE', (spec) => {
    let err: unknown;
    try {
      parseHostPort(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KtoolError);
    expect((err as KtoolError).code).toBe('USAGE');
  });

  test('auto picks by well-known port', () => {
    expect(resolveStartTls('auto', 5432)).toBe('postgres');
    expect(resolveStartTls('auto', 3306)).toBe('mysql');
    expect(resolveStartTls('auto', 443)).toBe('none');
    expect(resolveStartTls('mysql', 5432)).toBe('mysql');
  });
});

describe('plain TLS', () => {
  test('IPv4: the configured chain, protocol and cipher', async () => {
    const r = await fetch({ port: tlsPort4 });
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
    expect(r).toMatchObject({ starttls: 'none', protocol: 'TLSv1.3', chainSource: 'handshake', address: '127.0.0.1', servername: null, alpnProtocol: null });
    expect(r.cipher).toMatch(/^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$/);
  });

  test('IPv6 [::1]', async () => {
    const { host, port } = parseHostPort(`[::1]:${tlsPort6}`);
    const r = await fetchChain({ host, port, starttls: 'auto', timeoutMs: 5000 });
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
    expect(r.address).toBe('::1');
  });

  test('TLS 1.2 (Certificate message in the clear)', async () => {
    const r = await fetch({ port: tls12Port });
    expect(r.protocol).toBe('TLSv1.2');
    expect(r.cipher).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
    expect(r.chainSource).toBe('handshake');
  });

  test('a misordered chain is reported as sent, without added or reordered certificates', async () => {
    const sent = [pki.serverCert, pki.rootCert, pki.intermediateCert].flatMap(pemCertificates);
    const r = await fetch({ port: misorderedPort });
    expect(r.chainSource).toBe('handshake');
    expect(hashes(r.certificates)).toEqual(hashes(sent));
  });

  test.each([
    ['TLS_AES_128_GCM_SHA256', {}],
    ['TLS_AES_256_GCM_SHA384', {}],
    ['TLS_CHACHA20_POLY1305_SHA256', {}],
    ['TLS_AES_128_GCM_SHA256', { ecdhCurve: 'secp384r1' }], // not in the client's first key share: HelloRetryRequest
  ] as const)('TLS 1.3 %s %j: Certificate message decrypted', async (suite, extra) => {
    const srv = tlsServer(fs.readFileSync(pki.serverChain, 'utf8'), { ciphers: suite, minVersion: 'TLSv1.3', ...extra });
    const port = await listen(srv, '127.0.0.1');
    const r = await fetch({ port });
    expect({ protocol: r.protocol, cipher: r.cipher, chainSource: r.chainSource }).toEqual({ protocol: 'TLSv1.3', cipher: suite, chainSource: 'handshake' });
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
  });

  test('ALPN postgresql (PostgreSQL 17 direct TLS) and SNI', async () => {
    const r = await fetch({ port: tlsPort4, alpn: ['postgresql'], sni: 'db.test' });
    expect(r.alpnProtocol).toBe('postgresql');
    expect(r.servername).toBe('db.test');
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
  });
});

describe('PostgreSQL STARTTLS', () => {
  test('the chain PostgreSQL was configured with (IPv4 and IPv6)', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const r = await fetchChain({ host, port: pg.port, starttls: 'postgres', timeoutMs: 5000 });
      expect(hashes(r.certificates)).toEqual(hashes(chainDer));
      expect(r).toMatchObject({ starttls: 'postgres', protocol: 'TLSv1.3', chainSource: 'handshake' });
    }
  });

  test('ssl=off: does not support TLS', async () => {
    const err = await failure(fetch({ port: pgNoSsl.port, starttls: 'postgres' }), 'UNSUPPORTED', 'no-tls');
    expect(err.message).toBe(`server 127.0.0.1:${pgNoSsl.port} does not support TLS (answered N to SSLRequest)`);
  });

  test('--starttls mysql against PostgreSQL: not a MySQL/MariaDB server, within the timeout', async () => {
    const t0 = Date.now();
    const err = await failure(fetch({ port: pg.port, starttls: 'mysql', timeoutMs: 1000 }), 'NETWORK', 'protocol');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err.message).toMatch(/not a MySQL\/MariaDB server/);
  });

  test('--starttls postgres against a plain TLS server: not a PostgreSQL server', async () => {
    const err = await failure(fetch({ port: tlsPort4, starttls: 'postgres' }), 'NETWORK', 'protocol');
    expect(err.message).toMatch(/not a PostgreSQL server/); // OpenSSL closes, or answers with an alert
  });

  test('plain TLS against PostgreSQL: handshake failure with a hint', async () => {
    const err = await failure(fetch({ port: pg.port }), 'NETWORK', 'handshake');
    expect(err.message).toMatch(/--starttls postgres/);
  });
});

describe('MariaDB STARTTLS', () => {
  test('the chain MariaDB was configured with', async () => {
    const r = await fetch({ port: maria.port, starttls: 'mysql' });
    expect(hashes(r.certificates)).toEqual(hashes(chainDer));
    expect(r.starttls).toBe('mysql');
    expect(r.serverVersion).toMatch(/MariaDB/);
    expect(r.chainSource).toBe('handshake');
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  test('--starttls postgres against MariaDB: not a PostgreSQL server', async () => {
    const err = await failure(fetch({ port: maria.port, starttls: 'postgres' }), 'NETWORK', 'protocol');
    expect(err.message).toMatch(/not a PostgreSQL server: it sent a MySQL\/MariaDB greeting \(.*MariaDB.*\); use --starttls mysql/);
  });

  test('plain TLS against MariaDB: handshake failure naming the greeting', async () => {
    const err = await failure(fetch({ port: maria.port }), 'NETWORK', 'handshake');
    expect(err.message).toMatch(/use --starttls mysql/);
  });
});

describe('failures are distinct and bounded', () => {
  test('connection refused, quickly', async () => {
    const t0 = Date.now();
    const err = await failure(fetch({ port: closedPort }), 'NETWORK', 'refused');
    expect(err.message).toBe(`connection refused by 127.0.0.1:${closedPort}`);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test('a server that accepts and stays silent: timeout within the bound, socket closed', async () => {
    const before = silentClosed;
    const t0 = Date.now();
    const err = await failure(fetch({ port: silentPort, timeoutMs: 700 }), 'NETWORK', 'timeout');
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(1500);
    expect(err.message).toBe(`timed out after 0.7s in the TLS handshake with 127.0.0.1:${silentPort}`);
    for (let i = 0; i < 40 && silentClosed === before; i++) await new Promise((r) => setTimeout(r, 25));
    expect(silentClosed).toBe(before + 1);
  });

  test('postgres mode against a silent server: timeout waiting for the SSLRequest answer', async () => {
    const err = await failure(fetch({ port: silentPort, starttls: 'postgres', timeoutMs: 500 }), 'NETWORK', 'timeout');
    expect(err.message).toMatch(/PostgreSQL SSLRequest/);
  });
});

describe('openssl s_client agrees', () => {
  const sClientChain = (port: number, starttls: string): string[] => {
    const r = openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', starttls, '-showcerts'], { input: '' });
    const certs = [...r.stdout.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) =>
      Buffer.from(m[0].replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'),
    );
    expect(certs.length).toBeGreaterThan(0);
    return hashes(certs);
  };

  test.each(['postgres', 'mysql'] as const)('-starttls %s -showcerts', async (mode) => {
    const port = mode === 'postgres' ? pg.port : maria.port;
    const ours = await fetch({ port, starttls: mode });
    expect(hashes(ours.certificates)).toEqual(sClientChain(port, mode));
  });
});

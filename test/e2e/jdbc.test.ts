/**
 * ktool jdbc end to end: the configuration ktool emits, loaded by a small Java JDBC client
 * (DriverManager.getConnection(url, Properties from ktool's .properties output)) with the real drivers
 * from /usr/share/java, on JDK 17 and 25, against real TLS servers from test/helpers/db-servers.ts.
 * Positive cases connect; negative controls (wrong CA, wrong client CN) must fail.
 *
 * Covered now: pgJDBC verify-full with client-certificate auth (files route: PEM CA, .pk8 key) and
 * MariaDB Connector/J 2.7 verify-full (serverSslCert). Store-based routes (JKS/PKCS12, pgJDBC
 * DefaultJavaSSLFactory, MariaDB REQUIRE X509 via keyStore) need the keystore codecs in src/formats.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildJdbcConfig, type JdbcRequest } from '../../src/ops/jdbc';
import { checkServer } from '../../src/ops/jdbc/check';
import { loadClientPem, loadTrustPem } from '../../src/ops/jdbc/materials';
import { renderConfig } from '../../src/output/config';
import type { MariaDbServer, PostgresServer, TestPki } from '../helpers/db-servers';
import { JDBC_JARS as JARS, startJdbcE2e } from '../helpers/jdbc-e2e';
import { JDKS, tempDir } from '../helpers/jdk';

const CLIENT_SRC = `
import java.io.*;
import java.sql.*;
import java.util.Properties;
public class Connect {
  public static void main(String[] a) throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(a[1])) { p.load(in); }
    try (Connection c = DriverManager.getConnection(a[0], p); Statement s = c.createStatement(); ResultSet r = s.executeQuery(a[2])) {
      r.next();
      System.out.println("OK " + r.getString(1));
    } catch (SQLException e) {
      Throwable t = e; StringBuilder m = new StringBuilder();
      while (t != null) { m.append(t.getMessage()).append(" | "); t = t.getCause(); }
      System.out.println("FAIL " + m);
      System.exit(1);
    }
  }
}
`;

let work: string;
let pki: TestPki;
let otherPki: TestPki;
let pg: PostgresServer;
let maria: MariaDbServer;

beforeAll(async () => {
  work = tempDir('jdbc-e2e');
  ({ pki, otherPki, pg, maria } = await startJdbcE2e(work, 'Connect', CLIENT_SRC));
  await pg.createUser('app');
  await maria.createUser('tlsuser', { require: 'SSL', grantAll: true });
}, 180000);

afterAll(async () => {
  await Promise.all([pg?.stop(), maria?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

let n = 0;
/** Build ktool's config, write its files and .properties, connect with the real driver on every JDK. */
function connect(req: JdbcRequest, query: string): { jdk: string; ok: boolean; out: string }[] {
  const cfg = buildJdbcConfig(req);
  for (const f of cfg.files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, f.content(), { mode: f.mode });
  }
  const props = path.join(work, `c${n++}.properties`);
  fs.writeFileSync(props, renderConfig('properties', cfg, req), 'latin1');
  return JDKS.map((jdk) => {
    const r = spawnSync(path.join(jdk.home(), 'bin', 'java'), ['-cp', [path.join(work, 'classes'), ...JARS].join(':'), 'Connect', cfg.baseUrl, props, query], { encoding: 'utf8', timeout: 60000 });
    return { jdk: jdk.name, ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
  });
}

describe('pgJDBC, files route (PEM CA, DER PKCS#8 key)', () => {
  const pgReq = (over: Partial<JdbcRequest>): JdbcRequest => ({
    driver: 'postgresql',
    host: 'localhost',
    port: pg.port,
    database: 'postgres',
    user: 'app',
    mode: 'verify-full',
    trust: loadTrustPem(pki.rootCert),
    outDir: path.join(work, `pg-out-${n}`),
    ...over,
  });

  test('verify-full with client-certificate auth connects, over TLS, as CN=app', () => {
    const c = pki.clientCert('app');
    const results = connect(pgReq({ client: loadClientPem(c.key, c.chain) }), 'SELECT ssl::text || \' \' || client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    for (const r of results) expect(r).toEqual({ jdk: r.jdk, ok: true, out: expect.stringMatching(/^OK true .*CN=app/) });
  });

  test('negative: a CA that did not issue the server certificate', () => {
    const c = pki.clientCert('app');
    for (const r of connect(pgReq({ trust: loadTrustPem(otherPki.rootCert), client: loadClientPem(c.key, c.chain) }), 'SELECT 1')) {
      expect(r.ok).toBe(false);
      expect(r.out).toMatch(/PKIX|certification path|SSL error/i);
    }
  });

  test('negative: client certificate with the wrong CN for the user', () => {
    const c = pki.clientCert('intruder');
    for (const r of connect(pgReq({ client: loadClientPem(c.key, c.chain) }), 'SELECT 1')) {
      expect(r.ok).toBe(false);
      expect(r.out).toMatch(/certificate authentication failed|does not match/i);
    }
  });
});

describe('--check HOST:PORT (src/net/fetch.ts + src/x509/verify.ts)', () => {
  test('passes with the right CA and host, fails with another CA or a name not in the SAN', async () => {
    const base: JdbcRequest = { driver: 'postgresql', host: 'localhost', database: 'postgres', mode: 'verify-full', trust: loadTrustPem(pki.rootCert) };
    const ok = await checkServer(base, `127.0.0.1:${pg.port}`);
    expect(ok).toMatchObject({ verified: true, hostname: { ok: true } });
    expect((await checkServer({ ...base, trust: loadTrustPem(otherPki.rootCert) }, `127.0.0.1:${pg.port}`)).verified).toBe(false);
    const wrongName = await checkServer({ ...base, host: 'db.example.com' }, `127.0.0.1:${pg.port}`);
    expect(wrongName.verified).toBe(false);
    expect((await checkServer({ ...base, driver: 'mariadb', host: 'db.example.com', mode: 'verify-ca' }, `127.0.0.1:${maria.port}`)).verified).toBe(true);
  });
});

describe('MariaDB Connector/J 2.7, verify-full with serverSslCert', () => {
  const mReq = (over: Partial<JdbcRequest>): JdbcRequest => ({
    driver: 'mariadb',
    driverVersion: '2.7.6',
    host: 'localhost',
    port: maria.port,
    database: 'app',
    user: 'tlsuser',
    mode: 'verify-full',
    trust: loadTrustPem(pki.rootCert),
    ...over,
  });

  test('connects over TLS (REQUIRE SSL user)', () => {
    for (const r of connect(mReq({}), "SHOW STATUS LIKE 'Ssl_version'")) expect(r).toEqual({ jdk: r.jdk, ok: true, out: expect.stringMatching(/^OK Ssl_version/) });
  });

  test('negative: wrong CA', () => {
    for (const r of connect(mReq({ trust: loadTrustPem(otherPki.rootCert) }), 'SELECT 1')) {
      expect(r.ok).toBe(false);
      expect(r.out).toMatch(/PKIX|certificat|SSL/i);
    }
  });
});

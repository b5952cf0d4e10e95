/**
 * ktool jdbc, unit level: the exact property names and values per driver, mode and version (pinned
 * against the real pgJDBC 42.x and MariaDB 2.7 jars where the machine has them), and escaping proven
 * by the real readers: java.util.Properties.load / loadFromXML, pgJDBC's Driver.parseURL, MariaDB's
 * UrlParser, java.net.URL for file: URLs, and the yaml package.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { buildJdbcConfig, fileUrl, type JdbcConfig, type JdbcRequest, type TrustMaterial, type ClientMaterial } from '../../src/ops/jdbc';
import { loadClientPem, loadTrustPem, readCertificateFile } from '../../src/ops/jdbc/materials';
import { renderConfig } from '../../src/output/config';
import { escapePropertiesValue, renderProperties } from '../../src/output/config/java-properties';
import { renderPropertiesXml } from '../../src/output/config/properties-xml';
import { sqlserverValue } from '../../src/ops/jdbc/sqlserver';
import { JDK17_HOME, JDKS, openssl, opensslIn, tempDir } from '../helpers/jdk';

const PG_JAR = '/usr/share/java/postgresql.jar';
const MARIADB_JAR = '/usr/share/java/mariadb-java-client.jar';

// A password that breaks every naive escaper: URL, properties, XML, YAML, shell.
const NASTY = ' p&w%d#x=y:z!q "\'<>\\ü€𝄞+ ';
const kv = (c: JdbcConfig) => Object.fromEntries(c.properties.map((s) => [s.key, s.value]));
const keys = (c: JdbcConfig) => c.properties.map((s) => s.key);

const trustStore = (p = '/etc/app/tls/truststore.p12', password = 'S3cret', type: 'PKCS12' | 'JKS' = 'PKCS12'): TrustMaterial => ({ kind: 'store', store: { path: p, type, password }, certificates: [] });
const clientStore = (p = '/etc/app/tls/client.p12', password = 'S3cret', type: 'PKCS12' | 'JKS' = 'PKCS12', alias = 'client'): ClientMaterial => ({
  kind: 'store',
  store: { path: p, type, password },
  alias,
  pkcs8: new Uint8Array([1, 2, 3]),
  chain: [],
});
const base = (over: Partial<JdbcRequest>): JdbcRequest => ({ driver: 'mysql', host: 'db.example.com', database: 'app', mode: 'verify-full', ...over });

// ---------------------------------------------------------------- Java probe (real JDK and driver parsers)

let work: string;
let probeDir: string;
const java = (home = JDK17_HOME()) => path.join(home, 'bin', 'java');
const CP = () => [probeDir, PG_JAR, MARIADB_JAR].join(':');

function probe(args: string[], jdkHome?: string): Record<string, string | null> {
  const r = spawnSync(java(jdkHome), ['-cp', CP(), 'Probe', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Probe ${args[0]} failed: ${r.stderr}`);
  const out: Record<string, string | null> = {};
  for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
    if (line === 'REJECTED') throw new Error('driver rejected the URL');
    const [k, v] = line.split(' ');
    out[Buffer.from(k, 'hex').toString('utf8')] = v === 'null' ? null : Buffer.from(v, 'hex').toString('utf8');
  }
  return out;
}

const PROBE_SRC = `
import java.io.*;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.*;
public class Probe {
  static String hex(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x));
    return b.toString();
  }
  static void dump(Properties p) {
    for (String k : new TreeSet<>(p.stringPropertyNames())) System.out.println(hex(k) + " " + hex(p.getProperty(k)));
  }
  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "props": { Properties p = new Properties(); try (InputStream in = new FileInputStream(a[1])) { p.load(in); } dump(p); break; }
      case "xml": { Properties p = new Properties(); try (InputStream in = new FileInputStream(a[1])) { p.loadFromXML(in); } dump(p); break; }
      case "pgurl": { Properties p = org.postgresql.Driver.parseURL(a[1], new Properties()); if (p == null) { System.out.println("REJECTED"); break; } dump(p); break; }
      case "mariadb": {
        Properties in = new Properties();
        if (a.length > 2) try (InputStream s = new FileInputStream(a[2])) { in.load(s); }
        Object up = Class.forName("org.mariadb.jdbc.UrlParser").getMethod("parse", String.class, Properties.class).invoke(null, a[1], in);
        if (up == null) { System.out.println("REJECTED"); break; }
        Object opts = up.getClass().getMethod("getOptions").invoke(up);
        for (String f : new String[] {"user", "useSsl", "trustServerCertificate", "disableSslHostnameVerification", "serverSslCert", "trustStore", "trustStorePassword", "trustStoreType", "keyStore", "keyStorePassword", "keyStoreType", "keyPassword"}) {
          Object v = opts.getClass().getField(f).get(opts);
          System.out.println(hex(f) + " " + hex(v == null ? null : String.valueOf(v)));
        }
        System.out.println(hex("database") + " " + hex(String.valueOf(up.getClass().getMethod("getDatabase").invoke(up))));
        break;
      }
      case "fileurl": { try (InputStream in = new java.net.URL(a[1]).openStream()) { System.out.println(hex("content") + " " + hex(new String(in.readAllBytes(), StandardCharsets.UTF_8))); } break; }
      default: throw new IllegalArgumentException(a[0]);
    }
  }
}
`;

beforeAll(() => {
  work = tempDir('jdbc');
  probeDir = path.join(work, 'probe');
  fs.mkdirSync(probeDir);
  fs.writeFileSync(path.join(probeDir, 'Probe.java'), PROBE_SRC);
  for (const jar of [PG_JAR, MARIADB_JAR]) if (!fs.existsSync(jar)) throw new Error(`${jar} missing: apt-get install -y libpostgresql-jdbc-java libmariadb-java`);
  const r = spawnSync(path.join(JDK17_HOME(), 'bin', 'javac'), ['-cp', CP(), '-d', probeDir, path.join(probeDir, 'Probe.java')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`javac failed: ${r.stderr}`);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------- MySQL Connector/J

describe('MySQL Connector/J', () => {
  test('8.0.13+/9.x: sslMode per mode, store URLs, store types always explicit', () => {
    const want = { require: 'REQUIRED', 'verify-ca': 'VERIFY_CA', 'verify-full': 'VERIFY_IDENTITY' } as const;
    for (const mode of ['require', 'verify-ca', 'verify-full'] as const) {
      const c = buildJdbcConfig(base({ mode, user: 'app', trust: trustStore(), client: clientStore('/etc/app/tls/client.jks', 'S3cret', 'JKS') }));
      expect(c.driverClass).toBe('com.mysql.cj.jdbc.Driver');
      const trustKeys = mode === 'require' ? [] : ['trustCertificateKeyStoreUrl', 'trustCertificateKeyStoreType', 'trustCertificateKeyStorePassword'];
      expect(keys(c)).toEqual(['user', 'sslMode', ...trustKeys, 'clientCertificateKeyStoreUrl', 'clientCertificateKeyStoreType', 'clientCertificateKeyStorePassword']);
      expect(kv(c).sslMode).toBe(want[mode]);
      expect(kv(c).clientCertificateKeyStoreUrl).toBe('file:/etc/app/tls/client.jks');
      expect(kv(c).clientCertificateKeyStoreType).toBe('JKS');
      if (mode !== 'require') expect(kv(c)).toMatchObject({ trustCertificateKeyStoreUrl: 'file:/etc/app/tls/truststore.p12', trustCertificateKeyStoreType: 'PKCS12', trustCertificateKeyStorePassword: 'S3cret' });
    }
  });

  test('5.1 (and 8.0 before 8.0.13): legacy names; verify-full is refused', () => {
    for (const v of ['5.1', '5.1.49', '8.0.12']) {
      const ca = buildJdbcConfig(base({ driverVersion: v, mode: 'verify-ca', trust: trustStore() }));
      expect(ca.driverClass).toBe(v.startsWith('5') ? 'com.mysql.jdbc.Driver' : 'com.mysql.jdbc.Driver');
      expect(kv(ca)).toMatchObject({ useSSL: 'true', requireSSL: 'true', verifyServerCertificate: 'true' });
      expect(kv(ca).sslMode).toBeUndefined();
      expect(kv(buildJdbcConfig(base({ driverVersion: v, mode: 'require' }))).verifyServerCertificate).toBe('false');
      expect(() => buildJdbcConfig(base({ driverVersion: v, mode: 'verify-full', trust: trustStore() }))).toThrow(/host-name verification/);
      expect(ca.modes.find((m) => m.mode === 'verify-full')!.supported).toBe(false);
    }
    expect(buildJdbcConfig(base({ driverVersion: '8.0.13', mode: 'verify-full', trust: trustStore() })).modes.every((m) => m.supported)).toBe(true);
  });

  test('URL values percent-encoded for URLDecoder; file: URLs encode % # ? (then again inside the JDBC URL)', () => {
    const c = buildJdbcConfig(base({ mode: 'verify-ca', trust: trustStore('/srv/a b/h#q?x%y/t.p12', NASTY) }));
    expect(kv(c).trustCertificateKeyStoreUrl).toBe('file:/srv/a b/h%23q%3Fx%25y/t.p12');
    const q = new URL(c.url.replace(/^jdbc:/, 'http:').replace('mysql://', '//'));
    // URLSearchParams decodes as URLDecoder does (+ is a space; we never emit a raw +).
    expect(c.url).not.toMatch(/[ +#]/);
    expect(q.searchParams.get('trustCertificateKeyStorePassword')).toBe(NASTY);
    expect(q.searchParams.get('trustCertificateKeyStoreUrl')).toBe('file:/srv/a b/h%23q%3Fx%25y/t.p12');
    expect(c.url).toContain('trustCertificateKeyStoreUrl=file%3A%2Fsrv%2Fa%20b%2Fh%2523q%253Fx%2525y%2Ft.p12');
  });

  test('--format url is one line', () => {
    const c = buildJdbcConfig(base({ trust: trustStore('/x/t.p12', 'a\nb') }));
    const out = renderConfig('url', c, base({}));
    expect(out.split('\n')).toEqual([c.url, '']);
  });
});

// ---------------------------------------------------------------- file: URLs (java.net.URL)

describe('file: URLs', () => {
  test('java.net.URL opens the right file for paths with # ? % and spaces', () => {
    const dir = path.join(work, 'we ird#dir?x%41');
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, 'store #1.p12');
    fs.writeFileSync(f, 'the right file');
    expect(probe(['fileurl', fileUrl(f)]).content).toBe('the right file');
  });

  test('Windows paths: file:/C:/... with forward slashes', () => {
    expect(fileUrl('C:\\Program Files\\app\\trust#1.p12')).toBe('file:/C:/Program Files/app/trust%231.p12');
    expect(fileUrl('D:/tls/t.p12')).toBe('file:/D:/tls/t.p12');
    expect(() => fileUrl('relative/t.p12')).toThrow(/absolute/);
  });
});

// ---------------------------------------------------------------- MariaDB Connector/J

describe('MariaDB Connector/J', () => {
  test('3.5+: sslMode trust|verify-ca|verify-full, trustStore*, keyStore*', () => {
    const want = { require: 'trust', 'verify-ca': 'verify-ca', 'verify-full': 'verify-full' } as const;
    for (const mode of ['require', 'verify-ca', 'verify-full'] as const) {
      const c = buildJdbcConfig(base({ driver: 'mariadb', mode, trust: trustStore(), client: clientStore() }));
      expect(c.driverClass).toBe('org.mariadb.jdbc.Driver');
      expect(c.url.startsWith('jdbc:mariadb://db.example.com:3306/app?')).toBe(true);
      expect(kv(c).sslMode).toBe(want[mode]);
      const trustKeys = mode === 'require' ? [] : ['trustStore', 'trustStoreType', 'trustStorePassword'];
      expect(keys(c)).toEqual(['sslMode', ...trustKeys, 'keyStore', 'keyStoreType', 'keyStorePassword']);
      expect(kv(c).keyStore).toBe('/etc/app/tls/client.p12'); // a path, not a file: URL
    }
  });

  test('3.0-3.4: no trustStore, the CA goes in serverSslCert (PEM written from the truststore)', () => {
    const c = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '3.4.1', mode: 'verify-full', trust: { ...trustStore(), certificates: [new Uint8Array([0x30, 0])] }, outDir: '/out' }));
    expect(kv(c)).toEqual({ sslMode: 'verify-full', serverSslCert: '/out/ca.pem' });
    expect(c.files.map((f) => f.path)).toEqual(['/out/ca.pem']);
    const pem = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '3.0.3', mode: 'verify-ca', trust: { kind: 'pem', path: '/etc/ca.pem', certificates: [] } }));
    expect(kv(pem)).toEqual({ sslMode: 'verify-ca', serverSslCert: '/etc/ca.pem' });
  });

  test('2.x: no sslMode; names pinned by the 2.7 jar (UrlParser reads every one of them)', () => {
    const cases = [
      { mode: 'require' as const, want: { useSsl: 'true', trustServerCertificate: 'true', disableSslHostnameVerification: 'false' } },
      { mode: 'verify-ca' as const, want: { useSsl: 'true', trustServerCertificate: 'false', disableSslHostnameVerification: 'true' } },
      { mode: 'verify-full' as const, want: { useSsl: 'true', trustServerCertificate: 'false', disableSslHostnameVerification: 'false' } },
    ];
    for (const { mode, want } of cases) {
      const c = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '2.7.6', mode, user: 'app', trust: trustStore('/t s/#t?.jks', 'pw%41', 'JKS'), client: clientStore() }));
      expect(kv(c).sslMode).toBeUndefined();
      const read = probe(['mariadb', c.url]);
      expect(read).toMatchObject({ ...want, user: 'app', database: 'app', keyStore: '/etc/app/tls/client.p12', keyStorePassword: 'S3cret', keyStoreType: 'PKCS12' });
      if (mode !== 'require') expect(read).toMatchObject({ trustStore: '/t s/#t?.jks', trustStorePassword: 'pw%41', trustStoreType: 'JKS' });
    }
    // 2.1-2.3 have no *StoreType options.
    const old = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '2.3.0', mode: 'verify-full', trust: trustStore(), client: clientStore() }));
    expect(keys(old)).toEqual(['useSsl', 'trustStore', 'trustStorePassword', 'keyStore', 'keyStorePassword']);
    expect(() => buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '2.0.1', trust: trustStore() }))).toThrow(/2\.1/);
  });

  test('values are not decoded: raw in the URL; a value with & only as a Property (read back by the 2.7 jar)', () => {
    const easy = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '2.7', mode: 'verify-full', trust: trustStore('/a/t.p12', 'p%41#=é:!') }));
    expect(easy.urlComplete).toBe(true);
    expect(probe(['mariadb', easy.url]).trustStorePassword).toBe('p%41#=é:!');

    const hard = buildJdbcConfig(base({ driver: 'mariadb', driverVersion: '2.7', mode: 'verify-full', trust: trustStore('/a/t.p12', NASTY) }));
    expect(hard.urlComplete).toBe(false);
    expect(() => renderConfig('url', hard, base({}))).toThrow(/Properties/);
    const file = path.join(work, 'mariadb.properties');
    fs.writeFileSync(file, renderConfig('properties', hard, base({})), 'latin1');
    expect(probe(['mariadb', hard.baseUrl, file])).toMatchObject({ useSsl: 'true', trustStore: '/a/t.p12', trustStorePassword: NASTY });
  });
});

// ---------------------------------------------------------------- PostgreSQL pgJDBC

describe('pgJDBC', () => {
  test('files route: sslrootcert PEM, sslcert + sslkey .pk8 (0600), URL decoded by the real Driver.parseURL', () => {
    const req = base({
      driver: 'postgresql',
      mode: 'verify-full',
      user: 'app user',
      database: 'my db',
      trust: { kind: 'pem', path: '/etc/tls/ca #1.pem', certificates: [] },
      client: { kind: 'pem', keyPath: '/k.pem', certPath: '/c.pem', pkcs8: new Uint8Array([1]), chain: [new Uint8Array([2])] },
      outDir: '/out dir',
    });
    const c = buildJdbcConfig(req);
    expect(c.driverClass).toBe('org.postgresql.Driver');
    expect(kv(c)).toEqual({ user: 'app user', sslmode: 'verify-full', sslrootcert: '/etc/tls/ca #1.pem', sslcert: '/out dir/postgresql.crt', sslkey: '/out dir/postgresql.pk8' });
    expect(c.files.map((f) => [f.path, f.mode])).toEqual([
      ['/out dir/postgresql.crt', 0o644],
      ['/out dir/postgresql.pk8', 0o600],
    ]);
    expect(c.jsse).toEqual([]);
    const read = probe(['pgurl', c.url]);
    expect(read).toMatchObject({ PGDBNAME: 'my db', PGHOST: 'db.example.com', PGPORT: '5432', ...kv(c) });
  });

  test('sslmode per mode; require leaves the CA out (LibPQFactory trusts everything then)', () => {
    for (const mode of ['require', 'verify-ca', 'verify-full'] as const) {
      const c = buildJdbcConfig(base({ driver: 'postgresql', mode, trust: { kind: 'pem', path: '/ca.pem', certificates: [] } }));
      expect(kv(c)).toEqual(mode === 'require' ? { sslmode: 'require' } : { sslmode: mode, sslrootcert: '/ca.pem' });
    }
  });

  test('a truststore becomes root.crt (PEM); PKCS#12 key route: alias "user", sslpassword', () => {
    const der = new Uint8Array([0x30, 0x03, 1, 2, 3]);
    const c = buildJdbcConfig(
      base({ driver: 'postgresql', mode: 'verify-ca', trust: { ...trustStore(), certificates: [der] }, client: clientStore('/tls/pg.p12', NASTY, 'PKCS12', 'user'), pgKeyFormat: 'p12', outDir: '/o' }),
    );
    expect(kv(c)).toEqual({ sslmode: 'verify-ca', sslrootcert: '/o/root.crt', sslkey: '/tls/pg.p12', sslpassword: NASTY });
    expect(Buffer.from(c.files[0].content()).toString()).toBe(`-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`);
    expect(probe(['pgurl', c.url]).sslpassword).toBe(NASTY);
    // Another alias than "user" is rewritten (PKCS12KeyManager looks up "user" only).
    const other = buildJdbcConfig(base({ driver: 'postgresql', mode: 'require', client: clientStore('/tls/pg.p12', 'pw', 'PKCS12', 'client'), pgKeyFormat: 'p12', outDir: '/o' }));
    expect(kv(other).sslkey).toBe('/o/postgresql.p12');
    expect(() => buildJdbcConfig(base({ driver: 'postgresql', driverVersion: '42.2.8', client: clientStore(), pgKeyFormat: 'p12', trust: trustStore() }))).toThrow(/42\.2\.9/);
  });

  test('jvm route: DefaultJavaSSLFactory plus javax.net.ssl.* (url is then incomplete)', () => {
    const c = buildJdbcConfig(base({ driver: 'postgresql', mode: 'verify-full', pgRoute: 'jvm', trust: trustStore(), client: clientStore('/c.jks', 'pw', 'JKS') }));
    expect(kv(c)).toEqual({ sslmode: 'verify-full', sslfactory: 'org.postgresql.ssl.DefaultJavaSSLFactory' });
    expect(c.jsse.map((s) => `${s.key}=${s.value}`)).toEqual([
      'javax.net.ssl.trustStore=/etc/app/tls/truststore.p12',
      'javax.net.ssl.trustStoreType=PKCS12',
      'javax.net.ssl.trustStorePassword=S3cret',
      'javax.net.ssl.keyStore=/c.jks',
      'javax.net.ssl.keyStoreType=JKS',
      'javax.net.ssl.keyStorePassword=pw',
    ]);
    expect(renderConfig('jsse', c, base({})).trim().split('\n')).toHaveLength(6);
    // URL + jsse is the pairing for the JVM route: the URL alone is printed, one line, no query for the stores.
    expect(renderConfig('url', c, base({}))).toMatch(/^jdbc:postgresql:[^\n]*sslfactory=org\.postgresql\.ssl\.DefaultJavaSSLFactory[^\n]*\n$/);
    expect(renderConfig('java-tool-options', c, base({}))).toBe(`export JAVA_TOOL_OPTIONS='${c.jsse.map((s) => `-D${s.key}=${s.value}`).join(' ')}'\n`);
    expect(() => renderConfig('jsse', buildJdbcConfig(base({ driver: 'postgresql', mode: 'require' })), base({}))).toThrow(/jvm/);
  });

  test('libpq environment: PEM key written 0600, shell-quoted', () => {
    const req = base({ driver: 'postgresql', mode: 'verify-full', user: "o'neil", trust: { kind: 'pem', path: '/ca dir/ca.pem', certificates: [] }, client: clientStore(), outDir: '/o', libpq: true, crlPath: '/crl.pem' });
    const c = buildJdbcConfig(req);
    expect(renderConfig('libpq', c, req)).toBe(
      [
        'export PGHOST=db.example.com',
        'export PGPORT=5432',
        'export PGDATABASE=app',
        `export PGUSER='o'\\''neil'`,
        'export PGSSLMODE=verify-full',
        "export PGSSLROOTCERT='/ca dir/ca.pem'",
        'export PGSSLCERT=/o/postgresql.crt',
        'export PGSSLKEY=/o/postgresql.key',
        'export PGSSLCRL=/crl.pem',
        '',
      ].join('\n'),
    );
    expect(c.files.find((f) => f.path === '/o/postgresql.key')!.mode).toBe(0o600);
  });
});

// ---------------------------------------------------------------- SQL Server, Oracle, Exasol

describe('SQL Server, Oracle, Exasol', () => {
  test('SQL Server: ;key=value with {} escaping; verify-ca refused', () => {
    const c = buildJdbcConfig(base({ driver: 'sqlserver', mode: 'verify-full', trust: trustStore('/t.p12', 'S3;c{r}et'), client: clientStore('/c.pfx') }));
    expect(c.url).toBe(
      'jdbc:sqlserver://db.example.com:1433;databaseName=app;encrypt=true;trustServerCertificate=false;trustStore=/t.p12;trustStoreType=PKCS12;trustStorePassword={S3;c{r}}et};clientCertificate=/c.pfx;clientKeyPassword=S3cret',
    );
    expect(sqlserverValue(' a')).toBe('{ a}');
    expect(kv(buildJdbcConfig(base({ driver: 'sqlserver', mode: 'require' })))).toEqual({ encrypt: 'true', trustServerCertificate: 'true' });
    expect(() => buildJdbcConfig(base({ driver: 'sqlserver', mode: 'verify-ca', trust: trustStore() }))).toThrow(/host name/);
  });

  test('Oracle thin: tcps URL, javax.net.ssl.* as Properties, dn match for verify-full; require refused', () => {
    const c = buildJdbcConfig(base({ driver: 'oracle', database: 'svc', mode: 'verify-full', trust: trustStore() }));
    expect(c.url).toBe('jdbc:oracle:thin:@tcps://db.example.com:2484/svc');
    expect(kv(c)).toEqual({
      'javax.net.ssl.trustStore': '/etc/app/tls/truststore.p12',
      'javax.net.ssl.trustStoreType': 'PKCS12',
      'javax.net.ssl.trustStorePassword': 'S3cret',
      'oracle.net.ssl_server_dn_match': 'true',
    });
    expect(() => buildJdbcConfig(base({ driver: 'oracle', mode: 'require' }))).toThrow(/TCPS/);
  });

  test('Exasol: jdbc:exa URL, JVM truststore; IMPORT clause with a MySQL source URL', () => {
    const c = buildJdbcConfig(base({ driver: 'exasol', database: 'RETAIL', mode: 'verify-full', trust: trustStore() }));
    expect(c.url).toBe('jdbc:exa:db.example.com:8563;schema=RETAIL');
    expect(c.jsse.map((s) => s.key)).toEqual(['javax.net.ssl.trustStore', 'javax.net.ssl.trustStoreType', 'javax.net.ssl.trustStorePassword']);
    expect(buildJdbcConfig(base({ driver: 'exasol', mode: 'require' })).url).toBe('jdbc:exa:db.example.com:8563;schema=app;validateservercertificate=0');
    const req = base({ mode: 'verify-ca', user: "it's", trust: trustStore('/buckets/bfsdefault/tls/truststore.p12', "pa'ss") });
    const out = renderConfig('exasol-import', buildJdbcConfig(req), req).split('\n');
    expect(out[1]).toBe(
      "FROM JDBC AT 'jdbc:mysql://db.example.com:3306/app?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file%3A%2Fbuckets%2Fbfsdefault%2Ftls%2Ftruststore.p12&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword=pa''ss' USER 'it''s'",
    );
  });
});

// ---------------------------------------------------------------- escaping: properties, XML, YAML

describe('escaping, proven by the real readers', () => {
  const tricky = [
    { key: 'user', value: ' lead and trail ' },
    { key: 'password', value: NASTY },
    { key: 'path', value: 'C:\\Program Files\\tls\\t#1.p12' },
    { key: 'ctl', value: 'tab\there\nnew\rline\fff\u0001' },
    { key: 'weird key=:# !', value: '!#start' },
    { key: 'empty', value: '' },
  ];

  test('java.util.Properties.load reads back exactly what was written', () => {
    const text = renderProperties(tricky, ['a comment with ü and', 'two lines']);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true); // pure ASCII: both load(InputStream) and load(Reader) agree
    const file = path.join(work, 'p.properties');
    fs.writeFileSync(file, text, 'latin1');
    for (const jdk of JDKS) expect(probe(['props', file], jdk.home())).toEqual(Object.fromEntries(tricky.map((s) => [s.key, s.value])));
    expect(escapePropertiesValue(' a b')).toBe('\\ a b');
  });

  test('Properties.loadFromXML reads back the XML (DTD header, entities); control characters refused', () => {
    const ok = tricky.filter((s) => s.key !== 'ctl');
    const xml = renderPropertiesXml(ok, 'comment & <stuff>');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">\n<properties>')).toBe(true);
    const file = path.join(work, 'p.xml');
    fs.writeFileSync(file, xml, 'utf8');
    for (const jdk of JDKS) expect(probe(['xml', file], jdk.home())).toEqual(Object.fromEntries(ok.map((s) => [s.key, s.value])));
    expect(() => renderPropertiesXml(tricky)).toThrow(/control characters/);
  });

  test('a whole --format properties / properties-xml document for a driver loads back as its Properties', () => {
    const c = buildJdbcConfig(base({ user: 'üser', mode: 'verify-full', trust: trustStore('C:\\tls\\t #1.p12', NASTY), client: clientStore() }));
    const pf = path.join(work, 'drv.properties');
    fs.writeFileSync(pf, renderConfig('properties', c, base({})), 'latin1');
    expect(probe(['props', pf])).toEqual(kv(c));
    expect(kv(c).trustCertificateKeyStoreUrl).toBe('file:/C:/tls/t %231.p12');
    const xf = path.join(work, 'drv.xml');
    fs.writeFileSync(xf, renderConfig('properties-xml', c, base({})), 'utf8');
    expect(probe(['xml', xf])).toEqual(kv(c));
  });

  test('OX dbconnector.yaml: every value double-quoted, useSSL kept, reads back with the yaml package', () => {
    const req = base({ mode: 'verify-full', trust: trustStore('/opt/open-xchange/etc/ssl/truststore.p12', 'yes'), client: clientStore('/opt/ox/client.p12', NASTY) });
    const y = renderConfig('dbconnector-yaml', buildJdbcConfig(req), req);
    const doc = parseDocument(y);
    const map = doc.get('com.mysql.jdbc') as { items: { key: { value: string }; value: { value: string; type: string } }[] };
    for (const it of map.items) expect(it.value.type).toBe('QUOTE_DOUBLE');
    expect(parseYaml(y)).toEqual({
      'com.mysql.jdbc': {
        useSSL: 'true',
        requireSSL: 'true',
        verifyServerCertificate: 'true',
        sslMode: 'VERIFY_IDENTITY',
        trustCertificateKeyStoreUrl: 'file:/opt/open-xchange/etc/ssl/truststore.p12',
        trustCertificateKeyStoreType: 'PKCS12',
        trustCertificateKeyStorePassword: 'yes',
        clientCertificateKeyStoreUrl: 'file:/opt/ox/client.p12',
        clientCertificateKeyStoreType: 'PKCS12',
        clientCertificateKeyStorePassword: NASTY,
      },
    });
    expect(y).toMatch(/\n {4}useSSL: "true"\n/);
    // OX keeps what follows the last ':' of the URL without decoding: such paths are refused.
    const bad = base({ mode: 'verify-ca', trust: trustStore('/opt/ox/t#1.p12') });
    expect(() => renderConfig('dbconnector-yaml', buildJdbcConfig(bad), bad)).toThrow(/Open-Xchange/);
    // 5.1: legacy names only.
    const legacy = base({ driverVersion: '5.1', mode: 'verify-ca', trust: trustStore() });
    expect(Object.keys(parseYaml(renderConfig('dbconnector-yaml', buildJdbcConfig(legacy), legacy))['com.mysql.jdbc'])).not.toContain('sslMode');
  });

  test('OX configdb.properties: readProperty.N=key=value lines load back', () => {
    const req = base({ database: 'configdb', user: 'openexchange', mode: 'verify-full', trust: trustStore('/opt/ox/t.p12', 'p=w:d') });
    const text = renderConfig('configdb-properties', buildJdbcConfig(req), req);
    const file = path.join(work, 'configdb.properties');
    fs.writeFileSync(file, text, 'latin1');
    const read = probe(['props', file]);
    expect(read).toMatchObject({
      readDriverClass: 'com.mysql.jdbc.Driver',
      readUrl: 'jdbc:mysql://db.example.com:3306/configdb',
      'readProperty.1': 'user=openexchange',
      'readProperty.2': 'useSSL=true',
      'readProperty.5': 'sslMode=VERIFY_IDENTITY',
      'readProperty.8': 'trustCertificateKeyStorePassword=p=w:d',
      'writeProperty.8': 'trustCertificateKeyStorePassword=p=w:d',
    });
  });

  test('Spring Boot: bracketed data-source-properties keys; YAML and .properties read back', () => {
    const req = base({ driver: 'oracle', user: 'app', database: 'svc', mode: 'verify-full', trust: trustStore('/t.p12', NASTY) });
    const c = buildJdbcConfig(req);
    const y = parseYaml(renderConfig('spring-yaml', c, req));
    expect(y.spring.datasource).toEqual({
      url: 'jdbc:oracle:thin:@tcps://db.example.com:2484/svc',
      'driver-class-name': 'oracle.jdbc.OracleDriver',
      username: 'app',
      hikari: {
        'data-source-properties': {
          '[javax.net.ssl.trustStore]': '/t.p12',
          '[javax.net.ssl.trustStoreType]': 'PKCS12',
          '[javax.net.ssl.trustStorePassword]': NASTY,
          '[oracle.net.ssl_server_dn_match]': 'true',
        },
      },
    });
    const file = path.join(work, 'application.properties');
    fs.writeFileSync(file, renderConfig('spring-properties', c, req), 'latin1');
    expect(probe(['props', file])).toMatchObject({
      'spring.datasource.url': 'jdbc:oracle:thin:@tcps://db.example.com:2484/svc',
      'spring.datasource.username': 'app',
      'spring.datasource.hikari.data-source-properties[javax.net.ssl.trustStorePassword]': NASTY,
    });
  });
});

// ---------------------------------------------------------------- Tungsten

describe('Tungsten tpm / tungsten.ini', () => {
  test('stores, THL/RMI SSL, datasource TLS', () => {
    const req = base({ mode: 'verify-ca', trust: trustStore('/etc/tungsten/truststore.ts', 'S3cret', 'JKS'), client: clientStore('/etc/tungsten/keystore.jks', 'K3y', 'JKS') });
    const c = buildJdbcConfig(req);
    expect(renderConfig('tungsten-ini', c, req).split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '[defaults]',
      'java-keystore-path=/etc/tungsten/keystore.jks',
      'java-keystore-password=K3y',
      'java-truststore-path=/etc/tungsten/truststore.ts',
      'java-truststore-password=S3cret',
      'datasource-enable-ssl=true',
      'thl-ssl=true',
      'rmi-ssl=true',
      '',
    ]);
    const tpm = renderConfig('tpm', c, req);
    expect(tpm).toContain('./tools/tpm configure defaults \\\n    --java-keystore-path=/etc/tungsten/keystore.jks \\\n');
    expect(tpm.trimEnd().endsWith('--rmi-ssl=true')).toBe(true);
  });

  test('refuses values tpm or its INI reader would mangle', () => {
    for (const pw of ['a b', 'x #c', 'x ;c', ' lead', 'back\\', "q'uote", 'a$b', 'new\nline']) {
      const req = base({ mode: 'verify-ca', trust: trustStore('/t.jks', pw, 'JKS') });
      expect(() => renderConfig('tungsten-ini', buildJdbcConfig(req), req)).toThrow(/tpm|INI/);
      expect(() => renderConfig('tpm', buildJdbcConfig(req), req)).toThrow(/tpm|INI/);
    }
    const spaced = base({ mode: 'verify-ca', trust: trustStore('/dir with space/t.jks', 'ok', 'JKS') });
    expect(() => renderConfig('tpm', buildJdbcConfig(spaced), spaced)).toThrow(/unquoted/);
    const full = base({ mode: 'verify-full', trust: trustStore('/t.jks', 'ok', 'JKS') });
    expect(() => renderConfig('tpm', buildJdbcConfig(full), full)).toThrow(/host-name/);
  });
});

// ---------------------------------------------------------------- material checks (PEM, openssl-made)

describe('material checks', () => {
  let pki: string;
  beforeAll(() => {
    pki = path.join(work, 'pki');
    fs.mkdirSync(pki);
    const run = opensslIn(pki);
    fs.writeFileSync(path.join(pki, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    fs.writeFileSync(path.join(pki, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
    fs.writeFileSync(path.join(pki, 'server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:db.example.com\n');
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Test CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE']);
    for (const n of ['client', 'server']) {
      run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`]);
      run(['x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${n}.pem`, '-days', '30', '-extfile', `${n}.ext`]);
    }
    run(['pkey', '-in', 'client.key', '-out', 'client-enc.key', '-aes256', '-passout', 'pass:kp']);
    fs.writeFileSync(path.join(pki, 'client-chain.pem'), fs.readFileSync(path.join(pki, 'client.pem'), 'utf8') + fs.readFileSync(path.join(pki, 'ca.pem'), 'utf8'));
  });

  test('a PEM CA loads; a leaf certificate is not a CA', () => {
    const t = loadTrustPem(path.join(pki, 'ca.pem'));
    expect(t.certificates).toHaveLength(1);
    expect(() => loadTrustPem(path.join(pki, 'server.pem'))).toThrow(/no CA/);
  });

  test('client key + chain: matched, ordered leaf first, clientAuth required, encrypted keys need the passphrase', () => {
    const c = loadClientPem(path.join(pki, 'client-enc.key'), path.join(pki, 'client-chain.pem'), 'kp');
    expect(c.chain).toHaveLength(2);
    expect(c.chain[0]).toEqual(readCertificateFile(fs.readFileSync(path.join(pki, 'client.pem')), 'x')[0]);
    expect(() => loadClientPem(path.join(pki, 'client-enc.key'), path.join(pki, 'client-chain.pem'), 'wrong')).toThrow(/client-key-pass/);
    expect(() => loadClientPem(path.join(pki, 'server.key'), path.join(pki, 'server.pem'))).toThrow(/clientAuth/);
    expect(() => loadClientPem(path.join(pki, 'server.key'), path.join(pki, 'client.pem'))).toThrow(/matches/);
  });

  test('pgJDBC files from PEM input: the .pk8 is the DER PKCS#8 of the key', () => {
    const client = loadClientPem(path.join(pki, 'client.key'), path.join(pki, 'client-chain.pem'));
    const c = buildJdbcConfig(base({ driver: 'postgresql', mode: 'verify-full', trust: loadTrustPem(path.join(pki, 'ca.pem')), client, outDir: '/o' }));
    const pk8 = c.files.find((f) => f.path.endsWith('.pk8'))!.content();
    const r = openssl(['pkey', '-inform', 'DER', '-noout', '-text'], { input: Buffer.from(pk8) });
    expect(r.status).toBe(0);
    expect(Buffer.from(c.files.find((f) => f.path.endsWith('.crt'))!.content()).toString().match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });
});

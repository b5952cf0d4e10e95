/**
 * ktool jdbc end to end with Java stores built by ktool's own CLI (`ktool truststore`, `ktool import`),
 * JKS and PKCS#12: the URL (--format url), Properties (--format properties) and JVM options
 * (--format jsse) are taken verbatim from `bin/ktool jdbc` and used by a small Java client with the real
 * drivers on JDK 17 and 25. One JVM run checks several configurations (JVM-wide javax.net.ssl.* routes
 * need a JVM each). Negative controls: wrong CA, wrong client CN, host name not in the SAN.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MariaDbServer, PostgresServer, TestPki } from '../helpers/db-servers';
import { JDBC_JARS as JARS, startJdbcE2e } from '../helpers/jdbc-e2e';
import { KTOOL_BIN, ktool } from '../helpers/cli';
import { JDKS, tempDir } from '../helpers/jdk';

// Not in the server certificate's SAN; mapped to 127.0.0.1 with -Djdk.net.hosts.file.
const WRONG_HOST = 'db.wrong-name.test';

// Each argument is a directory holding url, props and query; one line per configuration.
const CLIENT_SRC = `
import java.io.*;
import java.nio.file.*;
import java.sql.*;
import java.util.Properties;
public class Multi {
  public static void main(String[] a) throws Exception {
    for (String d : a) {
      String url = new String(Files.readAllBytes(Paths.get(d, "url"))).trim();
      String q = new String(Files.readAllBytes(Paths.get(d, "query"))).trim();
      Properties p = new Properties();
      try (InputStream in = new FileInputStream(new File(d, "props"))) { p.load(in); }
      try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement(); ResultSet r = s.executeQuery(q)) {
        r.next();
        System.out.println(new File(d).getName() + " OK " + r.getString(1));
      } catch (SQLException e) {
        Throwable t = e; StringBuilder m = new StringBuilder();
        while (t != null) { m.append(t.getMessage()).append(" | "); t = t.getCause(); }
        System.out.println(new File(d).getName() + " FAIL " + m.toString().replace('\\n', ' '));
      }
    }
  }
}
`;

let work: string;
let pki: TestPki;
let otherPki: TestPki;
let pg: PostgresServer;
let maria: MariaDbServer;

function cli(args: string[]): string {
  const r = ktool(args, { cwd: work });
  if (r.status !== 0) throw new Error(`ktool ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  work = tempDir('jdbc-stores-e2e');
  ({ pki, otherPki, pg, maria } = await startJdbcE2e(work, 'Multi', CLIENT_SRC));
  await pg.createUser('dbuser1');
  await maria.createUser('dbuser1', { require: 'X509', grantAll: true });
  await maria.createUser('subjuser', { require: "SUBJECT '/O=ktool tests/CN=subjuser'", grantAll: true });
  const good = pki.clientCert('dbuser1');
  const bad = pki.clientCert('intruder');
  for (const ext of ['jks', 'p12']) {
    cli(['truststore', `trust.${ext}`, '--from', pki.rootCert, '--storepass', 'changeit']);
    cli(['truststore', `other.${ext}`, '--from', otherPki.rootCert, '--storepass', 'changeit']);
    cli(['import', `client.${ext}`, '--key', good.key, '--cert', good.chain, '--alias', 'dbuser1', '--storepass', 'secret1']);
    cli(['import', `intruder.${ext}`, '--key', bad.key, '--cert', bad.chain, '--alias', 'intruder', '--storepass', 'secret1']);
  }
  fs.writeFileSync(path.join(work, 'hosts'), `127.0.0.1 ${WRONG_HOST} localhost\n`);
}, 180000);

afterAll(async () => {
  await Promise.all([pg?.stop(), maria?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface Conf {
  name: string;
  args: string[];
  query: string;
  jsse?: boolean;
}

/** `ktool jdbc` without waiting, so that the many small runs share the cores. */
function cliAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [KTOOL_BIN, ...args], { cwd: work, timeout: 60000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`ktool ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** Runs `ktool jdbc` for the config and lays out url/props/query for the Java client; returns JVM options. */
async function prepare(c: Conf): Promise<{ dir: string; jvm: string[] }> {
  const dir = path.join(work, c.name);
  fs.mkdirSync(dir, { recursive: true });
  const base = ['jdbc', ...c.args, '--out-dir', path.join(dir, 'files')];
  // Properties first: it writes the files in --out-dir that the URL and JVM options name.
  fs.writeFileSync(path.join(dir, 'props'), await cliAsync([...base, '--format', 'properties']), 'latin1');
  const [url, jsse] = await Promise.all([cliAsync([...base, '--format', 'url']), c.jsse ? cliAsync([...base, '--format', 'jsse']) : '']);
  fs.writeFileSync(path.join(dir, 'url'), url);
  fs.writeFileSync(path.join(dir, 'query'), c.query);
  return { dir, jvm: jsse.split('\n').filter((l) => l.trim()) };
}

/** name -> JDK -> output line, running each distinct JVM option set once per JDK. */
async function runAll(confs: Conf[]): Promise<Map<string, Map<string, string>>> {
  const groups = new Map<string, { jvm: string[]; dirs: string[] }>();
  const prepared: { dir: string; jvm: string[] }[] = [];
  for (let i = 0; i < confs.length; i += 4) prepared.push(...(await Promise.all(confs.slice(i, i + 4).map(prepare))));
  for (const { dir, jvm } of prepared) {
    const key = jvm.join('\0');
    if (!groups.has(key)) groups.set(key, { jvm, dirs: [] });
    groups.get(key)!.dirs.push(dir);
  }
  const out = new Map<string, Map<string, string>>();
  for (const jdk of JDKS) {
    for (const g of groups.values()) {
      const cp = [path.join(work, 'classes'), ...JARS].join(':');
      const r = spawnSync(path.join(jdk.home(), 'bin', 'java'), [`-Djdk.net.hosts.file=${path.join(work, 'hosts')}`, ...g.jvm, '-cp', cp, 'Multi', ...g.dirs], { encoding: 'utf8', timeout: 60000, cwd: work });
      for (const line of r.stdout.split('\n').filter((l) => l)) {
        const name = line.split(' ')[0];
        if (!out.has(name)) out.set(name, new Map());
        out.get(name)!.set(jdk.name, line);
      }
      if (r.status !== 0) throw new Error(`java on JDK ${jdk.name}: ${r.stderr}`);
    }
  }
  return out;
}

const PG_SSL_QUERY = "SELECT ssl::text || ' ' || client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

describe('stores built by ktool (JKS and PKCS#12), real drivers on JDK 17 and 25', () => {
  const confs: Conf[] = [];
  const expectations: [string, RegExp][] = [];
  const pgArgs = (host: string, trust: string, client: string, extra: string[] = []): string[] => [
    '--driver', 'postgresql', '--host', host, '--port', String(pg.port), '--database', 'postgres', '--user', 'dbuser1', '--mode', 'verify-full',
    '--truststore', trust, '--truststore-pass', 'changeit', '--keystore', client, '--keystore-pass', 'secret1', ...extra,
  ];
  const mArgs = (host: string, user: string, trust: string, client: string | null): string[] => [
    '--driver', 'mariadb', '--driver-version', '2.7', '--host', host, '--port', String(maria.port), '--database', 'app', '--user', user, '--mode', 'verify-full',
    '--truststore', trust, '--truststore-pass', 'changeit', ...(client ? ['--keystore', client, '--keystore-pass', 'secret1'] : []),
  ];

  beforeAll(() => {
    const add = (name: string, args: string[], query: string, expect: RegExp, jsse = false): void => {
      confs.push({ name, args, query, jsse });
      expectations.push([name, expect]);
    };
    const W = (n: string): string => path.join(work, n);
    for (const ext of ['jks', 'p12']) {
      // pgJDBC files route (sslrootcert PEM + .pk8 / .p12 alias user) from ktool-built stores.
      add(`pg-files-${ext}`, pgArgs('localhost', W(`trust.${ext}`), W(`client.${ext}`)), PG_SSL_QUERY, /OK true .*CN=dbuser1/);
      add(`pg-p12key-${ext}`, pgArgs('localhost', W(`trust.${ext}`), W(`client.${ext}`), ['--pg-key-format', 'p12']), PG_SSL_QUERY, /OK true .*CN=dbuser1/);
      add(`pg-wrongca-${ext}`, pgArgs('localhost', W(`other.${ext}`), W(`client.${ext}`)), 'SELECT 1', /FAIL .*(PKIX|certification path|SSL error)/i);
      add(`pg-wrongcn-${ext}`, pgArgs('localhost', W(`trust.${ext}`), W(`intruder.${ext}`)), 'SELECT 1', /FAIL .*(certificate authentication failed|does not match)/i);
      add(`pg-wrongname-${ext}`, pgArgs(WRONG_HOST, W(`trust.${ext}`), W(`client.${ext}`)), 'SELECT 1', /FAIL .*(hostname|host name)/i);
      // pgJDBC DefaultJavaSSLFactory: JVM-wide stores from --format jsse.
      add(`pgjvm-${ext}`, pgArgs('localhost', W(`trust.${ext}`), W(`client.${ext}`), ['--pg-route', 'jvm']), PG_SSL_QUERY, /OK true .*CN=dbuser1/, true);
      add(`pgjvm-wrongca-${ext}`, pgArgs('localhost', W(`other.${ext}`), W(`client.${ext}`), ['--pg-route', 'jvm']), 'SELECT 1', /FAIL .*(PKIX|certification path|SSL error)/i, true);
      // MariaDB Connector/J 2.7, REQUIRE X509 user, keystore route.
      add(`maria-${ext}`, mArgs('localhost', 'dbuser1', W(`trust.${ext}`), W(`client.${ext}`)), "SELECT CONCAT(VARIABLE_VALUE, ' ', CURRENT_USER()) FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME='Ssl_version'", /OK TLS.* dbuser1@/);
      add(`maria-nocert-${ext}`, mArgs('localhost', 'dbuser1', W(`trust.${ext}`), null), 'SELECT 1', /FAIL .*Access denied/i);
      add(`maria-wrongca-${ext}`, mArgs('localhost', 'dbuser1', W(`other.${ext}`), W(`client.${ext}`)), 'SELECT 1', /FAIL .*(PKIX|certification path|SSL)/i);
      add(`maria-wrongcn-${ext}`, mArgs('localhost', 'subjuser', W(`trust.${ext}`), W(`client.${ext}`)), 'SELECT 1', /FAIL .*Access denied/i);
      add(`maria-wrongname-${ext}`, mArgs(WRONG_HOST, 'dbuser1', W(`trust.${ext}`), W(`client.${ext}`)), 'SELECT 1', /FAIL .*(hostname|host name|DNS name)/i);
    }
  });

  test('every configuration connects or fails as expected', async () => {
    const results = await runAll(confs);
    const got: Record<string, string> = {};
    for (const [name, re] of expectations) {
      for (const jdk of JDKS) {
        const line = results.get(name)?.get(jdk.name) ?? '(no output)';
        got[`${name}@${jdk.name}`] = re.test(line) ? 'as expected' : line;
      }
    }
    expect(Object.values(got).filter((v) => v !== 'as expected')).toEqual([]);
    expect(Object.keys(got)).toHaveLength(expectations.length * JDKS.length);
  });

  test('--check HOST:PORT with the same stores: passes, and fails for the wrong CA or a name not in the SAN', () => {
    const check = (args: string[], target: string) => ktool(['jdbc', ...args, '--out-dir', path.join(work, 'check-out'), '--format', 'json', '--check', target], { cwd: work });
    const W = (n: string): string => path.join(work, n);
    for (const ext of ['jks', 'p12']) {
      expect(check(pgArgs('localhost', W(`trust.${ext}`), W(`client.${ext}`)), `127.0.0.1:${pg.port}`).status).toBe(0);
      expect(check(mArgs('localhost', 'dbuser1', W(`trust.${ext}`), W(`client.${ext}`)), `127.0.0.1:${maria.port}`).status).toBe(0);
      const wrongCa = check(pgArgs('localhost', W(`other.${ext}`), W(`client.${ext}`)), `127.0.0.1:${pg.port}`);
      expect(wrongCa.status).not.toBe(0);
      expect(wrongCa.stderr).toMatch(/^ktool: /m);
      expect(check(mArgs(WRONG_HOST, 'dbuser1', W(`trust.${ext}`), W(`client.${ext}`)), `127.0.0.1:${maria.port}`).status).not.toBe(0);
    }
  });
});

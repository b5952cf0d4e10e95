/**
 * Real database servers for the network and JDBC tests: a PostgreSQL 15 and a MariaDB, each in its
 * own temporary directory, on a free port of the loopback interface only, started in seconds
 * (no fsync) and removed by stop(). Also a small openssl-made PKI (root -> intermediate -> server
 * and client certificates) to configure them with.
 *
 * Missing binaries fail with what to install; nothing is skipped. As root, the servers run as the
 * `postgres` / `mysql` system users (both refuse to run as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from './jdk';

const INSTALL_HINT = 'install it with .ci/install-deps.sh (see .ci/run)';

// ---------------------------------------------------------------- small utilities

/** A TCP port free on 127.0.0.1 (and, when asked, on ::1 too) at the time of the call. */
export async function freePort(alsoV6 = false): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (!alsoV6) return port;
    const v6ok = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '::1', () => srv.close(() => resolve(true)));
    });
    if (v6ok) return port;
  }
  throw new Error('no free port on 127.0.0.1 and ::1');
}

interface Account {
  uid: number;
  gid: number;
}

/** uid/gid of a system user to run a server as when we are root; null when not root. */
function runAs(user: string): Account | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`system user '${user}' is missing (it comes with the server package); ${INSTALL_HINT}`);
  }
  return { uid: +uid.stdout.trim(), gid: +gid.stdout.trim() };
}

function chownTree(p: string, acct: Account | null): void {
  if (!acct) return;
  fs.chownSync(p, acct.uid, acct.gid);
  if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) chownTree(path.join(p, f), acct);
}

/** Copies a PEM into the server's directory, owned by the server user, mode 0600 (servers insist for keys). */
function installFile(src: string, dir: string, name: string, acct: Account | null): string {
  const dst = path.join(dir, name);
  fs.copyFileSync(src, dst);
  fs.chmodSync(dst, 0o600);
  if (acct) fs.chownSync(dst, acct.uid, acct.gid);
  return dst;
}

interface RunOut {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a program bounded in time; never throws for a non-zero status. */
function run(cmd: string, args: string[], opts: { acct?: Account | null; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<RunOut> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? '/',
      uid: opts.acct?.uid,
      gid: opts.acct?.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 30000} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: -1, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? '');
  });
}

/** A long-running server process whose log is kept; waits for its "ready" line. */
class ServerProcess {
  log = '';
  private exited: number | null = null;
  private readonly child: ChildProcess;
  private readonly killOnExit = (): void => {
    this.child.kill('SIGKILL');
  };

  constructor(cmd: string, args: string[], acct: Account | null) {
    this.child = spawn(cmd, args, { cwd: '/', uid: acct?.uid, gid: acct?.gid, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    const keep = (d: Buffer): void => {
      this.log += d.toString();
      if (this.log.length > 200000) this.log = this.log.slice(-100000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('exit', (code, sig) => (this.exited = code ?? (sig ? 128 : -1)));
    this.child.on('error', (e) => {
      this.log += String(e);
      this.exited = -1;
    });
    process.once('exit', this.killOnExit); // a crashed test run must not leave servers behind
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async waitFor(pattern: RegExp, what: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pattern.test(this.log)) {
      if (this.exited !== null) throw new Error(`${what} exited with ${this.exited} during start-up:\n${this.tail()}`);
      if (Date.now() > end) throw new Error(`${what} not ready after ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  tail(lines = 15): string {
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Asks politely, then kills after graceMs. */
  async stop(signal: NodeJS.Signals, graceMs = 10000): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.exited !== null) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  }
}

const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const pgIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

// ---------------------------------------------------------------- test PKI (openssl CLI)

export interface TestPki {
  dir: string;
  rootCert: string;
  rootKey: string;
  intermediateCert: string;
  intermediateKey: string;
  /** The server's own certificate (leaf only) and its key. */
  serverCert: string;
  serverKey: string;
  /** Leaf then intermediate: what servers are configured to present. */
  serverChain: string;
  /** What servers use to verify client certificates (here: root then intermediate; ktool-pki: the client root). */
  caBundle: string;
  /** A client certificate (CN = name, signed by the CA that caBundle holds); its chain file starts with the leaf. */
  clientCert(name: string): { cert: string; key: string; chain: string };
}

function ossl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

/**
 * root CA -> intermediate CA -> server (SAN DNS:localhost, IP:127.0.0.1, IP:::1), EC P-256 keys.
 * `serverNames` adds DNS names to the SAN.
 */
export function makeTestPki(dir: string, opts: { serverNames?: string[]; serverCn?: string } = {}): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const san = ['DNS:localhost', ...(opts.serverNames ?? []).map((n) => `DNS:${n}`), 'IP:127.0.0.1', 'IP:::1'].join(',');
  fs.writeFileSync(
    path.join(dir, 'ext.cnf'),
    [
      '[ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[server]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${san}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[client]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const key = (name: string): void => ossl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  const csr = (name: string, subj: string): void => ossl(['req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`], dir);
  const sign = (name: string, issuer: string | null, ext: string, serial: string): void =>
    ossl(
      [
        'x509', '-req', '-in', `${name}.csr`, '-out', `${name}.pem`, '-days', '3650', '-sha256', '-set_serial', serial,
        '-extfile', 'ext.cnf', '-extensions', ext,
        ...(issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-signkey', `${name}.key`]),
      ],
      dir,
    );
  key('root');
  csr('root', '/O=ktool tests/CN=ktool Test Root CA');
  sign('root', null, 'ca', '0x1001');
  key('intermediate');
  csr('intermediate', '/O=ktool tests/CN=ktool Test Intermediate CA');
  sign('intermediate', 'root', 'ca', '0x2002');
  key('server');
  csr('server', `/O=ktool tests/CN=${opts.serverCn ?? 'localhost'}`);
  sign('server', 'intermediate', 'server', '0x3003');
  const p = (f: string): string => path.join(dir, f);
  fs.writeFileSync(p('server-chain.pem'), fs.readFileSync(p('server.pem'), 'utf8') + fs.readFileSync(p('intermediate.pem'), 'utf8'));
  fs.writeFileSync(p('ca-bundle.pem'), fs.readFileSync(p('root.pem'), 'utf8') + fs.readFileSync(p('intermediate.pem'), 'utf8'));
  let serial = 0x4000;
  return {
    dir,
    rootCert: p('root.pem'),
    rootKey: p('root.key'),
    intermediateCert: p('intermediate.pem'),
    intermediateKey: p('intermediate.key'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    serverChain: p('server-chain.pem'),
    caBundle: p('ca-bundle.pem'),
    clientCert(name: string) {
      const base = `client-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      key(base);
      csr(base, `/O=ktool tests/CN=${name}`);
      sign(base, 'intermediate', 'client', `0x${(serial++).toString(16)}`);
      fs.writeFileSync(p(`${base}-chain.pem`), fs.readFileSync(p(`${base}.pem`), 'utf8') + fs.readFileSync(p('intermediate.pem'), 'utf8'));
      return { cert: p(`${base}.pem`), key: p(`${base}.key`), chain: p(`${base}-chain.pem`) };
    },
  };
}

/** DER bytes of every certificate in a PEM file, in file order. */
export function pemCertificates(file: string): Buffer[] {
  const text = fs.readFileSync(file, 'latin1');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

// ---------------------------------------------------------------- PostgreSQL

export interface TlsServerFiles {
  /** PEM presented by the server: leaf, then any intermediates. */
  cert: string;
  key: string;
  /** PEM of CAs for client certificates (PostgreSQL ssl_ca_file, MariaDB ssl-ca). */
  ca?: string;
}

export interface PostgresOptions {
  /** TLS files, or false for ssl=off. */
  ssl: TlsServerFiles | false;
  /**
   * pg_hba.conf lines for TCP clients, e.g. 'hostssl all all 127.0.0.1/32 cert'. Default: trust over
   * TLS (or plain TCP with ssl=off) from 127.0.0.1 and ::1. Unix-socket access for the harness is always added.
   */
  hba?: string[];
  /** Listen on ::1 too (default true). */
  ipv6?: boolean;
  /** Bound for initdb + start-up (default 60 s). */
  timeoutMs?: number;
}

export interface PostgresServer {
  readonly kind: 'postgres';
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly ipv6: boolean;
  readonly dir: string;
  readonly socketDir: string;
  readonly superuser: 'postgres';
  /** Runs SQL as the superuser over the Unix socket; returns psql's unaligned tuples-only output. */
  sql(query: string, database?: string): Promise<string>;
  createUser(name: string, opts?: { password?: string; superuser?: boolean }): Promise<void>;
  createDatabase(name: string, owner?: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
  const postgres = path.join(PG_BIN, 'postgres');
  if (!fs.existsSync(postgres)) throw new Error(`PostgreSQL 15 not found at ${postgres}: ${INSTALL_HINT} (package postgresql-15)`);
  const timeoutMs = opts.timeoutMs ?? 60000;
  const ipv6 = opts.ipv6 ?? true;
  const acct = runAs('postgres');
  const dir = tempDir('pg');
  const data = path.join(dir, 'data');
  chownTree(dir, acct);
  let proc: ServerProcess | null = null;
  try {
    const init = await run(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions', '--locale=C'], {
      acct,
      timeoutMs,
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr.trim().split('\n').slice(-5).join('\n')}`);

    const port = await freePort(ipv6);
    const conf: string[] = [
      `listen_addresses = '${ipv6 ? '127.0.0.1,::1' : '127.0.0.1'}'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 20',
      'shared_buffers = 16MB',
      'max_wal_size = 64MB',
      'logging_collector = off',
      "log_min_messages = 'warning'",
      'log_connections = off',
    ];
    if (opts.ssl) {
      conf.push('ssl = on');
      conf.push(`ssl_cert_file = '${installFile(opts.ssl.cert, data, 'server-chain.pem', acct)}'`);
      conf.push(`ssl_key_file = '${installFile(opts.ssl.key, data, 'server.key', acct)}'`);
      if (opts.ssl.ca) conf.push(`ssl_ca_file = '${installFile(opts.ssl.ca, data, 'client-ca.pem', acct)}'`);
    } else {
      conf.push('ssl = off');
    }
    fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n# ktool test harness\n${conf.join('\n')}\n`);
    const hostType = opts.ssl ? 'hostssl' : 'host';
    const hba = opts.hba ?? [`${hostType} all all 127.0.0.1/32 trust`, `${hostType} all all ::1/128 trust`];
    fs.writeFileSync(path.join(data, 'pg_hba.conf'), ['local all all trust', ...hba, ''].join('\n'));

    proc = new ServerProcess(postgres, ['-D', data], acct);
    await proc.waitFor(/database system is ready to accept connections/, 'postgres', timeoutMs);
    const p = proc;

    const sql = async (query: string, database = 'postgres'): Promise<string> => {
      const r = await run(path.join(PG_BIN, 'psql'), ['-X', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', query], {
        timeoutMs: 30000,
      });
      if (r.status !== 0) throw new Error(`psql failed on ${JSON.stringify(query)}: ${r.stderr.trim()}`);
      return r.stdout.trim();
    };
    let stopped = false;
    return {
      kind: 'postgres',
      host: '127.0.0.1',
      port,
      ipv6,
      dir,
      socketDir: dir,
      superuser: 'postgres',
      sql,
      async createUser(name, o = {}) {
        await sql(`CREATE ROLE ${pgIdent(name)} LOGIN${o.superuser ? ' SUPERUSER' : ''}${o.password !== undefined ? ` PASSWORD ${sqlString(o.password)}` : ''}`);
      },
      async createDatabase(name, owner) {
        await sql(`CREATE DATABASE ${pgIdent(name)}${owner ? ` OWNER ${pgIdent(owner)}` : ''}`);
      },
      log: () => p.log,
      async stop() {
        if (stopped) return;
        stopped = true;
        await p.stop('SIGINT'); // fast shutdown
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await proc?.stop('SIGKILL', 0);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// ---------------------------------------------------------------- MariaDB

export interface MariaDbOptions {
  /** TLS files; omitted means the server runs without TLS. */
  ssl?: TlsServerFiles;
  /** Bound for install + start-up (default 60 s). */
  timeoutMs?: number;
}

export interface MariaDbServer {
  readonly kind: 'mariadb';
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly dir: string;
  readonly socket: string;
  /** root over the Unix socket, no password. */
  readonly superuser: 'root';
  /** Runs SQL as root over the Unix socket; returns batch output without column names. */
  sql(query: string, database?: string): Promise<string>;
  /** CREATE USER name@'%' (host configurable) with an optional password and REQUIRE clause. */
  createUser(name: string, opts?: { password?: string; host?: string; require?: 'NONE' | 'SSL' | 'X509' | string; grantAll?: boolean }): Promise<void>;
  createDatabase(name: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

function findBinary(names: string[], dirs = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']): string | null {
  for (const n of names) for (const d of dirs) if (fs.existsSync(path.join(d, n))) return path.join(d, n);
  return null;
}

export async function startMariaDb(opts: MariaDbOptions = {}): Promise<MariaDbServer> {
  const server = findBinary(['mariadbd', 'mysqld']);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const client = findBinary(['mariadb', 'mysql']);
  if (!server || !installDb || !client) throw new Error(`MariaDB not found (mariadbd, mariadb-install-db, mariadb): install mariadb-server; ${INSTALL_HINT}`);
  const timeoutMs = opts.timeoutMs ?? 60000;
  const acct = runAs('mysql');
  const userArgs = acct ? ['--user=mysql'] : [];
  const dir = tempDir('mariadb');
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  chownTree(dir, acct);
  let proc: ServerProcess | null = null;
  try {
    const inst = await run(
      installDb,
      // Its own tmpdir: two bootstraps at once in /tmp collide on their temporary table files.
      ['--no-defaults', `--datadir=${data}`, `--tmpdir=${dir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'],
      { timeoutMs, cwd: dir },
    );
    if (inst.status !== 0) throw new Error(`mariadb-install-db failed (${inst.status}): ${(inst.stderr || inst.stdout).trim().split('\n').slice(-5).join('\n')}`);

    const port = await freePort();
    const args = [
      '--no-defaults',
      `--datadir=${data}`,
      ...userArgs,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--tmpdir=${dir}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--performance-schema=OFF',
      '--max-connections=30',
    ];
    if (opts.ssl) {
      args.push(`--ssl-cert=${installFile(opts.ssl.cert, dir, 'server-chain.pem', acct)}`);
      args.push(`--ssl-key=${installFile(opts.ssl.key, dir, 'server.key', acct)}`);
      if (opts.ssl.ca) args.push(`--ssl-ca=${installFile(opts.ssl.ca, dir, 'client-ca.pem', acct)}`);
    } else {
      args.push('--skip-ssl');
    }
    proc = new ServerProcess(server, args, acct);
    await proc.waitFor(/ready for connections/, 'mariadbd', timeoutMs);
    const p = proc;

    const sql = async (query: string, database?: string): Promise<string> => {
      const r = await run(client, ['--no-defaults', '-S', socket, '-uroot', '-N', '-B', ...(database ? ['-D', database] : []), '-e', query], { timeoutMs: 30000 });
      if (r.status !== 0) throw new Error(`mariadb client failed on ${JSON.stringify(query)}: ${r.stderr.trim()}`);
      return r.stdout.trim();
    };
    let stopped = false;
    return {
      kind: 'mariadb',
      host: '127.0.0.1',
      port,
      dir,
      socket,
      superuser: 'root',
      sql,
      async createUser(name, o = {}) {
        const who = `${sqlString(name)}@${sqlString(o.host ?? '%')}`;
        await sql(
          `CREATE USER ${who}${o.password !== undefined ? ` IDENTIFIED BY ${sqlString(o.password)}` : ''}${o.require ? ` REQUIRE ${o.require}` : ''};` +
            (o.grantAll ? ` GRANT ALL ON *.* TO ${who};` : ''),
        );
      },
      async createDatabase(name) {
        await sql(`CREATE DATABASE \`${name.replace(/`/g, '``')}\``);
      },
      log: () => p.log,
      async stop() {
        if (stopped) return;
        stopped = true;
        await p.stop('SIGTERM');
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await proc?.stop('SIGKILL', 0);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

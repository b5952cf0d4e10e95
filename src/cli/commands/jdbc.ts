/**
 * ktool jdbc: TLS settings for a JDBC driver (and OX, Tungsten, Spring, Exasol, libpq) that use the
 * stores and certificates given, checked before anything is printed. Files a driver needs in its own
 * format are written to --out-dir.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { KtoolError } from '../../model/errors';
import { type ClientMaterial, DRIVERS, type DriverName, type JdbcRequest, TLS_MODES, type TlsMode, type TrustMaterial, buildJdbcConfig } from '../../ops/jdbc';
import { absolutePath, loadClientPem, loadClientStore, loadTrustPem, loadTrustStore } from '../../ops/jdbc/materials';
import { type ConfigFormat, FORMATS, configToJson, renderConfig } from '../../output/config';
import { stdio, writeStdout } from '../context';
import { atomicWrite } from '../files';
import { oneOf, openAskingOnTerminal, password, passwordOptions, readStoreType } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('jdbc')
    .description('TLS settings for a JDBC driver (URL, Properties, JVM options, OX, Tungsten, Spring, libpq) that use the given stores, checked first')
    .requiredOption('--driver <name>', `${DRIVERS.join(' | ')}`)
    .option('--driver-version <v>', 'driver version where the names differ: MySQL 5.1 vs 8.0.13+, MariaDB 2.x vs 3.0-3.4 vs 3.5+, pgJDBC 42.x')
    .requiredOption('--host <host>', 'database host, as the driver connects to it (checked against the certificate in verify-full)')
    .option('--port <port>', 'database port (default: the driver\'s)')
    .requiredOption('--database <name>', 'database (Oracle: service name; Exasol: schema)')
    .option('--user <user>', 'database user, added to the Properties')
    .option('--mode <mode>', `${TLS_MODES.join(' | ')}`, 'verify-full')
    .option('--truststore <file>', 'Java keystore with the CA certificates')
    .option('--truststore-type <type>', 'JKS or PKCS12 (default: detected)')
    .option('--ca <pem>', 'CA certificates as PEM/DER instead of --truststore')
    .option('--keystore <file>', 'client keystore (key password = store password)')
    .option('--keystore-type <type>', 'JKS or PKCS12 (default: detected)')
    .option('--keystore-alias <alias>', 'the client key entry, when the keystore holds several')
    .option('--client-key <file>', 'client private key (PEM or DER) instead of --keystore')
    .option('--client-cert <file>', 'client certificate chain (PEM) for --client-key')
    .option('--out-dir <dir>', 'where to write files a driver needs in its own format (PEM CA, .pk8 key, PKCS#12 stores)')
    .option('--pg-route <route>', 'pgJDBC: files (sslrootcert/sslcert/sslkey) or jvm (DefaultJavaSSLFactory + javax.net.ssl.*)', 'files')
    .option('--pg-key-format <f>', 'pgJDBC client key: pk8 (DER PKCS#8, every 42.x) or p12 (alias "user", 42.2.9+)', 'pk8')
    .option('--crl <file>', 'libpq: CRL file for PGSSLCRL')
    .option('--format <f>', FORMATS.join(' | '), 'properties')
    .option('--json', 'same as --format json')
    .option('--check <host:port>', 'also connect and verify the server chain and host name with exactly these trust settings')
    .option('--dry-run', 'write no files (the output names them)');
  passwordOptions(cmd, 'truststore-pass', 'truststore password (with --ca: password of the truststore ktool writes; default changeit)');
  passwordOptions(cmd, 'keystore-pass', 'client keystore password (with --client-key: password of the keystore ktool writes)');
  passwordOptions(cmd, 'client-key-pass', 'passphrase of an encrypted --client-key');
  cmd.action(async (opts: Record<string, unknown>) => {
    const format: ConfigFormat = opts.json ? 'json' : oneOf(opts.format, FORMATS, '--format');
    const driver = oneOf<DriverName>(opts.driver, DRIVERS, '--driver');
    const mode = oneOf<TlsMode>(opts.mode, TLS_MODES, '--mode');
    let port: number | undefined;
    if (opts.port !== undefined) {
      port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new KtoolError('USAGE', `--port ${String(opts.port)}: not a TCP port`);
    }
    if (opts.truststore && opts.ca) throw new KtoolError('USAGE', 'give --truststore or --ca, not both');
    if (opts.keystore && (opts.clientKey || opts.clientCert)) throw new KtoolError('USAGE', 'give --keystore or --client-key/--client-cert, not both');
    if (!!opts.clientKey !== !!opts.clientCert) throw new KtoolError('USAGE', '--client-key and --client-cert go together');

    const trustPass = await password(opts, 'truststorePass', 'truststore password', !!opts.truststore);
    const keyPass = await password(opts, 'keystorePass', 'keystore password', !!opts.keystore);
    let trust: TrustMaterial | undefined;
    if (opts.truststore) {
      let pw = trustPass;
      if (pw === undefined) {
        pw = 'changeit';
        stdio.err(`ktool: ${String(opts.truststore)}: no truststore password given: using "changeit"`);
      }
      trust = loadTrustStore(opts.truststore as string, pw, readStoreType(opts.truststoreType));
    } else if (opts.ca) trust = loadTrustPem(opts.ca as string);
    let client: ClientMaterial | undefined;
    if (opts.keystore) {
      if (keyPass === undefined) throw new KtoolError('USAGE', `${String(opts.keystore)}: a client keystore needs its password (--keystore-pass…)`);
      client = loadClientStore(opts.keystore as string, keyPass, readStoreType(opts.keystoreType), opts.keystoreAlias as string | undefined);
    } else if (opts.clientKey) {
      const given = await password(opts, 'clientKeyPass', 'client key passphrase');
      client = await openAskingOnTerminal(given, `passphrase of ${String(opts.clientKey)}`, (pass) => loadClientPem(opts.clientKey as string, opts.clientCert as string, pass));
    }

    const req: JdbcRequest = {
      driver,
      driverVersion: opts.driverVersion as string | undefined,
      host: opts.host as string,
      port,
      database: opts.database as string,
      user: opts.user as string | undefined,
      mode,
      trust,
      client,
      outDir: opts.outDir ? absolutePath(opts.outDir as string) : undefined,
      newStorePassword: opts.clientKey ? keyPass : undefined,
      newTrustStorePassword: opts.ca ? trustPass : undefined,
      pgRoute: oneOf(opts.pgRoute, ['files', 'jvm'] as const, '--pg-route'),
      pgKeyFormat: oneOf(opts.pgKeyFormat, ['pk8', 'p12'] as const, '--pg-key-format'),
      libpq: format === 'libpq' || format === 'json',
      crlPath: opts.crl ? absolutePath(opts.crl as string) : undefined,
    };
    const cfg = buildJdbcConfig(req);
    const text = renderConfig(format, cfg, req); // render first: a refused format writes no files

    let check: Awaited<ReturnType<typeof import('../../ops/jdbc/check').checkServer>> | undefined;
    if (opts.check) {
      const { checkServer } = require('../../ops/jdbc/check') as typeof import('../../ops/jdbc/check');
      try {
        check = await checkServer(req, opts.check as string);
      } catch (e) {
        if (e instanceof KtoolError) throw e;
        const err = e as { message?: string };
        throw new KtoolError('NETWORK', `--check ${String(opts.check)}: ${err.message ?? String(e)}`);
      }
      if (!check.verified) throw new KtoolError('VERIFY', `--check ${check.target}: the server does not pass ${mode} with these settings: ${check.problems.join('; ')}`);
    }

    if (!opts.dryRun && cfg.files.length) {
      fs.mkdirSync(req.outDir!, { recursive: true, mode: 0o700 });
      for (const f of cfg.files) {
        atomicWrite(f.path, f.content(), { mode: f.mode });
        fs.chmodSync(f.path, f.mode); // an existing file keeps its mode in atomicWrite; key files must be 0600
      }
    }
    if (format === 'json') {
      stdio.json({ ...configToJson(cfg), filesWritten: !opts.dryRun, ...(check ? { check } : {}) });
      return;
    }
    writeStdout(text);
    for (const f of cfg.files) stdio.err(`ktool: ${opts.dryRun ? 'would write' : 'wrote'} ${f.path} (0${f.mode.toString(8)}): ${f.description}`);
    for (const n of cfg.notes) stdio.err(`ktool: note: ${n}`);
    if (check) stdio.err(`ktool: --check ${check.target}: ${check.protocol}, chain ${check.chain.join(' <- ')}: ${mode} OK${check.hostname?.matchedBy ? ` (host name matched ${check.hostname.matchedBy})` : ''}; the client certificate was not presented`);
  });
}

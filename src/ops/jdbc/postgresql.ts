/**
 * PostgreSQL pgJDBC, two routes. 'files' (the default LibPQFactory): sslrootcert is a file of X.509
 * certificates (PEM here), the client key is DER PKCS#8 `.pk8` (the only non-PKCS#12 form every 42.x
 * reads) with its chain in sslcert, or a PKCS#12 file whose entry alias must be `user` (42.2.9+), opened
 * with sslpassword. 'jvm': sslfactory=DefaultJavaSSLFactory uses SSLSocketFactory.getDefault(), i.e. the
 * javax.net.ssl.* stores; pgJDBC still checks the host name itself in verify-full. URL values are
 * URLDecoder-decoded; the URL wins over Properties. libpq (psql) is a different client: it reads PEM
 * keys and the PGSSL* environment, which pgJDBC ignores.
 */
import { type Extras, clientAsStore, derKeyFile, pemCertificatesFile, pemKeyFile, trustAsPem, trustAsStore } from './convert';
import {
  type JdbcConfig,
  type JdbcRequest,
  type Setting,
  type StoreRef,
  joinPath,
  modeTable,
  needOutDir,
  needTrust,
  parseVersion,
  queryString,
  urlEncodeValue,
  urlHost,
  usage,
  versionAtLeast,
} from './model';

export const PG_DEFAULT_JAVA_FACTORY = 'org.postgresql.ssl.DefaultJavaSSLFactory';

export function buildPostgresql(req: JdbcRequest): JdbcConfig {
  const v = parseVersion(req.driverVersion, 'pgJDBC');
  const route = req.pgRoute ?? 'files';
  const keyFormat = req.pgKeyFormat ?? 'pk8';
  if (v && keyFormat === 'p12' && !versionAtLeast(v, [42, 2, 9])) throw usage(`pgJDBC ${req.driverVersion} reads PKCS#12 client keys only from 42.2.9: use --pg-key-format pk8`);
  const label = `pgJDBC${v ? ` ${v.join('.')}` : ' 42.x'} (${route === 'jvm' ? 'DefaultJavaSSLFactory' : 'LibPQFactory'})`;
  const x: Extras = { files: [], notes: [] };
  const tls: Setting[] = [{ key: 'sslmode', value: req.mode }];
  const jsse: Setting[] = [];
  let trustStore: StoreRef | undefined;
  let clientStore: StoreRef | undefined;
  const trustMaterial = needTrust(req);

  if (route === 'jvm') {
    tls.push({ key: 'sslfactory', value: PG_DEFAULT_JAVA_FACTORY });
    // The JVM's default trust manager validates the chain in every mode, so the truststore is needed even for require.
    const t = trustMaterial ?? req.trust;
    if (t) {
      trustStore = trustAsStore(req, t, x, label);
      jsse.push(
        { key: 'javax.net.ssl.trustStore', value: trustStore.path },
        { key: 'javax.net.ssl.trustStoreType', value: trustStore.type },
        { key: 'javax.net.ssl.trustStorePassword', value: trustStore.password, secret: true },
      );
    } else x.notes.push(`${label}: without --truststore the JVM's default cacerts decides which servers are trusted, even in require mode`);
    if (req.client) {
      clientStore = clientAsStore(req, req.client, x, label);
      jsse.push(
        { key: 'javax.net.ssl.keyStore', value: clientStore.path },
        { key: 'javax.net.ssl.keyStoreType', value: clientStore.type },
        { key: 'javax.net.ssl.keyStorePassword', value: clientStore.password, secret: true },
      );
    }
    x.notes.push('javax.net.ssl.* are JVM-wide: every TLS connection of that JVM uses these stores');
    if (req.mode === 'verify-ca') x.notes.push(`${label}: the JVM checks the chain; the host name is not checked in verify-ca`);
  } else {
    if (req.trust && !trustMaterial) x.notes.push(`${label}: require mode installs a trust-everything manager, so the CA is not used and is left out`);
    if (trustMaterial) tls.push({ key: 'sslrootcert', value: trustAsPem(req, trustMaterial, x, label, 'root.crt') });
    if (req.client) {
      const c = req.client;
      if (keyFormat === 'p12') {
        clientStore = clientAsStore(req, c, x, label, { pkcs12Only: true, alias: 'user', name: 'postgresql.p12' });
        tls.push({ key: 'sslkey', value: clientStore.path }, { key: 'sslpassword', value: clientStore.password, secret: true });
      } else {
        const dir = needOutDir(req, `${label} reads the client key as DER PKCS#8 (.pk8) and its chain as PEM: ktool writes postgresql.pk8 and postgresql.crt`);
        if (!c.pkcs8) throw usage(`${label}: the client key could not be opened`);
        const crt = joinPath(dir, 'postgresql.crt');
        const pk8 = joinPath(dir, 'postgresql.pk8');
        x.files.push(pemCertificatesFile(crt, c.chain, 'client certificate chain (PEM)'), derKeyFile(pk8, c.pkcs8, 'client key, unencrypted DER PKCS#8 (pgJDBC)'));
        tls.push({ key: 'sslcert', value: crt }, { key: 'sslkey', value: pk8 });
      }
    }
  }

  const libpqEnv: Setting[] = [];
  if (req.libpq) {
    libpqEnv.push({ key: 'PGSSLMODE', value: req.mode });
    if (req.trust) {
      const already = tls.find((s) => s.key === 'sslrootcert')?.value;
      libpqEnv.push({ key: 'PGSSLROOTCERT', value: already ?? trustAsPem(req, req.trust, x, 'libpq', 'root.crt') });
    }
    if (req.client) {
      const c = req.client;
      if (c.kind === 'pem') {
        libpqEnv.push({ key: 'PGSSLCERT', value: c.certPath }, { key: 'PGSSLKEY', value: c.keyPath });
        x.notes.push(`libpq refuses a key file readable by others: chmod 0600 ${c.keyPath}`);
      } else {
        const dir = needOutDir(req, 'libpq reads the client key as a PEM file: ktool writes postgresql.key and postgresql.crt');
        if (!c.pkcs8) throw usage('libpq: the client key could not be opened');
        const crt = joinPath(dir, 'postgresql.crt');
        if (!x.files.some((f) => f.path === crt)) x.files.push(pemCertificatesFile(crt, c.chain, 'client certificate chain (PEM)'));
        const key = joinPath(dir, 'postgresql.key');
        x.files.push(pemKeyFile(key, c.pkcs8, 'client key, unencrypted PEM PKCS#8 (libpq)'));
        libpqEnv.push({ key: 'PGSSLCERT', value: crt }, { key: 'PGSSLKEY', value: key });
      }
    }
    if (req.crlPath) libpqEnv.push({ key: 'PGSSLCRL', value: req.crlPath });
    if (req.mode === 'require' && req.trust) x.notes.push('libpq: with PGSSLROOTCERT set, sslmode=require behaves as verify-ca');
  }

  const properties: Setting[] = [...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []), ...tls];
  const baseUrl = `jdbc:postgresql://${urlHost(req.host)}:${req.port ?? 5432}/${encodeURIComponent(req.database)}`;
  return {
    driver: 'postgresql',
    driverFamily: label,
    driverClass: 'org.postgresql.Driver',
    mode: req.mode,
    baseUrl,
    url: baseUrl + queryString(properties, urlEncodeValue),
    // The URL carries every per-connection setting; the JVM-wide stores come from --format jsse (the contract's pairing).
    urlComplete: true,
    properties,
    jsse,
    libpqEnv,
    files: x.files,
    notes: x.notes,
    modes: modeTable({ require: 'sslmode=require (nothing verified)', 'verify-ca': 'sslmode=verify-ca', 'verify-full': 'sslmode=verify-full' }),
    stores: { trust: trustStore, client: clientStore },
  };
}

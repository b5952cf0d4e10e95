/**
 * MySQL Connector/J. 8.0.13+ (and 9.x) take `sslMode`; 5.1 (and 8.0 before 8.0.13) only the legacy
 * useSSL/requireSSL/verifyServerCertificate, which cannot ask for host-name verification. Store
 * locations are URLs (`file:`), opened with new URL(v).openStream(); the key password must equal the
 * store password (kmf.init(ks, storePassword)). URL values are URLDecoder-decoded, so they are
 * percent-encoded here; Properties override the URL (both carry the same values anyway).
 */
import { type Extras, clientAsStore, trustAsStore } from './convert';
import {
  type JdbcConfig,
  type JdbcRequest,
  type Setting,
  fileUrl,
  modeTable,
  needTrust,
  parseVersion,
  queryString,
  requireMode,
  urlEncodeValue,
  urlHost,
  usage,
  versionAtLeast,
} from './model';

export function isLegacyMysql(req: JdbcRequest): boolean {
  const v = parseVersion(req.driverVersion, 'Connector/J');
  if (v && !versionAtLeast(v, [5, 1, 0])) throw usage(`Connector/J ${req.driverVersion} is older than 5.1: not supported`);
  return !!v && !versionAtLeast(v, [8, 0, 13]);
}

/** The TLS settings only (no user), for targets that embed them elsewhere (OX, Exasol, Spring). */
export function mysqlTlsSettings(req: JdbcRequest, x: Extras): { settings: Setting[]; family: string; legacy: boolean; trust?: ReturnType<typeof trustAsStore>; client?: ReturnType<typeof clientAsStore> } {
  const legacy = isLegacyMysql(req);
  const family = legacy ? 'Connector/J 5.1' : 'Connector/J 8.0.13+/9.x';
  const modes = mysqlModes(legacy);
  requireMode(modes, req.mode, family);
  const settings: Setting[] = [];
  if (legacy) {
    settings.push({ key: 'useSSL', value: 'true' }, { key: 'requireSSL', value: 'true' }, { key: 'verifyServerCertificate', value: String(req.mode !== 'require') });
  } else {
    settings.push({ key: 'sslMode', value: { require: 'REQUIRED', 'verify-ca': 'VERIFY_CA', 'verify-full': 'VERIFY_IDENTITY' }[req.mode] });
  }
  const trustMaterial = needTrust(req);
  if (req.trust && !trustMaterial) x.notes.push(`${family} does not read the truststore in require mode (only VERIFY_CA/VERIFY_IDENTITY do): it is left out`);
  let trust;
  if (trustMaterial) {
    trust = trustAsStore(req, trustMaterial, x, family);
    settings.push(
      { key: 'trustCertificateKeyStoreUrl', value: fileUrl(trust.path) },
      { key: 'trustCertificateKeyStoreType', value: trust.type },
      { key: 'trustCertificateKeyStorePassword', value: trust.password, secret: true },
    );
  }
  let client;
  if (req.client) {
    client = clientAsStore(req, req.client, x, family);
    settings.push(
      { key: 'clientCertificateKeyStoreUrl', value: fileUrl(client.path) },
      { key: 'clientCertificateKeyStoreType', value: client.type },
      { key: 'clientCertificateKeyStorePassword', value: client.password, secret: true },
    );
  }
  return { settings, family, legacy, trust, client };
}

export function mysqlModes(legacy: boolean) {
  return legacy
    ? modeTable(
        { require: 'useSSL=true, requireSSL=true, verifyServerCertificate=false', 'verify-ca': 'useSSL=true, requireSSL=true, verifyServerCertificate=true', 'verify-full': null },
        { 'verify-full': 'the legacy properties have no host-name verification (sslMode=VERIFY_IDENTITY needs Connector/J 8.0.13+)' },
      )
    : modeTable({ require: 'sslMode=REQUIRED', 'verify-ca': 'sslMode=VERIFY_CA', 'verify-full': 'sslMode=VERIFY_IDENTITY' });
}

export function mysqlBaseUrl(req: JdbcRequest): string {
  return `jdbc:mysql://${urlHost(req.host)}:${req.port ?? 3306}/${encodeURIComponent(req.database)}`;
}

export function buildMysql(req: JdbcRequest): JdbcConfig {
  const x: Extras = { files: [], notes: [] };
  const { settings, family, legacy, trust, client } = mysqlTlsSettings(req, x);
  const properties: Setting[] = [...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []), ...settings];
  const baseUrl = mysqlBaseUrl(req);
  if (legacy && req.mode === 'verify-ca') x.notes.push('Connector/J 5.1 verifyServerCertificate=true checks the chain only, never the host name');
  x.notes.push(`${family}: the key password in a client keystore must equal the store password`);
  return {
    driver: 'mysql',
    driverFamily: family,
    driverClass: legacy ? 'com.mysql.jdbc.Driver' : 'com.mysql.cj.jdbc.Driver',
    mode: req.mode,
    baseUrl,
    url: baseUrl + queryString(properties, urlEncodeValue),
    urlComplete: true,
    properties,
    jsse: [],
    libpqEnv: [],
    files: x.files,
    notes: x.notes,
    modes: mysqlModes(legacy),
    stores: { trust, client },
  };
}

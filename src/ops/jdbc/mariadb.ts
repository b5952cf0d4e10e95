/**
 * MariaDB Connector/J. 2.x has no sslMode: useSsl plus trustServerCertificate (require) or
 * disableSslHostnameVerification (verify-ca, 2.1.0+); store types only from 2.4.0. 3.x has sslMode
 * (trust | verify-ca | verify-full); trustStore was removed in 3.0 and came back in 3.5.0, so 3.0-3.4
 * verify with serverSslCert (a PEM file). The driver ignores unknown names silently (and then talks in
 * plaintext or unverified), so every name here is pinned by the unit tests. URL values are NOT decoded:
 * they go in raw, and a value holding `&` can only be passed as a Property.
 */
import { type Extras, clientAsStore, trustAsPem } from './convert';
import {
  type JdbcConfig,
  type JdbcRequest,
  type ModeSupport,
  type Setting,
  type StoreRef,
  modeTable,
  needTrust,
  parseVersion,
  requireMode,
  urlHost,
  usage,
  versionAtLeast,
} from './model';

type Family = { major: 2 | 3; storeTypes: boolean; trustStore: boolean; label: string };

function family(req: JdbcRequest): Family {
  const v = parseVersion(req.driverVersion, 'MariaDB Connector/J') ?? [3, 5, 0];
  if (!versionAtLeast(v, [2, 1, 0])) throw usage(`MariaDB Connector/J ${req.driverVersion}: versions before 2.1.0 cannot turn host-name verification off or on; use 2.1+ or 3.x`);
  if (v[0] === 2) {
    const storeTypes = versionAtLeast(v, [2, 4, 0]);
    return { major: 2, storeTypes, trustStore: true, label: storeTypes ? 'MariaDB Connector/J 2.4+ (2.x)' : 'MariaDB Connector/J 2.1-2.3' };
  }
  const trustStore = versionAtLeast(v, [3, 5, 0]);
  return { major: 3, storeTypes: true, trustStore, label: trustStore ? 'MariaDB Connector/J 3.5+' : 'MariaDB Connector/J 3.0-3.4' };
}

export function mariadbModes(major: 2 | 3): ModeSupport[] {
  return major === 2
    ? modeTable({ require: 'useSsl=true, trustServerCertificate=true', 'verify-ca': 'useSsl=true, disableSslHostnameVerification=true', 'verify-full': 'useSsl=true' })
    : modeTable({ require: 'sslMode=trust', 'verify-ca': 'sslMode=verify-ca', 'verify-full': 'sslMode=verify-full' });
}

export function buildMariadb(req: JdbcRequest): JdbcConfig {
  const f = family(req);
  const x: Extras = { files: [], notes: [] };
  const modes = mariadbModes(f.major);
  requireMode(modes, req.mode, f.label);
  const tls: Setting[] = [];
  if (f.major === 2) {
    tls.push({ key: 'useSsl', value: 'true' });
    if (req.mode === 'require') tls.push({ key: 'trustServerCertificate', value: 'true' });
    if (req.mode === 'verify-ca') tls.push({ key: 'disableSslHostnameVerification', value: 'true' });
  } else {
    tls.push({ key: 'sslMode', value: { require: 'trust', 'verify-ca': 'verify-ca', 'verify-full': 'verify-full' }[req.mode] });
  }
  const trustMaterial = needTrust(req);
  if (req.trust && !trustMaterial) x.notes.push(`${f.label} validates nothing in require mode: the trust material is left out`);
  let trust: StoreRef | undefined;
  if (trustMaterial) {
    if (trustMaterial.kind === 'store' && f.trustStore) {
      trust = trustMaterial.store;
      // A plain path: the driver tries new URL(v) first and falls back to a file name.
      tls.push({ key: 'trustStore', value: trust.path });
      if (f.storeTypes) tls.push({ key: 'trustStoreType', value: trust.type });
      tls.push({ key: 'trustStorePassword', value: trust.password, secret: true });
    } else {
      tls.push({ key: 'serverSslCert', value: trustAsPem(req, trustMaterial, x, `${f.label} (serverSslCert)`) });
      if (trustMaterial.kind === 'store') x.notes.push(`${f.label} has no trustStore option (removed in 3.0, back in 3.5.0): the CA certificates go in serverSslCert`);
    }
  }
  let client: StoreRef | undefined;
  if (req.client) {
    client = clientAsStore(req, req.client, x, f.label);
    tls.push({ key: 'keyStore', value: client.path });
    if (f.storeTypes) tls.push({ key: 'keyStoreType', value: client.type });
    tls.push({ key: 'keyStorePassword', value: client.password, secret: true });
  }
  if (!f.storeTypes) x.notes.push(`${f.label} has no trustStoreType/keyStoreType: stores open as KeyStore.getDefaultType() (pkcs12 on JDK 9+, which also reads JKS files)`);
  const properties: Setting[] = [...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []), ...tls];
  if (/[?&/#;=\s]/.test(req.database)) throw usage(`--database ${JSON.stringify(req.database)}: MariaDB Connector/J does not decode the URL, so the name cannot hold ? & / # ; = or spaces`);
  const baseUrl = `jdbc:mariadb://${urlHost(req.host)}:${req.port ?? 3306}/${req.database}`;
  // No decoding: a raw `&` would split the value. 2.7 keeps outer spaces; whether every 3.x parser does is
  // not pinned, so such values also go only in Properties.
  const bad = properties.filter((s) => s.value.includes('&') || s.value !== s.value.trim());
  const inUrl = properties.filter((s) => !bad.includes(s));
  return {
    driver: 'mariadb',
    driverFamily: f.label,
    driverClass: 'org.mariadb.jdbc.Driver',
    mode: req.mode,
    baseUrl,
    url: inUrl.length ? `${baseUrl}?${inUrl.map((s) => `${s.key}=${s.value}`).join('&')}` : baseUrl,
    urlComplete: bad.length === 0,
    ...(bad.length ? { urlIncompleteReason: `MariaDB Connector/J does not decode URL values, so ${bad.map((s) => s.key).join(', ')} (holding "&" or leading/trailing spaces) can only be passed as Properties` } : {}),
    properties,
    jsse: [],
    libpqEnv: [],
    files: x.files,
    notes: x.notes,
    modes,
    stores: { trust, client },
  };
}

/**
 * Microsoft JDBC Driver for SQL Server (mssql-jdbc). Settings are `;key=value` pairs in the URL (or
 * Properties); a value holding `;`, `{`, `}` or outer spaces is wrapped in `{...}` with `}` doubled.
 * trustStore is a plain file path (FileInputStream). The driver always checks the host name when it
 * validates the certificate (hostNameInCertificate changes the expected name, it cannot turn the check
 * off), so verify-ca cannot be expressed. Client certificates (8.3+): clientCertificate = a PKCS#12/PFX
 * file with clientKeyPassword, or a certificate file plus clientKey (PEM). Names from the notes on the
 * driver source (no jar on this machine to pin them).
 */
import { type Extras, clientAsStore, trustAsStore } from './convert';
import { type JdbcConfig, type JdbcRequest, type Setting, type StoreRef, modeTable, needTrust, requireMode, usage } from './model';

export function sqlserverValue(v: string): string {
  return /[;{}]/.test(v) || v !== v.trim() ? `{${v.replace(/}/g, '}}')}}` : v;
}

export function buildSqlserver(req: JdbcRequest): JdbcConfig {
  const label = 'Microsoft JDBC Driver for SQL Server 8.4+';
  const x: Extras = { files: [], notes: [] };
  const modes = modeTable(
    { require: 'encrypt=true; trustServerCertificate=true', 'verify-ca': null, 'verify-full': 'encrypt=true; trustServerCertificate=false; trustStore…' },
    { 'verify-ca': 'the driver always checks the host name when it validates the certificate (hostNameInCertificate only changes the expected name)' },
  );
  requireMode(modes, req.mode, label);
  if (req.host.includes(':')) throw usage('SQL Server: give a host name or IPv4 address (IPv6 literals are not supported in this URL form)');
  const tls: Setting[] = [{ key: 'encrypt', value: 'true' }, { key: 'trustServerCertificate', value: String(req.mode === 'require') }];
  const trustMaterial = needTrust(req);
  let trust: StoreRef | undefined;
  if (trustMaterial) {
    trust = trustAsStore(req, trustMaterial, x, label);
    tls.push({ key: 'trustStore', value: trust.path }, { key: 'trustStoreType', value: trust.type }, { key: 'trustStorePassword', value: trust.password, secret: true });
  }
  let client: StoreRef | undefined;
  if (req.client) {
    const c = req.client;
    if (c.kind === 'pem') {
      tls.push({ key: 'clientCertificate', value: c.certPath }, { key: 'clientKey', value: c.keyPath });
      if (c.keyPassword) tls.push({ key: 'clientKeyPassword', value: c.keyPassword, secret: true });
    } else {
      client = clientAsStore(req, c, x, label, { pkcs12Only: true, name: 'client.pfx' });
      tls.push({ key: 'clientCertificate', value: client.path }, { key: 'clientKeyPassword', value: client.password, secret: true });
    }
    x.notes.push(`${label}: the client certificate needs driver 8.3/8.4 or later and a server that accepts certificate login`);
  }
  const properties: Setting[] = [...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []), ...tls];
  const baseUrl = `jdbc:sqlserver://${req.host}:${req.port ?? 1433};databaseName=${sqlserverValue(req.database)}`;
  return {
    driver: 'sqlserver',
    driverFamily: label,
    driverClass: 'com.microsoft.sqlserver.jdbc.SQLServerDriver',
    mode: req.mode,
    baseUrl,
    url: baseUrl + properties.map((s) => `;${s.key}=${sqlserverValue(s.value)}`).join(''),
    urlComplete: true,
    properties,
    jsse: [],
    libpqEnv: [],
    files: x.files,
    notes: x.notes,
    modes,
    stores: { trust, client },
  };
}

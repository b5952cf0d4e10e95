/**
 * Exasol's own JDBC driver: `jdbc:exa:host:port;schema=S`. TLS is on by default (Exasol 7.1+) and the
 * server certificate is validated with the JVM's truststore (javax.net.ssl.*); validateservercertificate=0
 * turns validation off. Since driver 24.2.0 unknown URL parameters are rejected, so nothing else is
 * added. Whether the driver checks the chain without the host name is not documented, so verify-ca is
 * refused; client certificates are not offered by the driver.
 */
import { type Extras, trustAsStore } from './convert';
import { type JdbcConfig, type JdbcRequest, type Setting, type StoreRef, modeTable, needTrust, requireMode, urlHost, usage } from './model';

export function buildExasol(req: JdbcRequest): JdbcConfig {
  const label = 'Exasol JDBC';
  const x: Extras = { files: [], notes: [] };
  const modes = modeTable(
    { require: 'validateservercertificate=0', 'verify-ca': null, 'verify-full': 'validateservercertificate=1 (default) + javax.net.ssl.trustStore' },
    { 'verify-ca': 'the driver has no documented chain-only check' },
  );
  requireMode(modes, req.mode, label);
  if (req.client) throw usage(`${label} does not use a client certificate: leave out --keystore / --client-key`);
  if (/[;\s=]/.test(req.database)) throw usage(`--database ${JSON.stringify(req.database)}: not an Exasol schema name`);
  const trustMaterial = needTrust(req);
  const jsse: Setting[] = [];
  let trust: StoreRef | undefined;
  if (trustMaterial) {
    trust = trustAsStore(req, trustMaterial, x, label);
    jsse.push(
      { key: 'javax.net.ssl.trustStore', value: trust.path },
      { key: 'javax.net.ssl.trustStoreType', value: trust.type },
      { key: 'javax.net.ssl.trustStorePassword', value: trust.password, secret: true },
    );
  }
  const params: Setting[] = [{ key: 'schema', value: req.database }];
  if (req.mode === 'require') params.push({ key: 'validateservercertificate', value: '0' });
  const baseUrl = `jdbc:exa:${urlHost(req.host)}:${req.port ?? 8563}`;
  const url = baseUrl + params.map((s) => `;${s.key}=${s.value}`).join('');
  return {
    driver: 'exasol',
    driverFamily: label,
    driverClass: 'com.exasol.jdbc.EXADriver',
    mode: req.mode,
    baseUrl,
    url,
    // As for pgJDBC's JVM route: the URL is complete for the connection, the truststore comes from --format jsse.
    urlComplete: true,
    properties: req.user !== undefined ? [{ key: 'user', value: req.user }] : [],
    jsse,
    libpqEnv: [],
    files: x.files,
    notes: x.notes,
    modes,
    stores: { trust },
  };
}

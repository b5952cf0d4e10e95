/**
 * Oracle JDBC thin over TCPS. The stores are named by javax.net.ssl.* keys, which the thin driver reads
 * from the connection Properties (or, failing that, the JVM system properties);
 * oracle.net.ssl_server_dn_match=true adds the server name check. TCPS always validates the server
 * chain, so require cannot be expressed. Secrets stay out of the EZConnect URL (its escaping is not
 * documented).
 */
import { type Extras, clientAsStore, trustAsStore } from './convert';
import { type JdbcConfig, type JdbcRequest, type Setting, type StoreRef, modeTable, needTrust, requireMode, urlHost, usage } from './model';

export function buildOracle(req: JdbcRequest): JdbcConfig {
  const label = 'Oracle JDBC thin (TCPS)';
  const x: Extras = { files: [], notes: [] };
  const modes = modeTable(
    { require: null, 'verify-ca': 'oracle.net.ssl_server_dn_match=false', 'verify-full': 'oracle.net.ssl_server_dn_match=true' },
    { require: 'TCPS always validates the server certificate chain against the truststore' },
  );
  requireMode(modes, req.mode, label);
  if (/[\s/?@()=]/.test(req.database)) throw usage(`--database ${JSON.stringify(req.database)}: not an Oracle service name`);
  const trustMaterial = needTrust(req)!;
  const trust: StoreRef = trustAsStore(req, trustMaterial, x, label);
  const jsse: Setting[] = [
    { key: 'javax.net.ssl.trustStore', value: trust.path },
    { key: 'javax.net.ssl.trustStoreType', value: trust.type },
    { key: 'javax.net.ssl.trustStorePassword', value: trust.password, secret: true },
  ];
  let client: StoreRef | undefined;
  if (req.client) {
    client = clientAsStore(req, req.client, x, label);
    jsse.push(
      { key: 'javax.net.ssl.keyStore', value: client.path },
      { key: 'javax.net.ssl.keyStoreType', value: client.type },
      { key: 'javax.net.ssl.keyStorePassword', value: client.password, secret: true },
    );
  }
  const properties: Setting[] = [
    ...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []),
    ...jsse,
    { key: 'oracle.net.ssl_server_dn_match', value: String(req.mode === 'verify-full') },
  ];
  x.notes.push(`${label}: the javax.net.ssl.* settings work as connection Properties (this connection only) or as JVM options (every connection)`);
  const baseUrl = `jdbc:oracle:thin:@tcps://${urlHost(req.host)}:${req.port ?? 2484}/${req.database}`;
  return {
    driver: 'oracle',
    driverFamily: label,
    driverClass: 'oracle.jdbc.OracleDriver',
    mode: req.mode,
    baseUrl,
    url: baseUrl,
    urlComplete: false,
    urlIncompleteReason: 'the Oracle thin driver takes the stores as connection Properties (--format properties) or JVM options (--format jsse)',
    properties,
    jsse,
    libpqEnv: [],
    files: x.files,
    notes: x.notes,
    modes,
    stores: { trust, client },
  };
}

/**
 * Renderers for `ktool jdbc --format F`: each takes the neutral JdbcConfig (plus the request, for the
 * targets built on a driver's settings: OX, Tungsten, Exasol IMPORT, Spring) and returns the text.
 */
import { KtoolError } from '../../model/errors';
import type { JdbcConfig, JdbcRequest, Setting } from '../../ops/jdbc/model';
import { fileUrl, queryString, urlEncodeValue } from '../../ops/jdbc/model';
import { mysqlBaseUrl } from '../../ops/jdbc/mysql';
import { renderTpm, renderTungstenIni } from './ini';
import { renderProperties } from './java-properties';
import { renderPropertiesXml } from './properties-xml';
import { renderYaml } from './yaml';

export const FORMATS = [
  'url',
  'properties',
  'properties-xml',
  'jsse',
  'java-tool-options',
  'libpq',
  'spring-properties',
  'spring-yaml',
  'dbconnector-yaml',
  'configdb-properties',
  'tpm',
  'tungsten-ini',
  'exasol-import',
  'json',
] as const;
export type ConfigFormat = (typeof FORMATS)[number];

const usage = (m: string) => new KtoolError('USAGE', m);
const unsupported = (m: string) => new KtoolError('UNSUPPORTED', m);

/** POSIX shell word: as is when safe, else single-quoted with ' as '\''. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9._,+=@/:%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** SQL string literal (Exasol): ' doubled. */
export const sqlLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const withoutUser = (props: readonly Setting[]) => props.filter((s) => s.key !== 'user');

function requireDriver(cfg: JdbcConfig, drivers: readonly JdbcConfig['driver'][], format: string): void {
  if (!drivers.includes(cfg.driver)) throw usage(`--format ${format} is for --driver ${drivers.join(' or ')}`);
}

/** The MySQL settings OX wants: legacy names always (OX's reload watcher runs only when useSSL=true), sslMode on 8.0.13+. */
function oxSettings(cfg: JdbcConfig): Setting[] {
  requireDriver(cfg, ['mysql'], 'dbconnector-yaml/configdb-properties');
  const tls = withoutUser(cfg.properties);
  const legacy = ['useSSL', 'requireSSL', 'verifyServerCertificate'];
  const out: Setting[] = [
    { key: 'useSSL', value: 'true' },
    { key: 'requireSSL', value: 'true' },
    { key: 'verifyServerCertificate', value: String(cfg.mode !== 'require') },
    ...tls.filter((s) => !legacy.includes(s.key)),
  ];
  // OX reopens the stores itself and keeps only what follows the last ':' of the URL, without decoding.
  for (const s of out) {
    if (!s.key.endsWith('KeyStoreUrl')) continue;
    const p = s.value.replace(/^file:/, '');
    if (/[:%#?]/.test(p) || !p.startsWith('/')) throw usage(`${s.key}: Open-Xchange reads the store path after the last ":" and does not decode it, so the path must be absolute POSIX without : % # ? (got ${s.value})`);
  }
  return out;
}

function tungstenSettings(cfg: JdbcConfig): { settings: Setting[]; notes: string[] } {
  requireDriver(cfg, ['mysql', 'mariadb'], 'tpm/tungsten-ini');
  if (cfg.mode === 'verify-full') throw unsupported('Tungsten (tpm) exposes no host-name verification for the replicator\'s MySQL connection: use --mode verify-ca');
  const { trust, client } = cfg.stores;
  const settings: Setting[] = [];
  const notes: string[] = [];
  if (client) settings.push({ key: 'java-keystore-path', value: client.path }, { key: 'java-keystore-password', value: client.password, secret: true });
  if (trust) settings.push({ key: 'java-truststore-path', value: trust.path }, { key: 'java-truststore-password', value: trust.password, secret: true });
  settings.push({ key: 'datasource-enable-ssl', value: 'true' });
  if (client) settings.push({ key: 'thl-ssl', value: 'true' }, { key: 'rmi-ssl', value: 'true' });
  else notes.push('no --keystore: THL and RMI TLS need this host\'s key in java-keystore-path, so thl-ssl/rmi-ssl are left out');
  if ([trust, client].some((s) => s && s.type !== 'JKS')) notes.push('Tungsten opens its stores as type "jks"; PKCS12 files load too on JDK 9+ (keystore.type.compat)');
  notes.push('key password = store password; the replicator trusts the database CA through the truststore (javax.net.ssl.*)');
  return { settings, notes };
}

function springPropertyKey(k: string): string {
  return `spring.datasource.hikari.data-source-properties[${k}]`;
}

export function renderConfig(format: ConfigFormat, cfg: JdbcConfig, req: JdbcRequest): string {
  switch (format) {
    case 'url':
      if (!cfg.urlComplete) throw usage(`--format url: ${cfg.urlIncompleteReason ?? 'the URL alone cannot carry these settings'}`);
      if (/[\r\n]/.test(cfg.url)) throw usage('the URL would span several lines');
      return cfg.url + '\n';
    case 'properties':
      return renderProperties(cfg.properties, [`ktool jdbc: ${cfg.driverFamily}, ${cfg.mode}`, `url: ${cfg.baseUrl}`]);
    case 'properties-xml':
      return renderPropertiesXml(cfg.properties, `ktool jdbc: ${cfg.driverFamily}, ${cfg.mode}; url: ${cfg.baseUrl}`);
    case 'jsse':
      if (!cfg.jsse.length) throw usage(`--format jsse: ${cfg.driverFamily} uses its own store settings here, not the JVM's javax.net.ssl.* (use --format properties${cfg.driver === 'postgresql' ? ', or --pg-route jvm' : ''})`);
      return cfg.jsse.map((s) => `-D${s.key}=${s.value}`).join('\n') + '\n';
    case 'java-tool-options': {
      if (!cfg.jsse.length) throw usage(`--format java-tool-options: ${cfg.driverFamily} does not use the JVM's javax.net.ssl.* stores here`);
      // The JVM splits JAVA_TOOL_OPTIONS at whitespace; quoting inside it is not portable across JDKs.
      for (const s of cfg.jsse) if (/[\s'"\\]/.test(s.value)) throw usage(`${s.key}: JAVA_TOOL_OPTIONS cannot carry a value with spaces, quotes or backslashes: use --format jsse in a file or on the command line`);
      return `export JAVA_TOOL_OPTIONS=${shellQuote(cfg.jsse.map((s) => `-D${s.key}=${s.value}`).join(' '))}\n`;
    }
    case 'libpq': {
      requireDriver(cfg, ['postgresql'], 'libpq');
      const env: Setting[] = [
        { key: 'PGHOST', value: req.host },
        { key: 'PGPORT', value: String(req.port ?? 5432) },
        { key: 'PGDATABASE', value: req.database },
        ...(req.user !== undefined ? [{ key: 'PGUSER', value: req.user }] : []),
        ...cfg.libpqEnv,
      ];
      return env.map((s) => `export ${s.key}=${shellQuote(s.value)}`).join('\n') + '\n';
    }
    case 'spring-properties': {
      const lines: Setting[] = [
        { key: 'spring.datasource.url', value: cfg.baseUrl },
        { key: 'spring.datasource.driver-class-name', value: cfg.driverClass },
        ...(req.user !== undefined ? [{ key: 'spring.datasource.username', value: req.user }] : []),
        ...withoutUser(cfg.properties).map((s) => ({ ...s, key: springPropertyKey(s.key) })),
      ];
      const comments = [`ktool jdbc: ${cfg.driverFamily}, ${cfg.mode}`];
      if (cfg.jsse.length) comments.push(`start the JVM with: ${cfg.jsse.map((s) => `-D${s.key}=${s.secret ? '<password>' : s.value}`).join(' ')}`);
      return renderProperties(lines, comments);
    }
    case 'spring-yaml': {
      const dsp: Record<string, string> = {};
      for (const s of withoutUser(cfg.properties)) dsp[`[${s.key}]`] = s.value;
      const datasource: Record<string, unknown> = { url: cfg.baseUrl, 'driver-class-name': cfg.driverClass };
      if (req.user !== undefined) datasource.username = req.user;
      if (Object.keys(dsp).length) datasource.hikari = { 'data-source-properties': dsp };
      const head = `# ktool jdbc: ${cfg.driverFamily}, ${cfg.mode}\n${cfg.jsse.length ? `# start the JVM with the javax.net.ssl.* options of --format jsse\n` : ''}`;
      return head + renderYaml({ spring: { datasource } });
    }
    case 'dbconnector-yaml': {
      const map: Record<string, string> = {};
      for (const s of oxSettings(cfg)) map[s.key] = s.value;
      return `# ktool jdbc: Open-Xchange dbconnector.yaml, ${cfg.driverFamily}, ${cfg.mode}; then run reloadconfiguration\n` + renderYaml({ 'com.mysql.jdbc': map }, 4);
    }
    case 'configdb-properties': {
      const settings = [...(req.user !== undefined ? [{ key: 'user', value: req.user }] : []), ...oxSettings(cfg)];
      const url = mysqlBaseUrl(req);
      const lines: Setting[] = [];
      for (const side of ['read', 'write']) {
        lines.push({ key: `${side}DriverClass`, value: 'com.mysql.jdbc.Driver' }, { key: `${side}Url`, value: url });
        settings.forEach((s, i) => lines.push({ key: `${side}Property.${i + 1}`, value: `${s.key}=${s.value}` }));
      }
      return renderProperties(lines, [`ktool jdbc: Open-Xchange configdb.properties (ConfigDB only), ${cfg.driverFamily}, ${cfg.mode}`]);
    }
    case 'tpm': {
      const { settings, notes } = tungstenSettings(cfg);
      return notes.map((n) => `# ${n}`).join('\n') + '\n' + renderTpm(settings);
    }
    case 'tungsten-ini': {
      const { settings, notes } = tungstenSettings(cfg);
      return renderTungstenIni(settings, 'defaults', notes);
    }
    case 'exasol-import': {
      requireDriver(cfg, ['mysql'], 'exasol-import');
      const url = mysqlBaseUrl(req) + queryString(withoutUser(cfg.properties), urlEncodeValue);
      const note = `-- ktool jdbc: Exasol IMPORT from MySQL (${cfg.driverFamily}, ${cfg.mode}); the store files must be readable inside Exasol (BucketFS)`;
      return `${note}\nFROM JDBC AT ${sqlLiteral(url)}${req.user !== undefined ? ` USER ${sqlLiteral(req.user)}` : ''}\n`;
    }
    case 'json':
      return JSON.stringify(configToJson(cfg), null, 2) + '\n';
  }
}

export function configToJson(cfg: JdbcConfig): Record<string, unknown> {
  return {
    driver: cfg.driver,
    driverFamily: cfg.driverFamily,
    driverClass: cfg.driverClass,
    mode: cfg.mode,
    url: cfg.url,
    urlComplete: cfg.urlComplete,
    ...(cfg.urlIncompleteReason ? { urlIncompleteReason: cfg.urlIncompleteReason } : {}),
    baseUrl: cfg.baseUrl,
    properties: cfg.properties.map(settingJson),
    jsse: cfg.jsse.map(settingJson),
    ...(cfg.libpqEnv.length ? { libpqEnv: cfg.libpqEnv.map(settingJson) } : {}),
    files: cfg.files.map((f) => ({ path: f.path, mode: `0${f.mode.toString(8)}`, description: f.description })),
    stores: {
      ...(cfg.stores.trust ? { trust: { path: cfg.stores.trust.path, type: cfg.stores.trust.type, url: safeFileUrl(cfg.stores.trust.path) } } : {}),
      ...(cfg.stores.client ? { client: { path: cfg.stores.client.path, type: cfg.stores.client.type, url: safeFileUrl(cfg.stores.client.path) } } : {}),
    },
    modes: cfg.modes,
    notes: cfg.notes,
  };
}

const settingJson = (s: Setting) => ({ key: s.key, value: s.value, ...(s.secret ? { secret: true } : {}) });

function safeFileUrl(p: string): string | null {
  try {
    return fileUrl(p);
  } catch {
    return null;
  }
}

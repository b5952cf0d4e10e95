/**
 * The neutral model of `ktool jdbc`: what a driver needs to connect over TLS as asked (URL, ordered
 * properties, JVM-wide javax.net.ssl.* options, files in the driver's own format, notes), built by one
 * module per driver from already-checked trust and client material. Renderers in src/output/config turn
 * it into each target format; nothing here does I/O.
 */
import { KtoolError } from '../../model/errors';
import type { StoreType } from '../../model/keystore';

export const DRIVERS = ['postgresql', 'mysql', 'mariadb', 'sqlserver', 'oracle', 'exasol'] as const;
export type DriverName = (typeof DRIVERS)[number];

/** libpq's names: require = encrypted, nothing verified; verify-ca = chain; verify-full = chain + host name. */
export const TLS_MODES = ['require', 'verify-ca', 'verify-full'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** A Java keystore the driver opens itself (or the JVM, through javax.net.ssl.*). */
export interface StoreRef {
  /** As the driver must see it: absolute POSIX path, or a Windows path (C:\...). */
  path: string;
  type: StoreType;
  password: string;
}

/** Trust material: a keystore of CA certificates, or a PEM/DER file of CA certificates. */
export type TrustMaterial =
  | { kind: 'store'; store: StoreRef; certificates: Uint8Array[] }
  | { kind: 'pem'; path: string; certificates: Uint8Array[] };

/** The client identity: a keystore with one key entry, or a key file plus certificate chain file. */
export type ClientMaterial =
  | { kind: 'store'; store: StoreRef; alias: string; pkcs8?: Uint8Array; chain: Uint8Array[] }
  | { kind: 'pem'; keyPath: string; certPath: string; pkcs8: Uint8Array; chain: Uint8Array[]; keyPassword?: string };

export interface JdbcRequest {
  driver: DriverName;
  /** As given (`5.1`, `8.0.33`, `2.7`, `3.4.1`, `42.7.4`); each driver module interprets it. */
  driverVersion?: string;
  host: string;
  port?: number;
  database: string;
  user?: string;
  mode: TlsMode;
  trust?: TrustMaterial;
  client?: ClientMaterial;
  /** Absolute directory for files written in a driver's own format (PEM CA, .pk8 key, converted stores). */
  outDir?: string;
  /** Password for stores ktool creates from PEM input (the key password is the same, §0.1 of the notes). */
  newStorePassword?: string;
  /** Password for a truststore ktool creates from --ca PEM (default changeit, the JDK's). */
  newTrustStorePassword?: string;
  /** pgJDBC: 'files' = LibPQFactory with sslrootcert/sslcert/sslkey; 'jvm' = DefaultJavaSSLFactory + javax.net.ssl.*. */
  pgRoute?: 'files' | 'jvm';
  /** pgJDBC client key file: DER PKCS#8 (.pk8, every 42.x) or PKCS#12 (.p12, alias `user`, 42.2.9+). */
  pgKeyFormat?: 'pk8' | 'p12';
  /** Also build the libpq environment (PEM key file for psql and other libpq clients). */
  libpq?: boolean;
  /** libpq: a CRL file for PGSSLCRL. */
  crlPath?: string;
}

export interface Setting {
  key: string;
  value: string;
  /** A password: JSON marks it, text formats still print it (that is what the file is for). */
  secret?: boolean;
}

/** A file the driver needs in its own format; `content` is built lazily so dry runs cost nothing. */
export interface FileToWrite {
  path: string;
  /** 0o600 for anything holding a key or a password-protected store, else 0o644. */
  mode: number;
  description: string;
  content: () => Uint8Array;
}

export interface ModeSupport {
  mode: TlsMode;
  supported: boolean;
  /** How the driver expresses it, or why it cannot. */
  how: string;
}

export interface JdbcConfig {
  driver: DriverName;
  /** The version family the settings were written for, e.g. `Connector/J 8.0.13+`. */
  driverFamily: string;
  driverClass: string;
  mode: TlsMode;
  /** Host, port and database only. */
  baseUrl: string;
  /** baseUrl with every TLS setting that the driver accepts in the URL (values escaped for that driver). */
  url: string;
  /** True when `url` alone connects as asked (no properties or JVM options needed). */
  urlComplete: boolean;
  /** Why `url` is incomplete, when it is. */
  urlIncompleteReason?: string;
  /** What to pass as the Properties of DriverManager.getConnection(url, props): user first, then TLS. */
  properties: Setting[];
  /** javax.net.ssl.* system properties the chosen route relies on (empty when the driver uses its own). */
  jsse: Setting[];
  /** libpq environment (PostgreSQL only). */
  libpqEnv: Setting[];
  files: FileToWrite[];
  notes: string[];
  modes: ModeSupport[];
  /** The stores the route uses, as the driver sees them (Tungsten and OX render from these). */
  stores: { trust?: StoreRef; client?: StoreRef };
}

export const usage = (msg: string): KtoolError => new KtoolError('USAGE', msg);

/** `major.minor.patch` of a version string; missing parts are 0. */
export function parseVersion(v: string | undefined, what: string): [number, number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-.].*)?$/.exec(v.trim());
  if (!m) throw usage(`--driver-version ${JSON.stringify(v)}: expected a ${what} version such as 8.0.33`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export const versionAtLeast = (v: [number, number, number], min: [number, number, number]): boolean => {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
};

/** host for a URL authority: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  if (!host || /[\s/?#@\[\]]/.test(host.replace(/^\[(.*)\]$/, '$1').replace(/:/g, ''))) throw usage(`--host ${JSON.stringify(host)}: not a host name or address`);
  if (host.startsWith('[')) return host;
  return host.includes(':') ? `[${host}]` : host;
}

export const isWindowsPath = (p: string): boolean => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');

/**
 * A `file:` URL for java.net.URL(...).openStream(): `%`, `#`, `?` percent-encoded (the rest of the
 * path stays as is: java.net.URL does not decode it, FileURLConnection does, so `%20` and a raw space
 * both work); Windows paths as file:/C:/dir/x with forward slashes.
 */
export function fileUrl(p: string): string {
  const enc = (s: string) => s.replace(/%/g, '%25').replace(/#/g, '%23').replace(/\?/g, '%3F');
  if (/^[A-Za-z]:[\\/]/.test(p)) return `file:/${enc(p.replace(/\\/g, '/'))}`;
  if (p.startsWith('\\\\')) return `file:${enc(p.replace(/\\/g, '/'))}`; // UNC: file://server/share/...
  if (!p.startsWith('/')) throw usage(`${p}: a path in a file: URL must be absolute`);
  return `file:${enc(p)}`;
}

/** Java's URLDecoder.decode(value, UTF-8) inverse (Connector/J 8+, pgJDBC). */
export const urlEncodeValue = (v: string): string => encodeURIComponent(v);

/** The query part `?k=v&k=v` from settings, values escaped by `enc`. */
export function queryString(settings: readonly Setting[], enc: (v: string) => string): string {
  return settings.length ? `?${settings.map((s) => `${s.key}=${enc(s.value)}`).join('&')}` : '';
}

export function storeTypeName(t: StoreType): string {
  return t; // 'JKS' | 'JCEKS' | 'PKCS12' are the JDK's own names
}

export function modeTable(entries: Record<TlsMode, string | null>, unsupportedWhy: Partial<Record<TlsMode, string>> = {}): ModeSupport[] {
  return TLS_MODES.map((mode) => {
    const how = entries[mode];
    return how === null ? { mode, supported: false, how: unsupportedWhy[mode] ?? 'not expressible' } : { mode, supported: true, how };
  });
}

/** Fail when the requested mode is not one the driver can express. */
export function requireMode(modes: readonly ModeSupport[], mode: TlsMode, driverFamily: string): void {
  const m = modes.find((x) => x.mode === mode)!;
  if (!m.supported) throw new KtoolError('UNSUPPORTED', `${driverFamily} cannot do --mode ${mode}: ${m.how}`);
}

/** Trust material is needed for the verify modes (and ignored by most drivers in require mode). */
export function needTrust(req: JdbcRequest): TrustMaterial | undefined {
  if (req.mode !== 'require' && !req.trust) throw usage(`--mode ${req.mode} needs trust material: --truststore F or --ca PEM`);
  return req.mode === 'require' ? undefined : req.trust;
}

export function needOutDir(req: JdbcRequest, why: string): string {
  if (!req.outDir) throw usage(`--out-dir DIR is needed: ${why}`);
  return req.outDir;
}

export function needNewStorePassword(req: JdbcRequest, what: string): string {
  if (req.newStorePassword === undefined || req.newStorePassword === '') {
    throw usage(`${what}: give the password for the new store with --keystore-pass… (store and key get the same one)`);
  }
  return req.newStorePassword;
}

export function joinPath(dir: string, name: string): string {
  if (isWindowsPath(dir)) return `${dir.replace(/[\\/]+$/, '')}\\${name}`;
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

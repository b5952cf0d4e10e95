/**
 * keytool's PKI operations as pure functions over the model, shared by keytool compatibility mode
 * (-genkeypair, -certreq, -gencert, -genseckey, -importpass) and the modern verbs (genkeypair, certreq,
 * gencert, genseckey): new key entries with a self-signed or signer-issued certificate, PKCS#10 requests
 * from key entries, certificates from requests, and secret keys with keytool's defaults and checks.
 * No file or terminal I/O here: callers open keys and read or write files.
 */
import * as crypto from 'node:crypto';
import { foldAlias, findEntry } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { KeyStore, PrivateKeyEntry, SecretKeyEntry } from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import { type JdkVersion, resolveSigAlg, defaultSigAlg, spkiOf } from '../x509/algorithms';
import { buildCrl } from '../x509/crl';
import { buildCsr, parseCsr, type ParsedCsr } from '../x509/csr';
import { buildKeytoolExtensions, keyIdentifier } from '../x509/extensions';
import { buildCertificate, parseStartDate, validityEnd } from '../x509/issue';
import { generateKeyPair, type GeneratedKeyPair } from '../x509/keygen';
import { X500Name } from '../x509/name';
import { parseCertificate } from '../x509/verify';

/** keytool's -validity default (days). */
export const DEFAULT_VALIDITY_DAYS = 90;

/** Who signs a new certificate when it is not self-signed (-signer, -gencert -alias). */
export interface Issuer {
  key: crypto.KeyObject;
  /** The issuer's chain, its own certificate first. */
  chain: Uint8Array[];
}

export interface ValidityOptions {
  /** keytool -startdate text (relative `-1d`, `+1y-2m`, or `yyyy/mm/dd [HH:MM:SS]`, `HH:MM:SS`). */
  startdate?: string;
  /** Days (default 90). */
  validity?: number;
  now?: Date;
}

function validityWindow(o: ValidityOptions): { notBefore: Date; notAfter: Date; days: number } {
  const days = o.validity ?? DEFAULT_VALIDITY_DAYS;
  const notBefore = parseStartDate(o.startdate, o.now ?? new Date());
  return { notBefore, notAfter: validityEnd(notBefore, days), days };
}

/** The AKID keytool puts in what an issuer signs: the issuer certificate's SKID, else the SHA-1 of its key. */
function issuerKeyId(issuerCert: Uint8Array): Uint8Array {
  const c = parseCertificate(issuerCert);
  return c.subjectKeyId ?? keyIdentifier(c.spki);
}

// ---------------------------------------------------------------- -genkeypair

export interface GenKeyPairOptions extends ValidityOptions {
  alias: string;
  /** keytool -dname text. */
  dname: string;
  keyalg: string;
  keysize?: number;
  groupname?: string;
  sigalg?: string;
  /** keytool -ext values, in order. */
  ext?: readonly string[];
  signer?: Issuer;
  jdk?: JdkVersion;
}

export interface GenKeyPairResult {
  store: KeyStore;
  entry: PrivateKeyEntry;
  pair: GeneratedKeyPair;
  /** The signature algorithm's Java name (as getSigAlgName). */
  sigAlgName: string;
  subject: X500Name;
  days: number;
}

/** "Key pair not generated, alias <a> already exists" and the other checks keytool makes before generating. */
export function checkNewAlias(store: KeyStore, alias: string, what: 'Key pair' | 'Secret Key'): void {
  if (findEntry(store, alias)) throw new KtoolError('EXISTS', `${what} not generated, alias <${alias}> already exists`);
}

/** A new key pair and its certificate (self-signed, or issued by `signer` with chain [new, ...signer chain]). */
export function generateKeyEntry(store: KeyStore, o: GenKeyPairOptions): GenKeyPairResult {
  checkNewAlias(store, o.alias, 'Key pair');
  const subject = X500Name.parse(o.dname);
  const { notBefore, notAfter, days } = validityWindow(o);
  const pair = generateKeyPair({ keyalg: o.keyalg, keysize: o.keysize, groupname: o.groupname, jdk: o.jdk });
  const signerKey = o.signer?.key ?? pair.keyObject;
  const sigAlg = resolveSigAlg(o.sigalg ?? defaultSigAlg(signerKey, o.jdk ?? 17), signerKey, o.jdk ?? 17);
  const extensions = buildKeytoolExtensions({
    specs: o.ext ?? [],
    subjectSpki: pair.publicKeySpki,
    issuerKeyId: o.signer ? issuerKeyId(o.signer.chain[0]) : undefined,
  });
  const cert = buildCertificate({
    subject: subject.der,
    issuer: o.signer ? parseCertificate(o.signer.chain[0]).subject : subject.der,
    notBefore,
    notAfter,
    publicKeySpki: pair.publicKeySpki,
    extensions,
    signerKey,
    sigAlg,
    issuerSpki: o.signer ? spkiOf(o.signer.key) : pair.publicKeySpki,
    jdk: o.jdk,
  });
  const entry: PrivateKeyEntry = {
    type: 'PrivateKeyEntry',
    alias: foldAlias(o.alias),
    created: new Date(),
    key: { form: 'plain', pkcs8: pair.privateKeyPkcs8 },
    chain: [cert, ...(o.signer?.chain ?? [])],
    friendlyName: o.alias,
  };
  return { store: { ...store, entries: [...store.entries, entry] }, entry, pair, sigAlgName: sigAlg.name, subject, days };
}

/** java.text.MessageFormat's default number format: digits grouped by commas. */
export const groupDigits = (n: number): string => n.toLocaleString('en-US');

/** keytool 17's -genkeypair progress line (stderr). */
export function genKeyPairMessage(r: GenKeyPairResult, signerAlias?: string): string {
  const alg = r.pair.curve ? `${r.pair.keyalg} (${r.pair.curve})` : r.pair.keyalg;
  const what = signerAlias === undefined ? `self-signed certificate (${r.sigAlgName})` : `a certificate (${r.sigAlgName}) issued by <${signerAlias}>`;
  return `Generating ${groupDigits(r.pair.keysize)} bit ${alg} key pair and ${what} with a validity of ${groupDigits(r.days)} days\n\tfor: ${r.subject.toString()}`;
}

// ---------------------------------------------------------------- -certreq

export interface CertReqOptions {
  /** The key entry's private key and leaf certificate. */
  key: crypto.KeyObject;
  cert: Uint8Array;
  /** Subject override (keytool -dname). */
  dname?: string;
  sigalg?: string;
  ext?: readonly string[];
  jdk?: JdkVersion;
}

/** PKCS#10 as keytool -certreq makes it: the certificate's key and subject, SKID plus -ext in an extensionRequest. */
export function certificateRequest(o: CertReqOptions): Uint8Array {
  const c = parseCertificate(o.cert);
  const extensions = buildKeytoolExtensions({ specs: o.ext ?? [], subjectSpki: c.spki });
  return buildCsr({
    subject: o.dname !== undefined ? X500Name.parse(o.dname).der : c.subject,
    signerKey: o.key,
    publicKeySpki: c.spki,
    extensions,
    sigAlg: o.sigalg,
    jdk: o.jdk,
  });
}

// ---------------------------------------------------------------- -gencert

export interface GenCertOptions extends ValidityOptions {
  csr: Uint8Array;
  issuer: Issuer;
  /** Subject override (keytool -dname). */
  dname?: string;
  sigalg?: string;
  /** keytool -ext values; `honored=…` picks extensions from the request. */
  ext?: readonly string[];
  serial?: bigint;
  jdk?: JdkVersion;
}

export interface GenCertResult {
  cert: Uint8Array;
  request: ParsedCsr;
  /** What keytool writes: the new certificate, then the issuer's chain minus self-signed certificates. */
  output: Uint8Array[];
}

/** A certificate for a PKCS#10 request, signed by a key entry (keytool -gencert). */
export function certificateFromRequest(o: GenCertOptions): GenCertResult {
  const request = parseCsr(o.csr);
  if (!request.signatureValid) throw new KtoolError('VERIFY', 'the certificate request signature does not verify');
  const issuerCert = o.issuer.chain[0];
  const issuerSpki = parseCertificate(issuerCert).spki;
  const selfSigned = bytesEqual(issuerSpki, request.publicKeySpki);
  const { notBefore, notAfter } = validityWindow(o);
  const extensions = buildKeytoolExtensions({
    specs: o.ext ?? [],
    subjectSpki: request.publicKeySpki,
    issuerKeyId: selfSigned ? undefined : issuerKeyId(issuerCert),
    requested: request.extensions,
  });
  const cert = buildCertificate({
    subject: o.dname !== undefined ? X500Name.parse(o.dname).der : request.subject,
    issuer: parseCertificate(issuerCert).subject,
    serial: o.serial,
    notBefore,
    notAfter,
    publicKeySpki: request.publicKeySpki,
    extensions,
    signerKey: o.issuer.key,
    sigAlg: o.sigalg,
    issuerSpki,
    jdk: o.jdk,
  });
  const output = [cert, ...o.issuer.chain.filter((c) => !isSelfSigned(c))];
  return { cert, request, output };
}

function isSelfSigned(der: Uint8Array): boolean {
  const c = parseCertificate(der);
  if (!bytesEqual(c.subject, c.issuer)) return false;
  try {
    return new crypto.X509Certificate(Buffer.from(der)).verify(crypto.createPublicKey({ key: Buffer.from(c.spki), format: 'der', type: 'spki' }));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- -gencrl

export interface GenCrlOptions extends ValidityOptions {
  /** The signing key entry's certificate (its subject is the CRL issuer) and key. */
  issuerCert: Uint8Array;
  key: crypto.KeyObject;
  /** keytool -id values: a serial number in decimal, optionally `:reason` (a positive reason code). */
  ids: readonly string[];
  sigalg?: string;
  jdk?: JdkVersion;
}

/**
 * A CRL as keytool -gencrl makes it: issued by the key entry's subject, this update the start date and
 * next update after -validity days, each -id revoked at the start date (with a reasonCode entry
 * extension when it names one), and no CRL extensions (no CRL number, no AKID). RSA signatures being
 * deterministic, the bytes are keytool's for the same key and an absolute -startdate.
 */
export function generateCrl(o: GenCrlOptions): Uint8Array {
  const { notBefore, notAfter } = validityWindow(o);
  // Java's BigInteger / Integer.parseInt of the decimal text, and their NumberFormatException wording.
  const decimal = (text: string): bigint => {
    if (!/^-?\d+$/.test(text)) throw new KtoolError('USAGE', `For input string: "${text}"`);
    return BigInt(text);
  };
  const revoked = o.ids.map((id) => {
    const colon = id.indexOf(':');
    if (colon < 0) return { serial: decimal(id), date: notBefore };
    const serial = decimal(id.slice(0, colon));
    const reason = Number(decimal(id.slice(colon + 1)));
    if (reason <= 0) throw new KtoolError('USAGE', 'Reason code must be positive');
    return { serial, date: notBefore, reason };
  });
  const issuer = parseCertificate(o.issuerCert).subject;
  return buildCrl({ issuer, thisUpdate: notBefore, nextUpdate: notAfter, revoked, authorityKeyId: null, signerKey: o.key, sigAlg: o.sigalg, jdk: o.jdk });
}

// ---------------------------------------------------------------- -genseckey / -importpass

/** Secret key algorithms keytool's KeyGenerators make, by upper-case name: canonical name and allowed sizes. */
const SECRET_ALGS: Record<string, { name: string; sizes?: readonly number[]; range?: [number, number, number]; defaultSize?: number; parity?: boolean }> = {
  AES: { name: 'AES', sizes: [128, 192, 256] },
  DES: { name: 'DES', sizes: [56], defaultSize: 56, parity: true },
  DESEDE: { name: 'DESede', sizes: [112, 168], defaultSize: 168, parity: true },
  TRIPLEDES: { name: 'DESede', sizes: [112, 168], defaultSize: 168, parity: true },
  ARCFOUR: { name: 'ARCFOUR', range: [40, 1024, 8] },
  RC4: { name: 'ARCFOUR', range: [40, 1024, 8] },
  RC2: { name: 'RC2', range: [40, 1024, 8] },
  BLOWFISH: { name: 'Blowfish', range: [32, 448, 8] },
  CHACHA20: { name: 'ChaCha20', sizes: [256] },
  ...Object.fromEntries(
    ['HmacMD5', 'HmacSHA1', 'HmacSHA224', 'HmacSHA256', 'HmacSHA384', 'HmacSHA512', 'HmacSHA512/224', 'HmacSHA512/256', 'HmacSHA3-224', 'HmacSHA3-256', 'HmacSHA3-384', 'HmacSHA3-512'].map(
      (n) => [n.toUpperCase(), { name: n, range: [40, 1 << 20, 8] as [number, number, number] }],
    ),
  ),
};

export interface SecretKeyResult {
  algorithm: string;
  keysize: number;
  key: Uint8Array;
}

/** DES keys carry odd parity in each byte's low bit, as the JDK's DES/DESede KeyGenerators set it. */
function withOddParity(b: Uint8Array): Uint8Array {
  return b.map((x) => {
    const high = x & 0xfe;
    let ones = 0;
    for (let v = high; v; v >>= 1) ones += v & 1;
    return high | (ones % 2 === 0 ? 1 : 0);
  });
}

/** The modern genseckey's default size (keytool insists on -keysize except for DES/DESede). */
export function defaultSecretKeySize(keyalg: string): number | undefined {
  const a = keyalg.trim().toUpperCase();
  if (a === 'AES') return 256;
  const h = /^HMACSHA(1|224|256|384|512)$/.exec(a);
  if (h) return h[1] === '1' ? 160 : Number(h[1]);
  return undefined;
}

/** A random secret key as `keytool -genseckey -keyalg A [-keysize N]` makes it. */
export function generateSecretKey(keyalg: string, keysize?: number): SecretKeyResult {
  const spec = SECRET_ALGS[keyalg.trim().toUpperCase()];
  if (!spec) throw new KtoolError('UNSUPPORTED', `${keyalg} KeyGenerator not available`);
  const size = keysize ?? spec.defaultSize;
  if (size === undefined) throw new KtoolError('USAGE', 'Please provide -keysize for secret key generation');
  if (spec.sizes && !spec.sizes.includes(size)) {
    throw new KtoolError('USAGE', `Wrong keysize: must be ${spec.sizes.length === 1 ? `equal to ${spec.sizes[0]}` : `equal to ${spec.sizes.slice(0, -1).join(', ')} or ${spec.sizes[spec.sizes.length - 1]}`}`);
  }
  if (spec.range && (size < spec.range[0] || size > spec.range[1] || size % spec.range[2] !== 0)) {
    throw new KtoolError('USAGE', `Key length must be between ${spec.range[0]} and ${spec.range[1]} bits and a multiple of ${spec.range[2]}`);
  }
  // DES sizes count key bits without parity: 56 -> 8 bytes, 112/168 -> 24 bytes (DESede always 3 keys).
  const bytes = spec.name === 'DES' ? 8 : spec.name === 'DESede' ? 24 : size / 8;
  let key: Uint8Array = new Uint8Array(crypto.randomBytes(bytes));
  if (spec.name === 'DESede' && size === 112) key.set(key.subarray(0, 8), 16);
  if (spec.parity) key = withOddParity(key);
  return { algorithm: spec.name, keysize: size, key };
}

/**
 * A password kept as a secret key (keytool -importpass): the key SecretKeyFactory "PBE" makes, named
 * PBEWithMD5AndDES, whose bytes are the password's chars (low byte each, as PBEKey.getEncoded).
 */
export function passwordSecretKey(password: string): { algorithm: string; key: Uint8Array } {
  return { algorithm: 'PBEWithMD5AndDES', key: Uint8Array.from(Array.from(password, (c) => c.charCodeAt(0) & 0xff)) };
}

/** A new SecretKeyEntry (plain: the store's writer seals it). */
export function addSecretKeyEntry(store: KeyStore, alias: string, secret: { algorithm: string; key: Uint8Array }): { store: KeyStore; entry: SecretKeyEntry } {
  checkNewAlias(store, alias, 'Secret Key');
  if (store.type === 'JKS') throw new KtoolError('UNSUPPORTED', 'Cannot store non-PrivateKeys');
  const entry: SecretKeyEntry = { type: 'SecretKeyEntry', alias: foldAlias(alias), created: new Date(), secret: { form: 'plain', ...secret }, friendlyName: alias };
  return { store: { ...store, entries: [...store.entries, entry] }, entry };
}

/**
 * A small certificate authority kept in a directory (the `ktool ca` and `ktool crl` verbs). Pure: the
 * state model (ca.json), serial numbers, the extensions each profile gets, validity, revocation and the
 * content of the next CRL. The CLI does the file I/O, the locking and the signing (docs/ca.md).
 */
import { KtoolError } from '../model/errors';
import { publicKeyFromSpki } from '../x509/algorithms';
import { CRL_REASONS, RevokedSpec, reasonCode, reasonName } from '../x509/crl';
import {
  EKU_OID,
  EXT_OID,
  Ext,
  GeneralName,
  KeyUsageName,
  basicConstraints,
  checkDnsName,
  crlDistributionPoints,
  decodeGeneralNames,
  extendedKeyUsage,
  formatGeneralName,
  isValidOid,
  keyUsage,
  parseIp,
  parseKeytoolExt,
  subjectAltName,
} from '../x509/extensions';
import { validityEnd } from '../x509/issue';

/** Files of a CA directory, relative to it. */
export const CA_FILES = {
  state: 'ca.json',
  key: 'ca.key.pem',
  cert: 'ca.cert.pem',
  /** This CA's certificate followed by its parents up to the root. */
  chain: 'chain.pem',
  issuedDir: 'issued',
  crlPem: 'crl.pem',
  crlDer: 'crl.der',
} as const;

export const STATE_FORMAT = 'ktool-ca/1';

export type SerialMode = 'random' | 'sequential';
export type Profile = 'server' | 'client' | 'ca';

export interface IssuedRecord {
  /** Upper-case hex, even number of digits (as `openssl x509 -serial` prints it). */
  serial: string;
  /** RFC 2253. */
  subject: string;
  profile: Profile;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the certificate DER, colon-separated upper-case hex (as keytool prints it). */
  sha256: string;
  /** Copy of the certificate, relative to the CA directory. */
  file: string;
}

export interface RevokedRecord {
  serial: string;
  subject?: string;
  /** ISO 8601 revocation date. */
  date: string;
  /** CRLReason name; absent means unspecified (no reason code in the CRL, as RFC 5280 5.3.1 asks). */
  reason?: string;
}

export interface CaState {
  format: typeof STATE_FORMAT;
  kind: 'root' | 'intermediate';
  /** RFC 2253 subject of the CA certificate. */
  subject: string;
  /** The parent CA directory as given to `ca intermediate` (informational). */
  parent?: string;
  key: { algorithm: string; size: number; curve?: string; encrypted: boolean };
  /** Signature algorithm for what this CA signs (null: the default for its key). */
  sigalg: string | null;
  serialMode: SerialMode;
  /** Sequential mode: the next serial (hex). */
  nextSerial: string;
  /** Number of the last CRL made (0: none yet). */
  crlNumber: number;
  /** CRL distribution point URL put in the certificates this CA issues. */
  crlUrl?: string;
  issued: IssuedRecord[];
  revoked: RevokedRecord[];
}

const bad = (file: string, what: string): KtoolError => new KtoolError('CORRUPT', `${file}: ${what}`);

// ---------------------------------------------------------------- serial numbers

/** Upper-case hex with an even number of digits. */
export const serialHex = (v: bigint): string => {
  const h = v.toString(16).toUpperCase();
  return h.length % 2 ? `0${h}` : h;
};

/** A serial as typed: hex with optional 0x prefix and colons (as openssl and keytool print it). */
export function parseSerial(s: string): bigint {
  const t = s.trim().replace(/^0x/i, '').replace(/:/g, '');
  if (!/^[0-9A-Fa-f]+$/.test(t)) throw new KtoolError('USAGE', `--serial ${JSON.stringify(s)}: expected a hexadecimal serial number`);
  const v = BigInt(`0x${t}`);
  if (v <= 0n) throw new KtoolError('USAGE', `--serial ${s}: serial numbers are positive`);
  return v;
}

/**
 * The serial of the next certificate and the state after it. Random mode: a positive 64-bit value
 * (as keytool), drawn again on the rare clash with one already issued; sequential: nextSerial.
 */
export function allocateSerial(state: CaState, random: () => bigint): { serial: bigint; state: CaState } {
  if (state.serialMode === 'sequential') {
    const serial = BigInt(`0x${state.nextSerial}`);
    return { serial, state: { ...state, nextSerial: serialHex(serial + 1n) } };
  }
  const used = new Set(state.issued.map((r) => r.serial));
  for (;;) {
    const serial = random();
    if (serial > 0n && !used.has(serialHex(serial))) return { serial, state };
  }
}

// ---------------------------------------------------------------- state file

export function newCaState(init: {
  kind: CaState['kind'];
  subject: string;
  parent?: string;
  key: CaState['key'];
  sigalg?: string;
  serialMode?: SerialMode;
  crlUrl?: string;
}): CaState {
  return {
    format: STATE_FORMAT,
    kind: init.kind,
    subject: init.subject,
    ...(init.parent ? { parent: init.parent } : {}),
    key: init.key,
    sigalg: init.sigalg ?? null,
    serialMode: init.serialMode ?? 'random',
    nextSerial: '01',
    crlNumber: 0,
    ...(init.crlUrl ? { crlUrl: init.crlUrl } : {}),
    issued: [],
    revoked: [],
  };
}

export function serializeCaState(s: CaState): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** Read and check ca.json (a hand-edited file gets a clear error, not a crash later). */
export function parseCaState(text: string, file: string): CaState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON (${(e as Error).message})`);
  }
  const o = v as Partial<CaState>;
  if (!o || typeof o !== 'object' || o.format !== STATE_FORMAT) throw bad(file, `not a ktool CA state file (expected "format": "${STATE_FORMAT}")`);
  if (o.kind !== 'root' && o.kind !== 'intermediate') throw bad(file, '"kind" must be "root" or "intermediate"');
  if (o.serialMode !== 'random' && o.serialMode !== 'sequential') throw bad(file, '"serialMode" must be "random" or "sequential"');
  if (typeof o.nextSerial !== 'string' || !/^[0-9A-Fa-f]+$/.test(o.nextSerial)) throw bad(file, '"nextSerial" must be a hexadecimal string');
  if (!Number.isInteger(o.crlNumber) || (o.crlNumber as number) < 0) throw bad(file, '"crlNumber" must be a non-negative integer');
  if (!Array.isArray(o.issued) || !Array.isArray(o.revoked)) throw bad(file, '"issued" and "revoked" must be lists');
  if (!o.key || typeof o.key.encrypted !== 'boolean') throw bad(file, '"key" must describe the CA key');
  for (const r of [...o.issued, ...o.revoked]) {
    if (!r || typeof r.serial !== 'string' || !/^[0-9A-F]+$/i.test(r.serial)) throw bad(file, `bad serial in the issued or revoked list: ${JSON.stringify(r?.serial)}`);
  }
  for (const r of o.revoked) {
    if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) throw bad(file, `revoked ${r.serial}: bad date`);
    if (r.reason !== undefined) reasonCode(r.reason);
  }
  return o as CaState;
}

// ---------------------------------------------------------------- validity

export const DEFAULT_DAYS = { root: 3650, intermediate: 1825, leaf: 365 } as const;

/**
 * notBefore = now (whole seconds); notAfter = now + days, but never after the issuer's own notAfter
 * (a certificate outliving its CA would fail validation anyway), with a note when shortened.
 */
export function validity(now: Date, days: number, issuerNotAfter?: Date): { notBefore: Date; notAfter: Date; note?: string } {
  if (!Number.isInteger(days) || days < 1) throw new KtoolError('USAGE', `--days ${days}: expected a whole number of days >= 1`);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = validityEnd(notBefore, days);
  if (issuerNotAfter && notAfter.getTime() > issuerNotAfter.getTime()) {
    return { notBefore, notAfter: issuerNotAfter, note: `validity shortened to the issuing CA's notAfter ${issuerNotAfter.toISOString()}` };
  }
  return { notBefore, notAfter };
}

// ---------------------------------------------------------------- extensions per profile

/** BasicConstraints CA:TRUE (critical), keyCertSign + cRLSign (critical). SKID/AKID are added when signing. */
export function caExtensions(pathLen?: number, crlUrl?: string): Ext[] {
  const exts = [basicConstraints({ ca: true, pathLen }, true), keyUsage(['keyCertSign', 'cRLSign'], true)];
  if (crlUrl) exts.push(crlDistributionPoints([{ type: 'uri', value: crlUrl }]));
  return exts;
}

/**
 * The path length of a CA the parent may sign: parent pathLen p allows at most p - 1 (and none when p is 0).
 * Default: 0 (the new CA issues only end-entity certificates).
 */
export function subordinatePathLen(parent: { ca: boolean; pathLen?: number } | undefined, requested?: number): number {
  if (!parent?.ca) throw new KtoolError('USAGE', 'the parent certificate is not a CA (no BasicConstraints CA:TRUE)');
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 0)) throw new KtoolError('USAGE', `--pathlen ${requested}: expected an integer >= 0`);
  if (parent.pathLen !== undefined) {
    if (parent.pathLen === 0) throw new KtoolError('USAGE', 'the parent CA has pathLen 0: it may not sign another CA');
    if (requested !== undefined && requested > parent.pathLen - 1) {
      throw new KtoolError('USAGE', `--pathlen ${requested}: the parent CA's pathLen ${parent.pathLen} allows at most ${parent.pathLen - 1}`);
    }
  }
  return requested ?? 0;
}

/** Key usages for a TLS end entity by key type: RSA also encrypts the premaster secret (TLS 1.2 RSA kex). */
export function leafKeyUsage(spki: Uint8Array): KeyUsageName[] {
  return publicKeyFromSpki(spki).asymmetricKeyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

/** `DNS:a,IP:b,EMAIL:c,URI:d,OID:e` (keytool's -ext SAN grammar), the pieces of repeated --san joined. */
export function parseSanList(values: readonly string[]): GeneralName[] {
  const list = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) return [];
  const ext = parseKeytoolExt(`SubjectAlternativeName=${list.join(',')}`);
  return decodeGeneralNames(ext!.value);
}

/** A server's default SAN when none is asked for: its CN as an IP address or DNS name, if it is one. */
export function defaultServerSan(cn: string | null): GeneralName[] {
  if (!cn) return [];
  try {
    return [{ type: 'ip', value: cn, bytes: parseIp(cn) }];
  } catch {
    /* not an IP address */
  }
  try {
    checkDnsName(cn, true);
    return [{ type: 'dns', value: cn }];
  } catch {
    return [];
  }
}

/** --eku values: keytool's names (serverAuth, clientAuth, ...) or OIDs. */
export function parseEkuList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const name = Object.keys(EKU_OID).find((k) => k.toLowerCase() === s.toLowerCase());
      if (name) return name;
      if (!isValidOid(s)) throw new KtoolError('USAGE', `--eku ${s}: not an extended key usage name (${Object.keys(EKU_OID).join(', ')}) or OID`);
      return s;
    });
}

export interface LeafPlan {
  extensions: Ext[];
  san: string[];
  eku: string[];
  keyUsage: KeyUsageName[];
  notes: string[];
}

/**
 * End-entity extensions: BasicConstraints CA:FALSE (critical), key usage for the key type (critical),
 * EKU serverAuth or clientAuth (or `eku`), SAN (asked for, else for a server its CN), the CA's CRL URL.
 */
export function leafExtensions(opts: { profile: 'server' | 'client'; spki: Uint8Array; cn: string | null; san: GeneralName[]; eku?: string[]; crlUrl?: string }): LeafPlan {
  const notes: string[] = [];
  let san = opts.san;
  if (san.length === 0 && opts.profile === 'server') {
    san = defaultServerSan(opts.cn);
    if (san.length) notes.push(`no --san given: SAN ${san.map(formatGeneralName).join(',')} from the CN`);
    else notes.push('no SAN: clients that check host names (verify-full, HTTPS) will reject this certificate');
  }
  const eku = opts.eku && opts.eku.length ? opts.eku : [opts.profile === 'server' ? 'serverAuth' : 'clientAuth'];
  const ku = leafKeyUsage(opts.spki);
  const exts = [basicConstraints({ ca: false }, true), keyUsage(ku, true), extendedKeyUsage(eku)];
  if (san.length) exts.push(subjectAltName(san));
  if (opts.crlUrl) exts.push(crlDistributionPoints([{ type: 'uri', value: opts.crlUrl }]));
  return { extensions: exts, san: san.map(formatGeneralName), eku, keyUsage: ku, notes };
}

/** The subject alternative names a CSR asks for (its extensionRequest), if any. */
export function requestedSan(requested: readonly Ext[]): GeneralName[] {
  const e = requested.find((x) => x.oid === EXT_OID.subjectAltName);
  return e ? decodeGeneralNames(e.value) : [];
}

// ---------------------------------------------------------------- issuing, revoking, CRLs

export function recordIssued(state: CaState, r: IssuedRecord): CaState {
  return { ...state, issued: [...state.issued, r] };
}

export const findIssued = (state: CaState, serial: bigint): IssuedRecord | undefined => state.issued.find((r) => r.serial === serialHex(serial));

/** Revoke a serial this CA issued; revoking it again changes nothing. */
export function revoke(state: CaState, serial: bigint, opts: { reason?: string; date: Date }): { state: CaState; record: RevokedRecord; changed: boolean } {
  const hex = serialHex(serial);
  const issued = findIssued(state, serial);
  if (!issued) throw new KtoolError('NOT_FOUND', `serial ${hex} was not issued by this CA (see ca.json "issued")`);
  const code = opts.reason === undefined ? 0 : reasonCode(opts.reason);
  const already = state.revoked.find((r) => r.serial === hex);
  if (already) return { state, record: already, changed: false };
  const record: RevokedRecord = { serial: hex, subject: issued.subject, date: new Date(Math.floor(opts.date.getTime() / 1000) * 1000).toISOString() };
  if (code !== 0) record.reason = reasonName(code);
  return { state: { ...state, revoked: [...state.revoked, record] }, record, changed: true };
}

export const REASON_NAMES = CRL_REASONS.filter((r) => r !== '');

/** The next CRL: number = last + 1, thisUpdate now, nextUpdate now + days, every revoked serial. */
export function nextCrl(state: CaState, now: Date, days: number): { state: CaState; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date; revoked: RevokedSpec[] } {
  if (!Number.isFinite(days) || days <= 0) throw new KtoolError('USAGE', `--days ${days}: expected a positive number of days`);
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + Math.round(days * 86400) * 1000);
  const crlNumber = state.crlNumber + 1;
  const revoked = state.revoked.map((r): RevokedSpec => ({ serial: BigInt(`0x${r.serial}`), date: new Date(r.date), ...(r.reason ? { reason: r.reason } : {}) }));
  return { state: { ...state, crlNumber }, crlNumber: BigInt(crlNumber), thisUpdate, nextUpdate, revoked };
}

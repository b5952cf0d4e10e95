/**
 * What a file is and who can read it: any keystore, PEM or DER (certificates, PKCS#7, CSR, CRL, keys).
 * Reports the protection, a compatibility verdict per reader, and the problems that bite in practice:
 * PKCS#12 certificates Java does not see, root-first chains, keys that do not match their certificate,
 * duplicates under different aliases, expired certificates.
 */
import { X500Name } from '../x509/name';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { Asn1, TAG } from '../asn1/der';
import { OID } from '../asn1/oids';
import { keyProtectionOf } from '../crypto/epki';
import { decodeStoreBytes } from '../formats';
import { detectStoreType } from '../formats/detect';
import { KtoolError } from '../model/errors';
import { sortedEntries } from '../model/alias';
import type { DecodedStore, Entry, KeyStore, PbeSpec, StoreType } from '../model/keystore';
import { type ProtectionJson, describePbe, describeProtection } from '../output/protection';
import { bytesEqual } from '../util/bytes';
import { sha256Hex } from './aliases';
import { openPrivateKey } from './keys';

export type InspectKind = 'keystore' | 'certificates' | 'csr' | 'crl' | 'private-key' | 'mixed' | 'unknown';

export interface CertSummary {
  subject: string;
  issuer: string;
  notAfter: string;
  sha256: string;
  isCA: boolean;
  selfSigned: boolean;
  expired: boolean;
}

export interface EntrySummary {
  alias: string;
  type: Entry['type'];
  /** How the key is sealed (key entries). */
  keyProtection?: string;
  certificates: CertSummary[];
}

export interface ReaderVerdict {
  reader: string;
  ok: boolean;
  /** Why not, or what it takes (e.g. OpenSSL 3 `-legacy`). */
  note?: string;
}

export interface InspectReport {
  kind: InspectKind;
  /** JKS, JCEKS, PKCS12, PEM, DER or PKCS7. */
  format: string;
  storeType?: StoreType;
  protection?: ProtectionJson;
  integrityChecked?: boolean;
  entries?: EntrySummary[];
  /** PEM blocks by label, in file order. */
  pemBlocks?: string[];
  certificates?: CertSummary[];
  csr?: { subject: string; publicKeyAlgorithm: string; signatureAlgorithm: string };
  crl?: { issuer: string; thisUpdate: string; nextUpdate: string | null; revoked: number };
  privateKeys?: { algorithm: string; encrypted: boolean }[];
  compatibility?: ReaderVerdict[];
  warnings: string[];
}

export interface InspectOptions {
  /** Store password (null/undefined: inspect without it, as far as the format allows). */
  password?: string | null;
  /** Key password for the key/certificate match check (default: the store password). */
  keyPassword?: string;
  now?: Date;
}

export const READERS = [
  'JDK 8 before 8u301',
  'JDK 11.0.12+',
  'JDK 17',
  'JDK 25',
  'OpenSSL 1.1',
  'OpenSSL 3',
  'OpenSSL 3 without legacy provider',
  'FIPS',
  'Windows Server 2016 and older',
] as const;

export function inspectBytes(bytes: Uint8Array, file: string, opts: InspectOptions = {}): InspectReport {
  const now = opts.now ?? new Date();
  if (looksLikePem(bytes)) return inspectPem(Buffer.from(bytes).toString('utf8'), now);
  const type = detectStoreType(bytes);
  if (type) return inspectStore(bytes, file, type, opts, now);
  return inspectDer(bytes, now);
}

// ---------------------------------------------------------------------------------------------
// Certificates

function certSummary(der: Uint8Array, now: Date): CertSummary {
  const x = new X509Certificate(der);
  const notAfter = new Date(x.validTo);
  return {
    subject: x.subject.split('\n').join(', '),
    issuer: x.issuer.split('\n').join(', '),
    notAfter: notAfter.toISOString(),
    sha256: sha256Hex(der),
    isCA: x.ca,
    selfSigned: x.checkIssued(x),
    expired: notAfter.getTime() < now.getTime(),
  };
}

const issuedBy = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent);

/** A warning about the order of a chain that should be leaf first, or undefined when it is. */
function chainOrderProblem(chain: readonly Uint8Array[]): string | undefined {
  if (chain.length < 2) return undefined;
  const xs = chain.map((d) => new X509Certificate(d));
  const leafFirst = xs.every((x, i) => i === xs.length - 1 || issuedBy(x, xs[i + 1]));
  if (leafFirst) return undefined;
  const rootFirst = xs.every((x, i) => i === 0 || issuedBy(x, xs[i - 1]));
  if (rootFirst) return 'chain is root-first (strict consumers need the leaf first)';
  return 'chain is out of order or has gaps (each certificate should be followed by its issuer)';
}

const spkiOf = (x: X509Certificate) => new Uint8Array(x.publicKey.export({ type: 'spki', format: 'der' }));
const spkiOfPrivate = (pkcs8: Uint8Array) => new Uint8Array(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }));

function expiryWarnings(where: string, certs: readonly CertSummary[]): string[] {
  return certs.filter((c) => c.expired).map((c) => `${where}certificate ${c.subject} expired on ${c.notAfter}`);
}

// ---------------------------------------------------------------------------------------------
// Stores

function describeKey(e: Entry): string | undefined {
  try {
    if (e.type === 'PrivateKeyEntry') {
      if (e.key.form === 'plain') return 'not encrypted';
      return describeKeyProtection(e.key.epki);
    }
    if (e.type === 'SecretKeyEntry') {
      if (e.secret.form === 'pkcs12-encrypted') return describeKeyProtection(e.secret.epki);
      if (e.secret.form === 'jceks-sealed') return 'JCEKS sealed object (PBEWithMD5AndTripleDES)';
      return 'not encrypted';
    }
  } catch {
    return 'unknown scheme';
  }
  return undefined;
}

function describeKeyProtection(epki: Uint8Array): string {
  const p = keyProtectionOf(epki);
  if (p.kind === 'jks') return 'JKS KeyProtector (SHA-1 XOR)';
  if (p.kind === 'jceks') return `JCEKS PBEWithMD5AndTripleDES iterations=${p.iterations}`;
  return describePbe(p.spec);
}

/** The PBE specs actually used by this store's keys (PKCS#12), for the compatibility verdict. */
function keyPbeSpecs(store: KeyStore): PbeSpec[] {
  const out: PbeSpec[] = [];
  for (const e of store.entries) {
    const epki = e.type === 'PrivateKeyEntry' && e.key.form === 'encrypted' ? e.key.epki : e.type === 'SecretKeyEntry' && e.secret.form === 'pkcs12-encrypted' ? e.secret.epki : undefined;
    if (!epki) continue;
    try {
      const p = keyProtectionOf(epki);
      if (p.kind === 'pbe') out.push(p.spec);
    } catch {
      /* unknown scheme: nobody we know reads it; reported in the entry */
    }
  }
  return out;
}

function inspectStore(bytes: Uint8Array, file: string, type: StoreType, opts: InspectOptions, now: Date): InspectReport {
  const password = opts.password ?? null;
  const warnings: string[] = [];
  const decoded: DecodedStore = decodeStoreBytes(bytes, password, file, type);
  const { store, info } = decoded;
  warnings.push(...info.warnings);
  const entries: EntrySummary[] = [];
  const bySha = new Map<string, string[]>();
  for (const e of sortedEntries(store)) {
    const chain = e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : [];
    const certificates: CertSummary[] = [];
    for (const der of chain) {
      try {
        certificates.push(certSummary(der, now));
      } catch {
        warnings.push(`alias ${e.alias}: a certificate cannot be parsed`);
      }
    }
    const keyProtection = describeKey(e);
    entries.push({ alias: e.alias, type: e.type, ...(keyProtection ? { keyProtection } : {}), certificates });
    if (chain.length) {
      const sha = sha256Hex(chain[0]);
      bySha.set(sha, [...(bySha.get(sha) ?? []), e.alias]);
    }
    warnings.push(...expiryWarnings(`alias ${e.alias}: `, certificates));
    if (e.type === 'PrivateKeyEntry') {
      try {
        const problem = chainOrderProblem(e.chain);
        if (problem) warnings.push(`alias ${e.alias}: ${problem}`);
      } catch {
        /* unparsable certificate: reported above */
      }
      const mismatch = keyMismatch(e, opts.keyPassword ?? password ?? undefined);
      if (mismatch) warnings.push(`alias ${e.alias}: ${mismatch}`);
    }
  }
  for (const aliases of bySha.values()) {
    if (aliases.length > 1) warnings.push(`the same certificate is stored under different aliases: ${aliases.join(', ')}`);
  }
  if (store.type === 'PKCS12') {
    const scan = scanPkcs12(bytes, password);
    if (scan && scan.keyBags === 0 && scan.certBagsWithoutTrust > 0) {
      // Ours says what Java makes of it: drop the codec's shorter note about the same bags.
      for (let i = warnings.length - 1; i >= 0; i--) if (/trust(ed)?[- ]attribute|trusted-certificate attribute/i.test(warnings[i])) warnings.splice(i, 1);
      warnings.push(
        scan.trustedCertBags === 0
          ? `${scan.certBagsWithoutTrust} certificate(s) without the Java trusted-certificate attribute: Java sees 0 entries (rewrite it with \`ktool truststore OUT --from ${file}\`)`
          : `${scan.certBagsWithoutTrust} certificate(s) without the Java trusted-certificate attribute: Java does not see them`,
      );
    }
  }
  if (password === null && store.type !== 'PKCS12') warnings.push('no store password given: integrity NOT verified');
  return {
    kind: 'keystore',
    format: store.type,
    storeType: store.type,
    protection: describeProtection(store, info),
    integrityChecked: info.integrityChecked,
    entries,
    compatibility: storeCompatibility(store, password),
    warnings,
  };
}

/** Why the key does not belong to its certificate, or undefined (also when it cannot be opened). */
function keyMismatch(e: Extract<Entry, { type: 'PrivateKeyEntry' }>, keyPassword: string | undefined): string | undefined {
  if (!e.chain.length) return 'key entry without a certificate';
  if (e.key.form === 'encrypted' && keyPassword === undefined) return undefined;
  let pkcs8: Uint8Array;
  try {
    pkcs8 = openPrivateKey(e, keyPassword ?? '');
  } catch {
    return undefined; // another key password: not checked
  }
  try {
    const leaf = new X509Certificate(e.chain[0]);
    if (!bytesEqual(spkiOfPrivate(pkcs8), spkiOf(leaf))) return 'the private key does not match the certificate';
  } catch {
    /* an algorithm node:crypto cannot load: not checked */
  }
  return undefined;
}

type PbeFamily = 'aes' | 'pbes2-3des' | '3des' | 'rc2' | 'rc4' | 'des' | 'other';

function pbeFamily(p: PbeSpec): PbeFamily {
  if (p.scheme === 'pbes2') return p.cipher.startsWith('aes') ? 'aes' : 'pbes2-3des';
  if (p.algorithm === 'sha1-3des' || p.algorithm === 'sha1-2des') return '3des';
  if (p.algorithm.startsWith('sha1-rc2')) return 'rc2';
  if (p.algorithm.startsWith('sha1-rc4')) return 'rc4';
  return 'other';
}

const asciiPrintable = (s: string) => /^[\x20-\x7e]*$/.test(s);

function storeCompatibility(store: KeyStore, password: string | null): ReaderVerdict[] {
  const keyAlgs = new Set<string>();
  for (const e of store.entries) {
    if (e.type !== 'PrivateKeyEntry' || !e.chain.length) continue;
    try {
      keyAlgs.add(new X509Certificate(e.chain[0]).publicKey.asymmetricKeyType ?? '');
    } catch {
      /* unparsable */
    }
  }
  const eddsa = keyAlgs.has('ed25519') || keyAlgs.has('ed448');
  const verdicts = new Map<string, ReaderVerdict>(READERS.map((r) => [r, { reader: r, ok: true }]));
  const no = (reader: string, note: string) => {
    const v = verdicts.get(reader)!;
    v.ok = false;
    v.note = v.note ? `${v.note}; ${note}` : note;
  };
  const note = (reader: string, text: string) => {
    const v = verdicts.get(reader)!;
    v.note = v.note ? `${v.note}; ${text}` : text;
  };
  if (eddsa) {
    no('JDK 8 before 8u301', 'EdDSA keys need JDK 15+');
    no('JDK 11.0.12+', 'EdDSA keys need JDK 15+');
    no('Windows Server 2016 and older', 'EdDSA keys are not supported');
  }
  if (store.type !== 'PKCS12' || store.protection.kind !== 'pkcs12') {
    for (const r of ['OpenSSL 1.1', 'OpenSSL 3', 'OpenSSL 3 without legacy provider', 'Windows Server 2016 and older']) no(r, `${store.type} is Java-only`);
    no('FIPS', `${store.type} uses non-approved proprietary key protection`);
    return [...verdicts.values()];
  }
  const profile = store.protection.profile;
  const families = new Set<PbeFamily>([...(profile.certProtection ? [pbeFamily(profile.certProtection)] : []), ...keyPbeSpecs(store).map(pbeFamily)]);
  const mac = profile.mac;
  if (mac?.kind === 'pbmac1') {
    for (const r of ['JDK 8 before 8u301', 'JDK 11.0.12+', 'JDK 17', 'JDK 25']) no(r, 'PBMAC1 integrity needs JDK 26+');
    for (const r of ['OpenSSL 1.1', 'Windows Server 2016 and older']) no(r, 'PBMAC1 integrity is not supported');
    no('OpenSSL 3', 'PBMAC1 needs OpenSSL 3.4+');
    no('OpenSSL 3 without legacy provider', 'PBMAC1 needs OpenSSL 3.4+');
  }
  const modern = families.has('aes') || families.has('pbes2-3des');
  if (modern) {
    no('JDK 8 before 8u301', 'PBES2 (AES) encryption needs 8u301+');
    no('Windows Server 2016 and older', 'PBES2 (AES) encryption is not supported');
  }
  if (mac?.kind === 'hmac' && mac.digest !== 'sha1') {
    no('JDK 8 before 8u301', `Hmac${mac.digest.toUpperCase()} integrity needs 8u301+`);
    no('Windows Server 2016 and older', `Hmac${mac.digest.toUpperCase()} integrity is not supported`);
  }
  if (families.has('rc2') || families.has('rc4') || families.has('des')) {
    no('OpenSSL 3 without legacy provider', 'RC2/RC4/DES need the legacy provider');
    note('OpenSSL 3', 'needs -legacy');
    no('FIPS', 'RC2/RC4/DES are not approved');
  }
  if (families.has('3des')) no('FIPS', 'PKCS#12 PBE (SHA-1, 3DES) is not approved');
  if (families.has('other')) for (const r of READERS) no(r, 'unusual encryption scheme');
  if (mac?.kind === 'hmac') no('FIPS', 'the PKCS#12 MAC key derivation (PKCS12KDF) is not approved (PBMAC1 is)');
  if (password !== null && !asciiPrintable(password)) {
    for (const r of ['JDK 8 before 8u301', 'JDK 11.0.12+', 'JDK 17']) no(r, 'non-ASCII store password');
  }
  if (!mac && !profile.certProtection) note('JDK 8 before 8u301', 'password-less PKCS12 needs keytool -storepass with any value');
  return [...verdicts.values()];
}

// ---------------------------------------------------------------------------------------------
// A look inside PKCS#12 at what the JDK treats as entries: certificate bags count only with the
// Oracle trusted-key-usage attribute (or as part of a key's chain).

interface Pkcs12Scan {
  keyBags: number;
  trustedCertBags: number;
  certBagsWithoutTrust: number;
  /** Some SafeContents are encrypted and no (right) password was given. */
  unreadable: boolean;
}

function scanPkcs12(bytes: Uint8Array, password: string | null): Pkcs12Scan | undefined {
  const scan: Pkcs12Scan = { keyBags: 0, trustedCertBags: 0, certBagsWithoutTrust: 0, unreadable: false };
  try {
    const pfx = Asn1.parse(bytes, 'PKCS#12', true);
    const authSafe = Asn1.parse(pfx.child(1).child(1).child(0).octets(), 'AuthenticatedSafe');
    for (const ci of authSafe.children) {
      const type = ci.child(0).oid();
      if (type === OID.data) scanSafeContents(Asn1.parse(ci.child(1).child(0).octets(), 'SafeContents'), scan);
      else if (type === OID.encryptedData) {
        if (password === null) {
          scan.unreadable = true;
          continue;
        }
        const eci = ci.child(1).child(0).child(1);
        const alg = eci.child(1);
        const data = eci.child(2).octets();
        try {
          const { pbeDecrypt } = require('../crypto/pbe') as { pbeDecrypt: (alg: Asn1, data: Uint8Array, password: string) => Uint8Array };
          scanSafeContents(Asn1.parse(pbeDecrypt(alg, data, password), 'SafeContents'), scan);
        } catch {
          scan.unreadable = true;
        }
      }
    }
  } catch {
    return undefined; // the codec already judged the structure
  }
  return scan;
}

function scanSafeContents(safe: Asn1, scan: Pkcs12Scan, depth = 0): void {
  for (const bag of safe.children) {
    const id = bag.child(0).oid();
    if (id === OID.pkcs8ShroudedKeyBag || id === OID.keyBag) scan.keyBags++;
    else if (id === OID.safeContentsBag && depth < 4) scanSafeContents(bag.child(1).child(0), scan, depth + 1);
    else if (id === OID.certBag) {
      const attrs = bag.children[2]?.children ?? [];
      const oids = attrs.map((a) => a.child(0).oid());
      if (oids.includes(OID.oracleTrustedKeyUsage)) scan.trustedCertBags++;
      else if (!oids.includes(OID.localKeyId)) scan.certBagsWithoutTrust++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PEM and DER

function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString('latin1');
  return head.includes('-----BEGIN ');
}

/** A Name as keytool prints it ("CN=…, O=…"). */
function nameText(name: Asn1): string {
  return X500Name.fromAsn1(name).toString();
}

const SIG_ALGS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.840.113549.1.1.11': 'SHA256withRSA',
  '1.2.840.113549.1.1.12': 'SHA384withRSA',
  '1.2.840.113549.1.1.13': 'SHA512withRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'SHA256withECDSA',
  '1.2.840.10045.4.3.3': 'SHA384withECDSA',
  '1.2.840.10045.4.3.4': 'SHA512withECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '2.16.840.1.101.3.4.3.2': 'SHA256withDSA',
};

function csrSummary(der: Uint8Array): InspectReport['csr'] {
  const top = Asn1.parse(der, 'CSR');
  const info = top.child(0);
  const spki = info.child(2);
  let publicKeyAlgorithm = spki.child(0).child(0).oid();
  try {
    publicKeyAlgorithm = createPublicKey({ key: Buffer.from(spki.der), format: 'der', type: 'spki' }).asymmetricKeyType ?? publicKeyAlgorithm;
  } catch {
    /* keep the OID */
  }
  const sigOid = top.child(1).child(0).oid();
  return { subject: nameText(info.child(1)), publicKeyAlgorithm: publicKeyAlgorithm.toUpperCase(), signatureAlgorithm: SIG_ALGS[sigOid] ?? sigOid };
}

function crlSummary(der: Uint8Array): InspectReport['crl'] {
  const tbs = Asn1.parse(der, 'CRL').child(0);
  const k = tbs.children;
  const i = k[0].tag === TAG.INTEGER ? 1 : 0; // optional version
  const next = k[i + 3];
  const hasNext = next && (next.tag === TAG.UTC_TIME || next.tag === TAG.GENERALIZED_TIME);
  const revokedList = k[i + (hasNext ? 4 : 3)];
  return {
    issuer: nameText(k[i + 1]),
    thisUpdate: k[i + 2].time().toISOString(),
    nextUpdate: hasNext ? next.time().toISOString() : null,
    revoked: revokedList && revokedList.tag === TAG.SEQUENCE ? revokedList.children.length : 0,
  };
}

/** What a DER blob is, by shape. */
function classifyDer(der: Uint8Array): 'certificate' | 'csr' | 'crl' | 'pkcs7' | 'pkcs8' | 'encrypted-pkcs8' | 'unknown' {
  let top: Asn1;
  try {
    top = Asn1.parse(der, 'DER');
  } catch {
    return 'unknown';
  }
  try {
    new X509Certificate(der);
    return 'certificate';
  } catch {
    /* not a certificate */
  }
  try {
    const k = top.children;
    if (k[0]?.tag === TAG.OID && k[0].oid() === OID.signedData) return 'pkcs7';
    if (k.length === 3 && k[0].tag === TAG.INTEGER && k[1].tag === TAG.SEQUENCE && k[2].tag === TAG.OCTET_STRING) return 'pkcs8';
    if (k.length === 2 && k[0].tag === TAG.SEQUENCE && k[1].tag === TAG.OCTET_STRING) return 'encrypted-pkcs8';
    if (k.length === 3 && k[0].tag === TAG.SEQUENCE && k[2].tag === TAG.BIT_STRING) {
      const t = k[0].children;
      if (t[0]?.tag === TAG.INTEGER && t[1]?.tag === TAG.SEQUENCE && t[2]?.tag === TAG.SEQUENCE && t[3]?.isContext(0)) return 'csr';
      if (t.some((c) => c.tag === TAG.UTC_TIME || c.tag === TAG.GENERALIZED_TIME)) return 'crl';
    }
  } catch {
    /* fall through */
  }
  return 'unknown';
}

function certificatesReport(format: string, ders: Uint8Array[], now: Date, keys: Uint8Array[] = []): InspectReport {
  const warnings: string[] = [];
  const certificates: CertSummary[] = [];
  const seen = new Map<string, number>();
  ders.forEach((der, i) => {
    try {
      const c = certSummary(der, now);
      certificates.push(c);
      const first = seen.get(c.sha256);
      if (first !== undefined) warnings.push(`certificate #${i + 1} duplicates #${first + 1} (${c.subject})`);
      else seen.set(c.sha256, i);
    } catch {
      warnings.push(`certificate #${i + 1} cannot be parsed`);
    }
  });
  warnings.push(...expiryWarnings('', certificates));
  try {
    const problem = ders.length > 1 && ders.length <= 16 ? chainOrderProblem(ders) : undefined;
    // Only a bundle that is one chain has an order to get wrong.
    if (problem && problem.startsWith('chain is root-first')) warnings.push(problem);
  } catch {
    /* unparsable certificate: reported above */
  }
  for (const pkcs8 of keys) {
    try {
      const spki = spkiOfPrivate(pkcs8);
      const idx = ders.findIndex((d) => bytesEqual(spkiOf(new X509Certificate(d)), spki));
      if (idx === -1 && ders.length) warnings.push('the private key matches none of the certificates');
      else if (idx > 0) warnings.push(`the private key matches certificate #${idx + 1}, not the first one (the leaf should come first)`);
    } catch {
      /* not checkable */
    }
  }
  return { kind: 'certificates', format, certificates, warnings };
}

function inspectDer(der: Uint8Array, now: Date): InspectReport {
  const kind = classifyDer(der);
  switch (kind) {
    case 'certificate':
      return certificatesReport('DER', [der], now);
    case 'pkcs7': {
      const pem = require('../formats/pem') as typeof import('../formats/pem');
      return certificatesReport('PKCS7', pem.readCertificates(der), now);
    }
    case 'csr':
      return { kind: 'csr', format: 'DER', csr: csrSummary(der), warnings: [] };
    case 'crl': {
      const crl = crlSummary(der)!;
      const warnings = crl.nextUpdate && new Date(crl.nextUpdate).getTime() < now.getTime() ? [`CRL is stale: nextUpdate ${crl.nextUpdate} has passed`] : [];
      return { kind: 'crl', format: 'DER', crl, warnings };
    }
    case 'pkcs8':
      return { kind: 'private-key', format: 'DER', privateKeys: [{ algorithm: keyAlgorithm(der), encrypted: false }], warnings: [] };
    case 'encrypted-pkcs8':
      return { kind: 'private-key', format: 'DER', privateKeys: [{ algorithm: 'unknown', encrypted: true }], warnings: [] };
    default:
      throw new KtoolError('CORRUPT', 'not a keystore, certificate, CSR, CRL, PKCS#7 or key (PEM or DER)');
  }
}

function keyAlgorithm(pkcs8: Uint8Array): string {
  try {
    return (createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).asymmetricKeyType ?? 'unknown').toUpperCase();
  } catch {
    return 'unknown';
  }
}

function inspectPem(text: string, now: Date): InspectReport {
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)];
  if (!blocks.length) throw new KtoolError('CORRUPT', 'PEM without a complete BEGIN/END block');
  const labels = blocks.map((b) => b[1]);
  const certs: Uint8Array[] = [];
  const keys: Uint8Array[] = [];
  const privateKeys: { algorithm: string; encrypted: boolean }[] = [];
  let csr: InspectReport['csr'];
  let crl: InspectReport['crl'];
  const warnings: string[] = [];
  for (const [whole, label, body] of blocks) {
    const der = new Uint8Array(Buffer.from(body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, ''), 'base64'));
    try {
      if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') certs.push(label === 'TRUSTED CERTIFICATE' ? Asn1.parse(der, 'certificate', true).der : der);
      else if (label === 'PKCS7') certs.push(...(require('../formats/pem') as typeof import('../formats/pem')).readCertificates(der));
      else if (label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') csr = csrSummary(der);
      else if (label === 'X509 CRL') crl = crlSummary(der);
      else if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(whole)) privateKeys.push({ algorithm: label.replace(/ ?PRIVATE KEY$/, '').replace(/^ENCRYPTED$/, '') || 'unknown', encrypted: true });
      else if (label.endsWith('PRIVATE KEY')) {
        const key = createPrivateKey({ key: whole, format: 'pem' });
        const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
        keys.push(pkcs8);
        privateKeys.push({ algorithm: (key.asymmetricKeyType ?? 'unknown').toUpperCase(), encrypted: false });
      }
    } catch {
      warnings.push(`PEM block ${label} cannot be parsed`);
    }
  }
  const base: InspectReport = certs.length ? certificatesReport('PEM', certs, now, keys) : { kind: 'unknown', format: 'PEM', warnings: [] };
  const kinds = [certs.length > 0, !!csr, !!crl, privateKeys.length > 0].filter(Boolean).length;
  const kind: InspectKind = kinds > 1 ? 'mixed' : certs.length ? 'certificates' : csr ? 'csr' : crl ? 'crl' : privateKeys.length ? 'private-key' : 'unknown';
  if (crl?.nextUpdate && new Date(crl.nextUpdate).getTime() < now.getTime()) warnings.push(`CRL is stale: nextUpdate ${crl.nextUpdate} has passed`);
  return {
    ...base,
    kind,
    pemBlocks: labels,
    ...(csr ? { csr } : {}),
    ...(crl ? { crl } : {}),
    ...(privateKeys.length ? { privateKeys } : {}),
    warnings: [...base.warnings, ...warnings],
  };
}

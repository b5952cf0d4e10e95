/**
 * keytool-compatible text: `-list` (short, -v, -rfc), `-printcert`, and the stderr lines keytool
 * prints around them. Output is what keytool 17 prints; `jdk: 25` switches the few lines that differ.
 *
 * Input is a minimal description of a store (type + entries with alias, type, date and certificates),
 * so this module does not depend on the codecs. Extension texts follow the toString() methods of
 * sun.security.x509 so `-list -v` matches keytool line for line.
 */
import type { Entry, KeyStore } from '../model/keystore';
import { KtoolError } from '../model/errors';
import {
  CertView,
  certificateFingerprint,
  EXT,
  ExtParsers,
  bitList,
  generalNameToJava,
  hexDump,
  keyDisplayName,
  knownOidName,
  parsePublicKey,
  signatureName,
  type Extension,
  type GeneralName,
  type GeneralSubtree,
  type PublicKeyInfo,
} from '../x509/certificate';
import { Asn1, TAG } from '../asn1/der';
import { bytesEqual } from '../util/bytes';

export type Jdk = 17 | 25;

export interface ListingEntry {
  alias: string;
  type: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry';
  /** null: the format keeps no date (PKCS#12 trusted certificates); the JDK then shows the load time. */
  created: Date | null;
  /** PrivateKeyEntry: the chain, leaf first; trustedCertEntry: [cert]; SecretKeyEntry: []. */
  chain: Uint8Array[];
}

export interface ListingStore {
  /** As keytool prints it after "Keystore type:" (JKS, JCEKS, PKCS12). */
  type: string;
  entries: ListingEntry[];
}

export interface ListOptions {
  verbose?: boolean;
  rfc?: boolean;
  /** List only this (already folded) alias, as `keytool -list -alias`. */
  alias?: string;
  jdk?: Jdk;
  /** "Now", used for entries without a creation date (defaults to the current time). */
  now?: Date;
}

/** Adapter from the shared model. */
export function listingFromKeyStore(store: KeyStore): ListingStore {
  return {
    type: store.type,
    entries: store.entries.map((e: Entry) => ({
      alias: e.alias,
      type: e.type,
      created: e.created,
      chain: e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : [],
    })),
  };
}

// ------------------------------------------------------------------ dates

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** The short zone name of the process time zone at `d` (UTC for TZ=UTC, as the JVM prints it). */
function zoneName(d: Date): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'Etc/Universal' || tz === 'Universal' || tz === 'Zulu') return 'UTC';
  if (tz === 'GMT' || tz === 'Etc/GMT') return 'GMT';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
  return part?.value ?? 'GMT';
}

/** java.util.Date.toString(): `Wed Jan 01 00:00:00 UTC 2025` in the process time zone. */
export function javaDateString(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${zoneName(d)} ${d.getFullYear()}`;
}

/** MessageFormat {0,date} with en_US: `Nov 22, 2026` (DateFormat.MEDIUM) in the process time zone. */
export function creationDateString(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
}

// ------------------------------------------------------------------ weak algorithms

/**
 * jdk.certpath.disabledAlgorithms / jdk.security.legacyAlgorithms (the defaults of 17 and 25) as far
 * as certificate listings meet them. `signedJar`: keytool checks the certificate for the code-signing
 * variant (from its extended key usage), where "SHA1 usage SignedJAR & denyAfter 2019-01-01" applies.
 */
type Level = 'disabled' | 'weak' | 'signedjar' | null;

function sigWeakness(sigAlg: string, signedJar: boolean): Level {
  const u = sigAlg.toUpperCase();
  if (/^MD[25]WITH|^MD[25]$/.test(u)) return 'disabled';
  if (/^SHA1WITH|^SHA1$/.test(u)) return signedJar ? 'signedjar' : 'weak';
  return null;
}

function keyWeakness(alg: string, size: number | null): Level {
  if (size === null) return null;
  if (alg === 'RSA' || alg === 'DSA') {
    if (size < 1024) return 'disabled';
    if (size < 2048) return 'weak';
  }
  if (alg === 'EC' && size < 224) return 'disabled';
  return null;
}

/** keytool's buildCertPathConstraint: is the validator variant code signing or TSA (usage SignedJAR)? */
function signedJarVariant(v: CertView): boolean {
  let eku: string[] | null = null;
  try {
    eku = v.extendedKeyUsage;
  } catch {
    return false;
  }
  if (!eku) return false;
  if (eku.includes('1.3.6.1.5.5.7.3.3')) return true;
  if (eku.includes('1.3.6.1.5.5.7.3.2') || eku.includes('1.3.6.1.5.5.7.3.1')) return false;
  return eku.includes('1.3.6.1.5.5.7.3.8');
}

/** X509Certificate.getBasicConstraints() == -1: not a CA. */
function isEndEntity(v: CertView): boolean {
  try {
    return !v.isCA;
  } catch {
    return true;
  }
}

interface Weakness {
  sig: Level;
  key: Level;
}

/** keyWeakness of a key, or null when there is none (a CRL on its own). */
const keyLevel = (key: PublicKeyInfo | undefined): Level => (key ? keyWeakness(key.algorithm, key.size) : null);

function weaknessOf(v: CertView, trusted: boolean, signedJar: boolean): Weakness {
  return { sig: trusted ? null : sigWeakness(v.signatureAlgorithm, signedJar), key: keyLevel(v.publicKeyInfo) };
}

/** The weakness checkWeakConstraint reports for certificate #i of a chain (variant only for an end-entity leaf). */
const chainWeakness = (v: CertView, i: number, trusted: boolean): Weakness => weaknessOf(v, trusted, i === 0 && isEndEntity(v) && signedJarVariant(v));

/** What the weak-algorithm checks read from a certificate, a certificate request or a CRL (no key of its own). */
interface SignedKey {
  readonly signatureAlgorithm: string;
  readonly publicKeyInfo?: PublicKeyInfo;
}

function weakWarnings(label: string, v: SignedKey, w: Weakness, jdk: Jdk): string[] {
  const out: string[] = [];
  if (w.sig === 'disabled') out.push(`${label} uses the ${v.signatureAlgorithm} signature algorithm which is considered a security risk and is disabled.`);
  else if (w.sig === 'signedjar')
    out.push(`${label} uses the ${v.signatureAlgorithm} signature algorithm which is considered a security risk and cannot be used to sign JARs after 2019-01-01.`);
  else if (w.sig === 'weak')
    out.push(
      jdk === 17
        ? `${label} uses the ${v.signatureAlgorithm} signature algorithm which is considered a security risk. This algorithm will be disabled in a future update.`
        : `${label} uses the ${v.signatureAlgorithm} signature algorithm which is considered a security risk.`,
    );
  if (w.key === null || !v.publicKeyInfo) return out;
  const key = `${keyDisplayName(v.publicKeyInfo, jdk)} key`;
  if (w.key === 'disabled') out.push(`${label} uses a ${key} which is considered a security risk and is disabled.`);
  else if (w.key === 'weak')
    out.push(
      jdk === 17
        ? `${label} uses a ${key} which is considered a security risk. This key size will be disabled in a future update.`
        : `${label} uses a ${key} which is considered a security risk. It will be disabled in a future update.`,
    );
  return out;
}

/**
 * keytool's checkWeakConstraint(label, cert, buildCertPathConstraint(cert, …)) for one certificate it
 * reads (-importcert's "The input", the links of an established chain): the validator variant comes
 * from the certificate's own extended key usage. A trusted entry's signature is not checked.
 */
export function certificateWeakWarnings(label: string, der: Uint8Array, trusted: boolean, jdk: Jdk): string[] {
  const v = CertView.from(der);
  return weakWarnings(label, v, weaknessOf(v, trusted, signedJarVariant(v)), jdk);
}

/** keytool's checkWeakConstraint(label, PKCS10): a certificate request's signature algorithm and key. */
export function requestWeakWarnings(label: string, csr: { sigAlg: { name: string }; publicKeySpki: Uint8Array }, jdk: Jdk): string[] {
  const key = parsePublicKey(Asn1.parse(csr.publicKeySpki, 'SubjectPublicKeyInfo'));
  return weakWarnings(label, { signatureAlgorithm: csr.sigAlg.name, publicKeyInfo: key }, { sig: sigWeakness(csr.sigAlg.name, false), key: keyLevel(key) }, jdk);
}

/**
 * keytool's checkWeakConstraint(label, crl, key): a CRL's signature algorithm, and the key of the
 * certificate `signer` (the issuing key entry's, or the one that verified it) when there is one.
 */
export function crlWeakWarnings(label: string, crlDer: Uint8Array, signer: Uint8Array | undefined, jdk: Jdk): string[] {
  const sigAlg = signatureName(Asn1.parse(crlDer, 'CRL').child(1, 'CRL').expect(TAG.SEQUENCE, 'CRL signature algorithm'));
  const key = signer ? CertView.from(signer).publicKeyInfo : undefined;
  return weakWarnings(label, { signatureAlgorithm: sigAlg, publicKeyInfo: key }, { sig: sigWeakness(sigAlg, false), key: keyLevel(key) }, jdk);
}

/** keytool's checkWeakConstraint(label, certs) over a certificate chain, in its order: "LABEL #i of n". */
export function chainWeakWarnings(label: string, certs: readonly Uint8Array[], trusted: (der: Uint8Array) => boolean, jdk: Jdk): string[] {
  return certs.flatMap((der, i) => {
    const v = CertView.from(der);
    return weakWarnings(certs.length > 1 ? `${label} #${i + 1} of ${certs.length}` : label, v, chainWeakness(v, i, trusted(der)), jdk);
  });
}

/** The "(weak)" / "(disabled)" suffix of printX509Cert. */
const marker = (l: Level): string => (l === null ? '' : l === 'weak' ? ' (weak)' : ' (disabled)');

/** withWeakConstraint for a signature algorithm (-printcrl): " (weak)", " (disabled)" or "". */
export const signatureMarker = (sigAlg: string): string => marker(sigWeakness(sigAlg, false));
/** withWeakConstraint for a key (-printcrl's "Verified by …"). */
export const keyMarker = (key: PublicKeyInfo): string => marker(keyLevel(key));

// ------------------------------------------------------------------ extensions (Java toString)

/** Names from sun.security.x509.OIDMap; extensions are printed sorted by these (unknown ones by OID). */
const EXT_NAMES: Record<string, string> = {
  [EXT.subjectKeyIdentifier]: 'SubjectKeyIdentifier',
  [EXT.keyUsage]: 'KeyUsage',
  [EXT.privateKeyUsage]: 'PrivateKeyUsage',
  [EXT.subjectAltName]: 'SubjectAlternativeName',
  [EXT.issuerAltName]: 'IssuerAlternativeName',
  [EXT.basicConstraints]: 'BasicConstraints',
  [EXT.nameConstraints]: 'NameConstraints',
  [EXT.policyMappings]: 'PolicyMappings',
  [EXT.authorityKeyIdentifier]: 'AuthorityKeyIdentifier',
  [EXT.policyConstraints]: 'PolicyConstraints',
  [EXT.netscapeCertType]: 'NetscapeCertType',
  [EXT.certificatePolicies]: 'CertificatePolicies',
  [EXT.extendedKeyUsage]: 'ExtendedKeyUsage',
  [EXT.inhibitAnyPolicy]: 'InhibitAnyPolicy',
  [EXT.crlDistributionPoints]: 'CRLDistributionPoints',
  [EXT.subjectInfoAccess]: 'SubjectInfoAccess',
  [EXT.authorityInfoAccess]: 'AuthorityInfoAccess',
  [EXT.freshestCrl]: 'FreshestCRL',
  [EXT.ocspNoCheck]: 'OCSPNoCheck',
};

/** Java's AbstractCollection.toString. */
const javaList = (items: string[]): string => `[${items.join(', ')}]`;

const keyIdentifier = (b: Uint8Array): string => `KeyIdentifier [\n${hexDump(b)}]\n`;
const names = (g: GeneralName[]): string => javaList(g.map(generalNameToJava));

/** Debug.toString(byte[]): lower-case hex bytes joined by ':'. */
const colonHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

function implicitTime(n: Asn1): Date {
  // [n] IMPLICIT GeneralizedTime: rebuild the universal tag and reuse the DER reader.
  const c = n.content;
  const der = new Uint8Array([TAG.GENERALIZED_TIME, c.length, ...c]);
  return Asn1.parse(der).time();
}

function implicitInt(n: Asn1): number {
  let v = 0;
  for (const x of n.content) v = v * 256 + x;
  return v;
}

function subtrees(list: GeneralSubtree[]): string {
  const one = (s: GeneralSubtree): string =>
    `\n   GeneralSubtree: [\n    GeneralName: ${generalNameToJava(s.base)}\n    Minimum: ${s.minimum}\n    Maximum: ${s.maximum === -1 ? 'undefined' : s.maximum}    ]\n`;
  return `   GeneralSubtrees:\n${javaList(list.map(one))}\n`;
}

function accessDescriptions(v: Uint8Array): string {
  const methods: Record<string, string> = {
    '1.3.6.1.5.5.7.48.2': 'caIssuers',
    '1.3.6.1.5.5.7.48.5': 'caRepository',
    '1.3.6.1.5.5.7.48.3': 'timeStamping',
    '1.3.6.1.5.5.7.48.1': 'ocsp',
  };
  return javaList(
    ExtParsers.accessDescriptions(v).map((a) => `\n   accessMethod: ${methods[a.method] ?? a.method}\n   accessLocation: ${generalNameToJava(a.location)}\n`),
  );
}

const REASONS = [null, 'key compromise', 'CA compromise', 'affiliation changed', 'superseded', 'cessation of operation', 'certificate hold', 'privilege withdrawn', 'AA compromise'];

function distributionPoints(v: Uint8Array): string {
  return javaList(
    ExtParsers.crlDistributionPoints(v).map((dp) => {
      let s = 'DistributionPoint:\n     ';
      if (dp.fullName) s += names(dp.fullName);
      if (dp.relativeName !== null) s += dp.relativeName;
      s += '\n';
      if (dp.reasons) {
        s += '   ReasonFlags:\n';
        dp.reasons.forEach((set, i) => {
          if (set) s += `    ${i > 0 && i < REASONS.length ? REASONS[i] : `Unknown reason ${i}`}\n`;
        });
      }
      if (dp.crlIssuer) s += `   CRLIssuer:${names(dp.crlIssuer)}\n`;
      return s;
    }),
  );
}

/** The text after "ObjectId: ... Criticality=...\n" for extensions Java has a class for. */
export function extensionBody(e: Extension): string {
  const v = e.value;
  switch (e.oid) {
    case EXT.basicConstraints: {
      const bc = ExtParsers.basicConstraints(v);
      const pl = bc.pathLen === null ? (bc.ca ? ' no limit' : ' undefined') : bc.pathLen < 0 ? ' undefined' : String(bc.pathLen);
      return `BasicConstraints:[\n  CA:${bc.ca}\n  PathLen:${pl}\n]\n`;
    }
    case EXT.keyUsage: {
      const labels = ['DigitalSignature', 'Non_repudiation', 'Key_Encipherment', 'Data_Encipherment', 'Key_Agreement', 'Key_CertSign', 'Crl_Sign', 'Encipher_Only', 'Decipher_Only'];
      const bits = ExtParsers.keyUsage(v);
      return `KeyUsage [\n${labels.map((l, i) => (bits[i] ? `  ${l}\n` : '')).join('')}]\n`;
    }
    case EXT.extendedKeyUsage:
      return `ExtendedKeyUsages [\n  ${ExtParsers.extendedKeyUsage(v)
        .map((o) => knownOidName(o) ?? o)
        .join('\n  ')}\n]\n`;
    case EXT.subjectAltName:
      return `SubjectAlternativeName [\n${ExtParsers.generalNames(v)
        .map((g) => `  ${generalNameToJava(g)}\n`)
        .join('')}]\n`;
    case EXT.issuerAltName:
      return `IssuerAlternativeName [\n${ExtParsers.generalNames(v)
        .map((g) => `  ${generalNameToJava(g)}\n`)
        .join('')}]\n`;
    case EXT.subjectKeyIdentifier:
      return `SubjectKeyIdentifier [\n${keyIdentifier(ExtParsers.keyIdentifier(v))}]\n`;
    case EXT.authorityKeyIdentifier: {
      const aki = ExtParsers.authorityKeyIdentifier(v);
      let s = 'AuthorityKeyIdentifier [\n';
      if (aki.keyId) s += keyIdentifier(aki.keyId);
      if (aki.issuer) s += `${names(aki.issuer)}\n`;
      if (aki.serial) s += `SerialNumber: ${colonHex(aki.serial)}\n`;
      return `${s}]\n`;
    }
    case EXT.crlDistributionPoints:
      return `CRLDistributionPoints [\n  ${distributionPoints(v)}]\n`;
    case EXT.freshestCrl:
      return `FreshestCRL [\n  ${distributionPoints(v)}]\n`;
    case EXT.certificatePolicies: {
      const infos = ExtParsers.certificatePolicies(v).map((pi) => {
        const quals = pi.qualifiers.map((q) => `PolicyQualifierInfo: [\n  qualifierID: ${q.id}\n  qualifier: ${q.qualifier ? hexDump(q.qualifier) : 'null'}\n]`);
        return `  [CertificatePolicyId: [${pi.policyId}]\n${javaList(quals)}  ]\n`;
      });
      return `CertificatePolicies [\n${infos.join('')}]\n`;
    }
    case EXT.authorityInfoAccess:
      return `AuthorityInfoAccess [\n  ${accessDescriptions(v)}\n]\n`;
    case EXT.subjectInfoAccess:
      return `SubjectInfoAccess [\n  ${accessDescriptions(v)}\n]\n`;
    case EXT.nameConstraints: {
      const nc = ExtParsers.nameConstraints(v);
      let s = 'NameConstraints: [';
      if (nc.permitted) s += `\n    Permitted:${subtrees(nc.permitted)}`;
      if (nc.excluded) s += `\n    Excluded:${subtrees(nc.excluded)}`;
      return `${s}   ]\n`;
    }
    case EXT.privateKeyUsage: {
      let from: Date | null = null;
      let to: Date | null = null;
      for (const k of Asn1.parse(v, 'PrivateKeyUsage').expect(TAG.SEQUENCE, 'PrivateKeyUsage').children) {
        if (k.isContext(0)) from = implicitTime(k);
        else if (k.isContext(1)) to = implicitTime(k);
      }
      let s = 'PrivateKeyUsage: [\n';
      if (from) s += `From: ${javaDateString(from)}${to ? ', ' : ''}`;
      if (to) s += `To: ${javaDateString(to)}`;
      return `${s}]\n`;
    }
    case EXT.netscapeCertType: {
      const bits = bitList(Asn1.parse(v, 'NetscapeCertType').expect(TAG.BIT_STRING, 'NetscapeCertType'));
      const labels: [number, string][] = [
        [0, '   SSL client\n'],
        [1, '   SSL server\n'],
        [2, '   S/MIME\n'],
        [3, '   Object Signing\n'],
        [5, '   SSL CA\n'],
        [6, '   S/MIME CA\n'],
        [7, '   Object Signing CA'],
      ];
      return `NetscapeCertType [\n${labels.map(([i, l]) => (bits[i] ? l : '')).join('')}]\n`;
    }
    case EXT.policyConstraints: {
      let require = -1;
      let inhibit = -1;
      for (const k of Asn1.parse(v, 'PolicyConstraints').expect(TAG.SEQUENCE, 'PolicyConstraints').children) {
        if (k.isContext(0)) require = implicitInt(k);
        else if (k.isContext(1)) inhibit = implicitInt(k);
      }
      return `PolicyConstraints: [  Require: ${require === -1 ? 'unspecified;' : `${require};`}\tInhibit: ${inhibit === -1 ? 'unspecified' : inhibit} ]\n`;
    }
    case EXT.policyMappings: {
      const maps = Asn1.parse(v, 'PolicyMappings')
        .expect(TAG.SEQUENCE, 'PolicyMappings')
        .children.map((m) => {
          const [i, s] = m.children;
          return `CertificatePolicyMap: [\nIssuerDomain:CertificatePolicyId: [${i.oid()}]\nSubjectDomain:CertificatePolicyId: [${s.oid()}]\n]\n`;
        });
      return `PolicyMappings [\n${javaList(maps)}]\n`;
    }
    case EXT.inhibitAnyPolicy:
      return `InhibitAnyPolicy: ${Asn1.parse(v, 'InhibitAnyPolicy').expect(TAG.INTEGER, 'InhibitAnyPolicy').int()}\n`;
    case EXT.ocspNoCheck:
      return '';
    default:
      throw new Error('no Java class for this extension');
  }
}

/** The "Extensions:" block of printX509Cert, or '' when the certificate has none. */
function renderExtensions(v: CertView): string {
  return renderExtensionList(v.extensions, 'Extensions: ');
}

/** keytool's printExtensions: a titled, numbered block (certificates, and -printcertreq's "Extension Request:"). */
export function renderExtensionList(exts: readonly Extension[], title: string): string {
  const parsed: { key: string; text: string }[] = [];
  const unparseable: { key: string; text: string }[] = [];
  for (const e of exts) {
    const head = `ObjectId: ${e.oid} Criticality=${e.critical}\n`;
    const name = EXT_NAMES[e.oid];
    if (!name) {
      parsed.push({ key: e.oid, text: head + (e.value.length === 0 ? '(Empty value)\n' : `${hexDump(e.value)}\n`) });
      continue;
    }
    try {
      parsed.push({ key: name, text: head + extensionBody(e) });
    } catch (err) {
      // Java keeps a non-critical extension it cannot parse as "Unparseable", after the others.
      unparseable.push({ key: e.oid, text: `${head}Unparseable ${name} extension due to\n${(err as Error).message}\n\n${hexDump(e.value)}` });
    }
  }
  // TreeMap order: String.compareTo, i.e. UTF-16 code units (plain JS comparison).
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const all = [...parsed.sort(byKey), ...unparseable.sort(byKey)];
  if (all.length === 0) return '';
  return `\n${title}\n\n${all.map((x, i) => `#${i + 1}: ${x.text}\n`).join('')}`;
}

// ------------------------------------------------------------------ certificates

export interface CertRenderOptions {
  jdk?: Jdk;
  /** The certificate is a trusted entry of the store (keytool then does not flag its signature algorithm). */
  trusted?: boolean;
}

/** keytool's printX509Cert: Owner ... Version plus extensions, each line ending in "\n". */
export function renderCertificate(der: Uint8Array | CertView, opts: CertRenderOptions = {}): string {
  const v = der instanceof CertView ? der : CertView.from(der);
  const jdk = opts.jdk ?? 17;
  // printX509Cert always derives the variant from the certificate's own extended key usage.
  const w = weaknessOf(v, !!opts.trusted, signedJarVariant(v));
  const sig = v.signatureAlgorithm + marker(w.sig);
  const key = `${keyDisplayName(v.publicKeyInfo, jdk)} key${marker(w.key)}`;
  return (
    `Owner: ${v.subject.toString()}\n` +
    `Issuer: ${v.issuer.toString()}\n` +
    `Serial number: ${v.serialHex}\n` +
    `Valid from: ${javaDateString(v.notBefore)} until: ${javaDateString(v.notAfter)}\n` +
    'Certificate fingerprints:\n' +
    `\t SHA1: ${v.sha1}\n` +
    `\t SHA256: ${v.sha256}\n` +
    `Signature algorithm name: ${sig}\n` +
    `Subject Public Key Algorithm: ${key}\n` +
    `Version: ${v.version}\n` +
    renderExtensions(v)
  );
}

/**
 * keytool -rfc's dumpCert: 64 base64 characters a line joined by CRLF (Java's MIME encoder); JDK 17
 * ends the BEGIN/END lines with println ("\n"), JDK 25 with "\r\n".
 */
export function pemCertificate(der: Uint8Array, jdk: Jdk = 17): string {
  return keytoolPem('CERTIFICATE', der, jdk);
}

/** keytool's PEM for any label (CERTIFICATE, NEW CERTIFICATE REQUEST): see pemCertificate. */
export function keytoolPem(label: string, der: Uint8Array, jdk: Jdk = 17): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const nl = jdk === 17 ? '\n' : '\r\n';
  return `-----BEGIN ${label}-----${nl}${lines.join('\r\n')}${nl}-----END ${label}-----${nl}`;
}

// ------------------------------------------------------------------ -list

const PROVIDERS: Record<string, string> = { JKS: 'SUN', JCEKS: 'SunJCE', PKCS12: 'SUN' };

/** Java String.compareTo order (UTF-16 code units). */
const javaCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function trustedSet(store: ListingStore): Uint8Array[] {
  return store.entries.filter((e) => e.type === 'trustedCertEntry' && e.chain[0]).map((e) => e.chain[0]);
}
const isTrusted = (trusted: Uint8Array[], der: Uint8Array): boolean => trusted.some((t) => bytesEqual(t, der));

function findEntry(store: ListingStore, alias: string): ListingEntry {
  const e = store.entries.find((x) => x.alias === alias) ?? store.entries.find((x) => x.alias.toLowerCase() === alias.toLowerCase());
  if (!e) throw new KtoolError('NOT_FOUND', `Alias <${alias}> does not exist`);
  return e;
}

function renderEntry(store: ListingStore, e: ListingEntry, o: ListOptions, trusted: Uint8Array[]): string {
  const jdk = o.jdk ?? 17;
  const long = !!(o.verbose || o.rfc);
  const date = creationDateString(e.created ?? o.now ?? new Date());
  let s = long ? `Alias name: ${e.alias}\nCreation date: ${date}\n` : `${e.alias}, ${date}, `;
  if (e.type === 'SecretKeyEntry') return s + (long ? 'Entry type: SecretKeyEntry\n' : 'SecretKeyEntry, \n');
  if (e.type === 'PrivateKeyEntry') {
    s += long ? 'Entry type: PrivateKeyEntry\n' : 'PrivateKeyEntry, \n';
    if (e.chain.length === 0) return `${s}Certificate chain length: 0\n`;
    if (!long) return `${s}Certificate fingerprint (SHA-256): ${certificateFingerprint(e.chain[0], 'sha256')}\n`;
    s += `Certificate chain length: ${e.chain.length}\n`;
    e.chain.forEach((der, i) => {
      s += `Certificate[${i + 1}]:\n`;
      s += o.verbose ? renderCertificate(der, { jdk, trusted: isTrusted(trusted, der) }) : pemCertificate(der, jdk);
    });
    return s;
  }
  const cert = e.chain[0];
  if (o.verbose) return `${s}Entry type: trustedCertEntry\n\n${renderCertificate(cert, { jdk, trusted: true })}`;
  if (o.rfc) return `${s}Entry type: trustedCertEntry\n\n${pemCertificate(cert, jdk)}`;
  return `${s}trustedCertEntry, \nCertificate fingerprint (SHA-256): ${certificateFingerprint(cert, 'sha256')}\n`;
}

/** The stdout of `keytool -list` (with -v / -rfc / -alias as given). */
export function renderList(store: ListingStore, opts: ListOptions = {}): string {
  const trusted = trustedSet(store);
  // keytool prints the alias as typed on the command line, not as stored.
  if (opts.alias !== undefined) return renderEntry(store, { ...findEntry(store, opts.alias), alias: opts.alias }, opts, trusted);
  const n = store.entries.length;
  let s = `Keystore type: ${store.type}\nKeystore provider: ${PROVIDERS[store.type] ?? 'SUN'}\n\n`;
  // A plain grouping regex: toLocaleString would initialise ICU, ~12 ms of start-up.
  s += `Your keystore contains ${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} ${n === 1 ? 'entry' : 'entries'}\n\n`;
  const sorted = [...store.entries].sort((a, b) => javaCompare(a.alias, b.alias));
  for (const e of sorted) {
    s += renderEntry(store, e, opts, trusted);
    if (opts.verbose || opts.rfc) s += '\n\n*******************************************\n*******************************************\n\n\n';
  }
  return s;
}

export interface ListStderrOptions extends ListOptions {
  /** The -keystore argument as given (it appears in the migration warning). */
  fileName: string;
  /** true when no store password was given (and the store is not password-less): the integrity banner. */
  integrityNotVerified?: boolean;
}

/** keytool's banner when the store was read without a password. */
export function integrityWarning(): string {
  const star = '*****************  WARNING WARNING WARNING  *****************';
  return (
    `\n${star}\n` +
    '* The integrity of the information stored in your keystore  *\n' +
    '* has NOT been verified!  In order to verify its integrity, *\n' +
    '* you must provide your keystore password.                  *\n' +
    `${star}\n\n`
  );
}

/** The JKS/JCEKS "proprietary format" warning text (one line, no trailing newline). */
export function migrationWarning(type: string, fileName: string): string {
  return `The ${type} keystore uses a proprietary format. It is recommended to migrate to PKCS12 which is an industry standard format using "keytool -importkeystore -srckeystore ${fileName} -destkeystore ${fileName} -deststoretype pkcs12".`;
}

/** The "\nWarning:\n..." block keytool prints at exit, or ''. */
export function warningBlock(lines: string[]): string {
  return lines.length ? `\nWarning:\n${lines.map((l) => `${l}\n`).join('')}` : '';
}

/**
 * What `keytool -list` writes to stderr: `before` (the integrity banner, printed before the listing)
 * and `after` (weak-algorithm warnings and the JKS/JCEKS migration warning).
 */
export function renderListStderr(store: ListingStore, opts: ListStderrOptions): { before: string; after: string } {
  const jdk = opts.jdk ?? 17;
  const trusted = trustedSet(store);
  const lines: string[] = [];
  const entries = opts.alias !== undefined ? [findEntry(store, opts.alias)] : [...store.entries].sort((a, b) => javaCompare(a.alias, b.alias));
  const long = !!(opts.verbose || opts.rfc);
  for (const e of entries) {
    const label = opts.alias !== undefined ? 'The certificate' : `<${e.alias}>`;
    if (e.type === 'SecretKeyEntry') continue;
    e.chain.forEach((der, i) => {
      const v = CertView.from(der);
      const tr = e.type === 'trustedCertEntry' || isTrusted(trusted, der);
      const l = !long && e.chain.length > 1 ? `${label} #${i + 1} of ${e.chain.length}` : label;
      lines.push(...weakWarnings(l, v, chainWeakness(v, i, tr), jdk));
    });
  }
  if ((store.type === 'JKS' || store.type === 'JCEKS') && store.entries.some((e) => e.type !== 'trustedCertEntry')) {
    lines.push(migrationWarning(store.type, opts.fileName));
  }
  return { before: opts.integrityNotVerified ? integrityWarning() : '', after: warningBlock(lines) };
}

// ------------------------------------------------------------------ -printcert

export interface PrintcertOptions {
  rfc?: boolean;
  jdk?: Jdk;
}

/** The stdout of `keytool -printcert -file f` for the certificates in f (in file order). */
export function renderPrintcert(certs: Uint8Array[], opts: PrintcertOptions = {}): string {
  if (certs.length === 0) throw new KtoolError('CORRUPT', 'Empty input');
  let s = '';
  certs.forEach((der, i) => {
    if (certs.length > 1) s += `Certificate[${i + 1}]:\n`;
    s += opts.rfc ? pemCertificate(der, opts.jdk) : renderCertificate(der, { jdk: opts.jdk });
    if (i < certs.length - 1) s += '\n';
  });
  return s;
}

/** The stderr of `keytool -printcert`: weak-algorithm warnings, or ''. */
export function renderPrintcertStderr(certs: Uint8Array[], opts: PrintcertOptions = {}): string {
  return warningBlock(chainWeakWarnings('The certificate', certs, () => false, opts.jdk ?? 17));
}

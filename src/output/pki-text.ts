/**
 * keytool 17's text for PKCS#10 requests (-printcertreq: the "PKCS #10 Certificate Request" block and
 * the "Extension Request:" list) and CRLs (-printcrl: X509CRLImpl.toStringWithAlgName, entries as
 * X509CRLEntryImpl.toString), plus the JSON of requests for the modern verbs.
 */
import { Asn1, TAG } from '../asn1/der';
import { hexDump, keyDisplayName, parsePublicKey, signatureName, type Extension } from '../x509/certificate';
import type { ParsedCrl } from '../x509/crl';
import type { ParsedCsr } from '../x509/csr';
import { X500Name } from '../x509/name';
import { extensionBody, javaDateString, renderExtensionList, signatureMarker } from './keytool-text';
import { colonHex, fromHex } from '../util/bytes';

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';

/** `keytool -printcertreq` stdout for one request. */
export function renderCertReq(csr: ParsedCsr): string {
  const top = Asn1.parse(csr.der, 'certificate request');
  const key = parsePublicKey(Asn1.parse(csr.publicKeySpki, 'SubjectPublicKeyInfo').expect(TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  let s =
    'PKCS #10 Certificate Request (Version 1.0)\n' +
    `Subject: ${X500Name.fromDer(csr.subject).toString()}\n` +
    'Format: X.509\n' +
    `Public Key: ${keyDisplayName(key)} key\n` +
    `Signature algorithm: ${signatureName(top.child(1, 'certificate request'))}\n`;
  for (const a of csr.attributes) {
    if (a.oid === '1.2.840.113549.1.9.14') {
      s += renderExtensionList(csr.extensions, 'Extension Request:');
      continue;
    }
    // PKCS9Attribute names; the challenge password is the one other attribute requests carry.
    const v = a.values[0] ? Asn1.parse(a.values[0]) : undefined;
    const text = v && ([TAG.UTF8_STRING, TAG.PRINTABLE_STRING, TAG.IA5_STRING] as number[]).includes(v.tag) ? Buffer.from(v.content).toString('utf8') : v ? hexDump(v.der) : '';
    s += `Attribute: ${a.oid}\n${a.oid === CHALLENGE_PASSWORD ? 'ChallengePassword' : a.oid}: ${text}\n`;
  }
  return s;
}

/** JSON of a request (modern `printcertreq --json`). */
export function certReqJson(csr: ParsedCsr) {
  const key = parsePublicKey(Asn1.parse(csr.publicKeySpki, 'SubjectPublicKeyInfo').expect(TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  return {
    subject: X500Name.fromDer(csr.subject).toRfc2253(),
    publicKeyAlgorithm: key.algorithm,
    publicKeySize: key.size,
    curve: key.curve,
    signatureAlgorithm: csr.sigAlg.name,
    signatureValid: csr.signatureValid,
    extensions: extensionsJson(csr.extensions),
  };
}

/** Extensions for JSON output: OID, criticality and the value's DER in hex. */
export const extensionsJson = (exts: readonly Extension[]) => exts.map((e) => ({ oid: e.oid, critical: e.critical, value: Buffer.from(e.value).toString('hex') }));

// ---------------------------------------------------------------- CRLs

/** CRLReason enum names (java.security.cert.CRLReason). */
const CRL_REASON_NAMES = [
  'UNSPECIFIED', 'KEY_COMPROMISE', 'CA_COMPROMISE', 'AFFILIATION_CHANGED', 'SUPERSEDED', 'CESSATION_OF_OPERATION',
  'CERTIFICATE_HOLD', 'UNUSED', 'REMOVE_FROM_CRL', 'PRIVILEGE_WITHDRAWN', 'AA_COMPROMISE',
];

/** OIDMap names of the CRL (entry) extensions Java has classes for: CRLExtensions sorts by them. */
const CRL_EXT_NAMES: Record<string, string> = {
  '2.5.29.35': 'AuthorityKeyIdentifier',
  '2.5.29.20': 'CRLNumber',
  '2.5.29.27': 'DeltaCRLIndicator',
  '2.5.29.28': 'IssuingDistributionPoint',
  '2.5.29.18': 'IssuerAlternativeName',
  '2.5.29.21': 'CRLReasonCode',
  '2.5.29.24': 'InvalidityDate',
  '2.5.29.29': 'CertificateIssuer',
};

/** Debug.toHexString(BigInteger): four spaces, then hex byte pairs grouped by four. */
function debugHex(v: bigint): string {
  let h = v.toString(16);
  if (h.length % 2) h = `0${h}`;
  let s = '    ';
  for (let i = 0; i < h.length; ) {
    s += h.slice(i, i + 2);
    i += 2;
    if (i !== h.length) s += i % 64 === 0 ? '\n    ' : i % 8 === 0 ? ' ' : '';
  }
  return s;
}

/** Debug.toString(BigInteger): the two's-complement bytes as lower-case hex joined by ':'. */
function serialText(v: bigint): string {
  let h = v.toString(16);
  if (h.length % 2) h = `0${h}`;
  if (parseInt(h[0], 16) >= 8) h = `00${h}`;
  return colonHex(fromHex(h), true);
}

function crlExtensionText(e: Extension): string {
  const head = `ObjectId: ${e.oid} Criticality=${e.critical}\n`;
  try {
    switch (e.oid) {
      case '2.5.29.20':
        return `${head}CRL Number: ${debugHex(Asn1.parse(e.value).expect(TAG.INTEGER, 'CRLNumber').bigint())}\n`;
      case '2.5.29.27':
        return `${head}Delta CRL Indicator: ${debugHex(Asn1.parse(e.value).expect(TAG.INTEGER, 'DeltaCRLIndicator').bigint())}\n`;
      case '2.5.29.21':
        return `${head}    Reason Code: ${CRL_REASON_NAMES[Asn1.parse(e.value).expect(TAG.ENUMERATED, 'CRLReason').int()] ?? 'UNSPECIFIED'}`;
      case '2.5.29.24':
        return `${head}    Invalidity Date: ${javaDateString(Asn1.parse(e.value).time())}`;
      case '2.5.29.35':
      case '2.5.29.18':
        return head + extensionBody(e);
    }
  } catch {
    return `${head}, Error parsing this extension`;
  }
  // No Java class: the DER OCTET STRING of the value, dumped.
  const octets = Uint8Array.from([TAG.OCTET_STRING, ...derLength(e.value.length), ...e.value]);
  return `${head}Extension unknown: DER encoded OCTET string =\n${hexDump(octets)}\n`;
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const b: number[] = [];
  for (let v = n; v > 0; v >>= 8) b.unshift(v & 0xff);
  return [0x80 | b.length, ...b];
}

/** CRLExtensions order: a TreeMap keyed by the class name, or the OID when Java has no class. */
function sortedCrlExtensions(exts: readonly Extension[]): Extension[] {
  const key = (e: Extension) => CRL_EXT_NAMES[e.oid] ?? e.oid;
  return [...exts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** `keytool -printcrl` stdout for one CRL (without the verification lines that follow it). */
export function renderCrl(crl: ParsedCrl): string {
  const alg = Asn1.parse(crl.der).child(1, 'CRL');
  let s = `X.509 CRL v${crl.version}\n`;
  const sigName = signatureName(alg);
  s += `Signature Algorithm: ${sigName}${signatureMarker(sigName)}, OID=${alg.child(0).oid()}\n`;
  s += `Issuer: ${X500Name.fromDer(crl.issuer).toString()}\n`;
  s += `\nThis Update: ${javaDateString(crl.thisUpdate)}\n`;
  if (crl.nextUpdate) s += `Next Update: ${javaDateString(crl.nextUpdate)}\n`;
  if (crl.entries.length === 0) s += '\nNO certificates have been revoked\n';
  else {
    s += `\nRevoked Certificates: ${crl.entries.length}`;
    crl.entries.forEach((e, i) => {
      s += `\n[${i + 1}] SerialNumber: ${serialText(e.serial)}  On: ${javaDateString(e.revocationDate)}`;
      if (e.extensions.length > 0) {
        s += `\n    CRL Entry Extensions: ${e.extensions.length}`;
        sortedCrlExtensions(e.extensions).forEach((x, j) => (s += `\n    [${j + 1}]: ${crlExtensionText(x)}`));
      }
      s += '\n';
    });
  }
  if (crl.extensions.length > 0) {
    s += `\nCRL Extensions: ${crl.extensions.length}`;
    sortedCrlExtensions(crl.extensions).forEach((x, j) => (s += `\n[${j + 1}]: ${crlExtensionText(x)}`));
  }
  s += `\nSignature:\n${hexDump(crl.signature)}\n`;
  return s;
}

/** The keytool-style line for a CRL's verification (after renderCrl), or the "not verified" banner. */
export function crlVerificationText(verifiedBy: { alias: string; where: 'keystore' | 'cacerts'; keyDisplay: string; keyMarker?: string } | null, trustcacerts: boolean): string {
  if (verifiedBy) return `Verified by ${verifiedBy.alias} in ${verifiedBy.where} with a ${verifiedBy.keyDisplay} key${verifiedBy.keyMarker ?? ''}\n`;
  return (
    '*******************************************\n' +
    `WARNING: not verified. Make sure -keystore is correct${trustcacerts ? '.' : ' or specify -trustcacerts.'}\n` +
    '*******************************************\n\n\n'
  );
}

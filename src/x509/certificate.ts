/**
 * A read-only view of an X.509 certificate, from DER: the fields keytool prints and ktool's JSON
 * publishes. Names and extensions come from our own DER walk (so they print exactly as Java does);
 * node:crypto does hashing and, when asked, gives the public key as a KeyObject.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { digest } from '../crypto/digest';
import { Asn1, TAG } from '../asn1/der';
import { KtoolError, corrupt } from '../model/errors';
import { bytesEqual, colonHex } from '../util/bytes';
import { X500Name } from './name';

/**
 * Java's sun.security.util.KnownOIDs: OID -> standard name (used for signature algorithm names,
 * extended key usages and curve names). Facts copied from the JDK 25 table.
 */
const KNOWN_OIDS_TABLE = `
2.5.4.3=CommonName;2.5.4.4=Surname;2.5.4.5=SerialNumber;2.5.4.6=CountryName;2.5.4.7=LocalityName;2.5.4.8=StateName
2.5.4.9=StreetAddress;2.5.4.10=OrgName;2.5.4.11=OrgUnitName;2.5.4.12=Title;2.5.4.42=GivenName;2.5.4.43=Initials
2.5.4.44=GenerationQualifier;2.5.4.46=DNQualifier;2.5.29.9=SubjectDirectoryAttributes;2.5.29.14=SubjectKeyID
2.5.29.15=KeyUsage;2.5.29.16=PrivateKeyUsage;2.5.29.17=SubjectAlternativeName;2.5.29.18=IssuerAlternativeName
2.5.29.19=BasicConstraints;2.5.29.20=CRLNumber;2.5.29.21=ReasonCode;2.5.29.23=HoldInstructionCode
2.5.29.24=InvalidityDate;2.5.29.27=DeltaCRLIndicator;2.5.29.28=IssuingDistributionPoint;2.5.29.29=CertificateIssuer
2.5.29.30=NameConstraints;2.5.29.31=CRLDistributionPoints;2.5.29.32=CertificatePolicies
2.5.29.32.0=CE_CERT_POLICIES_ANY;2.5.29.33=PolicyMappings;2.5.29.35=AuthorityKeyID;2.5.29.36=PolicyConstraints
2.5.29.37=extendedKeyUsage;2.5.29.37.0=anyExtendedKeyUsage;2.5.29.46=FreshestCRL;2.5.29.54=InhibitAnyPolicy
1.3.6.1.5.5.7.1.1=AuthInfoAccess;1.3.6.1.5.5.7.1.11=SubjectInfoAccess;1.3.6.1.5.5.7.3.1=serverAuth
1.3.6.1.5.5.7.3.2=clientAuth;1.3.6.1.5.5.7.3.3=codeSigning;1.3.6.1.5.5.7.3.4=emailProtection
1.3.6.1.5.5.7.3.5=ipsecEndSystem;1.3.6.1.5.5.7.3.6=ipsecTunnel;1.3.6.1.5.5.7.3.7=ipsecUser
1.3.6.1.5.5.7.3.8=timeStamping;1.3.6.1.5.5.7.3.9=OCSPSigning;1.3.6.1.5.5.7.48.1=OCSP
1.3.6.1.5.5.7.48.1.1=OCSPBasicResponse;1.3.6.1.5.5.7.48.1.2=OCSPNonceExt;1.3.6.1.5.5.7.48.1.5=OCSPNoCheck
1.3.6.1.5.5.7.48.2=caIssuers;1.3.6.1.5.5.7.48.3=timeStamping;1.3.6.1.5.5.7.48.5=caRepository
2.16.840.1.101.3.4.1=AES;2.16.840.1.101.3.4.2.1=SHA-256;2.16.840.1.101.3.4.2.2=SHA-384
2.16.840.1.101.3.4.2.3=SHA-512;2.16.840.1.101.3.4.2.4=SHA-224;2.16.840.1.101.3.4.2.7=SHA3-224
2.16.840.1.101.3.4.2.8=SHA3-256;2.16.840.1.101.3.4.2.9=SHA3-384;2.16.840.1.101.3.4.2.10=SHA3-512
2.16.840.1.101.3.4.2.11=SHAKE128-256;2.16.840.1.101.3.4.2.12=SHAKE256-512;2.16.840.1.101.3.4.2.13=HmacSHA3-224
2.16.840.1.101.3.4.2.14=HmacSHA3-256;2.16.840.1.101.3.4.2.15=HmacSHA3-384;2.16.840.1.101.3.4.2.16=HmacSHA3-512
2.16.840.1.101.3.4.2.17=SHAKE128-LEN;2.16.840.1.101.3.4.2.18=SHAKE256-LEN;2.16.840.1.101.3.4.3.1=SHA224withDSA
2.16.840.1.101.3.4.3.2=SHA256withDSA;2.16.840.1.101.3.4.3.3=SHA384withDSA;2.16.840.1.101.3.4.3.4=SHA512withDSA
2.16.840.1.101.3.4.3.5=SHA3-224withDSA;2.16.840.1.101.3.4.3.6=SHA3-256withDSA;2.16.840.1.101.3.4.3.7=SHA3-384withDSA
2.16.840.1.101.3.4.3.8=SHA3-512withDSA;2.16.840.1.101.3.4.3.9=SHA3-224withECDSA
2.16.840.1.101.3.4.3.10=SHA3-256withECDSA;2.16.840.1.101.3.4.3.11=SHA3-384withECDSA
2.16.840.1.101.3.4.3.12=SHA3-512withECDSA;2.16.840.1.101.3.4.3.13=SHA3-224withRSA
2.16.840.1.101.3.4.3.14=SHA3-256withRSA;2.16.840.1.101.3.4.3.15=SHA3-384withRSA
2.16.840.1.101.3.4.3.16=SHA3-512withRSA;2.16.840.1.101.3.4.3.17=ML-DSA-44;2.16.840.1.101.3.4.3.18=ML-DSA-65
2.16.840.1.101.3.4.3.19=ML-DSA-87;2.16.840.1.101.3.4.4.1=ML-KEM-512;2.16.840.1.101.3.4.4.2=ML-KEM-768
2.16.840.1.101.3.4.4.3=ML-KEM-1024;1.2.840.113549.1.1=RSA;1.2.840.113549.1.1.1=RSA;1.2.840.113549.1.1.2=MD2withRSA
1.2.840.113549.1.1.4=MD5withRSA;1.2.840.113549.1.1.5=SHA1withRSA;1.2.840.113549.1.1.7=OAEP;1.2.840.113549.1.1.8=MGF1
1.2.840.113549.1.1.9=PSpecified;1.2.840.113549.1.1.10=RSASSA-PSS;1.2.840.113549.1.1.11=SHA256withRSA
1.2.840.113549.1.1.12=SHA384withRSA;1.2.840.113549.1.1.13=SHA512withRSA;1.2.840.113549.1.1.14=SHA224withRSA
1.2.840.113549.1.3.1=DiffieHellman;1.2.840.113549.1.5.3=PBEWithMD5AndDES;1.2.840.113549.1.5.6=PBEWithMD5AndRC2
1.2.840.113549.1.5.10=PBEWithSHA1AndDES;1.2.840.113549.1.5.11=PBEWithSHA1AndRC2
1.2.840.113549.1.5.12=PBKDF2WithHmacSHA1;1.2.840.113549.1.5.13=PBES2;1.2.840.113549.1.7=PKCS7
1.2.840.113549.1.7.1=Data;1.2.840.113549.1.7.2=SignedData;1.2.840.1113549.1.7.1=JDK_OLD_Data
1.2.840.1113549.1.7.2=JDK_OLD_SignedData;1.2.840.113549.1.7.3=EnvelopedData
1.2.840.113549.1.7.4=SignedAndEnvelopedData;1.2.840.113549.1.7.5=DigestedData;1.2.840.113549.1.7.6=EncryptedData
1.2.840.113549.1.9.1=EmailAddress;1.2.840.113549.1.9.2=UnstructuredName;1.2.840.113549.1.9.3=ContentType
1.2.840.113549.1.9.4=MessageDigest;1.2.840.113549.1.9.5=SigningTime;1.2.840.113549.1.9.6=CounterSignature
1.2.840.113549.1.9.7=ChallengePassword;1.2.840.113549.1.9.8=UnstructuredAddress
1.2.840.113549.1.9.9=ExtendedCertificateAttributes;1.2.840.113549.1.9.10=IssuerAndSerialNumber
1.2.840.113549.1.9.14=ExtensionRequest;1.2.840.113549.1.9.15=SMIMECapability
1.2.840.113549.1.9.16.1.4=TimeStampTokenInfo;1.2.840.113549.1.9.16.2.12=SigningCertificate
1.2.840.113549.1.9.16.2.14=SignatureTimestampToken;1.2.840.113549.1.9.16.3.17=HSS/LMS
1.2.840.113549.1.9.16.3.18=CHACHA20-POLY1305;1.2.840.113549.1.9.20=FriendlyName;1.2.840.113549.1.9.21=LocalKeyID
1.2.840.113549.1.9.22.1=CertTypeX509;1.2.840.113549.1.9.52=CMSAlgorithmProtection
1.2.840.113549.1.12.1.1=PBEWithSHA1AndRC4_128;1.2.840.113549.1.12.1.2=PBEWithSHA1AndRC4_40
1.2.840.113549.1.12.1.3=PBEWithSHA1AndDESede;1.2.840.113549.1.12.1.5=PBEWithSHA1AndRC2_128
1.2.840.113549.1.12.1.6=PBEWithSHA1AndRC2_40;1.2.840.113549.1.12.10.1.2=PKCS8ShroudedKeyBag
1.2.840.113549.1.12.10.1.3=CertBag;1.2.840.113549.1.12.10.1.5=SecretBag;1.2.840.113549.2.2=MD2
1.2.840.113549.2.5=MD5;1.2.840.113549.2.7=HmacSHA1;1.2.840.113549.2.8=HmacSHA224;1.2.840.113549.2.9=HmacSHA256
1.2.840.113549.2.10=HmacSHA384;1.2.840.113549.2.11=HmacSHA512;1.2.840.113549.3.4=ARCFOUR;1.2.840.10040.4.1=DSA
1.2.840.10040.4.3=SHA1withDSA;1.2.840.10045.2.1=EC;1.2.840.10045.3.0.5=X9.62 c2tnb191v1
1.2.840.10045.3.0.6=X9.62 c2tnb191v2;1.2.840.10045.3.0.7=X9.62 c2tnb191v3;1.2.840.10045.3.0.11=X9.62 c2tnb239v1
1.2.840.10045.3.0.12=X9.62 c2tnb239v2;1.2.840.10045.3.0.13=X9.62 c2tnb239v3;1.2.840.10045.3.0.18=X9.62 c2tnb359v1
1.2.840.10045.3.0.20=X9.62 c2tnb431r1;1.2.840.10045.3.1.1=secp192r1;1.2.840.10045.3.1.2=X9.62 prime192v2
1.2.840.10045.3.1.3=X9.62 prime192v3;1.2.840.10045.3.1.4=X9.62 prime239v1;1.2.840.10045.3.1.5=X9.62 prime239v2
1.2.840.10045.3.1.6=X9.62 prime239v3;1.2.840.10045.3.1.7=secp256r1;1.2.840.10045.4.1=SHA1withECDSA
1.2.840.10045.4.3.1=SHA224withECDSA;1.2.840.10045.4.3.2=SHA256withECDSA;1.2.840.10045.4.3.3=SHA384withECDSA
1.2.840.10045.4.3.4=SHA512withECDSA;1.2.840.10045.4.3=SpecifiedSHA2withECDSA;1.2.840.10046.2.1=DiffieHellman
1.3.36.3.3.2.8.1.1.1=brainpoolP160r1;1.3.36.3.3.2.8.1.1.3=brainpoolP192r1;1.3.36.3.3.2.8.1.1.5=brainpoolP224r1
1.3.36.3.3.2.8.1.1.7=brainpoolP256r1;1.3.36.3.3.2.8.1.1.9=brainpoolP320r1;1.3.36.3.3.2.8.1.1.11=brainpoolP384r1
1.3.36.3.3.2.8.1.1.13=brainpoolP512r1;1.3.132.0.1=sect163k1;1.3.132.0.2=sect163r1;1.3.132.0.3=sect239k1
1.3.132.0.4=sect113r1;1.3.132.0.5=sect113r2;1.3.132.0.6=secp112r1;1.3.132.0.7=secp112r2;1.3.132.0.8=secp160r1
1.3.132.0.9=secp160k1;1.3.132.0.10=secp256k1;1.3.132.0.15=sect163r2;1.3.132.0.16=sect283k1;1.3.132.0.17=sect283r1
1.3.132.0.22=sect131r1;1.3.132.0.23=sect131r2;1.3.132.0.24=sect193r1;1.3.132.0.25=sect193r2;1.3.132.0.26=sect233k1
1.3.132.0.27=sect233r1;1.3.132.0.28=secp128r1;1.3.132.0.29=secp128r2;1.3.132.0.30=secp160r2;1.3.132.0.31=secp192k1
1.3.132.0.32=secp224k1;1.3.132.0.33=secp224r1;1.3.132.0.34=secp384r1;1.3.132.0.35=secp521r1;1.3.132.0.36=sect409k1
1.3.132.0.37=sect409r1;1.3.132.0.38=sect571k1;1.3.132.0.39=sect571r1;1.3.132.1.12=ECDH;1.3.14.3.2.7=DES/CBC
1.3.14.3.2.12=DSA;1.3.14.3.2.13=SHA1withDSA;1.3.14.3.2.15=SHA1withRSA;1.3.14.3.2.17=DESede;1.3.14.3.2.26=SHA-1
1.3.14.3.2.27=SHA1withDSA;1.3.14.3.2.29=SHA1withRSA;1.3.101.110=X25519;1.3.101.111=X448;1.3.101.112=Ed25519
1.3.101.113=Ed448;0.9.2342.19200300.100.1.1=UCL_UserID;0.9.2342.19200300.100.1.25=UCL_DomainComponent
2.16.840.1.113730.1.1=NETSCAPE_CertType;2.16.840.1.113730.2.5=NETSCAPE_CertSequence
2.16.840.1.113730.4.1=NETSCAPE_ExportApproved;2.16.840.1.113894.746875.1.1=ORACLE_TrustedKeyUsage;2.5.8.1.1=RSA
1.3.6.1.4.1.42.2.11.2.1=SkipIPAddress;1.3.6.1.4.1.42.2.17.1.1=JAVASOFT_JDKKeyProtector
1.3.6.1.4.1.42.2.19.1=JAVASOFT_JCEKeyProtector;1.3.6.1.4.1.311.10.3.3=MICROSOFT_ExportApproved
1.3.6.1.4.1.3029.1.1.2=Blowfish`;

let knownOids: Map<string, string> | undefined;
/** KnownOIDs.findMatch(oid).stdName(), or undefined. */
export function knownOidName(oid: string): string | undefined {
  if (!knownOids) {
    knownOids = new Map();
    for (const item of KNOWN_OIDS_TABLE.split(/[;\n]/)) {
      const eq = item.indexOf('=');
      if (eq > 0) knownOids.set(item.slice(0, eq), item.slice(eq + 1));
    }
  }
  return knownOids.get(oid);
}

/** Signature OIDs the JDK's providers know only as aliases (AlgorithmId.aliasOidsTable). */
const SIG_ALIASES: Record<string, string> = {
  '1.3.14.3.2.29': 'SHA1withRSA',
  '1.3.14.3.2.27': 'SHA1withDSA',
  '1.3.14.3.2.13': 'SHA1withDSA',
  '1.2.840.113549.1.1.3': 'MD4withRSA',
};

/** AlgorithmId.getName() for a signature AlgorithmIdentifier. */
export function signatureName(alg: Asn1): string {
  const oid = alg.child(0, 'signature algorithm').oid();
  if (oid === '1.2.840.10045.4.3') {
    // ecdsa-with-SHA2 (SpecifiedSHA2withECDSA): the digest is in the parameters.
    const p = alg.children[1];
    if (p && p.tag === TAG.SEQUENCE) {
      const d = knownOidName(p.child(0).oid());
      if (d) return `${d.replace(/-/g, '')}withECDSA`;
    }
  }
  return knownOidName(oid) ?? SIG_ALIASES[oid] ?? oid;
}

// ------------------------------------------------------------------ general names

export type GeneralName =
  | { readonly kind: 'other'; readonly typeId: string; readonly der: Uint8Array }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'x400'; readonly der: Uint8Array }
  | { readonly kind: 'directory'; readonly name: X500Name }
  | { readonly kind: 'edi'; readonly der: Uint8Array }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'rid'; readonly oid: string };

const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

export function parseGeneralName(n: Asn1): GeneralName {
  if (n.cls !== 2) throw corrupt('GeneralName: expected a context-specific tag');
  switch (n.tagNumber) {
    case 0: {
      const kids = n.children;
      return { kind: 'other', typeId: kids[0].expect(TAG.OID, 'otherName').oid(), der: n.der };
    }
    case 1:
      return { kind: 'email', value: ascii(n.octets()) };
    case 2:
      return { kind: 'dns', value: ascii(n.octets()) };
    case 3:
      return { kind: 'x400', der: n.der };
    case 4:
      // [4] EXPLICIT Name
      return { kind: 'directory', name: X500Name.fromAsn1(n.child(0, 'directoryName')) };
    case 5:
      return { kind: 'edi', der: n.der };
    case 6:
      return { kind: 'uri', value: ascii(n.octets()) };
    case 7:
      return { kind: 'ip', bytes: n.octets() };
    case 8: {
      // [8] IMPLICIT OBJECT IDENTIFIER
      const fake = new Uint8Array([TAG.OID, ...lengthBytes(n.content.length), ...n.content]);
      return { kind: 'rid', oid: Asn1.parse(fake).oid() };
    }
    default:
      throw corrupt(`GeneralName: unknown choice [${n.tagNumber}]`);
  }
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const b: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) b.unshift(x & 0xff);
  return [0x80 | b.length, ...b];
}

export function parseGeneralNames(seqNode: Asn1): GeneralName[] {
  return seqNode.children.map(parseGeneralName);
}

function ipv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}
/** InetAddress.getHostAddress(): IPv6 without zero compression, IPv4-mapped shown as IPv4. */
function ipv6(b: Uint8Array): string {
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return ipv4(b.subarray(12, 16));
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[i] << 8) | b[i + 1]).toString(16));
  return parts.join(':');
}
/** IPAddressName.getName(): plain addresses, and name-constraint forms with a mask or prefix length. */
export function ipAddressString(b: Uint8Array): string {
  if (b.length === 4) return ipv4(b);
  if (b.length === 8) return `${ipv4(b.subarray(0, 4))}/${ipv4(b.subarray(4, 8))}`;
  if (b.length === 16) return ipv6(b);
  if (b.length === 32) {
    let prefix = 0;
    for (const x of b.subarray(16)) {
      if (x === 0xff) prefix += 8;
      else {
        for (let m = 0x80; m && x & m; m >>= 1) prefix++;
        break;
      }
    }
    return `${ipv6(b.subarray(0, 16))}/${prefix}`;
  }
  throw corrupt(`IP address of ${b.length} bytes`);
}

/** GeneralName.toString() as Java prints it inside extensions. */
export function generalNameToJava(g: GeneralName): string {
  switch (g.kind) {
    case 'other':
      return `Other-Name: Unrecognized ObjectIdentifier: ${g.typeId}`;
    case 'email':
      return `RFC822Name: ${g.value}`;
    case 'dns':
      return `DNSName: ${g.value}`;
    case 'x400':
      return 'X400Address: <DER-encoded value>';
    case 'directory':
      return g.name.toString();
    case 'edi':
      return 'EDIPartyName: <DER-encoded value>';
    case 'uri':
      return `URIName: ${g.value}`;
    case 'ip': {
      try {
        return `IPAddress: ${ipAddressString(g.bytes)}`;
      } catch {
        return `IPAddress: ${hexDump(g.bytes)}`;
      }
    }
    case 'rid':
      return `OIDName: ${g.oid}`;
  }
}

/**
 * The short SAN form of ktool's JSON: DNS:, IP:, EMAIL:, URI: (as keytool's -ext san= syntax and
 * the fixtures' manifest), other kinds as typeN: like X509Certificate.getSubjectAlternativeNames().
 */
export function generalNameToShort(g: GeneralName): string {
  switch (g.kind) {
    case 'dns':
      return `DNS:${g.value}`;
    case 'ip':
      try {
        return `IP:${ipAddressString(g.bytes)}`;
      } catch {
        return `IP:${Buffer.from(g.bytes).toString('hex')}`;
      }
    case 'email':
      return `EMAIL:${g.value}`;
    case 'uri':
      return `URI:${g.value}`;
    case 'directory':
      return `type4:${g.name.toRfc2253()}`;
    case 'rid':
      return `type8:${g.oid}`;
    case 'other':
      return `type0:${g.typeId}`;
    case 'x400':
      return `type3:${Buffer.from(g.der).toString('hex')}`;
    case 'edi':
      return `type5:${Buffer.from(g.der).toString('hex')}`;
  }
}

// ------------------------------------------------------------------ hex dump

/** sun.security.util.HexDumpEncoder.encodeBuffer: 16 bytes a line, offset, hex, printable ASCII. */
export function hexDump(b: Uint8Array): string {
  let out = '';
  for (let off = 0; off < b.length; off += 16) {
    const line = b.subarray(off, Math.min(off + 16, b.length));
    out += `${off.toString(16).toUpperCase().padStart(4, '0').slice(-4)}: `;
    for (let i = 0; i < line.length; i++) {
      out += `${line[i].toString(16).toUpperCase().padStart(2, '0')} `;
      if (i === 7) out += '  ';
    }
    for (let i = line.length; i < 16; i++) {
      out += '   ';
      if (i === 7) out += '  ';
    }
    out += ' ';
    // Java compares signed bytes: below ' ' or above 'z' (including all bytes >= 0x80) print as '.'.
    for (const x of line) out += x < 0x20 || x > 0x7a ? '.' : String.fromCharCode(x);
    out += '\n';
  }
  return out;
}

// ------------------------------------------------------------------ extensions

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents (the extension's own DER). */
  readonly value: Uint8Array;
}

export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  privateKeyUsage: '2.5.29.16',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extendedKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  netscapeCertType: '2.16.840.1.113730.1.1',
} as const;

export interface BasicConstraints {
  readonly ca: boolean;
  /** null: absent (no limit when ca, undefined otherwise). */
  readonly pathLen: number | null;
}

export interface AuthorityKeyIdentifier {
  readonly keyId: Uint8Array | null;
  readonly issuer: GeneralName[] | null;
  /** Serial as Java's BigInteger.toByteArray() (two's complement, minimal). */
  readonly serial: Uint8Array | null;
}

export interface DistributionPoint {
  readonly fullName: GeneralName[] | null;
  /** nameRelativeToCRLIssuer, formatted as Java's RDN.toString(). */
  readonly relativeName: string | null;
  /** Reason bits (index 0 = unused ... 8 = aACompromise), null when absent. */
  readonly reasons: boolean[] | null;
  readonly crlIssuer: GeneralName[] | null;
}

export interface PolicyInformation {
  readonly policyId: string;
  readonly qualifiers: { readonly id: string; readonly qualifier: Uint8Array | null }[];
}

export interface AccessDescription {
  readonly method: string;
  readonly location: GeneralName;
}

export interface GeneralSubtree {
  readonly base: GeneralName;
  readonly minimum: number;
  /** -1 when absent. */
  readonly maximum: number;
}

export interface NameConstraints {
  readonly permitted: GeneralSubtree[] | null;
  readonly excluded: GeneralSubtree[] | null;
}

/** Bits of a BIT STRING as booleans, most significant bit of the first byte first. */
export function bitList(node: Asn1): boolean[] {
  const b = node.bits();
  const unused = node.octets()[0] ?? 0;
  const n = b.length * 8 - (b.length ? unused : 0);
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((b[i >> 3] & (0x80 >> (i & 7))) !== 0);
  return out;
}

const KEY_USAGE_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function implicitInteger(n: Asn1): number {
  const c = n.content;
  let v = 0;
  for (const x of c) v = v * 256 + x;
  if (c.length && c[0] & 0x80) v -= 2 ** (8 * c.length);
  return v;
}

function intBytes(n: Asn1): Uint8Array {
  return n.content;
}

function parseRdnString(setNode: Asn1): string {
  // An RDN on its own: wrap it in a Name to reuse the Java formatting.
  const der = new Uint8Array([TAG.SEQUENCE, ...lengthBytes(setNode.der.length), ...setNode.der]);
  return X500Name.fromDer(der).toString();
}

export const ExtParsers = {
  basicConstraints(v: Uint8Array): BasicConstraints {
    const s = Asn1.parse(v, 'BasicConstraints').expect(TAG.SEQUENCE, 'BasicConstraints');
    const k = s.children;
    if (k.length === 0 || k[0].tag !== TAG.BOOLEAN) return { ca: false, pathLen: null };
    const ca = k[0].content[0] !== 0;
    if (k.length < 2) return { ca, pathLen: null };
    return { ca, pathLen: k[1].expect(TAG.INTEGER, 'BasicConstraints pathLen').int() };
  },
  keyUsage(v: Uint8Array): boolean[] {
    return bitList(Asn1.parse(v, 'KeyUsage').expect(TAG.BIT_STRING, 'KeyUsage'));
  },
  keyUsageNames(bits: boolean[]): string[] {
    return KEY_USAGE_NAMES.filter((_, i) => bits[i]);
  },
  extendedKeyUsage(v: Uint8Array): string[] {
    return Asn1.parse(v, 'ExtendedKeyUsage').expect(TAG.SEQUENCE, 'ExtendedKeyUsage').children.map((c) => c.oid());
  },
  generalNames(v: Uint8Array): GeneralName[] {
    return parseGeneralNames(Asn1.parse(v, 'GeneralNames').expect(TAG.SEQUENCE, 'GeneralNames'));
  },
  keyIdentifier(v: Uint8Array): Uint8Array {
    return Asn1.parse(v, 'SubjectKeyIdentifier').expect(TAG.OCTET_STRING, 'SubjectKeyIdentifier').octets();
  },
  authorityKeyIdentifier(v: Uint8Array): AuthorityKeyIdentifier {
    let keyId: Uint8Array | null = null;
    let issuer: GeneralName[] | null = null;
    let serial: Uint8Array | null = null;
    for (const k of Asn1.parse(v, 'AuthorityKeyIdentifier').expect(TAG.SEQUENCE, 'AuthorityKeyIdentifier').children) {
      if (k.isContext(0) && !k.constructed) keyId = k.content;
      else if (k.isContext(1) && k.constructed) issuer = parseGeneralNames(k);
      else if (k.isContext(2) && !k.constructed) serial = intBytes(k);
      else throw corrupt('Invalid encoding of AuthorityKeyIdentifierExtension');
    }
    return { keyId, issuer, serial };
  },
  crlDistributionPoints(v: Uint8Array): DistributionPoint[] {
    return Asn1.parse(v, 'CRLDistributionPoints')
      .expect(TAG.SEQUENCE, 'CRLDistributionPoints')
      .children.map((dp) => {
        let fullName: GeneralName[] | null = null;
        let relativeName: string | null = null;
        let reasons: boolean[] | null = null;
        let crlIssuer: GeneralName[] | null = null;
        for (const k of dp.expect(TAG.SEQUENCE, 'DistributionPoint').children) {
          if (k.isContext(0)) {
            const n = k.child(0, 'DistributionPointName');
            if (n.isContext(0)) fullName = parseGeneralNames(n);
            else if (n.isContext(1)) {
              // [1] IMPLICIT RelativeDistinguishedName: re-tag as a SET.
              const set = new Uint8Array([TAG.SET, ...lengthBytes(n.content.length), ...n.content]);
              relativeName = parseRdnString(Asn1.parse(set));
            } else throw corrupt('Invalid DistributionPointName');
          } else if (k.isContext(1)) reasons = bitList(k);
          else if (k.isContext(2)) crlIssuer = parseGeneralNames(k);
          else throw corrupt('Invalid DistributionPoint');
        }
        return { fullName, relativeName, reasons, crlIssuer };
      });
  },
  certificatePolicies(v: Uint8Array): PolicyInformation[] {
    return Asn1.parse(v, 'CertificatePolicies')
      .expect(TAG.SEQUENCE, 'CertificatePolicies')
      .children.map((pi) => {
        const k = pi.expect(TAG.SEQUENCE, 'PolicyInformation').children;
        const qualifiers = (k[1]?.children ?? []).map((q) => {
          const qk = q.expect(TAG.SEQUENCE, 'PolicyQualifierInfo').children;
          return { id: qk[0].oid(), qualifier: qk[1] ? qk[1].der : null };
        });
        return { policyId: k[0].oid(), qualifiers };
      });
  },
  accessDescriptions(v: Uint8Array): AccessDescription[] {
    return Asn1.parse(v, 'AuthorityInfoAccess')
      .expect(TAG.SEQUENCE, 'AuthorityInfoAccess')
      .children.map((ad) => {
        const k = ad.expect(TAG.SEQUENCE, 'AccessDescription').children;
        return { method: k[0].oid(), location: parseGeneralName(k[1]) };
      });
  },
  nameConstraints(v: Uint8Array): NameConstraints {
    let permitted: GeneralSubtree[] | null = null;
    let excluded: GeneralSubtree[] | null = null;
    const subtrees = (n: Asn1): GeneralSubtree[] =>
      n.children.map((st) => {
        const k = st.expect(TAG.SEQUENCE, 'GeneralSubtree').children;
        let minimum = 0;
        let maximum = -1;
        for (const o of k.slice(1)) {
          if (o.isContext(0)) minimum = implicitInteger(o);
          else if (o.isContext(1)) maximum = implicitInteger(o);
        }
        return { base: parseGeneralName(k[0]), minimum, maximum };
      });
    for (const k of Asn1.parse(v, 'NameConstraints').expect(TAG.SEQUENCE, 'NameConstraints').children) {
      if (k.isContext(0)) permitted = subtrees(k);
      else if (k.isContext(1)) excluded = subtrees(k);
    }
    return { permitted, excluded };
  },
} as const;

// ------------------------------------------------------------------ public keys

/** Order bit lengths of named curves (Java's EC key size is the order's bit length). */
const CURVE_ORDER_BITS: Record<string, number> = {
  '1.2.840.10045.3.1.1': 192,
  '1.3.132.0.33': 224,
  '1.2.840.10045.3.1.7': 256,
  '1.3.132.0.34': 384,
  '1.3.132.0.35': 521,
  '1.3.132.0.10': 256,
  '1.3.132.0.31': 192,
  '1.3.132.0.32': 225,
  '1.3.36.3.3.2.8.1.1.1': 160,
  '1.3.36.3.3.2.8.1.1.3': 192,
  '1.3.36.3.3.2.8.1.1.5': 224,
  '1.3.36.3.3.2.8.1.1.7': 256,
  '1.3.36.3.3.2.8.1.1.9': 320,
  '1.3.36.3.3.2.8.1.1.11': 384,
  '1.3.36.3.3.2.8.1.1.13': 512,
};

export interface PublicKeyInfo {
  /** Java's key algorithm as keytool names it: RSA, RSASSA-PSS, EC, DSA, Ed25519, Ed448, X25519, X448, ... */
  readonly algorithm: string;
  readonly oid: string;
  /** Key size in bits as KeyUtil.getKeySize, or null when unknown. */
  readonly size: number | null;
  /** Named curve (EC), e.g. secp256r1. */
  readonly curve: string | null;
  /** true for algorithms whose keys are named parameter sets (EdDSA, XDH, ML-DSA, ...). */
  readonly named: boolean;
  readonly spki: Uint8Array;
}

function bitLength(mag: Uint8Array): number {
  let i = 0;
  while (i < mag.length && mag[i] === 0) i++;
  if (i === mag.length) return 0;
  return (mag.length - i - 1) * 8 + (32 - Math.clz32(mag[i]));
}

export function parsePublicKey(spki: Asn1): PublicKeyInfo {
  const alg = spki.child(0, 'SubjectPublicKeyInfo').expect(TAG.SEQUENCE, 'AlgorithmIdentifier');
  const oid = alg.child(0).oid();
  const params = alg.children[1];
  const keyBits = spki.child(1, 'SubjectPublicKeyInfo');
  const base = { oid, spki: spki.der, curve: null, named: false } as const;
  switch (oid) {
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      let size: number | null = null;
      try {
        const rsa = Asn1.parse(keyBits.bits(), 'RSA public key');
        size = bitLength(rsa.child(0).content);
      } catch {
        size = null;
      }
      return { ...base, algorithm: oid.endsWith('.10') ? 'RSASSA-PSS' : 'RSA', size };
    }
    case '1.2.840.10045.2.1': {
      let curve: string | null = null;
      let size: number | null = null;
      if (params && params.tag === TAG.OID) {
        const c = params.oid();
        curve = knownOidName(c) ?? null;
        size = CURVE_ORDER_BITS[c] ?? null;
      }
      if (size === null) {
        // Unknown or explicit curve: estimate from the point (04 || X || Y).
        const pt = keyBits.bits();
        if (pt.length > 1) size = ((pt.length - 1) / 2) * 8;
      }
      return { ...base, algorithm: 'EC', size, curve };
    }
    case '1.2.840.10040.4.1': {
      let size: number | null = null;
      if (params && params.tag === TAG.SEQUENCE) size = bitLength(params.child(0).content);
      return { ...base, algorithm: 'DSA', size };
    }
    case '1.3.101.112':
      return { ...base, algorithm: 'Ed25519', size: 255, named: true };
    case '1.3.101.113':
      return { ...base, algorithm: 'Ed448', size: 448, named: true };
    case '1.3.101.110':
      return { ...base, algorithm: 'X25519', size: 255, named: true };
    case '1.3.101.111':
      return { ...base, algorithm: 'X448', size: 448, named: true };
    case '1.2.840.113549.1.3.1':
      return { ...base, algorithm: 'DH', size: params && params.tag === TAG.SEQUENCE ? bitLength(params.child(0).content) : null };
    default: {
      const name = knownOidName(oid);
      if (name && /^ML-(DSA|KEM)-|^SLH-DSA/.test(name)) return { ...base, algorithm: name, size: null, named: true };
      return { ...base, algorithm: name ?? oid, size: null };
    }
  }
}

/**
 * keytool's "Subject Public Key Algorithm" text without the " key" suffix (fullDisplayKeyName):
 * `2048-bit RSA`, `256-bit EC (secp256r1)`; EdDSA/XDH as `255-bit Ed25519` on JDK 17 but just
 * `Ed25519` on JDK 25.
 */
export function keyDisplayName(k: PublicKeyInfo, jdk: 17 | 25 = 17): string {
  if (k.named && jdk >= 25) return k.algorithm;
  const alg = k.curve ? `${k.algorithm} (${k.curve})` : k.algorithm;
  return k.size !== null && k.size >= 0 ? `${k.size}-bit ${alg}` : alg;
}

// ------------------------------------------------------------------ the view

const fingerprint = (der: Uint8Array, alg: 'sha1' | 'sha256'): string => colonHex(digest(alg, der));

const cache = new WeakMap<Uint8Array, CertView>();

/** A part decoded after construction fails as construction would have: a CORRUPT error naming it. */
function decodeLater<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof KtoolError) throw e;
    throw corrupt(`certificate ${what}: ${(e as Error).message}`);
  }
}

/** The [3] EXPLICIT Extensions of a TBSCertificate (absent: none). */
function decodeExtensions(explicit: Asn1 | undefined): Extension[] {
  if (!explicit) return [];
  return explicit.child(0, 'extensions').expect(TAG.SEQUENCE, 'extensions').children.map((e) => {
    const ek = e.expect(TAG.SEQUENCE, 'extension').children;
    const critical = ek.length === 3 && ek[1].tag === TAG.BOOLEAN && ek[1].content[0] !== 0;
    const value = ek[ek.length - 1].expect(TAG.OCTET_STRING, 'extnValue').octets();
    return { oid: ek[0].oid(), critical, value };
  });
}

/** A certificate's keytool-style fingerprint, reusing a parsed view's when there is one (no parse needed). */
export function certificateFingerprint(der: Uint8Array, alg: 'sha1' | 'sha256'): string {
  const v = cache.get(der);
  if (v) return alg === 'sha1' ? v.sha1 : v.sha256;
  return fingerprint(der, alg);
}

export class CertView {
  readonly version: number;
  readonly serial: bigint;
  // Names and extensions are decoded on first use: a plain listing needs neither.
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithmOid: string;
  /** As Java's getSigAlgName(): SHA256withRSA, SHA384withECDSA, Ed25519, RSASSA-PSS, ... */
  readonly signatureAlgorithm: string;
  readonly publicKeyInfo: PublicKeyInfo;
  private readonly nodes: { issuer: Asn1; subject: Asn1; extensions: Asn1 | undefined };
  private decoded: { issuer?: X500Name; subject?: X500Name; extensions?: readonly Extension[] } = {};
  private fp1?: string;
  private fp256?: string;
  private node?: X509Certificate;

  /** Prefer CertView.from(der), which caches and wraps parse errors. */
  constructor(readonly der: Uint8Array) {
    const what = 'certificate';
    const cert = Asn1.parse(der, what).expect(TAG.SEQUENCE, what);
    const tbs = cert.child(0, what).expect(TAG.SEQUENCE, 'TBSCertificate');
    const sigAlg = cert.child(1, what).expect(TAG.SEQUENCE, 'signatureAlgorithm');
    const k = tbs.children;
    let i = 0;
    let version = 1;
    if (k[0]?.isContext(0)) {
      version = k[0].child(0, 'version').int() + 1;
      i++;
    }
    const at = (n: number, name: string): Asn1 => {
      const c = k[i + n];
      if (!c) throw corrupt(`TBSCertificate: missing ${name}`);
      return c;
    };
    this.version = version;
    this.serial = at(0, 'serialNumber').expect(TAG.INTEGER, 'serialNumber').bigint();
    const validity = at(3, 'validity').expect(TAG.SEQUENCE, 'validity');
    this.notBefore = validity.child(0, 'validity').time();
    this.notAfter = validity.child(1, 'validity').time();
    this.publicKeyInfo = parsePublicKey(at(5, 'subjectPublicKeyInfo').expect(TAG.SEQUENCE, 'subjectPublicKeyInfo'));
    this.signatureAlgorithmOid = sigAlg.child(0).oid();
    this.signatureAlgorithm = signatureName(sigAlg);
    this.nodes = { issuer: at(2, 'issuer'), subject: at(4, 'subject'), extensions: k.slice(i + 6).find((c) => c.isContext(3)) };
  }

  get issuer(): X500Name {
    return (this.decoded.issuer ??= decodeLater('issuer', () => X500Name.fromAsn1(this.nodes.issuer)));
  }
  get subject(): X500Name {
    return (this.decoded.subject ??= decodeLater('subject', () => X500Name.fromAsn1(this.nodes.subject)));
  }
  get extensions(): readonly Extension[] {
    return (this.decoded.extensions ??= decodeLater('extensions', () => decodeExtensions(this.nodes.extensions)));
  }

  /** Parse (or reuse the parse of) a DER certificate. Errors are CORRUPT KtoolErrors. */
  static from(der: Uint8Array): CertView {
    let v = cache.get(der);
    if (!v) {
      try {
        v = new CertView(der);
      } catch (e) {
        if (e instanceof KtoolError) throw e;
        throw corrupt(`certificate: ${(e as Error).message}`);
      }
      cache.set(der, v);
    }
    return v;
  }

  /** Serial number as keytool prints it: BigInteger.toString(16) (lower case, no leading zeros). */
  get serialHex(): string {
    return this.serial.toString(16);
  }
  get sha1(): string {
    return (this.fp1 ??= fingerprint(this.der, 'sha1'));
  }
  get sha256(): string {
    return (this.fp256 ??= fingerprint(this.der, 'sha256'));
  }
  /** node:crypto's view (throws UNSUPPORTED if OpenSSL cannot read the certificate). */
  get x509(): X509Certificate {
    if (!this.node) {
      try {
        this.node = new X509Certificate(Buffer.from(this.der));
      } catch (e) {
        throw new KtoolError('UNSUPPORTED', `certificate not readable by node:crypto: ${(e as Error).message}`);
      }
    }
    return this.node;
  }
  get publicKey(): KeyObject {
    return this.x509.publicKey;
  }

  extension(oid: string): Extension | undefined {
    return this.extensions.find((e) => e.oid === oid);
  }
  get basicConstraints(): BasicConstraints | null {
    const e = this.extension(EXT.basicConstraints);
    return e ? ExtParsers.basicConstraints(e.value) : null;
  }
  /** Key usage names (RFC 5280 spelling), null when the extension is absent. */
  get keyUsage(): string[] | null {
    const e = this.extension(EXT.keyUsage);
    return e ? ExtParsers.keyUsageNames(ExtParsers.keyUsage(e.value)) : null;
  }
  get extendedKeyUsage(): string[] | null {
    const e = this.extension(EXT.extendedKeyUsage);
    return e ? ExtParsers.extendedKeyUsage(e.value) : null;
  }
  get subjectAltNames(): GeneralName[] {
    const e = this.extension(EXT.subjectAltName);
    return e ? ExtParsers.generalNames(e.value) : [];
  }
  get issuerAltNames(): GeneralName[] {
    const e = this.extension(EXT.issuerAltName);
    return e ? ExtParsers.generalNames(e.value) : [];
  }
  /** SAN as short strings: DNS:x, IP:1.2.3.4, EMAIL:x, URI:x. */
  get san(): string[] {
    return this.subjectAltNames.map(generalNameToShort);
  }
  get subjectKeyIdentifier(): Uint8Array | null {
    const e = this.extension(EXT.subjectKeyIdentifier);
    return e ? ExtParsers.keyIdentifier(e.value) : null;
  }
  get authorityKeyIdentifier(): AuthorityKeyIdentifier | null {
    const e = this.extension(EXT.authorityKeyIdentifier);
    return e ? ExtParsers.authorityKeyIdentifier(e.value) : null;
  }
  get isCA(): boolean {
    return this.basicConstraints?.ca ?? false;
  }
  /** Subject equals issuer and the certificate's own key verifies its signature (names only if node cannot check). */
  get isSelfSigned(): boolean {
    if (!bytesEqual(this.subject.der, this.issuer.der) && this.subject.toRfc2253().toLowerCase() !== this.issuer.toRfc2253().toLowerCase()) return false;
    try {
      return this.x509.verify(this.x509.publicKey);
    } catch {
      return true;
    }
  }
  get publicKeyAlgorithm(): string {
    return this.publicKeyInfo.algorithm;
  }
  get publicKeySize(): number | null {
    return this.publicKeyInfo.size;
  }
  get publicKeyCurve(): string | null {
    return this.publicKeyInfo.curve;
  }
  /** keytool's public key text without " key": `2048-bit RSA`, `256-bit EC (secp256r1)`, `Ed25519` (25). */
  publicKeyDisplay(jdk: 17 | 25 = 17): string {
    return keyDisplayName(this.publicKeyInfo, jdk);
  }
}

/** The certificate object of `list --json` (stable field names). */
export interface CertJson {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sha1: string;
  sha256: string;
  publicKeyAlgorithm: string;
  publicKeySize: number | null;
  san: string[];
  signatureAlgorithm: string;
  version: number;
  isCA: boolean;
}

export function certToJson(v: CertView): CertJson {
  return {
    subject: v.subject.toRfc2253(),
    issuer: v.issuer.toRfc2253(),
    serial: v.serialHex,
    notBefore: v.notBefore.toISOString(),
    notAfter: v.notAfter.toISOString(),
    sha1: v.sha1,
    sha256: v.sha256,
    publicKeyAlgorithm: v.publicKeyInfo.algorithm,
    publicKeySize: v.publicKeyInfo.size,
    san: v.san,
    signatureAlgorithm: v.signatureAlgorithm,
    version: v.version,
    isCA: v.isCA,
  };
}

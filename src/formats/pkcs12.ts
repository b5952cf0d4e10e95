/**
 * PKCS#12 (RFC 7292) keystores, read and written the way the JDK's PKCS12KeyStore does
 * (see shared/docs/formats.md section 4):
 *
 *   PFX { version 3, authSafe ContentInfo(data) { AuthenticatedSafe }, MacData? }
 *   AuthenticatedSafe = SEQUENCE OF ContentInfo (data | encryptedData) each holding SafeContents
 *   SafeContents = SEQUENCE OF SafeBag { bagId, [0] value, SET OF Attribute? }
 *
 * Reading accepts BER (indefinite lengths, constructed OCTET STRINGs) as OpenSSL and Windows write.
 * Writing produces the JDK's layout: a plain `data` ContentInfo with individually shrouded key and
 * secret bags first, then the certificates in one encryptedData (or plain data), then MacData.
 */
import { Asn1, type DeferredDer, type DerPart, TAG, bmpString, deferred, explicit, integer, nullValue, octetString, oid, seq, writeDer } from '../asn1/der';
import { OID } from '../asn1/oids';
import { warmUpRepeatedDigest } from '../crypto/hash-repeat';
import { pbeDecrypt, pbeEncrypt, readPbeSpec } from '../crypto/pbe';
import { buildMacData, readMacData, verifyMac } from '../crypto/pkcs12-mac';
import { type RandomSource, secureRandom } from '../crypto/random';
import { KtoolError, corrupt } from '../model/errors';
import type {
  DecodedStore,
  Entry,
  KeyStore,
  MacSpec,
  PbeSpec,
  Pkcs12Profile,
  PrivateKeyEntry,
  RawAttribute,
  SecretKeyEntry,
  TrustedCertEntry,
} from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import type { EncodeOptions, StoreCodec } from './codec';
import { nameToRfc2253 } from './pkcs12-dn';
import { profileByName, profileMatching } from './pkcs12-profiles';

// ------------------------------------------------------------------ sealed keys

/** EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING } (kept local: PKCS#12 needs only PBE schemes). */
function parseEpki(epki: Uint8Array): { alg: Asn1; data: Uint8Array } {
  const top = Asn1.parse(epki, 'EncryptedPrivateKeyInfo').expect(TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
  const alg = top.child(0, 'EncryptedPrivateKeyInfo').expect(TAG.SEQUENCE, 'EncryptedPrivateKeyInfo algorithm');
  const data = top.child(1, 'EncryptedPrivateKeyInfo').expect(TAG.OCTET_STRING, 'EncryptedPrivateKeyInfo data').octets();
  return { alg, data };
}

/** Open a PKCS#12-sealed key; garbage from a wrong password that passed the padding check is WRONG_PASSWORD. */
function openSealed(epki: Uint8Array, password: string): Asn1 {
  const { alg, data } = parseEpki(epki);
  const plain = pbeDecrypt(alg, data, password);
  try {
    return Asn1.parse(plain, 'PrivateKeyInfo').expect(TAG.SEQUENCE, 'PrivateKeyInfo');
  } catch {
    throw new KtoolError('WRONG_PASSWORD', 'Cannot recover key: wrong key password');
  }
}

/** Secret key algorithm names (Java) <-> the OIDs the JDK's AlgorithmId.get() gives them. */
const SECRET_KEY_OIDS: readonly [string, string][] = [
  ['AES', '2.16.840.1.101.3.4.1'],
  ['DES', '1.3.14.3.2.7'],
  ['DESede', '1.3.14.3.2.17'],
  ['RC2', '1.2.840.113549.3.2'],
  ['ARCFOUR', '1.2.840.113549.3.4'],
  ['HmacSHA1', '1.2.840.113549.2.7'],
  ['HmacSHA224', '1.2.840.113549.2.8'],
  ['HmacSHA256', '1.2.840.113549.2.9'],
  ['HmacSHA384', '1.2.840.113549.2.10'],
  ['HmacSHA512', '1.2.840.113549.2.11'],
  ['HmacSHA512/224', '1.2.840.113549.2.12'],
  ['HmacSHA512/256', '1.2.840.113549.2.13'],
  ['HmacSHA3-224', '2.16.840.1.101.3.4.2.13'],
  ['HmacSHA3-256', '2.16.840.1.101.3.4.2.14'],
  ['HmacSHA3-384', '2.16.840.1.101.3.4.2.15'],
  ['HmacSHA3-512', '2.16.840.1.101.3.4.2.16'],
  ['PBEWithMD5AndDES', '1.2.840.113549.1.5.3'],
  ['PBEWithMD5AndRC2', '1.2.840.113549.1.5.6'],
  ['PBEWithSHA1AndDES', '1.2.840.113549.1.5.10'],
  ['PBEWithSHA1AndRC2', '1.2.840.113549.1.5.11'],
  ['PBKDF2WithHmacSHA1', '1.2.840.113549.1.5.12'],
  ['PBES2', '1.2.840.113549.1.5.13'],
  ['PBEWithSHA1AndRC4_128', '1.2.840.113549.1.12.1.1'],
  ['PBEWithSHA1AndRC4_40', '1.2.840.113549.1.12.1.2'],
  ['PBEWithSHA1AndDESede', '1.2.840.113549.1.12.1.3'],
  ['PBEWithSHA1AndRC2_128', '1.2.840.113549.1.12.1.5'],
  ['PBEWithSHA1AndRC2_40', '1.2.840.113549.1.12.1.6'],
];
const SECRET_ALIASES: Record<string, string> = { RC4: 'ARCFOUR', TRIPLEDES: 'DESede', '3DES': 'DESede' };

function secretKeyOid(algorithm: string): string {
  const wanted = (SECRET_ALIASES[algorithm.toUpperCase()] ?? algorithm).toUpperCase();
  const hit = SECRET_KEY_OIDS.find(([name]) => name.toUpperCase() === wanted);
  if (hit) return hit[1];
  if (/^\d+(\.\d+)+$/.test(algorithm)) return algorithm;
  throw new KtoolError('UNSUPPORTED', `secret key algorithm ${algorithm} has no OID for PKCS12`);
}
function secretKeyName(o: string): string {
  return SECRET_KEY_OIDS.find(([, x]) => x === o)?.[0] ?? o;
}

/** Seal a PKCS#8 private key as an EncryptedPrivateKeyInfo with the PKCS#12 key protection. */
export function sealPkcs12PrivateKey(pkcs8: Uint8Array, password: string, spec: PbeSpec, random: RandomSource = secureRandom): Uint8Array {
  const { algorithmIdentifier, ciphertext } = pbeEncrypt(pkcs8, password, spec, random);
  return seq(algorithmIdentifier, octetString(ciphertext));
}

/**
 * Seal a secret key as the JDK does: a PKCS#8-shaped SEQUENCE { 0, AlgorithmIdentifier { key OID, NULL },
 * OCTET STRING key } encrypted like a private key.
 */
export function sealPkcs12SecretKey(algorithm: string, key: Uint8Array, password: string, spec: PbeSpec, random: RandomSource = secureRandom): Uint8Array {
  const inner = seq(integer(0), seq(oid(secretKeyOid(algorithm)), nullValue()), octetString(key));
  return sealPkcs12PrivateKey(inner, password, spec, random);
}

export function openPkcs12SecretKey(epki: Uint8Array, password: string): { algorithm: string; key: Uint8Array } {
  const top = openSealed(epki, password);
  const alg = top.child(1, 'secret key').expect(TAG.SEQUENCE, 'secret key algorithm').child(0, 'secret key algorithm').oid();
  const key = top.child(2, 'secret key').expect(TAG.OCTET_STRING, 'secret key value').octets();
  return { algorithm: secretKeyName(alg), key: Uint8Array.from(key) };
}

// ------------------------------------------------------------------ certificates (just what chains need)

interface ChainFields {
  subject: Uint8Array;
  issuer: Uint8Array;
  ski?: Uint8Array;
  aki?: Uint8Array;
}

/**
 * A certificate bag's certificate. Its names and key identifiers are read only when a chain is built:
 * a truststore of 140 CA certificates has no chains, and walking every certificate's extensions was
 * a third of the time spent reading its bags. That the bytes are one DER SEQUENCE is checked at once.
 */
class CertInfo {
  private fields?: ChainFields;
  constructor(readonly der: Uint8Array) {
    Asn1.parse(der, 'certificate').expect(TAG.SEQUENCE, 'certificate');
  }
  get subject(): Uint8Array {
    return this.chainFields().subject;
  }
  get issuer(): Uint8Array {
    return this.chainFields().issuer;
  }
  get ski(): Uint8Array | undefined {
    return this.chainFields().ski;
  }
  get aki(): Uint8Array | undefined {
    return this.chainFields().aki;
  }
  private chainFields(): ChainFields {
    this.fields ??= readChainFields(this.der);
    return this.fields;
  }
}

function readChainFields(der: Uint8Array): ChainFields {
  const tbs = Asn1.parse(der, 'certificate').child(0, 'certificate').expect(TAG.SEQUENCE, 'TBSCertificate');
  const f = tbs.children;
  const o = f[0]?.isContext(0) ? 1 : 0;
  if (f.length < o + 6) throw corrupt('certificate: TBSCertificate too short');
  const info: ChainFields = { issuer: f[o + 2].expect(TAG.SEQUENCE, 'issuer').der, subject: f[o + 4].expect(TAG.SEQUENCE, 'subject').der };
  for (const x of f.slice(o + 6)) {
    if (!x.isContext(3)) continue;
    for (const ext of x.child(0, 'extensions').children) {
      const id = ext.child(0, 'extension').oid();
      const value = ext.children[ext.children.length - 1].octets();
      try {
        if (id === '2.5.29.14') info.ski = Asn1.parse(value).octets();
        if (id === '2.5.29.35') {
          const kid = Asn1.parse(value).children.find((c) => c.isContext(0));
          if (kid) info.aki = kid.content;
        }
      } catch {
        /* a malformed key identifier is ignored, as the JDK does */
      }
    }
  }
  return info;
}

/** The JDK's findIssuer: a subject match whose SKI equals the AKI wins, else a subject match without SKI. */
function findIssuer(cert: CertInfo, all: CertInfo[]): CertInfo | undefined {
  let fallback: CertInfo | undefined;
  for (const c of all) {
    if (!bytesEqual(c.subject, cert.issuer)) continue;
    if (!cert.aki) return c;
    if (c.ski) {
      if (bytesEqual(c.ski, cert.aki)) return c;
    } else fallback = c;
  }
  return fallback;
}

// ------------------------------------------------------------------ decoding

interface Attrs {
  friendlyName?: string;
  localKeyId?: Uint8Array;
  trustedUsage?: string[];
  extras: RawAttribute[];
}

function readAttributes(node: Asn1 | undefined): Attrs {
  const out: Attrs = { extras: [] };
  if (!node) return out;
  // Indexed loops over the children arrays: this runs for every bag (two attributes each in a JDK
  // truststore), mostly before V8 has optimised it.
  const list = node.expect(TAG.SET, 'bag attributes').children;
  for (let i = 0; i < list.length; i++) {
    const parts = list[i].expect(TAG.SEQUENCE, 'bag attribute').children;
    if (parts.length < 2) throw corrupt(`bag attribute: missing element #${parts.length}`);
    const id = parts[0].oid();
    const values = parts[1].expect(TAG.SET, 'bag attribute values').children;
    if (values.length === 0) throw corrupt(`bag attribute ${id} has no value`);
    if (id === OID.friendlyName) out.friendlyName = values[0].expect(TAG.BMP_STRING, 'friendlyName').text();
    else if (id === OID.localKeyId) out.localKeyId = Uint8Array.from(values[0].expect(TAG.OCTET_STRING, 'localKeyId').octets());
    else if (id === OID.oracleTrustedKeyUsage) {
      const usage: string[] = [];
      for (let k = 0; k < values.length; k++) usage.push(values[k].oid());
      out.trustedUsage = usage;
    } else out.extras.push({ oid: id, values: values.map((v) => Uint8Array.from(v.der)) });
  }
  return out;
}

type Bag =
  | { kind: 'key'; key: PrivateKeyEntry['key']; attrs: Attrs }
  | { kind: 'secret'; epki: Uint8Array; attrs: Attrs }
  | { kind: 'cert'; cert: CertInfo; attrs: Attrs; index: number };

interface Collected {
  bags: Bag[];
  privateKeyCount: number;
  warnings: string[];
  keyProtection?: PbeSpec;
}

/** [0] EXPLICIT content of a ContentInfo / SafeBag: the single element inside the tag. */
function explicitContent(node: Asn1 | undefined, what: string): Asn1 {
  if (!node || !node.isContext(0) || !node.constructed) throw corrupt(`${what}: missing [0] content`);
  return node.child(0, what);
}

function readSafeContents(bytes: Uint8Array, c: Collected, depth = 0): void {
  const safe = Asn1.parse(bytes, 'SafeContents').expect(TAG.SEQUENCE, 'SafeContents');
  readSafeBags(safe, c, depth);
}

function readSafeBags(safe: Asn1, c: Collected, depth: number): void {
  safe.forEachChild((bag, index) => {
    bag.expect(TAG.SEQUENCE, 'SafeBag');
    const bagId = bag.child(0, 'SafeBag').oid();
    const value = explicitContent(bag.children[1], 'SafeBag');
    const attrs = readAttributes(bag.children[2]);
    switch (bagId) {
      case OID.pkcs8ShroudedKeyBag: {
        value.expect(TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
        const epki = Uint8Array.from(value.der);
        const { alg } = parseEpki(epki);
        c.keyProtection ??= readPbeSpec(alg);
        c.privateKeyCount++;
        c.bags.push({ kind: 'key', key: { form: 'encrypted', epki }, attrs });
        break;
      }
      case OID.keyBag:
        value.expect(TAG.SEQUENCE, 'PrivateKeyInfo');
        c.privateKeyCount++;
        c.bags.push({ kind: 'key', key: { form: 'plain', pkcs8: Uint8Array.from(value.der) }, attrs });
        break;
      case OID.certBag: {
        value.expect(TAG.SEQUENCE, 'CertBag');
        const certType = value.child(0, 'CertBag').oid();
        if (certType !== OID.x509Certificate) {
          c.warnings.push(`certificate bag of type ${certType} skipped (only X.509 certificates are supported)`);
          return;
        }
        // A view, not a copy: the certificates are most of the (decrypted) SafeContents, which they
        // then keep alive, instead of doubling the peak memory of a large truststore.
        const der = explicitContent(value.children[1], 'CertBag').expect(TAG.OCTET_STRING, 'CertBag value').octets();
        c.bags.push({ kind: 'cert', cert: new CertInfo(der), attrs, index });
        break;
      }
      case OID.secretBag: {
        value.expect(TAG.SEQUENCE, 'SecretBag');
        const typeId = value.child(0, 'SecretBag').oid();
        const inner = explicitContent(value.children[1], 'SecretBag');
        if (typeId !== OID.pkcs8ShroudedKeyBag || inner.tag !== TAG.OCTET_STRING) {
          c.warnings.push(`secret bag of type ${typeId} skipped (not a Java secret key)`);
          return;
        }
        const epki = Uint8Array.from(inner.octets());
        parseEpki(epki);
        c.bags.push({ kind: 'secret', epki, attrs });
        break;
      }
      case OID.safeContentsBag:
        if (depth >= 8) throw corrupt('SafeContents nested too deeply');
        readSafeBags(value.expect(TAG.SEQUENCE, 'nested SafeContents'), c, depth + 1);
        break;
      default:
        c.warnings.push(`bag of type ${bagId} skipped`);
    }
  });
}

const utf8Text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function dateFromKeyId(keyId: Uint8Array | undefined): Date | null {
  if (!keyId) return null;
  const m = /^Time (-?\d+)$/.exec(utf8Text(keyId));
  if (!m) return null;
  const d = new Date(Number(m[1]));
  return Number.isNaN(d.getTime()) ? null : d;
}

function decode(bytes: Uint8Array, password: string | null): DecodedStore {
  const warnings: string[] = [];
  const pfx = Asn1.parse(bytes, 'PKCS12 keystore').expect(TAG.SEQUENCE, 'PKCS12 PFX');
  const version = pfx.child(0, 'PFX').expect(TAG.INTEGER, 'PFX version').int();
  if (version !== 3) throw new KtoolError('UNSUPPORTED', `PKCS12 version ${version} is not supported (only 3)`);
  const authSafeCi = pfx.child(1, 'PFX').expect(TAG.SEQUENCE, 'PFX authSafe');
  const authType = authSafeCi.child(0, 'PFX authSafe').oid();
  if (authType !== OID.data) throw new KtoolError('UNSUPPORTED', `PKCS12 with public-key integrity (content type ${authType}) is not supported`);
  const authSafeBytes = explicitContent(authSafeCi.children[1], 'PFX authSafe').expect(TAG.OCTET_STRING, 'PFX authSafe content').octets();
  if (pfx.children.length > 3) throw corrupt('PKCS12 PFX: unexpected elements');

  let mac: MacSpec | null = null;
  const macNode = pfx.children[2];
  const macData = macNode ? readMacData(macNode) : undefined;
  const checkMac = macData !== undefined && password !== null;
  // The MAC check's 10,000 digest rounds run as WebAssembly: starting it now lets V8 optimise that
  // code in the background while the certificates are decrypted, which needs the same time.
  if (checkMac && macData.spec.kind === 'hmac') warmUpRepeatedDigest(macData.spec.digest);

  // Decrypt first, check the MAC, then read: a decryption failure is reported only if the MAC
  // passed, so a tampered file is still called tampered, as when the MAC came first.
  const contents: { bytes: Uint8Array; encrypted: boolean }[] = [];
  let decryptFailure: unknown;
  let certProtection: PbeSpec | null = null;
  const authSafe = Asn1.parse(authSafeBytes, 'AuthenticatedSafe').expect(TAG.SEQUENCE, 'AuthenticatedSafe');
  for (const ci of authSafe.children) {
    ci.expect(TAG.SEQUENCE, 'ContentInfo');
    const type = ci.child(0, 'ContentInfo').oid();
    if (type === OID.data) {
      contents.push({ bytes: explicitContent(ci.children[1], 'ContentInfo').expect(TAG.OCTET_STRING, 'data content').octets(), encrypted: false });
    } else if (type === OID.encryptedData) {
      const ed = explicitContent(ci.children[1], 'encryptedData').expect(TAG.SEQUENCE, 'EncryptedData');
      ed.child(0, 'EncryptedData').expect(TAG.INTEGER, 'EncryptedData version');
      const eci = ed.child(1, 'EncryptedData').expect(TAG.SEQUENCE, 'EncryptedContentInfo');
      const alg = eci.child(1, 'EncryptedContentInfo').expect(TAG.SEQUENCE, 'content encryption algorithm');
      const spec = readPbeSpec(alg);
      certProtection ??= spec;
      const content = eci.children[2];
      if (!content || !content.isContext(0)) throw corrupt('EncryptedContentInfo: missing encrypted content');
      if (password === null) {
        warnings.push('encrypted certificate data skipped: no store password given (certificates and trusted entries are not shown)');
        continue;
      }
      if (decryptFailure !== undefined) continue;
      try {
        contents.push({ bytes: pbeDecrypt(alg, content.octets(), password), encrypted: true });
      } catch (e) {
        decryptFailure = e instanceof KtoolError && e.code === 'WRONG_PASSWORD' ? new KtoolError('WRONG_PASSWORD', 'keystore password was incorrect') : e;
      }
    } else {
      throw new KtoolError('UNSUPPORTED', `PKCS12 content type ${type} is not supported`);
    }
  }

  let integrityChecked = false;
  if (macData) {
    mac = macData.spec;
    if (checkMac) {
      verifyMac(macData, password, authSafeBytes);
      integrityChecked = true;
    }
  }
  if (decryptFailure !== undefined) throw decryptFailure;

  const collected: Collected = { bags: [], privateKeyCount: 0, warnings };
  for (const { bytes: safeContents, encrypted } of contents) {
    try {
      readSafeContents(safeContents, collected);
    } catch (e) {
      // Without a MAC a wrong password that passes the padding check yields garbage.
      if (encrypted && !integrityChecked && e instanceof KtoolError && e.code === 'CORRUPT') throw new KtoolError('WRONG_PASSWORD', 'keystore password was incorrect');
      throw e;
    }
  }

  const entries = buildEntries(collected, warnings);
  const base = profileByName('modern');
  const profileValues = { certProtection, keyProtection: collected.keyProtection ?? base.keyProtection, mac };
  const profile: Pkcs12Profile = { name: profileMatching({ name: '', ...profileValues }) ?? 'custom', ...profileValues };
  return { store: { type: 'PKCS12', entries, protection: { kind: 'pkcs12', profile } }, info: { integrityChecked, warnings } };
}

/** Turn bags into entries the way PKCS12KeyStore.loadSafeContents and engineLoad do. */
function buildEntries(c: Collected, warnings: string[]): Entry[] {
  const byAlias = new Map<string, Entry>();
  let counter = 0;
  const unfriendly = (): string => String(++counter);
  const keys: { entry: PrivateKeyEntry; keyId: Uint8Array; name: string }[] = [];
  const chainCerts: { cert: CertInfo; keyId?: Uint8Array; name?: string }[] = [];
  const allCerts: CertInfo[] = [];
  let keysSeen = 0;
  const put = (e: Entry): void => {
    // A later bag with the same alias replaces the earlier one in place (LinkedHashMap.put).
    byAlias.set(e.alias, e);
  };
  for (const bag of c.bags) {
    const a = bag.attrs;
    if (bag.kind === 'key') {
      keysSeen++;
      let keyId = a.localKeyId;
      if (!keyId) {
        // The JDK keeps a key without localKeyId only when it is the first private key.
        if (keysSeen !== 1) {
          warnings.push('a private key bag without localKeyId was skipped');
          continue;
        }
        keyId = new Uint8Array(Buffer.from('01'));
      }
      const name = a.friendlyName ?? unfriendly();
      const entry: PrivateKeyEntry = {
        type: 'PrivateKeyEntry',
        alias: name.toLowerCase(),
        created: dateFromKeyId(keyId),
        key: bag.key,
        chain: [],
        ...(a.localKeyId ? { localKeyId: keyId } : {}),
        ...(a.friendlyName !== undefined ? { friendlyName: a.friendlyName } : {}),
        ...(a.extras.length ? { extraAttributes: a.extras } : {}),
      };
      keys.push({ entry, keyId, name });
      put(entry);
    } else if (bag.kind === 'secret') {
      const name = a.friendlyName ?? unfriendly();
      const entry: SecretKeyEntry = {
        type: 'SecretKeyEntry',
        alias: name.toLowerCase(),
        created: dateFromKeyId(a.localKeyId),
        secret: { form: 'pkcs12-encrypted', epki: bag.epki },
        ...(a.localKeyId ? { localKeyId: a.localKeyId } : {}),
        ...(a.friendlyName !== undefined ? { friendlyName: a.friendlyName } : {}),
        ...(a.extras.length ? { extraAttributes: a.extras } : {}),
      };
      put(entry);
    } else {
      let keyId = a.localKeyId;
      // JDK workaround: with exactly one private key, the first cert bag of a SafeContents pairs with it.
      if (!keyId && c.privateKeyCount === 1 && bag.index === 0) keyId = new Uint8Array(Buffer.from('01'));
      if (a.trustedUsage) {
        const name = a.friendlyName ?? unfriendly();
        const entry: TrustedCertEntry = {
          type: 'trustedCertEntry',
          alias: name.toLowerCase(),
          created: null,
          cert: bag.cert.der,
          friendlyName: name,
          trustedUsage: a.trustedUsage,
          ...(a.extras.length ? { extraAttributes: a.extras } : {}),
        };
        put(entry);
      } else chainCerts.push({ cert: bag.cert, keyId, name: a.friendlyName });
      allCerts.push(bag.cert);
    }
  }

  const used = new Set<CertInfo>();
  for (const { entry, keyId, name } of keys) {
    // Leaf: a localKeyId match (preferring one whose friendlyName is also the alias), else an alias match.
    let byKeyId: CertInfo | undefined;
    let byName: CertInfo | undefined;
    let leaf: CertInfo | undefined;
    for (const ce of chainCerts) {
      const sameName = ce.name !== undefined && ce.name.toLowerCase() === name.toLowerCase();
      if (ce.keyId && bytesEqual(ce.keyId, keyId)) {
        byKeyId = ce.cert;
        if (sameName) {
          leaf = ce.cert;
          break;
        }
      } else if (sameName) byName = ce.cert;
    }
    let cert = leaf ?? byKeyId ?? byName;
    const chain: CertInfo[] = [];
    while (cert && !chain.includes(cert)) {
      chain.push(cert);
      used.add(cert);
      if (bytesEqual(cert.subject, cert.issuer)) break;
      cert = findIssuer(cert, allCerts);
    }
    entry.chain = chain.map((x) => x.der);
    if (chain.length === 0) warnings.push(`private key ${entry.alias} has no certificate`);
  }
  // Duplicated bags (the same CA in two chains) count as used when their bytes are in some chain.
  const usedDer = new Set([...used].map((x) => Buffer.from(x.der).toString('base64')));
  const invisible = chainCerts.filter((ce) => !usedDer.has(Buffer.from(ce.cert.der).toString('base64'))).length;
  if (invisible > 0) warnings.push(`${invisible} certificate${invisible === 1 ? '' : 's'} without the Java trust attribute ${invisible === 1 ? 'is' : 'are'} invisible to Java`);
  return [...byAlias.values()];
}

// ------------------------------------------------------------------ encoding

function attribute(o: string, ...values: Uint8Array[]): DeferredDer {
  return deferred(TAG.SEQUENCE, [oid(o), deferred(TAG.SET, values)]);
}

/** A bag's attributes, laid out to be written with their bag. */
function bagAttributes(friendlyName: string | undefined, keyId: Uint8Array | undefined, trusted: string[] | undefined, extras: RawAttribute[] | undefined): DeferredDer {
  const parts: DeferredDer[] = [];
  if (friendlyName !== undefined) parts.push(attribute(OID.friendlyName, bmpString(friendlyName)));
  if (keyId) parts.push(attribute(OID.localKeyId, octetString(keyId)));
  if (trusted) parts.push(attribute(OID.oracleTrustedKeyUsage, ...trusted.map((t) => oid(t))));
  for (const x of extras ?? []) {
    if (x.oid === OID.friendlyName || x.oid === OID.localKeyId || x.oid === OID.oracleTrustedKeyUsage) continue;
    parts.push(attribute(x.oid, ...x.values));
  }
  return deferred(TAG.SET, parts);
}

/** A CertBag laid out, to be written in one piece (not copied at each layer). */
const certBag = (der: Uint8Array, attrs: DerPart): DeferredDer =>
  deferred(TAG.SEQUENCE, [oid(OID.certBag), deferred(0xa0, [deferred(TAG.SEQUENCE, [oid(OID.x509Certificate), deferred(0xa0, [deferred(TAG.OCTET_STRING, [der])])])]), attrs]);

const dataContentInfo = (content: Uint8Array): DeferredDer => deferred(TAG.SEQUENCE, [oid(OID.data), deferred(0xa0, [deferred(TAG.OCTET_STRING, [content])])]);

/** The friendlyName to write: the one read (keeps its case) while it still names this alias. */
function nameFor(e: Entry): string {
  return e.friendlyName !== undefined && e.friendlyName.toLowerCase() === e.alias ? e.friendlyName : e.alias;
}

function keyIdFor(e: PrivateKeyEntry | SecretKeyEntry): Uint8Array {
  return e.localKeyId ?? new Uint8Array(Buffer.from(`Time ${(e.created ?? new Date()).getTime()}`, 'utf8'));
}

/** An already sealed key is written as-is, but only if it is sealed with a scheme PKCS#12 readers know. */
function checkPkcs12Sealed(alias: string, epki: Uint8Array): void {
  try {
    readPbeSpec(parseEpki(epki).alg);
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'UNSUPPORTED') {
      throw new KtoolError('UNSUPPORTED', `alias ${alias}: the key is sealed with a scheme PKCS12 cannot hold (open it with its key password first)`);
    }
    throw e;
  }
}

function encode(store: KeyStore, password: string | null, options: EncodeOptions = {}): Uint8Array {
  const profile = options.profile ?? (store.protection.kind === 'pkcs12' ? store.protection.profile : profileByName('modern'));
  const random: RandomSource = options.random ?? secureRandom;
  const needPassword = (alias: string): string => {
    if (password === null) throw new KtoolError('UNSUPPORTED', `alias ${alias}: the key is not sealed and no password was given to seal it`);
    return password;
  };

  // As in decode: V8 optimises the MAC's digest rounds while the bags are sealed and encrypted.
  if (password !== null && profile.mac?.kind === 'hmac') warmUpRepeatedDigest(profile.mac.digest);

  // Each bag is written out at once, in one allocation; the SafeContents then copies them once more.
  // (Keeping the laid-out trees of 10,000 bags until the end cost ~25 MiB more and was slower.)
  const keyBags: Uint8Array[] = [];
  const certBags: Uint8Array[] = [];
  for (const e of store.entries) {
    if (e.type === 'PrivateKeyEntry') {
      let epki: Uint8Array;
      if (e.key.form === 'encrypted') {
        checkPkcs12Sealed(e.alias, e.key.epki);
        epki = e.key.epki;
      } else epki = sealPkcs12PrivateKey(e.key.pkcs8, needPassword(e.alias), profile.keyProtection, random);
      const keyId = keyIdFor(e);
      keyBags.push(writeDer(deferred(TAG.SEQUENCE, [oid(OID.pkcs8ShroudedKeyBag), deferred(0xa0, [epki]), bagAttributes(nameFor(e), keyId, undefined, e.extraAttributes)])));
      e.chain.forEach((der, i) => {
        const attrs = i === 0 ? bagAttributes(nameFor(e), keyId, undefined, e.extraAttributes) : bagAttributes(nameToRfc2253(new CertInfo(der).subject), undefined, undefined, e.extraAttributes);
        certBags.push(writeDer(certBag(der, attrs)));
      });
    } else if (e.type === 'SecretKeyEntry') {
      let epki: Uint8Array;
      if (e.secret.form === 'pkcs12-encrypted') {
        checkPkcs12Sealed(e.alias, e.secret.epki);
        epki = e.secret.epki;
      } else if (e.secret.form === 'plain') {
        epki = sealPkcs12SecretKey(e.secret.algorithm, e.secret.key, needPassword(e.alias), profile.keyProtection, random);
      } else {
        throw new KtoolError('UNSUPPORTED', `alias ${e.alias}: the secret key is sealed for JCEKS (open it with its key password first)`);
      }
      const value = seq(oid(OID.pkcs8ShroudedKeyBag), explicit(0, octetString(epki)));
      keyBags.push(writeDer(deferred(TAG.SEQUENCE, [oid(OID.secretBag), deferred(0xa0, [value]), bagAttributes(nameFor(e), keyIdFor(e), undefined, e.extraAttributes)])));
    } else {
      const usage = e.trustedUsage && e.trustedUsage.length > 0 ? e.trustedUsage : [OID.anyExtendedKeyUsage];
      certBags.push(writeDer(certBag(e.cert, bagAttributes(nameFor(e), undefined, usage, e.extraAttributes))));
    }
  }

  // The outer layers are deferred (written out once): with 10,000 certificates each would otherwise
  // copy the whole store again.
  const contentInfos: DerPart[] = [];
  if (keyBags.length > 0) contentInfos.push(dataContentInfo(writeDer(deferred(TAG.SEQUENCE, keyBags))));
  if (certBags.length > 0) {
    const safe = writeDer(deferred(TAG.SEQUENCE, certBags));
    if (password !== null && profile.certProtection) {
      const { algorithmIdentifier, ciphertext } = pbeEncrypt(safe, password, profile.certProtection, random);
      const encryptedData = deferred(TAG.SEQUENCE, [integer(0), deferred(TAG.SEQUENCE, [oid(OID.data), algorithmIdentifier, deferred(0x80, [ciphertext])])]);
      contentInfos.push(deferred(TAG.SEQUENCE, [oid(OID.encryptedData), deferred(0xa0, [encryptedData])]));
    } else contentInfos.push(dataContentInfo(safe));
  }
  const authSafe = writeDer(deferred(TAG.SEQUENCE, contentInfos));
  const parts: DerPart[] = [integer(3), dataContentInfo(authSafe)];
  // Like JDK 25, a null password writes a password-less file (no MAC, certificates in plain data).
  if (password !== null && profile.mac) parts.push(buildMacData(profile.mac, password, authSafe, random));
  return writeDer(deferred(TAG.SEQUENCE, parts));
}

export const pkcs12Codec: StoreCodec = { decode, encode };

/**
 * PEM and DER files: certificates (single, bundles, PKCS#7), private keys in every form OpenSSL
 * writes (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, traditional DSA, traditional Proc-Type
 * encryption), and the writers. Private keys come out as the JDK's PKCS#8 shape, so a key imported
 * from PEM is stored byte for byte as keytool would store it.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { CertView } from '../x509/certificate';
import { Asn1, TAG, algId, integer, octetString, oid, seq } from '../asn1/der';
import { OID } from '../asn1/oids';
import type { KeyProtection } from '../crypto/epki';
import { KtoolError, corrupt } from '../model/errors';
import type { PbeSpec } from '../model/keystore';
import { concatBytes, utf8 } from '../util/bytes';
import { curveByOid, describeKeyObject, privateKeyObject } from '../x509/keyinfo';
import { detectStoreType } from './detect';

// ---------------------------------------------------------------- PEM blocks

export interface PemHeader {
  readonly name: string;
  readonly value: string;
}

export interface PemBlock {
  readonly label: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info), in order. */
  readonly headers: readonly PemHeader[];
  readonly der: Uint8Array;
  /** 1-based line numbers of the BEGIN and END lines. */
  readonly beginLine: number;
  readonly endLine: number;
}

export function pemHeader(block: PemBlock, name: string): string | undefined {
  return block.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

const BEGIN_RE = /^-----BEGIN (.*?)-----$/;
const END_RE = /^-----END (.*?)-----$/;
const HEADER_RE = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/;

/**
 * Every BEGIN/END block of a PEM text. Text outside blocks is ignored (openssl x509 -text output,
 * comments in CA bundles); inside a block only headers and base64 are allowed.
 */
export function parsePemBlocks(text: string): PemBlock[] {
  return plainBlocks(text.replace(/^\uFEFF/, '')) ?? parsePemLines(text);
}

/**
 * A block as CA bundles and tools write it: BEGIN and END lines without surrounding blanks, base64
 * lines in between, LF or CRLF line ends (the labels must match: \1).
 */
const PLAIN_BLOCK = /-----BEGIN ([^\r\n]*?)-----\r?\n([A-Za-z0-9+/=\r\n]*)-----END \1-----(?=\r?\n|$)/g;

/**
 * The blocks of a text in which every block is plain and nothing else looks like a BEGIN or END line,
 * found with one regular expression instead of line by line (a 144-certificate bundle in a fresh
 * process: ~3 ms instead of ~6; a 50 MB bundle 0.50 s instead of 0.65). Anything else, every error included, is
 * undefined: parsePemLines then reads the text, with its line-exact messages. So where this returns,
 * it returns what parsePemLines would.
 */
function plainBlocks(text: string): PemBlock[] | undefined {
  if (/\r(?!\n)/.test(text)) return undefined; // a lone CR ends a line for parsePemLines
  const blocks: PemBlock[] = [];
  let line = 1;
  let done = 0;
  /** Newlines in text[from, to), so line numbers advance without splitting the text. */
  const newlines = (from: number, to: number): number => {
    let n = 0;
    for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  PLAIN_BLOCK.lastIndex = 0;
  for (let m = PLAIN_BLOCK.exec(text); m; m = PLAIN_BLOCK.exec(text)) {
    const [whole, label, body] = m;
    const outside = text.slice(done, m.index);
    // Dashes outside blocks may be a BEGIN or END line that parsePemLines must judge; the BEGIN line
    // must start a line, and the END line too (the body ends with a line end), and a block needs a body.
    if (outside.includes('-----') || (m.index > 0 && text.charCodeAt(m.index - 1) !== 0x0a) || !body.endsWith('\n')) return undefined;
    line += newlines(done, m.index);
    const beginLine = line;
    line += 1 + newlines(m.index + whole.indexOf('\n') + 1, m.index + whole.length);
    blocks.push({ label, headers: [], der: decodeBase64Body(body.replace(/[\r\n]/g, ''), label, beginLine), beginLine, endLine: line });
    done = m.index + whole.length;
  }
  return text.includes('-----', done) ? undefined : blocks;
}

/** The PEM reader for every text: line by line, each error naming its line. */
export function parsePemLines(text: string): PemBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let cur: { label: string; begin: number; headers: { name: string; value: string }[]; body: string[]; inHeaders: boolean } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i].trim();
    // Only a line starting with '-' can be a BEGIN or END line (most are base64).
    const dashed = line.charCodeAt(0) === 0x2d;
    const begin = dashed ? BEGIN_RE.exec(line) : null;
    const end = dashed ? END_RE.exec(line) : null;
    if (!cur) {
      if (begin) cur = { label: begin[1], begin: n, headers: [], body: [], inHeaders: true };
      else if (end) throw corrupt(`PEM line ${n}: END ${end[1]} without a BEGIN line`);
      continue;
    }
    if (begin) throw corrupt(`PEM line ${n}: BEGIN ${begin[1]} inside the ${cur.label} block of line ${cur.begin} (missing END line)`);
    if (end) {
      if (end[1] !== cur.label) throw corrupt(`PEM line ${n}: END ${end[1]} does not match BEGIN ${cur.label} of line ${cur.begin}`);
      blocks.push({ label: cur.label, headers: cur.headers, der: decodeBase64Body(cur.body.join(''), cur.label, cur.begin), beginLine: cur.begin, endLine: n });
      cur = undefined;
      continue;
    }
    if (cur.inHeaders) {
      const h = HEADER_RE.exec(line);
      if (h && cur.body.length === 0) {
        cur.headers.push({ name: h[1], value: h[2].trim() });
        continue;
      }
      // RFC 1421 continuation of a long header value.
      if (cur.headers.length > 0 && /^[ \t]/.test(lines[i]) && line !== '') {
        cur.headers[cur.headers.length - 1].value += line;
        continue;
      }
      if (line === '') {
        if (cur.headers.length > 0) cur.inHeaders = false;
        continue;
      }
      cur.inHeaders = false;
    }
    if (line === '') continue;
    const b64 = line.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=]+$/.test(b64)) throw corrupt(`PEM line ${n}: not base64 in the ${cur.label} block of line ${cur.begin}`);
    cur.body.push(b64);
  }
  if (cur) throw corrupt(`PEM line ${cur.begin}: BEGIN ${cur.label} has no END line`);
  return blocks;
}

function decodeBase64Body(b64: string, label: string, line: number): Uint8Array {
  const where = `PEM ${label} block at line ${line}`;
  if (b64.length === 0) throw corrupt(`${where} is empty`);
  // '=' only as padding at the very end; a length of 4k+1 cannot be base64. (Every line was checked
  // for base64 characters already: only the place of '=' is left to check.)
  const pad = b64.indexOf('=');
  const padding = pad < 0 ? 0 : b64.length - pad;
  if ((pad >= 0 && (padding > 2 || b64.slice(pad) !== '=='.slice(0, padding))) || b64.length % 4 === 1 || (pad >= 0 && b64.length % 4 !== 0)) {
    throw corrupt(`${where}: bad base64`);
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** Latin-1 keeps every byte, so binary garbage never breaks the line scan. */
const asText = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

/** PEM rather than DER: not a DER SEQUENCE, and a BEGIN or END line somewhere. */
export function looksLikePem(bytes: Uint8Array): boolean {
  if (bytes.length > 0 && bytes[0] === TAG.SEQUENCE) {
    try {
      // Only when the whole input is DER: a text file may start with '0' (0x30) too.
      Asn1.parseAll(bytes, 'DER');
      return false;
    } catch {
      // fall through: maybe text
    }
  }
  // An END line alone still means PEM (so the error can name it).
  return /-----(BEGIN|END) /.test(asText(bytes));
}

// ---------------------------------------------------------------- certificates

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'X.509 CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

/**
 * Certificate DER checked by parsing it (a copy, so it does not pin a large input buffer). CertView,
 * not node:crypto: OpenSSL 3 decodes every public key through its provider layer, ~0.15 ms a
 * certificate, most of a 144-certificate truststore run; the view is cached for later users (truststore,
 * aliases), which need no more than it has.
 */
function checkedCertificate(der: Uint8Array, where: string): Uint8Array {
  try {
    Asn1.parse(der, where).expect(TAG.SEQUENCE, where);
    const copy = der.slice();
    CertView.from(copy);
    return copy;
  } catch {
    throw corrupt(`${where}: not a valid X.509 certificate`);
  }
}

/** The certificate of an OpenSSL TRUSTED CERTIFICATE (certificate followed by X509_CERT_AUX trust data). */
function trustedCertificate(der: Uint8Array, where: string): Uint8Array {
  let cert: Uint8Array;
  try {
    cert = Asn1.parse(der, where, true).der;
  } catch {
    throw corrupt(`${where}: not a valid X.509 certificate`);
  }
  return checkedCertificate(cert, where);
}

function isPkcs7(node: Asn1): boolean {
  try {
    return node.tag === TAG.SEQUENCE && node.children.length >= 1 && node.child(0).tag === TAG.OID && node.child(0).oid() === OID.signedData;
  } catch {
    return false;
  }
}

/** Certificates of a PKCS#7 / CMS SignedData (the certificates [0] SET), DER or BER. */
export function readPkcs7Certificates(der: Uint8Array, where = 'PKCS#7'): Uint8Array[] {
  const ci = Asn1.parse(der, where).expect(TAG.SEQUENCE, where);
  const type = ci.child(0, where).oid();
  if (type !== OID.signedData) throw new KtoolError('UNSUPPORTED', `${where}: content type ${type} is not signedData`);
  const wrapper = ci.child(1, `${where} content`);
  if (!wrapper.isContext(0)) throw corrupt(`${where}: missing [0] content`);
  const sd = wrapper.child(0, `${where} SignedData`).expect(TAG.SEQUENCE, `${where} SignedData`);
  const set = sd.children.find((c) => c.isContext(0) && c.constructed);
  if (!set) return [];
  // Other CertificateChoices (attribute certificates, [0]/[1]/[2]/[3]) are not X.509 certificates.
  return set.children.filter((c) => c.tag === TAG.SEQUENCE).map((c, i) => checkedCertificate(c.der, `${where} certificate #${i + 1}`));
}

/**
 * Certificates (DER) from a file: PEM bundles (CERTIFICATE, X509 CERTIFICATE, TRUSTED CERTIFICATE,
 * PKCS7; other blocks such as keys are skipped), one DER certificate, concatenated DER
 * certificates, or DER/BER PKCS#7.
 */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0) throw corrupt('no certificate: the input is empty');
  if (looksLikePem(bytes)) {
    const blocks = parsePemBlocks(asText(bytes));
    const certs: Uint8Array[] = [];
    for (const b of blocks) {
      const where = `PEM ${b.label} block at line ${b.beginLine}`;
      if (CERT_LABELS.has(b.label)) certs.push(checkedCertificate(b.der, where));
      else if (b.label === 'TRUSTED CERTIFICATE') certs.push(trustedCertificate(b.der, where));
      else if (PKCS7_LABELS.has(b.label)) certs.push(...readPkcs7Certificates(b.der, where));
    }
    if (certs.length === 0) {
      const labels = [...new Set(blocks.map((b) => b.label))];
      throw corrupt(`no certificate in the PEM data${labels.length ? ` (it holds ${labels.join(', ')})` : ''}`);
    }
    return certs;
  }
  let items: Asn1[];
  try {
    items = Asn1.parseAll(bytes, 'DER certificate data');
  } catch {
    throw corrupt('not a certificate: neither PEM nor DER');
  }
  if (items.length === 1 && isPkcs7(items[0])) {
    const certs = readPkcs7Certificates(bytes);
    if (certs.length === 0) throw corrupt('PKCS#7 holds no certificates');
    return certs;
  }
  return items.map((n, i) => checkedCertificate(n.der, items.length === 1 ? 'DER certificate' : `DER certificate #${i + 1}`));
}

/** Exactly one certificate, PEM or DER, as DER. */
export function certificateToDer(bytes: Uint8Array): Uint8Array {
  const certs = readCertificates(bytes);
  if (certs.length !== 1) throw new KtoolError('USAGE', `expected one certificate, found ${certs.length}`);
  return certs[0];
}

/** The DER of the one PEM block labelled one of `labels` (a CSR, a CRL), or the input itself when it is DER. */
export function readPemOrDerObject(bytes: Uint8Array, labels: readonly string[], what: string): Uint8Array {
  if (bytes.length === 0) throw corrupt(`no ${what}: the input is empty`);
  if (!looksLikePem(bytes)) {
    Asn1.parse(bytes, what).expect(TAG.SEQUENCE, what);
    return bytes;
  }
  const blocks = parsePemBlocks(asText(bytes)).filter((b) => labels.includes(b.label));
  if (blocks.length !== 1) throw corrupt(blocks.length === 0 ? `no ${what} in the PEM data (expected BEGIN ${labels[0]})` : `the PEM data holds ${blocks.length} ${labels[0]} blocks: give one`);
  return blocks[0].der;
}

// ---------------------------------------------------------------- private keys

export type PrivateKeyForm = 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'sec1' | 'dsa';

export interface ReadPrivateKeyResult {
  /** PKCS#8 PrivateKeyInfo in the JDK's shape (see normalizePkcs8ForJdk). */
  pkcs8: Uint8Array;
  /** Java algorithm name: RSA, EC, DSA, Ed25519, Ed448, ... */
  algorithm: string;
  /** The form the key was found in. */
  form: PrivateKeyForm;
  /** Whether it was encrypted (PKCS#8 or traditional Proc-Type encryption). */
  encrypted: boolean;
}

const KEY_LABELS: Record<string, PrivateKeyForm> = {
  'PRIVATE KEY': 'pkcs8',
  'ENCRYPTED PRIVATE KEY': 'encrypted-pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'DSA PRIVATE KEY': 'dsa',
};

/** Which private key structure a DER element is, by shape; undefined if none. */
export function classifyPrivateKeyDer(node: Asn1): PrivateKeyForm | undefined {
  try {
    if (node.tag !== TAG.SEQUENCE) return undefined;
    const k = node.children;
    if (k.length === 2 && k[0].tag === TAG.SEQUENCE && k[0].child(0).tag === TAG.OID && k[1].tag === TAG.OCTET_STRING) return 'encrypted-pkcs8';
    if (k.length < 2 || k[0].tag !== TAG.INTEGER) return undefined;
    const version = k[0].int();
    if (k.length >= 3 && k[1].tag === TAG.SEQUENCE && k[1].child(0).tag === TAG.OID && k[2].tag === TAG.OCTET_STRING) return 'pkcs8';
    if (version === 1 && k[1].tag === TAG.OCTET_STRING) return 'sec1';
    if (k.length === 6 && k.every((c) => c.tag === TAG.INTEGER)) return 'dsa';
    if (k.length >= 9 && k.slice(0, 9).every((c) => c.tag === TAG.INTEGER)) return 'pkcs1';
  } catch {
    return undefined;
  }
  return undefined;
}

const needPassphrase = (): KtoolError => new KtoolError('USAGE', 'key is encrypted: give its passphrase');
const wrongPassphrase = (): KtoolError => new KtoolError('WRONG_PASSWORD', 'cannot decrypt the private key: wrong passphrase');

/**
 * One private key from PEM or DER, in any form OpenSSL writes, as the JDK's PKCS#8.
 * Encrypted keys need `passphrase` (USAGE error without it, WRONG_PASSWORD when it is wrong).
 */
export function readPrivateKey(bytes: Uint8Array, passphrase?: string): ReadPrivateKeyResult {
  if (bytes.length === 0) throw corrupt('no private key: the input is empty');
  if (looksLikePem(bytes)) {
    const blocks = parsePemBlocks(asText(bytes));
    const keys = blocks.filter((b) => b.label in KEY_LABELS);
    if (keys.length === 0) {
      const labels = [...new Set(blocks.map((b) => b.label))];
      throw corrupt(`no private key in the PEM data${labels.length ? ` (it holds ${labels.join(', ')})` : ''}`);
    }
    if (keys.length > 1) throw new KtoolError('USAGE', `the PEM data holds ${keys.length} private keys (lines ${keys.map((k) => k.beginLine).join(', ')}): give one`);
    const block = keys[0];
    const form = KEY_LABELS[block.label];
    const where = `PEM ${block.label} block at line ${block.beginLine}`;
    let der = block.der;
    let encrypted = form === 'encrypted-pkcs8';
    const proc = pemHeader(block, 'Proc-Type');
    if (proc !== undefined) {
      if (!/^4,\s*ENCRYPTED$/i.test(proc)) throw new KtoolError('UNSUPPORTED', `${where}: Proc-Type ${proc}`);
      if (form !== 'pkcs1' && form !== 'sec1' && form !== 'dsa') throw corrupt(`${where}: Proc-Type encryption on a ${block.label}`);
      if (passphrase === undefined) throw needPassphrase();
      der = decryptTraditional(der, pemHeader(block, 'DEK-Info'), passphrase, where);
      encrypted = true;
    }
    // The curve of a parameter-less SEC1 key may come from an EC PARAMETERS block beside it.
    const params = blocks.find((b) => b.label === 'EC PARAMETERS');
    return { ...keyFromDer(der, form, passphrase, where, encrypted && form !== 'encrypted-pkcs8', params?.der), form, encrypted };
  }
  let node: Asn1;
  try {
    node = Asn1.parse(bytes, 'DER private key');
  } catch {
    throw corrupt('not a private key: neither PEM nor DER');
  }
  const form = classifyPrivateKeyDer(node);
  if (!form) throw corrupt('DER data is not a private key (PKCS#8, PKCS#1, SEC1 or DSA)');
  return { ...keyFromDer(bytes, form, passphrase, 'DER private key', false), form, encrypted: form === 'encrypted-pkcs8' };
}

function keyFromDer(
  der: Uint8Array,
  form: PrivateKeyForm,
  passphrase: string | undefined,
  where: string,
  /** Decrypted from traditional encryption: structure errors then mean a wrong passphrase. */
  decrypted: boolean,
  ecParams?: Uint8Array,
): { pkcs8: Uint8Array; algorithm: string } {
  let afterDecrypt = decrypted;
  if (form === 'encrypted-pkcs8') {
    if (passphrase === undefined) throw needPassphrase();
    const epki = require('../crypto/epki') as typeof import('../crypto/epki');
    try {
      der = epki.decryptPrivateKeyInfo(der, passphrase);
    } catch (e) {
      if (e instanceof KtoolError) throw e.code === 'WRONG_PASSWORD' ? wrongPassphrase() : located(e, where);
      throw corrupt(`${where}: cannot decrypt the key`);
    }
    form = 'pkcs8';
    afterDecrypt = true;
  }
  try {
    let pkcs8: Uint8Array;
    switch (form) {
      case 'pkcs1':
        pkcs8 = seq(integer(0), algId(OID.rsaEncryption, null), octetString(der));
        break;
      case 'sec1':
        pkcs8 = sec1ToPkcs8(der, where, ecParams);
        break;
      case 'dsa':
        pkcs8 = dsaToPkcs8(der, where);
        break;
      default:
        pkcs8 = der;
    }
    const normalized = normalizePkcs8ForJdk(pkcs8);
    return { pkcs8: normalized, algorithm: describeKeyObject(privateKeyObject(normalized)).algorithm };
  } catch (e) {
    // A wrong passphrase that happened to give valid padding leaves garbage, not a key.
    if (afterDecrypt && (!(e instanceof KtoolError) || e.code === 'CORRUPT')) throw wrongPassphrase();
    if (e instanceof KtoolError) throw located(e, where);
    throw corrupt(`${where}: not a valid private key`);
  }
}

/** Say where a CORRUPT/UNSUPPORTED error happened, once. */
function located(e: KtoolError, where: string): KtoolError {
  if (e.code !== 'CORRUPT' && e.code !== 'UNSUPPORTED') return e;
  return e.message.startsWith(where) ? e : new KtoolError(e.code, `${where}: ${e.message}`);
}

/** SEC1 ECPrivateKey -> PKCS#8, the curve from its parameters, a PEM EC PARAMETERS block, or its size. */
function sec1ToPkcs8(der: Uint8Array, where: string, ecParams?: Uint8Array): Uint8Array {
  const ec = Asn1.parse(der, where).expect(TAG.SEQUENCE, where);
  const d = ec.child(1, 'ECPrivateKey').expect(TAG.OCTET_STRING, 'ECPrivateKey privateKey').content;
  const paramsNode = ec.children.find((c) => c.isContext(0));
  let curveOid: string | undefined;
  const fromParams = (p: Asn1): string => {
    if (p.tag !== TAG.OID) throw new KtoolError('UNSUPPORTED', `${where}: explicit EC curve parameters (only named curves)`);
    return p.oid();
  };
  if (paramsNode) curveOid = fromParams(paramsNode.child(0, 'ECPrivateKey parameters'));
  else if (ecParams) curveOid = fromParams(Asn1.parse(ecParams, 'EC PARAMETERS'));
  else {
    // No parameters anywhere: the private scalar's length names the NIST curve.
    const byLen: Record<number, string> = { 32: OID.secp256r1, 48: OID.secp384r1, 65: OID.secp521r1, 66: OID.secp521r1 };
    curveOid = byLen[d.length];
    if (!curveOid) throw new KtoolError('UNSUPPORTED', `${where}: EC key without curve parameters (${d.length}-byte scalar)`);
  }
  return seq(integer(0), algId(OID.ecPublicKey, oid(curveOid)), octetString(der));
}

/** OpenSSL's traditional DSA key SEQUENCE { 0, p, q, g, y, x } -> PKCS#8. */
function dsaToPkcs8(der: Uint8Array, where: string): Uint8Array {
  const k = Asn1.parse(der, where).expect(TAG.SEQUENCE, where).children;
  if (k.length !== 6) throw corrupt(`${where}: not a DSA private key`);
  const [, p, q, g, , x] = k;
  return seq(integer(0), seq(oid(OID.dsa), seq(p.der, q.der, g.der)), octetString(x.der));
}

/**
 * The JDK's PKCS#8 form of a private key: node:crypto re-encodes it (dropping PKCS#8 attributes and
 * v2 public keys), then EC keys lose the ECPrivateKey parameters and publicKey fields, as the JDK's
 * ECPrivateKeyImpl writes them (the curve stays in the AlgorithmIdentifier).
 */
export function normalizePkcs8ForJdk(pkcs8: Uint8Array): Uint8Array {
  const key = privateKeyObject(pkcs8);
  const out = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  if (key.asymmetricKeyType !== 'ec') return out;
  const top = Asn1.parse(out, 'PKCS#8');
  const curveNode = top.child(1).child(1, 'EC parameters');
  if (curveNode.tag !== TAG.OID) throw new KtoolError('UNSUPPORTED', 'EC key with explicit curve parameters (only named curves)');
  const curveOid = curveNode.oid();
  const ecKey = Asn1.parse(top.child(2).content, 'ECPrivateKey');
  let d = ecKey.child(1).content;
  // Java writes the scalar at the length of the group order, left-padded with zeros.
  const len = curveByOid(curveOid)?.orderBytes;
  if (len !== undefined && d.length < len) d = concatBytes([new Uint8Array(len - d.length), d]);
  return seq(integer(0), algId(OID.ecPublicKey, oid(curveOid)), octetString(seq(integer(1), octetString(d))));
}

// ---------------------------------------------------------------- traditional (Proc-Type) encryption

const DEK_CIPHERS: Record<string, { cipher: string; keyLength: number; ivLength: number; expand?: (k: Uint8Array) => Uint8Array }> = {
  'AES-128-CBC': { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  'AES-192-CBC': { cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  'AES-256-CBC': { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  'DES-EDE3-CBC': { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  // Single and two-key DES via 3DES (K1=K2=K3, K3=K1): OpenSSL 3 keeps plain DES in its legacy provider.
  'DES-EDE-CBC': { cipher: 'des-ede3-cbc', keyLength: 16, ivLength: 8, expand: (k) => concatBytes([k, k.subarray(0, 8)]) },
  'DES-CBC': { cipher: 'des-ede3-cbc', keyLength: 8, ivLength: 8, expand: (k) => concatBytes([k, k, k]) },
};

/** OpenSSL EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || pass || salt). */
export function evpBytesToKeyMd5(pass: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out: Uint8Array[] = [];
  let total = 0;
  let prev: Uint8Array = new Uint8Array(0);
  while (total < length) {
    prev = new Uint8Array(createHash('md5').update(prev).update(pass).update(salt).digest());
    out.push(prev);
    total += prev.length;
  }
  return concatBytes(out).subarray(0, length);
}

function decryptTraditional(der: Uint8Array, dekInfo: string | undefined, passphrase: string, where: string): Uint8Array {
  if (!dekInfo) throw corrupt(`${where}: Proc-Type ENCRYPTED without a DEK-Info header`);
  const m = /^([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]+)$/.exec(dekInfo.trim());
  if (!m) throw corrupt(`${where}: bad DEK-Info header`);
  const name = m[1].toUpperCase();
  const spec = DEK_CIPHERS[name];
  if (!spec) throw new KtoolError('UNSUPPORTED', `${where}: PEM encryption ${name}`);
  const iv = new Uint8Array(Buffer.from(m[2], 'hex'));
  if (iv.length !== spec.ivLength || m[2].length !== 2 * spec.ivLength) throw corrupt(`${where}: DEK-Info IV must be ${spec.ivLength} bytes`);
  let key = evpBytesToKeyMd5(utf8(passphrase), iv.subarray(0, 8), spec.keyLength);
  if (spec.expand) key = spec.expand(key);
  let plain: Uint8Array;
  try {
    const d = createDecipheriv(spec.cipher, key, iv);
    plain = new Uint8Array(Buffer.concat([d.update(der), d.final()]));
  } catch {
    // Bad padding: almost always the passphrase. A ciphertext of the wrong length is corrupt.
    if (der.length % 8 !== 0) throw corrupt(`${where}: encrypted key length is not a multiple of the cipher block`);
    throw wrongPassphrase();
  }
  try {
    Asn1.parse(plain, 'decrypted key').expect(TAG.SEQUENCE, 'decrypted key');
  } catch {
    throw wrongPassphrase();
  }
  return plain;
}

// ---------------------------------------------------------------- writers

/** PEM text of one block: 64-column base64, LF line ends, trailing newline. */
export function toPem(label: string, der: Uint8Array, headers: readonly PemHeader[] = []): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.length).toString('base64');
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (const h of headers) lines.push(`${h.name}: ${h.value}`);
  if (headers.length) lines.push('');
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`);
  return lines.join('\n') + '\n';
}

export function certificatesToPem(ders: readonly Uint8Array[]): string {
  return ders.map((d) => toPem('CERTIFICATE', d)).join('');
}

export function privateKeyToPem(pkcs8: Uint8Array): string {
  return toPem('PRIVATE KEY', pkcs8);
}

/** What `openssl pkcs8 -topk8` (OpenSSL 3) writes by default: PBES2, PBKDF2-HMAC-SHA256 x2048, 8-byte salt, AES-256-CBC. */
export const DEFAULT_PEM_KEY_PBE: PbeSpec = { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 2048, saltLength: 8 };

/** EncryptedPrivateKeyInfo DER of a PKCS#8 key. */
export function encryptPkcs8Der(pkcs8: Uint8Array, passphrase: string, spec: PbeSpec = DEFAULT_PEM_KEY_PBE): Uint8Array {
  const epki = require('../crypto/epki') as typeof import('../crypto/epki');
  const protection: KeyProtection = { kind: 'pbe', spec };
  return epki.encryptPrivateKeyInfo(pkcs8, passphrase, protection);
}

export function encryptedPrivateKeyToPem(pkcs8: Uint8Array, passphrase: string, spec: PbeSpec = DEFAULT_PEM_KEY_PBE): string {
  return toPem('ENCRYPTED PRIVATE KEY', encryptPkcs8Der(pkcs8, passphrase, spec));
}

// ---------------------------------------------------------------- sniffing

export type SniffKind =
  | 'certificate'
  | 'pkcs7'
  | 'private-key'
  | 'public-key'
  | 'csr'
  | 'crl'
  | 'pkcs12'
  | 'jks'
  | 'jceks'
  | 'mixed'
  | 'unknown';

export interface SniffPart {
  kind: SniffKind;
  /** PEM label, when PEM. */
  label?: string;
  keyForm?: PrivateKeyForm;
  encrypted?: boolean;
}

export interface SniffResult {
  /** What the file holds; 'mixed' when a PEM file holds several kinds (see parts). */
  kind: SniffKind;
  encoding: 'PEM' | 'DER' | 'binary';
  /** One part per PEM block (or per concatenated DER element). */
  parts: SniffPart[];
  keyForm?: PrivateKeyForm;
  encrypted?: boolean;
}

const PEM_KINDS: Record<string, SniffKind> = {
  CERTIFICATE: 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'X.509 CERTIFICATE': 'certificate',
  'TRUSTED CERTIFICATE': 'certificate',
  PKCS7: 'pkcs7',
  'PKCS #7 SIGNED DATA': 'pkcs7',
  CMS: 'pkcs7',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'X509 CRL': 'crl',
  'PUBLIC KEY': 'public-key',
  'RSA PUBLIC KEY': 'public-key',
};

const isTime = (n: Asn1 | undefined): boolean => n !== undefined && (n.tag === TAG.UTC_TIME || n.tag === TAG.GENERALIZED_TIME);

/** Which kind of DER object this is, by its shape (certificates confirmed by parsing, as checkedCertificate does). */
function sniffDerNode(node: Asn1): SniffPart {
  const keyForm = classifyPrivateKeyDer(node);
  if (keyForm) return { kind: 'private-key', keyForm, encrypted: keyForm === 'encrypted-pkcs8' };
  try {
    if (isPkcs7(node)) return { kind: 'pkcs7' };
    const k = node.children;
    if (k.length === 2 && k[0].tag === TAG.SEQUENCE && k[0].child(0).tag === TAG.OID && k[1].tag === TAG.BIT_STRING) return { kind: 'public-key' };
    if (k.length === 3 && k[0].tag === TAG.SEQUENCE && k[1].tag === TAG.SEQUENCE && k[2].tag === TAG.BIT_STRING) {
      const tbs = k[0].children;
      try {
        CertView.from(node.der);
        return { kind: 'certificate' };
      } catch {
        // not a certificate: CSR or CRL
      }
      // CertificationRequestInfo { version 0, subject, SubjectPublicKeyInfo, [0] attributes }
      if (tbs[0]?.tag === TAG.INTEGER && tbs[1]?.tag === TAG.SEQUENCE && tbs[2]?.tag === TAG.SEQUENCE && tbs[3]?.isContext(0)) return { kind: 'csr' };
      // TBSCertList { version?, signature, issuer, thisUpdate, ... }
      const off = tbs[0]?.tag === TAG.INTEGER ? 1 : 0;
      if (tbs[off]?.tag === TAG.SEQUENCE && tbs[off + 1]?.tag === TAG.SEQUENCE && isTime(tbs[off + 2])) return { kind: 'crl' };
    }
  } catch {
    // fall through
  }
  return { kind: 'unknown' };
}

function summarize(encoding: SniffResult['encoding'], parts: SniffPart[]): SniffResult {
  const kinds = new Set(parts.map((p) => p.kind));
  const kind: SniffKind = kinds.size === 1 ? parts[0].kind : kinds.size === 0 ? 'unknown' : 'mixed';
  const key = parts.find((p) => p.kind === 'private-key');
  return { kind, encoding, parts, ...(key ? { keyForm: key.keyForm, encrypted: key.encrypted } : {}) };
}

/** What a file is, from its bytes (no passwords, no decryption). Never throws on bad input. */
export function sniffPemOrDer(bytes: Uint8Array): SniffResult {
  const store = detectStoreType(bytes);
  if (store === 'JKS') return { kind: 'jks', encoding: 'binary', parts: [{ kind: 'jks' }] };
  if (store === 'JCEKS') return { kind: 'jceks', encoding: 'binary', parts: [{ kind: 'jceks' }] };
  if (store === 'PKCS12') return { kind: 'pkcs12', encoding: 'DER', parts: [{ kind: 'pkcs12' }] };
  if (bytes.length === 0) return { kind: 'unknown', encoding: 'binary', parts: [] };
  if (looksLikePem(bytes)) {
    let blocks: PemBlock[];
    try {
      blocks = parsePemBlocks(asText(bytes));
    } catch {
      return { kind: 'unknown', encoding: 'PEM', parts: [] };
    }
    const parts = blocks
      .filter((b) => b.label !== 'EC PARAMETERS')
      .map((b): SniffPart => {
        const form = KEY_LABELS[b.label];
        if (form) return { kind: 'private-key', label: b.label, keyForm: form, encrypted: form === 'encrypted-pkcs8' || pemHeader(b, 'Proc-Type') !== undefined };
        return { kind: PEM_KINDS[b.label] ?? 'unknown', label: b.label };
      });
    return summarize('PEM', parts);
  }
  let nodes: Asn1[];
  try {
    nodes = Asn1.parseAll(bytes, 'DER');
  } catch {
    return { kind: 'unknown', encoding: 'binary', parts: [] };
  }
  const parts = nodes.map(sniffDerNode);
  // Concatenated DER only makes sense for certificates.
  if (parts.length > 1 && !parts.every((p) => p.kind === 'certificate')) return { kind: 'unknown', encoding: 'DER', parts };
  return summarize('DER', parts);
}

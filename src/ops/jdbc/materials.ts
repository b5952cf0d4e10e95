/**
 * Loading and checking what the emitted configuration refers to, before anything is printed: the stores
 * open with the given passwords; the truststore holds at least one CA (only trusted-certificate entries
 * count: that is what a Java TrustManager uses); the client keystore holds a key that opens with the
 * store password (the drivers and JSSE use one password for both) and whose certificate allows
 * clientAuth; a PEM key matches its certificate.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KtoolError, withContext } from '../../model/errors';
import type { PrivateKeyEntry, StoreType } from '../../model/keystore';
import { bytesEqual } from '../../util/bytes';
import { EKU_OID } from '../../x509/extensions';
import { type ParsedCert, displayName, parseCertificate } from '../../x509/verify';
import { type ClientMaterial, type TrustMaterial, isWindowsPath } from './model';

function readFile(file: string, what: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KtoolError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `${file}: cannot read ${what} (${code ?? String(e)})`);
  }
}

/** The path as the driver will see it: absolute (the JVM's working directory is not ours). */
export const absolutePath = (p: string): string => (isWindowsPath(p) ? p : path.resolve(p));

/** Certificates from PEM (any number of CERTIFICATE blocks) or a single DER certificate. */
export function readCertificateFile(bytes: Uint8Array, file: string): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const out: Uint8Array[] = [];
    for (const m of text.matchAll(/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END \1?CERTIFICATE-----/g)) {
      out.push(new Uint8Array(Buffer.from(m[2].replace(/\s+/g, ''), 'base64')));
    }
    if (!out.length) throw new KtoolError('CORRUPT', `${file}: no CERTIFICATE block in this PEM file`);
    return out.map((der) => {
      parseCertificate(der);
      return der;
    });
  }
  try {
    parseCertificate(bytes);
  } catch (e) {
    throw withContext(e, `${file}: not a PEM or DER certificate`);
  }
  return [bytes];
}

const isCa = (c: ParsedCert): boolean => c.basicConstraints?.ca === true || (!c.basicConstraints && bytesEqual(c.subject, c.issuer));

function requireCa(certs: Uint8Array[], file: string): void {
  const parsed = certs.map(parseCertificate);
  if (!parsed.some(isCa)) {
    throw new KtoolError('VERIFY', `${file}: holds no CA certificate (${parsed.map((c) => displayName(c.subject)).join('; ') || 'no trusted certificates'}): a truststore needs the CA that issued the server certificate`);
  }
  const now = Date.now();
  const valid = parsed.filter((c) => isCa(c) && c.notAfter.getTime() >= now && c.notBefore.getTime() <= now);
  if (!valid.length) throw new KtoolError('VERIFY', `${file}: every CA certificate in it is expired or not yet valid`);
}

function decodeStore(file: string, password: string, type: StoreType | undefined) {
  const { decodeStoreBytes } = require('../../formats') as typeof import('../../formats');
  // The JDK's JKS and PKCS12 types each read the other format (keystore.type.compat), so do the drivers.
  return decodeStoreBytes(readFile(file, 'keystore'), password, file, type, { dualFormat: true });
}

export function loadTrustStore(file: string, password: string, type?: StoreType): TrustMaterial {
  const decoded = decodeStore(file, password, type);
  const certificates = decoded.store.entries.filter((e) => e.type === 'trustedCertEntry').map((e) => (e as { cert: Uint8Array }).cert);
  if (!certificates.length) throw new KtoolError('VERIFY', `${file}: no trusted certificate entries (a Java TrustManager ignores key entries)`);
  requireCa(certificates, file);
  return { kind: 'store', store: { path: absolutePath(file), type: decoded.store.type, password }, certificates };
}

export function loadTrustPem(file: string): TrustMaterial {
  const certificates = readCertificateFile(readFile(file, 'CA certificate file'), file);
  requireCa(certificates, file);
  return { kind: 'pem', path: absolutePath(file), certificates };
}

/** The leaf must be usable for TLS client authentication, as the server will check it. */
function checkClientCertificate(leaf: Uint8Array, where: string): void {
  const c = parseCertificate(leaf);
  const eku = c.extKeyUsage;
  if (eku && !eku.includes(EKU_OID.clientAuth) && !eku.includes(EKU_OID.anyExtendedKeyUsage)) {
    throw new KtoolError('VERIFY', `${where}: certificate ${displayName(c.subject)} does not allow clientAuth (extendedKeyUsage): the server will refuse it`);
  }
  if (c.keyUsage && !c.keyUsage.has('digitalSignature') && !c.keyUsage.has('keyAgreement')) {
    throw new KtoolError('VERIFY', `${where}: certificate ${displayName(c.subject)} keyUsage allows neither digitalSignature nor keyAgreement`);
  }
  const now = Date.now();
  if (c.notAfter.getTime() < now) throw new KtoolError('VERIFY', `${where}: client certificate ${displayName(c.subject)} expired on ${c.notAfter.toISOString()}`);
  if (c.notBefore.getTime() > now) throw new KtoolError('VERIFY', `${where}: client certificate ${displayName(c.subject)} is not valid before ${c.notBefore.toISOString()}`);
}

function keyMatches(pkcs8: Uint8Array, cert: Uint8Array): boolean {
  try {
    const spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
    return bytesEqual(new Uint8Array(spki), parseCertificate(cert).spki);
  } catch {
    return false;
  }
}

export function loadClientStore(file: string, password: string, type?: StoreType, alias?: string): ClientMaterial {
  const decoded = decodeStore(file, password, type);
  const keys = decoded.store.entries.filter((e): e is PrivateKeyEntry => e.type === 'PrivateKeyEntry');
  let entry: PrivateKeyEntry | undefined;
  if (alias !== undefined) {
    entry = keys.find((e) => e.alias === alias.toLowerCase());
    if (!entry) throw new KtoolError('NOT_FOUND', `${file}: no key entry with alias <${alias}>`);
  } else {
    if (!keys.length) throw new KtoolError('VERIFY', `${file}: holds no private key entry: a client keystore needs the client's key and certificate`);
    // Java's key managers pick among several keys by the server's CA list; one key makes the choice certain.
    if (keys.length > 1) throw new KtoolError('USAGE', `${file}: holds ${keys.length} key entries (${keys.map((k) => k.alias).join(', ')}): choose one with --keystore-alias`);
    entry = keys[0];
  }
  const { openPrivateKey } = require('../keys') as typeof import('../keys');
  let pkcs8: Uint8Array;
  try {
    pkcs8 = openPrivateKey(entry, password);
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'WRONG_PASSWORD') {
      throw new KtoolError('WRONG_PASSWORD', `${file}: the key <${entry.alias}> does not open with the store password; JDBC drivers and JSSE use one password for both (ktool passwd --alias ${entry.alias} --new-keypass…)`);
    }
    throw withContext(e, file);
  }
  if (!entry.chain.length) throw new KtoolError('CORRUPT', `${file}: key <${entry.alias}> has no certificate`);
  checkClientCertificate(entry.chain[0], `${file} <${entry.alias}>`);
  return { kind: 'store', store: { path: absolutePath(file), type: decoded.store.type, password }, alias: entry.alias, pkcs8, chain: entry.chain };
}

/** A key file (PEM PKCS#8/PKCS#1/SEC1, encrypted or not, or DER PKCS#8) and its certificate chain file. */
export function loadClientPem(keyFile: string, certFile: string, passphrase?: string): ClientMaterial {
  const keyBytes = Buffer.from(readFile(keyFile, 'client key'));
  let pkcs8: Uint8Array;
  try {
    const isPem = keyBytes.toString('latin1').includes('-----BEGIN');
    const key = isPem ? createPrivateKey({ key: keyBytes, format: 'pem', passphrase }) : createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8', passphrase });
    pkcs8 = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
  } catch (e) {
    const msg = (e as Error).message;
    // OpenSSL asks for a passphrase it was not given through a callback that Node cancels.
    if (/passphrase|decrypt|interrupted or cancelled/i.test(msg)) {
      throw new KtoolError('WRONG_PASSWORD', `${keyFile}: the key is encrypted: ${passphrase === undefined ? 'give its passphrase' : 'that passphrase does not open it'} (--client-key-pass…)`);
    }
    throw new KtoolError('CORRUPT', `${keyFile}: not a private key node:crypto can read (${msg})`);
  }
  const certs = readCertificateFile(readFile(certFile, 'client certificate'), certFile);
  const leaf = certs.find((c) => keyMatches(pkcs8, c));
  if (!leaf) throw new KtoolError('VERIFY', `${certFile}: no certificate in it matches the key in ${keyFile}`);
  checkClientCertificate(leaf, certFile);
  // Leaf first, then each issuer found in the file (the server needs the intermediates).
  const chain = [leaf];
  const pool = certs.filter((c) => c !== leaf).map((der) => ({ der, p: parseCertificate(der) }));
  for (let cur = parseCertificate(leaf); ; ) {
    if (bytesEqual(cur.subject, cur.issuer)) break;
    const next = pool.find((x) => bytesEqual(x.p.subject, cur.issuer) && !chain.includes(x.der));
    if (!next) break;
    chain.push(next.der);
    cur = next.p;
  }
  return { kind: 'pem', keyPath: absolutePath(keyFile), certPath: absolutePath(certFile), pkcs8, chain, ...(passphrase ? { keyPassword: passphrase } : {}) };
}

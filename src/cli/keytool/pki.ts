/**
 * keytool's PKI commands in compatibility mode: -genkeypair (-genkey), -certreq, -gencert, -printcertreq,
 * -printcrl, -genseckey and -importpass, with keytool 17's prompts, messages (stderr), output (stdout or
 * -file/-outfile) and errors. The work itself is in src/ops/pki.ts, shared with the modern verbs.
 */
import * as fs from 'node:fs';
import { findEntry } from '../../model/alias';
import { KtoolError } from '../../model/errors';
import type { KeyStore, PrivateKeyEntry } from '../../model/keystore';
import { openPrivateKey } from '../../ops/keys';
import * as pki from '../../ops/pki';
import { privateKeyObject } from '../../x509/keyinfo';
import { readFileOrFail } from '../files';
import { type KeytoolArgs, KEYTOOL_JDK } from './args';
import { JavaStyleError, jEx } from './errors';
import { type Handler, type Session, aliasCertificates, askPassword, cacertsEntries, isTrustedCert, readStdinLine, writeKeytoolFile } from './run';
import { writeStdout, writeStderr } from '../context';

const out = (s: string) => writeStdout(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => writeStderr(s.endsWith('\n') ? s : `${s}\n`);
const pem = () => require('../../formats/pem') as typeof import('../../formats/pem');
const text = () => require('../../output/keytool-text') as typeof import('../../output/keytool-text');

/** keytool's recoverKey: the entry's private key with -keypass, else the store password, else a prompt. */
async function recoverKey(s: Session, alias: string, keypass: string | undefined): Promise<{ entry: PrivateKeyEntry; key: ReturnType<typeof privateKeyObject> }> {
  const e = findEntry(s.store, alias);
  if (!e) throw jEx(`Alias <${alias}> does not exist`);
  if (e.type !== 'PrivateKeyEntry') throw jEx(`Alias <${alias}> has no key`);
  const open = (pw: string) => ({ entry: e, key: privateKeyObject(openPrivateKey(e, pw)) });
  if (s.store.type === 'PKCS12' || keypass !== undefined) return open(s.store.type === 'PKCS12' ? s.storepass ?? '' : keypass!);
  if (s.storepass !== null) {
    try {
      return open(s.storepass);
    } catch (x) {
      if (!(x instanceof KtoolError && x.code === 'WRONG_PASSWORD')) throw x;
    }
  }
  for (let i = 0; i < 3; i++) {
    const pw = await askPassword(`Enter key password for <${alias}>`);
    if (pw !== null) return open(pw);
  }
  throw jEx('Too many failures - try later');
}

/** keytool's promptForKeyPass for a new JKS/JCEKS entry: RETURN keeps the store password. */
async function settleKeyPass(s: Session, alias: string): Promise<void> {
  if (s.store.type === 'PKCS12' || s.a.keypass !== undefined) return;
  for (let i = 0; i < 3; i++) {
    const pw = await askPassword(`Enter key password for <${alias}>\n\t(RETURN if same as keystore password):  `);
    if (pw === null) return; // the store password
    if (pw.length < 6) {
      err('Key password is too short - must be at least 6 characters');
      continue;
    }
    if ((await askPassword('Re-enter new password: ')) !== pw) {
      err("They don't match. Try again");
      continue;
    }
    s.a = { ...s.a, keypass: pw };
    return;
  }
  throw jEx('Too many failures - key not added to keystore');
}

/** keytool's getX500Name: six questions with defaults, then "Is … correct?" until yes. */
async function promptDname(): Promise<string> {
  const { X500Name } = require('../../x509/name') as typeof import('../../x509/name');
  const questions = [
    ['CN', 'What is your first and last name?'],
    ['OU', 'What is the name of your organizational unit?'],
    ['O', 'What is the name of your organization?'],
    ['L', 'What is the name of your City or Locality?'],
    ['ST', 'What is the name of your State or Province?'],
    ['C', 'What is the two-letter country code for this unit?'],
  ];
  const answers = questions.map(() => 'Unknown');
  const ask = (q: string, def: string): string => {
    err(q);
    writeStderr(`  [${def}]:  `);
    const line = readStdinLine();
    return line === undefined || line === '' ? def : line;
  };
  for (let tries = 0; tries <= 20; tries++) {
    questions.forEach(([, q], i) => (answers[i] = ask(q, answers[i])));
    // keytool 17 keeps every answer (a "." too); values are escaped so X500Name.parse reads them back as typed.
    const dn = questions.map(([k], i) => `${k}=${answers[i].replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ')}`).join(', ');
    const reply = ask(`Is ${X500Name.parse(dn).toString()} correct?`, 'no').trim().toLowerCase();
    if (reply === 'yes' || reply === 'y') {
      err('');
      return dn;
    }
  }
  throw new JavaStyleError('java.lang.RuntimeException', 'Too many retries, program terminated');
}

/** Library errors as the exception keytool would have thrown. */
function asKeytool<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KtoolError && e.code === 'UNSUPPORTED') {
      const m = /^Unsupported key algorithm: (.*)$/.exec(e.message);
      if (m) throw new JavaStyleError('java.security.NoSuchAlgorithmException', `${m[1]} KeyPairGenerator not available`);
      if (/KeyGenerator not available/.test(e.message)) throw new JavaStyleError('java.security.NoSuchAlgorithmException', e.message);
      if (/EC group name/.test(e.message)) throw new JavaStyleError('java.lang.IllegalArgumentException', e.message.replace(/^Unsupported EC group name:/, 'Unknown curve name:'));
    }
    if (e instanceof KtoolError && e.code === 'USAGE' && /^(Wrong keysize|Key length must)/.test(e.message)) throw new JavaStyleError('java.security.InvalidParameterException', e.message);
    if (e instanceof KtoolError && e.code === 'USAGE') {
      if (/^Invalid (RSA|DSA) key size/.test(e.message)) throw new JavaStyleError('java.lang.IllegalArgumentException', 'Invalid key sizes');
      if (e.message === 'Illegal startdate value') throw new JavaStyleError('java.io.IOException', e.message);
      const dn = /^invalid distinguished name: (.*)$/.exec(e.message);
      if (dn) throw new JavaStyleError('java.io.IOException', dn[1].charAt(0).toUpperCase() + dn[1].slice(1));
      if (/^Signature algorithm .* cannot be used with/.test(e.message)) throw new JavaStyleError('java.security.InvalidKeyException', e.message);
    }
    throw e;
  }
}

function readInput(file: string | undefined): Uint8Array {
  if (file === undefined) return new Uint8Array(fs.readFileSync(0));
  if (!fs.existsSync(file)) throw new JavaStyleError('java.io.FileNotFoundException', `${file} (No such file or directory)`);
  return readFileOrFail(file);
}

const parseRequest = (der: Uint8Array) => (require('../../x509/csr') as typeof import('../../x509/csr')).parseCsr(der);

function readRequest(bytes: Uint8Array): Uint8Array {
  try {
    return pem().readPemOrDerObject(bytes, ['NEW CERTIFICATE REQUEST', 'CERTIFICATE REQUEST'], 'certificate request');
  } catch {
    throw new JavaStyleError('java.io.IOException', 'Cannot read the certificate request');
  }
}

const addEntry = (s: Session, store: KeyStore) => {
  s.store = store;
  s.save = true;
};

// ------------------------------------------------------------------ handlers

async function genkeypair(a: KeytoolArgs, s: Session): Promise<void> {
  if (!a.keyalg) throw jEx('The -keyalg option must be specified.');
  if (a.groupname !== undefined && a.keysize !== undefined) throw jEx('Cannot specify both -groupname and -keysize');
  const alias = a.alias ?? 'mykey';
  pki.checkNewAlias(s.store, alias, 'Key pair');
  const { resolveKeyGen } = require('../../x509/keygen') as typeof import('../../x509/keygen');
  asKeytool(() => resolveKeyGen({ keyalg: a.keyalg!, keysize: a.keysize, groupname: a.groupname }));
  let signer: pki.Issuer | undefined;
  if (a.signer !== undefined) {
    const r = await recoverKey(s, a.signer, a.signerkeypass);
    signer = { key: r.key, chain: r.entry.chain };
  }
  const dname = a.dname ?? (await promptDname());
  const r = asKeytool(() =>
    pki.generateKeyEntry(s.store, {
      alias,
      dname,
      keyalg: a.keyalg!,
      keysize: a.keysize,
      groupname: a.groupname,
      sigalg: a.sigalg,
      ext: a.ext,
      startdate: a.startdate,
      validity: a.validity,
      signer,
    }),
  );
  err(pki.genKeyPairMessage(r, a.signer));
  s.weak.push(...text().chainWeakWarnings('The generated certificate', r.entry.chain, (der) => isTrustedCert(s, der), KEYTOOL_JDK));
  if (a.keysize !== undefined && r.pair.keyalg === 'EC') {
    err('');
    err('Warning:');
    err(`Specifying -keysize for generating EC keys is deprecated, please use "-groupname ${r.pair.curve}" instead.`);
  }
  await settleKeyPass(s, alias);
  addEntry(s, r.store);
}

async function certreq(a: KeytoolArgs, s: Session): Promise<void> {
  const alias = a.alias ?? 'mykey';
  const { entry, key } = await recoverKey(s, alias, a.keypass);
  if (entry.chain.length === 0) throw jEx(`${alias} has no public key (certificate)`);
  const der = asKeytool(() => pki.certificateRequest({ key, cert: entry.chain[0], dname: a.dname, sigalg: a.sigalg, ext: a.ext }));
  const pemText = text().keytoolPem('NEW CERTIFICATE REQUEST', der, KEYTOOL_JDK);
  if (a.file) writeKeytoolFile(a.file, Buffer.from(pemText));
  else writeStdout(pemText);
  s.weak.push(...text().requestWeakWarnings('The generated certificate request', parseRequest(der), KEYTOOL_JDK));
}

async function gencert(a: KeytoolArgs, s: Session): Promise<void> {
  const alias = a.alias ?? 'mykey';
  const { entry, key } = await recoverKey(s, alias, a.keypass);
  const csr = readRequest(readInput(a.infile));
  const r = asKeytool(() =>
    pki.certificateFromRequest({
      csr,
      issuer: { key, chain: entry.chain },
      dname: a.dname,
      sigalg: a.sigalg,
      ext: a.ext,
      startdate: a.startdate,
      validity: a.validity,
    }),
  );
  const bytes = r.output.map((c) => (a.rfc ? Buffer.from(text().pemCertificate(c, KEYTOOL_JDK)) : Buffer.from(c)));
  if (a.outfile) writeKeytoolFile(a.outfile, Buffer.concat(bytes));
  else writeStdout(Buffer.concat(bytes));
  // keytool checks the request as it reads it, then the issuer's chain and the new certificate.
  const trusted = (der: Uint8Array) => isTrustedCert(s, der);
  s.weak.push(
    ...text().requestWeakWarnings('The certificate request', r.request, KEYTOOL_JDK),
    ...text().chainWeakWarnings('The issuer', entry.chain, trusted, KEYTOOL_JDK),
    ...text().certificateWeakWarnings('The generated certificate', r.output[0], trusted(r.output[0]), KEYTOOL_JDK),
  );
}

async function gencrl(a: KeytoolArgs, s: Session): Promise<void> {
  // Without -id keytool writes a CRL that revokes nothing (its "Must provide -id" check never fires).
  const alias = a.alias ?? 'mykey';
  const { entry, key } = await recoverKey(s, alias, a.keypass);
  const der = asKeytool(() => pki.generateCrl({ issuerCert: entry.chain[0], key, ids: a.ids, startdate: a.startdate, validity: a.validity, sigalg: a.sigalg, jdk: KEYTOOL_JDK }));
  const bytes = a.rfc ? Buffer.from(text().keytoolPem('X509 CRL', der, KEYTOOL_JDK)) : Buffer.from(der);
  if (a.file) writeKeytoolFile(a.file, bytes);
  else writeStdout(bytes);
  s.weak.push(...text().crlWeakWarnings('The generated CRL', der, entry.chain[0], KEYTOOL_JDK));
}

function printcertreq(a: KeytoolArgs): void {
  const { renderCertReq } = require('../../output/pki-text') as typeof import('../../output/pki-text');
  const csr = parseRequest(readRequest(readInput(a.file)));
  writeStdout(renderCertReq(csr));
  writeStderr(text().warningBlock(text().requestWeakWarnings('The certificate request', csr, KEYTOOL_JDK)));
}

function printcrl(a: KeytoolArgs): void {
  const { parseCrl, verifyCrlSignature } = require('../../x509/crl') as typeof import('../../x509/crl');
  const { renderCrl, crlVerificationText } = require('../../output/pki-text') as typeof import('../../output/pki-text');
  const bytes = readInput(a.file);
  let ders: Uint8Array[];
  try {
    const blocks = pem().looksLikePem(bytes) ? pem().parsePemBlocks(Buffer.from(bytes).toString('latin1')).filter((b) => b.label === 'X509 CRL') : [];
    ders = blocks.length > 0 ? blocks.map((b) => b.der) : [bytes];
  } catch {
    throw new JavaStyleError('java.security.cert.CRLException', 'Unable to parse CRL');
  }
  const stores = crlStores(a);
  const weak: string[] = [];
  for (const der of ders) {
    let crl;
    try {
      crl = parseCrl(der);
    } catch {
      throw new JavaStyleError('java.security.cert.CRLException', 'Unable to parse CRL');
    }
    if (a.rfc) out(text().keytoolPem('X509 CRL', der, KEYTOOL_JDK));
    else writeStdout(`${renderCrl(crl)}\n`);
    const { X500Name } = require('../../x509/name') as typeof import('../../x509/name');
    const { CertView, keyDisplayName } = require('../../x509/certificate') as typeof import('../../x509/certificate');
    const issuer = X500Name.fromDer(crl.issuer).toRfc2253().toLowerCase();
    let verified: { alias: string; where: 'keystore' | 'cacerts'; keyDisplay: string; keyMarker: string; cert: Uint8Array } | null = null;
    for (const { where, certs } of stores) {
      for (const { alias, cert } of certs) {
        const v = CertView.from(cert);
        if (v.subject.toRfc2253().toLowerCase() !== issuer) continue;
        if (verifyCrlSignature(crl, v.publicKey)) {
          verified = { alias, where, keyDisplay: keyDisplayName(v.publicKeyInfo), keyMarker: text().keyMarker(v.publicKeyInfo), cert };
          break;
        }
      }
      if (verified) break;
    }
    writeStdout(crlVerificationText(verified, a.trustcacerts));
    // keytool checks the CRL's signature algorithm, and the key that verified it.
    weak.push(...text().crlWeakWarnings('The CRL', der, verified?.cert, KEYTOOL_JDK));
  }
  writeStderr(text().warningBlock(weak));
}

/** Certificates -printcrl checks the signature with: cacerts (-trustcacerts), then -keystore. */
function crlStores(a: KeytoolArgs): { where: 'keystore' | 'cacerts'; certs: { alias: string; cert: Uint8Array }[] }[] {
  const { loadStoreFile } = require('../store-file') as typeof import('../store-file');
  const result: { where: 'keystore' | 'cacerts'; certs: { alias: string; cert: Uint8Array }[] }[] = [];
  if (a.trustcacerts) result.push({ where: 'cacerts', certs: cacertsEntries() });
  if (a.keystore && fs.existsSync(a.keystore)) {
    try {
      result.push({ where: 'keystore', certs: aliasCertificates(loadStoreFile(a.keystore, a.storepass ?? null).store.entries) });
    } catch {
      /* unreadable: not verified */
    }
  }
  return result;
}

/** keytool's promptForCredential: a line of stdin, or asked twice on a terminal. */
async function readCredential(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinLine() ?? '';
  for (let i = 0; i < 3; i++) {
    const pw = (await askPassword('Enter the password to be stored:  ')) ?? '';
    if (((await askPassword('Re-enter password: ')) ?? '') !== pw) {
      err("They don't match. Try again");
      continue;
    }
    return pw;
  }
  throw jEx('Too many failures - key not added to keystore');
}

/** PKCS#12 entry protection named by -keyalg PBEWith<Hmac…>And<AES_n> (keytool -importpass -keyalg …). */
function pbeProtection(keyalg: string) {
  const m = /^PBEWithHmac(SHA1|SHA224|SHA256|SHA384|SHA512)AndAES_(128|256)$/i.exec(keyalg);
  if (!m) throw new JavaStyleError('java.security.KeyStoreException', `unsupported password protection algorithm: ${keyalg}`);
  return { scheme: 'pbes2' as const, prf: m[1].toLowerCase() as 'sha256', cipher: `aes-${m[2]}-cbc` as 'aes-128-cbc', iterations: 10000, saltLength: 16 };
}

/** -genseckey and -importpass (which is -genseckey with -keyalg PBE by default), as doGenSecretKey. */
async function genseckey(a: KeytoolArgs, s: Session, keyalg: string | undefined): Promise<void> {
  if (!keyalg) throw jEx('The -keyalg option must be specified.');
  const alias = a.alias ?? 'mykey';
  pki.checkNewAlias(s.store, alias, 'Secret Key');
  let secret: { algorithm: string; key: Uint8Array };
  const isPbe = keyalg.toUpperCase().startsWith('PBE');
  if (isPbe) secret = pki.passwordSecretKey(await readCredential());
  else {
    const g = asKeytool(() => pki.generateSecretKey(keyalg, a.keysize));
    err(`Generated ${pki.groupDigits(g.keysize)}-bit ${g.algorithm} secret key`);
    secret = g;
  }
  await settleKeyPass(s, alias);
  if (s.store.type === 'JKS') throw new JavaStyleError('java.security.KeyStoreException', 'Cannot store non-PrivateKeys');
  const added = pki.addSecretKeyEntry(s.store, alias, secret);
  if (isPbe && keyalg.toUpperCase() !== 'PBE') {
    if (s.store.type !== 'PKCS12') throw new JavaStyleError('java.security.KeyStoreException', 'unsupported password protection algorithm');
    // A named PBE algorithm protects this one entry: seal it now so the store writer keeps it as is.
    const { sealPkcs12SecretKey } = require('../../formats/pkcs12') as typeof import('../../formats/pkcs12');
    const epki = sealPkcs12SecretKey(secret.algorithm, secret.key, s.storepass ?? '', pbeProtection(keyalg));
    added.store.entries[added.store.entries.length - 1] = { ...added.entry, secret: { form: 'pkcs12-encrypted', epki } };
  }
  addEntry(s, added.store);
}

const withStore = (run: (a: KeytoolArgs, s: Session) => Promise<void> | void, writes: boolean): Handler => ({
  store: true,
  creates: writes,
  writes,
  run: (a, s) => run(a, s!),
});

export const PKI_HANDLERS: Record<string, Handler> = {
  genkeypair: withStore(genkeypair, true),
  certreq: withStore(certreq, false),
  gencert: withStore(gencert, false),
  genseckey: withStore((a, s) => genseckey(a, s, a.keyalg), true),
  importpass: withStore((a, s) => genseckey(a, s, a.keyalg ?? 'PBE'), true),
  printcertreq: { store: false, creates: false, writes: false, run: (a) => printcertreq(a) },
  printcrl: { store: false, creates: false, writes: false, run: (a) => printcrl(a) },
  gencrl: withStore(gencrl, false),
};


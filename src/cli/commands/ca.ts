/**
 * ktool ca init | intermediate | issue-server | issue-client | sign | revoke | show: the CA workflows of the
 * MySQL / PostgreSQL / Tungsten TLS guides as one command each. The CA lives in a directory (docs/ca.md):
 * its key and certificate as PEM and its state in ca.json, updated under a lock so parallel runs never
 * reuse a serial or lose a record. Decisions (serials, extensions, validity) are in src/ops/ca.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { KtoolError, withContext } from '../../model/errors';
import type { KeyStore, StoreType } from '../../model/keystore';
import {
  CA_FILES,
  type CaState,
  DEFAULT_DAYS,
  type IssuedRecord,
  type LeafPlan,
  type Profile,
  allocateSerial,
  caExtensions,
  findIssued,
  leafExtensions,
  newCaState,
  parseCaState,
  parseEkuList,
  parseSanList,
  parseSerial,
  recordIssued,
  requestedSan,
  revoke,
  serialHex,
  serializeCaState,
  subordinatePathLen,
  validity,
} from '../../ops/ca';
import { CertView, certToJson } from '../../x509/certificate';
import type { Ext, GeneralName } from '../../x509/extensions';
import { buildCertificate, randomSerial } from '../../x509/issue';
import { generateKeyPair } from '../../x509/keygen';
import { X500Name } from '../../x509/name';
import { type ParsedCert, parseCertificate } from '../../x509/verify';
import { stdio, writeStdout } from '../context';
import { atomicWrite, readFileOrFail, withFileLock } from '../files';
import { collect, integerOption, password, passwordOptions, readStoreType } from '../options';
import { loadStoreFile, saveStoreFile, storeExists } from '../store-file';

type Opts = Record<string, unknown>;
const pem = () => require('../../formats/pem') as typeof import('../../formats/pem');

// ---------------------------------------------------------------- the CA directory

export interface LoadedCa {
  dir: string;
  state: CaState;
  certDer: Uint8Array;
  cert: ParsedCert;
  /** This CA's certificate, then its parents up to the root. */
  chain: Uint8Array[];
}

const caPath = (dir: string, f: string) => path.join(dir, f);

function readState(dir: string): CaState {
  const file = caPath(dir, CA_FILES.state);
  if (!fs.existsSync(file)) throw new KtoolError('NOT_FOUND', `${dir}: not a CA directory (no ${CA_FILES.state}; create one with "ktool ca init")`);
  return parseCaState(Buffer.from(readFileOrFail(file, 'CA state file')).toString('utf8'), file);
}

export function loadCa(dir: string): LoadedCa {
  const state = readState(dir);
  const certFile = caPath(dir, CA_FILES.cert);
  const certDer = inFile(certFile, () => pem().certificateToDer(readFileOrFail(certFile, 'CA certificate')));
  const chainFile = caPath(dir, CA_FILES.chain);
  const chain = fs.existsSync(chainFile) ? inFile(chainFile, () => pem().readCertificates(readFileOrFail(chainFile))) : [certDer];
  return { dir, state, certDer, cert: parseCertificate(certDer), chain };
}

const saveState = (dir: string, s: CaState) => atomicWrite(caPath(dir, CA_FILES.state), new Uint8Array(Buffer.from(serializeCaState(s))), { mode: 0o644 });

/** Read-modify-write of ca.json under its lock (re-read inside, so concurrent issuers see each other). */
export function updateCa<T>(dir: string, fn: (ca: LoadedCa) => { state: CaState; result: T }): T {
  return withFileLock(caPath(dir, CA_FILES.state), () => {
    const ca = loadCa(dir);
    const { state, result } = fn(ca);
    if (state !== ca.state) saveState(dir, state);
    return result;
  });
}

/** The CA's private key; its passphrase from --ca-key-pass… (or a prompt on a terminal). */
export async function caSigningKey(dir: string, opts: Opts, option = 'caKeyPass'): Promise<KeyObject> {
  const state = readState(dir);
  const file = caPath(dir, CA_FILES.key);
  const pass = state.key.encrypted ? await password(opts, option, `passphrase of ${file}`, true) : undefined;
  if (state.key.encrypted && pass === undefined) {
    const flag = `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new KtoolError('USAGE', `${file}: the CA key is encrypted: give ${flag}, ${flag}-env, ${flag}-file or ${flag}-stdin`);
  }
  const { pkcs8 } = inFile(file, () => pem().readPrivateKey(readFileOrFail(file, 'CA key'), pass));
  const { privateKeyObject } = require('../../x509/keyinfo') as typeof import('../../x509/keyinfo');
  return privateKeyObject(pkcs8);
}

function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KtoolError && e.message.startsWith(file)) throw e;
    throw withContext(e, file);
  }
}

// ---------------------------------------------------------------- options shared by the verbs

function keyOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--keyalg <alg>', `${what} key: RSA, EC, Ed25519, Ed448, DSA, RSASSA-PSS`)
    .option('--keysize <bits>', 'key size (RSA/DSA bits; EC 256, 384, 521)', integerOption('--keysize'))
    .option('--curve <name>', 'EC curve: P-256 (secp256r1), P-384, P-521');
}

function subjectOptions(cmd: Command, required: boolean): Command {
  return cmd
    .option('--cn <name>', `common name${required ? ' (or --dname)' : ''}`)
    .option('--dname <dn>', 'full subject, keytool syntax: "CN=db.example.com, O=Example, C=DE"');
}

/** CN value escaped for keytool's -dname syntax. */
const escapeDn = (v: string) => v.replace(/[\\,+"<>;=]/g, '\\$&').replace(/^[ #]/, '\\$&').replace(/ $/, '\\ ');

function subjectFrom(opts: Opts, required: boolean): X500Name | undefined {
  if (opts.cn !== undefined && opts.dname !== undefined) throw new KtoolError('USAGE', 'give --cn or --dname, not both');
  if (typeof opts.dname === 'string') return X500Name.parse(opts.dname);
  if (typeof opts.cn === 'string') {
    if (opts.cn.trim() === '') throw new KtoolError('USAGE', '--cn must not be empty');
    return X500Name.parse(`CN=${escapeDn(opts.cn)}`);
  }
  if (required) throw new KtoolError('USAGE', 'give the subject: --cn NAME or --dname "CN=…, O=…"');
  return undefined;
}

/** Generate a key as --keyalg/--keysize/--curve say, else like `fallback` (the CA's own key). */
function generateKey(opts: Opts, fallback?: CaState['key']) {
  const keyalg = (opts.keyalg as string | undefined) ?? fallback?.algorithm ?? 'RSA';
  const explicit = opts.keyalg !== undefined || opts.keysize !== undefined || opts.curve !== undefined;
  const keysize = (opts.keysize as number | undefined) ?? (explicit || keyalg === 'EC' || !fallback ? undefined : fallback.size);
  const groupname = (opts.curve as string | undefined) ?? (!explicit && keyalg === 'EC' ? fallback?.curve : undefined);
  const pair = generateKeyPair({ keyalg, keysize, groupname });
  return { ...pair, pkcs8: pem().normalizePkcs8ForJdk(pair.privateKeyPkcs8) };
}

const keyFacts = (pair: ReturnType<typeof generateKey>) => ({ algorithm: pair.keyalg, size: pair.keysize, ...(pair.curve ? { curve: pair.curve } : {}) });

function days(opts: Opts, fallback: number): number {
  const d = opts.days === undefined ? fallback : (opts.days as number);
  if (d < 1) throw new KtoolError('USAGE', `--days ${d}: expected a whole number of days >= 1`);
  return d;
}

// ---------------------------------------------------------------- writing files

interface Written {
  path: string;
  what: string;
}

/** Refuse to replace files (above all keys) unless --force: checked before anything is issued. */
function checkFree(files: readonly string[], force: boolean): void {
  if (force) return;
  for (const f of files) if (fs.existsSync(f)) throw new KtoolError('EXISTS', `${f}: already exists (use --force to replace it)`);
}

function writeFile(out: Written[], file: string, text: string | Uint8Array, what: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  atomicWrite(file, typeof text === 'string' ? new Uint8Array(Buffer.from(text)) : text, { mode });
  out.push({ path: file, what });
}

function keyPem(pkcs8: Uint8Array, passphrase: string | undefined): string {
  return passphrase === undefined ? pem().privateKeyToPem(pkcs8) : pem().encryptedPrivateKeyToPem(pkcs8, passphrase);
}

// ---------------------------------------------------------------- signing

interface Signed {
  der: Uint8Array;
  serial: bigint;
  record: IssuedRecord;
  notes: string[];
}

/**
 * Under the CA's lock: allocate a serial, sign, keep a copy in issued/SERIAL.pem and record it. The
 * extensions come from `plan` (given the CA as loaded); SKID and AKID are added by buildCertificate.
 */
function issue(
  dir: string,
  signer: KeyObject,
  req: { subject: X500Name; spki: Uint8Array; days: number; profile: Profile; plan: (ca: LoadedCa) => { extensions: Ext[]; notes: string[] } },
): Signed & { ca: LoadedCa } {
  return updateCa(dir, (ca) => {
    const { serial, state } = allocateSerial(ca.state, randomSerial);
    const v = validity(new Date(), req.days, ca.cert.notAfter);
    const { extensions, notes } = req.plan(ca);
    const der = buildCertificate({
      subject: req.subject.der,
      issuer: ca.cert.subject,
      serial,
      notBefore: v.notBefore,
      notAfter: v.notAfter,
      publicKeySpki: req.spki,
      extensions,
      signerKey: signer,
      issuerSpki: ca.cert.spki,
      ...(ca.cert.subjectKeyId ? { issuerKeyId: ca.cert.subjectKeyId } : {}),
      ...(ca.state.sigalg ? { sigAlg: ca.state.sigalg } : {}),
    });
    const view = CertView.from(der);
    const file = path.join(CA_FILES.issuedDir, `${serialHex(serial)}.pem`);
    fs.mkdirSync(caPath(dir, CA_FILES.issuedDir), { recursive: true });
    atomicWrite(caPath(dir, file), new Uint8Array(Buffer.from(pem().certificatesToPem([der]))), { mode: 0o644 });
    const record: IssuedRecord = {
      serial: serialHex(serial),
      subject: view.subject.toRfc2253(),
      profile: req.profile,
      notBefore: v.notBefore.toISOString(),
      notAfter: v.notAfter.toISOString(),
      sha256: view.sha256,
      file,
    };
    return { state: recordIssued(state, record), result: { der, serial, record, notes: v.note ? [v.note, ...notes] : notes, ca } };
  });
}

function checkSigner(ca: LoadedCa, key: KeyObject): void {
  const { spkiOf } = require('../../x509/algorithms') as typeof import('../../x509/algorithms');
  const { bytesEqual } = require('../../util/bytes') as typeof import('../../util/bytes');
  if (!bytesEqual(spkiOf(key), ca.cert.spki)) throw new KtoolError('VERIFY', `${caPath(ca.dir, CA_FILES.key)}: the key does not match ${CA_FILES.cert}`);
}

// ---------------------------------------------------------------- stores

function newStore(file: string, type: StoreType | undefined): KeyStore {
  const { typeFromExtension } = require('../../formats') as typeof import('../../formats');
  const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
  const t = type ?? typeFromExtension(file) ?? 'PKCS12';
  return { type: t, entries: [], protection: t === 'PKCS12' ? { kind: 'pkcs12', profile: profileByName('modern') } : { kind: 'keyed-sha1' } };
}

interface StoreResult {
  store: string;
  alias: string;
  action: string;
  chainLength?: number;
}

/** Create or update a keystore with one key entry (key password = store password, as the JDBC drivers expect). */
function writeKeyEntry(file: string, type: StoreType | undefined, storepass: string, alias: string, pkcs8: Uint8Array, chain: Uint8Array[], overwrite: boolean): StoreResult {
  const { importKeyEntry } = require('../../ops/import') as typeof import('../../ops/import');
  const { sealEntries } = require('../../ops/keys') as typeof import('../../ops/keys');
  return withFileLock(file, () => {
    const store = storeExists(file) ? loadStoreFile(file, storepass, type).store : newStore(file, type);
    const r = importKeyEntry(store, { alias, pkcs8, chain }, { overwrite });
    const sealed = sealEntries(r.store, {
      target: r.store.type,
      sourceKeyPassword: () => storepass,
      targetKeyPassword: () => storepass,
      pkcs12KeyProtection: r.store.protection.kind === 'pkcs12' ? r.store.protection.profile.keyProtection : undefined,
    });
    saveStoreFile(file, sealed, storepass);
    return { store: file, alias: r.changes[0].alias, action: r.changes[0].action, chainLength: chain.length };
  });
}

/** Add the trust anchor to a truststore (unchanged when it is already there under any alias). */
function writeTrustedCert(file: string, type: StoreType | undefined, storepass: string, alias: string | undefined, cert: Uint8Array): StoreResult {
  const { importTrustedCerts, changed } = require('../../ops/import') as typeof import('../../ops/import');
  return withFileLock(file, () => {
    const exists = storeExists(file);
    const store = exists ? loadStoreFile(file, storepass, type).store : newStore(file, type);
    const r = importTrustedCerts(store, [cert], { alias });
    if (changed(r) || !exists) saveStoreFile(file, r.store, storepass);
    return { store: file, alias: r.changes[0].alias, action: r.changes[0].action };
  });
}

function storeOptions(cmd: Command, truststore: boolean): Command {
  cmd
    .option('--keystore <file>', 'also write the key and its chain into this keystore (created or updated; .p12 or .jks)')
    .option('--storetype <type>', 'JKS, JCEKS or PKCS12 for --keystore (default: from the extension, else PKCS12)')
    .option('--alias <alias>', 'alias of the key entry (default: the --name)');
  passwordOptions(cmd, 'storepass', '--keystore password (also the key password)');
  if (truststore) {
    cmd
      .option('--truststore <file>', 'also add the root CA certificate to this truststore (created or updated)')
      .option('--truststore-type <type>', 'JKS or PKCS12 for --truststore (default: from the extension, else PKCS12)')
      .option('--truststore-alias <alias>', 'alias of the CA entry (default: from its CN)');
    passwordOptions(cmd, 'truststore-pass', '--truststore password (default changeit)');
  }
  return cmd;
}

/**
 * The store passwords, checked against existing stores (and the alias against the keystore) before
 * anything is issued, so a wrong password does not leave an issued certificate without its store.
 */
async function prepareStores(opts: Opts, alias: string): Promise<{ storepass?: string; trustpass?: string }> {
  const ks = opts.keystore as string | undefined;
  const ts = opts.truststore as string | undefined;
  const storepass = ks ? await password(opts, 'storepass', 'keystore password', true) : undefined;
  if (ks && storepass === undefined) throw new KtoolError('USAGE', `${ks}: give the keystore password (--storepass, --storepass-env, --storepass-file or --storepass-stdin)`);
  let trustpass = ts ? await password(opts, 'truststorePass', 'truststore password') : undefined;
  if (ts && trustpass === undefined) {
    trustpass = 'changeit';
    stdio.err(`ktool: ${ts}: no truststore password given: using "changeit"`);
  }
  if (ks && storeExists(ks)) {
    const { findEntry } = require('../../model/alias') as typeof import('../../model/alias');
    if (findEntry(loadStoreFile(ks, storepass!, readStoreType(opts.storetype)).store, alias) && !opts.force) {
      throw new KtoolError('EXISTS', `${ks}: alias <${alias.toLowerCase()}> already exists (use --force to replace it, or --alias)`);
    }
  }
  if (ts && storeExists(ts)) loadStoreFile(ts, trustpass!, readStoreType(opts.truststoreType));
  return { storepass, trustpass };
}

// ---------------------------------------------------------------- reporting

function report(opts: Opts, json: Record<string, unknown>, lines: string[]): void {
  if (opts.json) stdio.json(json);
  else for (const l of lines) stdio.out(l);
}

const writtenLines = (w: Written[]) => w.map((f) => `wrote ${f.path} (${f.what})`);
const noteLines = (notes: string[]) => notes.map((n) => `note: ${n}`);
const storeLine = (s: StoreResult, what: string) => `${s.store}: ${s.action} ${what} <${s.alias}>${s.chainLength ? ` (chain of ${s.chainLength})` : ''}`;

function certSummary(der: Uint8Array) {
  const j = certToJson(CertView.from(der));
  return { ...j, serial: serialHex(CertView.from(der).serial) };
}

// ---------------------------------------------------------------- verbs

async function createCa(dir: string, opts: Opts, parentDir?: string): Promise<void> {
  const subject = subjectFrom(opts, true)!;
  if (fs.existsSync(caPath(dir, CA_FILES.state)) && !opts.force) throw new KtoolError('EXISTS', `${dir}: already a CA directory (${CA_FILES.state} exists)`);
  checkFree([caPath(dir, CA_FILES.key), caPath(dir, CA_FILES.cert)], !!opts.force);
  const keyPass = await password(opts, 'keyPass', 'CA key passphrase');
  if (opts.serials !== undefined && opts.serials !== 'random' && opts.serials !== 'sequential') throw new KtoolError('USAGE', '--serials must be random or sequential');
  const parentSigner = parentDir ? await caSigningKey(parentDir, opts, 'parentKeyPass') : undefined;
  const pair = generateKey(opts, parentDir ? readState(parentDir).key : undefined);
  const notes: string[] = [];
  let certDer: Uint8Array;
  let chain: Uint8Array[];
  const caDays = days(opts, parentDir ? DEFAULT_DAYS.intermediate : DEFAULT_DAYS.root);
  if (parentDir) {
    checkSigner(loadCa(parentDir), parentSigner!);
    const signed = issue(parentDir, parentSigner!, {
      subject,
      spki: pair.publicKeySpki,
      days: caDays,
      profile: 'ca',
      plan: (parent) => ({ extensions: caExtensions(subordinatePathLen(parent.cert.basicConstraints, opts.pathlen as number | undefined), parent.state.crlUrl), notes: [] }),
    });
    certDer = signed.der;
    chain = [certDer, ...signed.ca.chain];
    notes.push(...signed.notes);
  } else {
    const v = validity(new Date(), caDays);
    const sigalg = opts.sigalg as string | undefined;
    certDer = buildCertificate({
      subject: subject.der,
      issuer: subject.der,
      notBefore: v.notBefore,
      notAfter: v.notAfter,
      publicKeySpki: pair.publicKeySpki,
      extensions: caExtensions(opts.pathlen as number | undefined),
      signerKey: pair.keyObject,
      ...(sigalg ? { sigAlg: sigalg } : {}),
    });
    chain = [certDer];
  }
  const state = newCaState({
    kind: parentDir ? 'intermediate' : 'root',
    subject: subject.toRfc2253(),
    ...(parentDir ? { parent: parentDir } : {}),
    key: { ...keyFacts(pair), encrypted: keyPass !== undefined },
    ...(opts.sigalg ? { sigalg: opts.sigalg as string } : {}),
    serialMode: (opts.serials as 'random' | 'sequential' | undefined) ?? 'random',
    ...(opts.crlUrl ? { crlUrl: opts.crlUrl as string } : {}),
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: Written[] = [];
  writeFile(written, caPath(dir, CA_FILES.key), keyPem(pair.pkcs8, keyPass), keyPass === undefined ? 'CA private key, unencrypted' : 'CA private key, encrypted PKCS#8', 0o600);
  writeFile(written, caPath(dir, CA_FILES.cert), pem().certificatesToPem([certDer]), 'CA certificate');
  writeFile(written, caPath(dir, CA_FILES.chain), pem().certificatesToPem(chain), `CA chain, ${chain.length} certificate${chain.length > 1 ? 's' : ''} up to the root`);
  saveState(dir, state);
  written.push({ path: caPath(dir, CA_FILES.state), what: 'CA state' });
  const cert = certSummary(certDer);
  report(
    opts,
    { ca: dir, kind: state.kind, ...(parentDir ? { parent: parentDir } : {}), certificate: cert, key: state.key, chainLength: chain.length, files: written, notes },
    [...writtenLines(written), `${state.kind} CA ${cert.subject}: serial ${cert.serial}, valid until ${cert.notAfter}`, `SHA-256: ${cert.sha256}`, ...noteLines(notes)],
  );
}

/** Sign an end-entity certificate for `spki` with the CA's key (its passphrase asked for first). */
async function signLeaf(dir: string, opts: Opts, req: { profile: 'server' | 'client'; subject: X500Name; spki: Uint8Array; san: GeneralName[]; eku: string[] }) {
  const validDays = days(opts, DEFAULT_DAYS.leaf);
  const signer = await caSigningKey(dir, opts);
  checkSigner(loadCa(dir), signer);
  let plan: LeafPlan | undefined;
  const signed = issue(dir, signer, {
    subject: req.subject,
    spki: req.spki,
    days: validDays,
    profile: req.profile,
    plan: (ca) => (plan = leafExtensions({ ...req, cn: req.subject.commonName, crlUrl: ca.state.crlUrl })),
  });
  return { signed, plan: plan! };
}

interface LeafOutputs {
  key: string;
  cert: string;
  chain: string;
  ca: string;
}

function leafOutputs(opts: Opts, base: string): LeafOutputs {
  const dir = (opts.outDir as string | undefined) ?? '.';
  return { key: path.join(dir, `${base}.key.pem`), cert: path.join(dir, `${base}.cert.pem`), chain: path.join(dir, `${base}.chain.pem`), ca: path.join(dir, 'ca.pem') };
}

async function issueLeaf(dir: string, profile: 'server' | 'client', opts: Opts): Promise<void> {
  const subject = subjectFrom(opts, true)!;
  const cn = subject.commonName;
  const { slug } = require('../../ops/aliases') as typeof import('../../ops/aliases');
  const base = (opts.name as string | undefined) ?? slug(cn ?? profile);
  const out = leafOutputs(opts, base);
  const ca0 = loadCa(dir);
  const san = parseSanList((opts.san as string[] | undefined) ?? []);
  const eku = parseEkuList((opts.eku as string[] | undefined) ?? []);
  checkFree([out.key, out.cert, out.chain], !!opts.force);
  const keyPass = await password(opts, 'keyPass', 'key passphrase');
  const alias = (opts.alias as string | undefined) ?? base;
  const { storepass, trustpass } = await prepareStores(opts, alias);
  const pair = generateKey(opts, ca0.state.key);
  const { signed, plan: lp } = await signLeaf(dir, opts, { profile, subject, spki: pair.publicKeySpki, san, eku });
  const chain = [signed.der, ...signed.ca.chain];
  const root = chain[chain.length - 1];
  const written: Written[] = [];
  writeFile(written, out.key, keyPem(pair.pkcs8, keyPass), keyPass === undefined ? 'private key, unencrypted PKCS#8' : 'private key, encrypted PKCS#8', 0o600);
  writeFile(written, out.cert, pem().certificatesToPem([signed.der]), 'certificate');
  writeFile(written, out.chain, pem().certificatesToPem(chain), `full chain, ${chain.length} certificates, leaf first`);
  writeFile(written, out.ca, pem().certificatesToPem([root]), 'root CA certificate, the trust anchor');
  const stores: Record<string, StoreResult> = {};
  const lines: string[] = [];
  if (opts.keystore) {
    stores.keystore = writeKeyEntry(opts.keystore as string, readStoreType(opts.storetype), storepass!, alias, pair.pkcs8, chain, !!opts.force);
    lines.push(storeLine(stores.keystore, 'key entry'));
  }
  if (opts.truststore) {
    stores.truststore = writeTrustedCert(opts.truststore as string, readStoreType(opts.truststoreType), trustpass!, opts.truststoreAlias as string | undefined, root);
    lines.push(storeLine(stores.truststore, 'trusted certificate'));
  }
  const cert = certSummary(signed.der);
  const notes = signed.notes;
  report(
    opts,
    { ca: dir, profile, certificate: cert, san: lp.san, eku: lp.eku, keyUsage: lp.keyUsage, key: keyFacts(pair), chainLength: chain.length, files: written, ...stores, notes },
    [...writtenLines(written), ...lines, `${profile} certificate ${cert.subject}: serial ${cert.serial}, valid until ${cert.notAfter}`, `SAN: ${lp.san.join(', ') || '(none)'}`, `SHA-256: ${cert.sha256}`, ...noteLines(notes)],
  );
}

async function signCsr(dir: string, opts: Opts): Promise<void> {
  const profile = (opts.profile as string | undefined) ?? 'server';
  if (profile !== 'server' && profile !== 'client') throw new KtoolError('USAGE', '--profile must be server or client');
  const csrFile = opts.csr as string;
  const { parseCsr } = require('../../x509/csr') as typeof import('../../x509/csr');
  const csr = inFile(csrFile, () => parseCsr(pem().readPemOrDerObject(readFileOrFail(csrFile, 'certificate request'), ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'], 'certificate request')));
  if (!csr.signatureValid) throw new KtoolError('VERIFY', `${csrFile}: the request's signature does not verify with its public key`);
  const subject = subjectFrom(opts, false) ?? X500Name.fromDer(csr.subject);
  if (subject.isEmpty) throw new KtoolError('USAGE', `${csrFile}: the request has an empty subject: give --cn or --dname`);
  const given = parseSanList((opts.san as string[] | undefined) ?? []);
  const san = given.length ? given : requestedSan(csr.extensions);
  const eku = parseEkuList((opts.eku as string[] | undefined) ?? []);
  const outFile = opts.out as string | undefined;
  if (outFile) checkFree([outFile], !!opts.force);
  const { signed, plan: lp } = await signLeaf(dir, opts, { profile, subject, spki: csr.publicKeySpki, san, eku });
  const chain = opts.leafOnly ? [signed.der] : [signed.der, ...signed.ca.chain];
  const text = pem().certificatesToPem(chain);
  const written: Written[] = [];
  if (outFile) writeFile(written, outFile, text, chain.length > 1 ? `certificate reply, chain of ${chain.length}, leaf first` : 'certificate');
  const cert = certSummary(signed.der);
  const notes = signed.notes;
  const ignored = csr.extensions.filter((e) => e.oid !== '2.5.29.17').map((e) => e.oid);
  if (ignored.length) notes.push(`requested extensions not copied (the ${profile} profile decides): ${ignored.join(', ')}`);
  if (opts.json) {
    stdio.json({ ca: dir, profile, csr: csrFile, certificate: cert, san: lp.san, eku: lp.eku, keyUsage: lp.keyUsage, chainLength: chain.length, files: written, ...(outFile ? {} : { pem: text }), notes });
  } else if (outFile) {
    for (const l of [...writtenLines(written), `${profile} certificate ${cert.subject}: serial ${cert.serial}, valid until ${cert.notAfter}`, `SHA-256: ${cert.sha256}`, ...noteLines(notes)]) stdio.out(l);
  } else {
    writeStdout(text);
    for (const n of noteLines(notes)) stdio.err(`ktool: ${n}`);
  }
}

async function revokeCmd(dir: string, opts: Opts): Promise<void> {
  if ((opts.serial === undefined) === (opts.cert === undefined)) throw new KtoolError('USAGE', 'give --serial S or --cert FILE');
  let serial: bigint;
  if (opts.cert !== undefined) {
    const f = opts.cert as string;
    const der = inFile(f, () => pem().certificateToDer(readFileOrFail(f, 'certificate')));
    const c = parseCertificate(der);
    const ca = loadCa(dir);
    const { bytesEqual } = require('../../util/bytes') as typeof import('../../util/bytes');
    if (!bytesEqual(c.issuer, ca.cert.subject)) throw new KtoolError('USAGE', `${f}: not issued by this CA (issuer differs)`);
    serial = c.serial;
    const known = findIssued(ca.state, serial);
    if (known && known.sha256 !== CertView.from(der).sha256) throw new KtoolError('USAGE', `${f}: serial ${serialHex(serial)} was issued by this CA for a different certificate`);
  } else serial = parseSerial(opts.serial as string);
  const date = opts.date === undefined ? new Date() : new Date(opts.date as string);
  if (Number.isNaN(date.getTime())) throw new KtoolError('USAGE', `--date ${String(opts.date)}: not a date (ISO 8601)`);
  const r = updateCa(dir, (ca) => {
    const x = revoke(ca.state, serial, { reason: opts.reason as string | undefined, date });
    return { state: x.state, result: x };
  });
  report(opts, { ca: dir, changed: r.changed, revoked: r.record }, [
    `${r.changed ? 'revoked' : 'already revoked'}: serial ${r.record.serial} ${r.record.subject ?? ''} (${r.record.reason ?? 'unspecified'}, ${r.record.date})`,
    ...(r.changed ? ['run "ktool crl create" to publish it'] : []),
  ]);
}

function showCmd(dir: string, opts: Opts): void {
  const ca = loadCa(dir);
  const revoked = new Map(ca.state.revoked.map((r) => [r.serial, r]));
  const now = Date.now();
  const status = (r: IssuedRecord) => (revoked.has(r.serial) ? 'revoked' : Date.parse(r.notAfter) < now ? 'expired' : 'valid');
  if (opts.json) {
    stdio.json({ ca: dir, certificate: certSummary(ca.certDer), chainLength: ca.chain.length, ...ca.state, issued: ca.state.issued.map((r) => ({ ...r, status: status(r) })) });
    return;
  }
  stdio.out(`${ca.state.kind} CA ${ca.state.subject} (${ca.state.key.algorithm}${ca.state.key.curve ? ` ${ca.state.key.curve}` : ` ${ca.state.key.size}`}, key ${ca.state.key.encrypted ? 'encrypted' : 'not encrypted'})`);
  stdio.out(`valid until ${ca.cert.notAfter.toISOString()}, chain of ${ca.chain.length}, serials ${ca.state.serialMode}, last CRL number ${ca.state.crlNumber}`);
  for (const r of ca.state.issued) stdio.out(`${status(r).padEnd(8)} ${r.serial}  ${r.profile.padEnd(6)} ${r.notAfter}  ${r.subject}`);
}

export function register(program: Command): void {
  const ca = program.command('ca').description('a small CA in a directory: root, intermediate, server and client certificates, CSR signing, revocation (docs/ca.md)');

  const create = (name: string, desc: string, intermediate: boolean) => {
    const cmd = ca.command(name).description(desc).argument('<dir>', 'the new CA directory');
    if (intermediate) cmd.requiredOption('--parent <dir>', 'the CA directory that signs this one');
    subjectOptions(cmd, true);
    keyOptions(cmd, 'CA')
      .option('--sigalg <alg>', 'signature algorithm for what this CA signs (default: keytool\'s for the key)')
      .option('--days <n>', `validity (default ${intermediate ? DEFAULT_DAYS.intermediate : DEFAULT_DAYS.root})`, integerOption('--days'))
      .option('--pathlen <n>', intermediate ? 'BasicConstraints path length (default 0: issues end-entity certificates only)' : 'BasicConstraints path length (default: unlimited)', integerOption('--pathlen'))
      .option('--serials <mode>', 'serial numbers: random (positive 64-bit, default) or sequential', 'random')
      .option('--crl-url <url>', 'CRL distribution point put in the certificates this CA issues')
      .option('--force', 'replace the key and certificate of an existing CA directory')
      .option('--json', 'report as JSON');
    passwordOptions(cmd, 'key-pass', 'encrypt the CA key (PKCS#8 PBES2 AES-256) with this passphrase');
    if (intermediate) passwordOptions(cmd, 'parent-key-pass', 'passphrase of the parent CA key');
    cmd.action(async (dir: string, opts: Opts) => createCa(dir, opts, intermediate ? (opts.parent as string) : undefined));
  };
  create('init', 'create a root CA: key (encrypted with --key-pass…), self-signed certificate CA:TRUE, keyCertSign, cRLSign', false);
  create('intermediate', 'create an intermediate CA signed by --parent (path length constraint, AKID)', true);

  const leaf = (profile: 'server' | 'client') => {
    const cmd = ca
      .command(`issue-${profile}`)
      .description(profile === 'server' ? 'issue a server certificate (serverAuth, SAN) with a new key: PEM key, certificate, full chain; optionally into a keystore and a truststore' : 'issue a client certificate (clientAuth; CN = database user) with a new key: PEM and optionally a keystore')
      .argument('<cadir>', 'the issuing CA directory');
    subjectOptions(cmd, true);
    cmd.option('--san <list>', 'subject alternative names: DNS:db.example.com,IP:10.0.0.5,EMAIL:…,URI:… (repeatable)', collect);
    cmd.option('--eku <list>', `extended key usages (default ${profile}Auth): serverAuth, clientAuth, … or OIDs`, collect);
    keyOptions(cmd, 'the new').option('--days <n>', `validity (default ${DEFAULT_DAYS.leaf}, at most the CA's)`, integerOption('--days'));
    cmd
      .option('--out-dir <dir>', 'where NAME.key.pem, NAME.cert.pem, NAME.chain.pem and ca.pem go (default: .)')
      .option('--name <name>', 'base name of the files (default: from the CN)')
      .option('--force', 'replace existing files and a keystore entry of the same alias');
    storeOptions(cmd, true).option('--json', 'report as JSON');
    passwordOptions(cmd, 'key-pass', 'encrypt the PEM key with this passphrase');
    passwordOptions(cmd, 'ca-key-pass', 'passphrase of the CA key');
    cmd.action(async (dir: string, opts: Opts) => issueLeaf(dir, profile, opts));
  };
  leaf('server');
  leaf('client');

  const sign = ca
    .command('sign')
    .description('sign a certificate request (PEM or DER, e.g. from keytool -certreq): the reply, leaf first with the CA chain')
    .argument('<cadir>', 'the issuing CA directory')
    .requiredOption('--csr <file>', 'PKCS#10 request, PEM or DER')
    .option('--profile <p>', 'server (serverAuth, default) or client (clientAuth)')
    .option('--san <list>', 'subject alternative names (default: those the request asks for; a server without any gets its CN)', collect)
    .option('--eku <list>', 'extended key usages instead of the profile\'s', collect)
    .option('--days <n>', `validity (default ${DEFAULT_DAYS.leaf}, at most the CA's)`, integerOption('--days'))
    .option('--out <file>', 'write the reply here (default: standard output)')
    .option('--leaf-only', 'only the certificate, not the CA chain')
    .option('--force', 'replace an existing --out file')
    .option('--json', 'report as JSON (the PEM in "pem" without --out)');
  subjectOptions(sign, false);
  passwordOptions(sign, 'ca-key-pass', 'passphrase of the CA key');
  sign.action(async (dir: string, opts: Opts) => signCsr(dir, opts));

  const rev = ca
    .command('revoke')
    .description('mark a certificate this CA issued as revoked (then "ktool crl create" publishes it)')
    .argument('<cadir>', 'the issuing CA directory')
    .option('--serial <hex>', 'serial number (hex, as openssl and keytool print it)')
    .option('--cert <file>', 'the certificate (PEM or DER)')
    .option('--reason <r>', `CRL reason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise`)
    .option('--date <iso>', 'revocation date (default: now)')
    .option('--json', 'report as JSON');
  rev.action(async (dir: string, opts: Opts) => revokeCmd(dir, opts));

  ca.command('show')
    .description('the CA: its certificate, issued and revoked certificates')
    .argument('<cadir>', 'a CA directory')
    .option('--json', 'report as JSON')
    .action((dir: string, opts: Opts) => showCmd(dir, opts));
}

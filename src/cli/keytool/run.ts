/**
 * keytool compatibility mode: keytool's commands, options, messages, output streams and exit codes
 * (errors as `keytool error: …` on standard output and exit status 1; progress messages on stderr).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseStoreType } from '../../formats';
import { findEntry, foldAlias } from '../../model/alias';
import { KtoolError } from '../../model/errors';
import { type DecodedStore, type Entry, type KeyStore, type StoreType, isPasswordlessStore } from '../../model/keystore';
import { openPrivateKey, openSecretKey, sealEntries } from '../../ops/keys';
import { bytesEqual } from '../../util/bytes';
import { writeStdout, writeStderr } from '../context';
import { acquireFileLock, atomicWrite, readFileOrFail } from '../files';
import { loadStoreFile, saveStoreFile } from '../store-file';
import { type KeytoolArgs, KEYTOOL_JDK, KeytoolUsageError, parseKeytoolArgs } from './args';
import { JavaStyleError, jEx, keytoolErrorLine } from './errors';

/** stdout, quiet once its reader has gone (EPIPE: see writeStdout in ../context). */
const out = (s: string) => writeStdout(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => writeStderr(s.endsWith('\n') ? s : `${s}\n`);
const text = () => require('../../output/keytool-text') as typeof import('../../output/keytool-text');

/** Everything a command handler needs: the parsed arguments and the store it works on. */
export interface Session {
  a: KeytoolArgs;
  file: string;
  /** Loaded store, or a new empty one for commands that create the file. */
  store: KeyStore;
  existed: boolean;
  storepass: string | null;
  /** Set by handlers that change the store. */
  save: boolean;
  /** Set by -storepasswd. */
  newStorepass?: string;
  /** The type keytool would print (the -storetype given, for JKS/PKCS12 dual-format loads). */
  displayType?: StoreType;
  /** Passwords for keys added in plain form whose password is not the session's (-importkeystore). */
  keyPasswords?: Map<string, string>;
  /** The closing "Warning:" block was printed already (-list prints it with its weak-key lines). */
  warned?: boolean;
  /**
   * keytool's weakWarnings: weak algorithms and key sizes of the certificates read. Printed in the
   * closing "Warning:" block, or before a yes/no question (printWeakWarnings(true)).
   */
  weak: string[];
}

export async function runKeytool(argv: string[]): Promise<number> {
  let a: KeytoolArgs;
  try {
    a = parseKeytoolArgs(argv);
  } catch (e) {
    return failureStatus(e);
  }
  if (a.help || !a.command) {
    if (a.help) {
      out(usage(a.command));
      return 0;
    }
    err('Usage error: no command provided');
    err(tinyHelp());
    return 1;
  }
  for (const ign of a.ignored) err(`ktool: ignoring ${ign} (no JVM or JCA providers in ktool)`);
  let storeType: string | undefined;
  try {
    if (a.command === 'list' && a.verbose && a.rfc) {
      err("Must not specify both -v and -rfc with 'list' command");
      err(tinyHelp('list'));
      return 1;
    }
    const handler = HANDLERS[a.command] ?? (require('./pki') as typeof import('./pki')).PKI_HANDLERS[a.command];
    if (!handler) throw jEx(`-${a.command} is not supported by ktool yet`);
    if (!handler.store) {
      await handler.run(a);
      return 0;
    }
    const file = keystorePath(a);
    storeType = sniffType(file);
    const release = handler.writes ? acquireFileLock(file) : () => undefined;
    try {
      const s = await openSession(a, file, handler.creates);
      storeType = s.store.type;
      ignorePkcs12KeyPasswords(s);
      await handler.run(s.a, s);
      if (s.save) persist(s);
      closingWarnings(s);
    } finally {
      release();
    }
    return 0;
  } catch (e) {
    return failureStatus(e, a.command, storeType);
  }
}

/** keytool: a PKCS#12 store's keys use its store password; -keypass / -destkeypass differing from it are ignored. */
function ignorePkcs12KeyPasswords(s: Session): void {
  if (s.storepass === null || s.store.type !== 'PKCS12') return;
  for (const option of ['keypass', 'destkeypass'] as const) {
    if (s.a[option] !== undefined && s.a[option] !== s.storepass) {
      err(`Warning:  Different store and key passwords not supported for PKCS12 KeyStores. Ignoring user-specified -${option} value.`);
      s.a = { ...s.a, [option]: s.storepass };
    }
  }
}

/** Reports a failure the way keytool does and gives its exit status; anything unexpected is rethrown. */
function failureStatus(e: unknown, command?: string, storeType?: string): number {
  if (e instanceof GaveUp) {
    err(e.message);
    return 0;
  }
  if (e instanceof KeytoolUsageError) {
    err(e.message);
    err(tinyHelp(e.command ?? command));
    return 1;
  }
  if (!(e instanceof KtoolError) && !(e instanceof JavaStyleError)) throw e;
  out(keytoolErrorLine(e, storeType));
  return 1;
}

/** The type of an existing store file from its bytes (keytool words some errors per type). */
function sniffType(file: string): string | undefined {
  try {
    const { detectStoreType } = require('../../formats/detect') as typeof import('../../formats/detect');
    return detectStoreType(new Uint8Array(fs.readFileSync(file))) ?? undefined;
  } catch {
    return undefined;
  }
}

function keystorePath(a: KeytoolArgs): string {
  if (a.cacerts) {
    if (a.keystore || a.storetype) throw new JavaStyleError('java.lang.IllegalArgumentException', 'The -keystore or -storetype option cannot be used with the -cacerts option');
    const { findCacerts } = require('../../ops/cacerts') as { findCacerts: () => string };
    return findCacerts();
  }
  return a.keystore ?? path.join(os.homedir(), '.keystore');
}

/** keytool reads a missing password from the terminal, or from standard input when there is none. */
export async function askPassword(prompt: string): Promise<string | null> {
  if (process.stdin.isTTY) {
    const { promptPassword } = require('../passwords') as typeof import('../passwords');
    return promptPassword(prompt);
  }
  writeStderr(prompt); // no newline: keytool does not echo the answer's line end either
  const line = readStdinLine();
  return line === undefined || line === '' ? null : line;
}

let stdinBuffer: string[] | undefined;
export function readStdinLine(): string | undefined {
  if (!stdinBuffer) {
    try {
      stdinBuffer = fs.readFileSync(0, 'utf8').split(/\r?\n/);
    } catch {
      stdinBuffer = [];
    }
  }
  return stdinBuffer.shift();
}

async function openSession(a: KeytoolArgs, file: string, creates: boolean): Promise<Session> {
  const requested: StoreType | undefined = a.storetype ? parseStoreType(a.storetype) : undefined;
  let storepass: string | null = a.storepass ?? null;
  if (!fs.existsSync(file)) {
    if (!creates) throw jEx(`Keystore file does not exist: ${file}`);
    if (storepass === null) storepass = await askWritePassword(a.command, false);
    else if (storepass.length < 6) throw jEx('Keystore password must be at least 6 characters');
    const type = requested ?? 'PKCS12';
    const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
    const store: KeyStore = { type, entries: [], protection: type === 'PKCS12' ? { kind: 'pkcs12', profile: profileByName('modern') } : { kind: 'keyed-sha1' } };
    return { a, file, store, existed: false, storepass, save: false, weak: [] };
  }
  if (fs.statSync(file).size === 0) throw jEx(`Keystore file exists, but is empty: ${file}`);
  const load = (pw: string | null): DecodedStore => {
    try {
      return loadStoreFile(file, pw, requested, { dualFormat: true });
    } catch (e) {
      if (e instanceof KtoolError && e.code === 'UNSUPPORTED' && /keystore, not/.test(e.message)) throw new JavaStyleError('java.io.IOException', 'Invalid keystore format');
      throw e;
    }
  };
  let decoded: DecodedStore;
  if (storepass === null) {
    // keytool first loads without a password to check the format, then asks for it.
    decoded = load(null);
    if (!isPasswordlessStore(decoded.store)) {
      if (PASSWORD_REQUIRED.has(a.command ?? '')) storepass = await askWritePassword(a.command, true);
      else if (!a.noprompt) storepass = await askPassword('Enter keystore password:  ');
      if (storepass !== null) decoded = load(storepass);
      else integrityBanner();
    }
  } else {
    decoded = load(storepass);
  }
  // With -storetype JKS a PKCS12 file lists as "JKS" (and the other way round), as keytool's dual format does.
  return { a, file, store: decoded.store, existed: true, storepass, save: false, displayType: requested ?? decoded.store.type, weak: [] };
}

/** keytool's commands that create or modify a store: they insist on a store password. */
const PASSWORD_REQUIRED = new Set(['certreq', 'delete', 'genkeypair', 'genseckey', 'importcert', 'importpass', 'importkeystore', 'keyclone', 'changealias', 'selfcert', 'storepasswd', 'keypasswd']);

/** keytool gives up after three bad answers: a note on stderr and exit status 0, nothing done. */
class GaveUp extends Error {}

/** keytool's prompt loop for a store password it must have: three tries, at least 6 characters, asked twice for a new file. */
async function askWritePassword(command: string | undefined, exists: boolean): Promise<string> {
  const prompt = command === 'importkeystore' ? 'Enter destination keystore password:  ' : 'Enter keystore password:  ';
  for (let tries = 0; tries < 3; tries++) {
    const pw = await askPassword(prompt);
    if (pw === null || pw.length < 6) {
      err('Keystore password is too short - must be at least 6 characters');
      continue;
    }
    if (!exists && (await askPassword('Re-enter new password: ')) !== pw) {
      err("They don't match. Try again");
      continue;
    }
    return pw;
  }
  throw new GaveUp('Too many failures - try later');
}

function integrityBanner(): void {
  err('');
  err('*****************  WARNING WARNING WARNING  *****************');
  err('* The integrity of the information stored in your keystore  *');
  err('* has NOT been verified!  In order to verify its integrity, *');
  err('* you must provide your keystore password.                  *');
  err('*****************  WARNING WARNING WARNING  *****************');
  err('');
}

/** Key password of an entry: PKCS#12 keys use the store password (keytool ignores -keypass there). */
function keyPasswordFor(s: Session, override?: string): string | undefined {
  if (s.store.type === 'PKCS12' && !isPasswordlessStore(s.store)) return s.storepass ?? undefined;
  return override ?? s.a.keypass ?? s.storepass ?? undefined;
}

function persist(s: Session): void {
  const pw = s.newStorepass ?? s.storepass;
  const keyPw = (alias: string) => {
    const k = s.keyPasswords?.get(alias) ?? keyPasswordFor(s);
    if (k === undefined) throw jEx(`Enter key password for <${alias}>`);
    return k;
  };
  const sealed = sealEntries(s.store, { target: s.store.type, sourceKeyPassword: keyPw, targetKeyPassword: keyPw });
  saveStoreFile(s.file, sealed, isPasswordlessStore(sealed) ? null : pw);
}

/** keytool's closing "Warning:" block: the weak-algorithm warnings, then the JKS/JCEKS migration advice. */
function closingWarnings(s: Session): void {
  if (s.warned) return;
  const migrate = s.store.type !== 'PKCS12' && fs.existsSync(s.file) && !s.store.entries.every((e) => e.type === 'trustedCertEntry');
  if (s.weak.length === 0 && !migrate) return;
  writeStderr(text().warningBlock([...s.weak, ...(migrate ? [text().migrationWarning(s.store.type, s.file)] : [])]));
}

/** printWeakWarnings(true): the warnings so far, and a blank line, before keytool asks a question. */
function weakBeforeQuestion(s: Session): void {
  if (s.weak.length > 0) writeStderr(`${text().warningBlock(s.weak)}\n`);
  s.weak = [];
}

/** isTrustedCert: a trusted entry of the store, or (with -trustcacerts) of cacerts. */
export function isTrustedCert(s: Session, der: Uint8Array, cacerts?: { cert: Uint8Array }[]): boolean {
  return !!cacerts?.some((c) => bytesEqual(c.cert, der)) || s.store.entries.some((e) => e.type === 'trustedCertEntry' && bytesEqual(e.cert, der));
}

/**
 * The warnings of establishCertChain: each link of `chain` (leaf first), root first, as "The input"
 * (the leaf) or the store (or cacerts) alias it was found under.
 */
function establishedChainWarnings(s: Session, chain: Uint8Array[], cacerts?: { alias: string; cert: Uint8Array }[]): string[] {
  return chain
    .map((der, i) => text().certificateWeakWarnings(i === 0 ? 'The input' : issuerLabel(s, der, cacerts), der, isTrustedCert(s, der, cacerts), KEYTOOL_JDK))
    .reverse()
    .flat();
}

/** keytool's name for a certificate it found in the store ("Issuer <alias>") or in cacerts ("Issuer <alias> in cacerts"). */
function issuerLabel(s: Session, der: Uint8Array, cacerts?: { alias: string; cert: Uint8Array }[]): string {
  const own = aliasCertificates(s.store.entries).find((c) => bytesEqual(c.cert, der));
  if (own) return `Issuer <${own.alias}>`;
  return `Issuer <${cacerts?.find((c) => bytesEqual(c.cert, der))?.alias ?? ''}> in cacerts`;
}

/** An output file (-file, -outfile), written atomically; failures worded as Java's FileOutputStream. */
export function writeKeytoolFile(file: string, bytes: Uint8Array): void {
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new JavaStyleError('java.io.FileNotFoundException', `${file} (${code === 'ENOENT' ? 'No such file or directory' : 'Permission denied'})`);
  }
  atomicWrite(file, bytes);
}

export function requireEntry(s: Session, alias: string): Entry {
  const e = findEntry(s.store, alias);
  if (!e) throw jEx(`Alias <${alias}> does not exist`);
  return e;
}

const replaceEntry = (store: KeyStore, old: Entry, next: Entry): KeyStore => ({ ...store, entries: store.entries.map((e) => (e === old ? next : e)) });

/**
 * An entry as keytool's KeyStore.setEntry stores it (-changealias, -keypasswd, -importkeystore): under
 * `alias`, created now, and (PKCS#12) with a new "Time <now>" localKeyId rather than the old one.
 */
function restamped<T extends Entry>(e: T, alias: string = e.alias): T {
  const { localKeyId: _old, ...rest } = e as T & { localKeyId?: Uint8Array };
  return { ...rest, alias, created: new Date() } as unknown as T;
}

// ------------------------------------------------------------------ commands

export interface Handler {
  /** Works on a keystore (-keystore / -cacerts). */
  store: boolean;
  /** May create the keystore file. */
  creates: boolean;
  writes: boolean;
  run(a: KeytoolArgs, s?: Session): Promise<void> | void;
}

const HANDLERS: Record<string, Handler> = {
  list: {
    store: true,
    creates: false,
    writes: false,
    run(a, s) {
      const { renderKeytoolList, renderKeytoolListStderr } = require('../../output/listing') as typeof import('../../output/listing');
      if (a.alias !== undefined) requireEntry(s!, a.alias);
      const opts = { verbose: a.verbose, rfc: a.rfc, alias: a.alias, displayType: s!.displayType, jdk: KEYTOOL_JDK };
      out(renderKeytoolList(s!.store, opts));
      // keytool's closing block: weak-algorithm lines and the JKS/JCEKS migration advice together.
      const { after } = renderKeytoolListStderr(s!.store, { ...opts, fileName: s!.file });
      if (after) err(after);
      s!.warned = true;
    },
  },
  exportcert: {
    store: true,
    creates: false,
    writes: false,
    run(a, s) {
      const alias = a.alias ?? 'mykey';
      const e = requireEntry(s!, alias);
      const cert = e.type === 'trustedCertEntry' ? e.cert : e.type === 'PrivateKeyEntry' ? e.chain[0] : undefined;
      if (!cert) throw jEx(`Alias <${alias}> has no certificate`);
      const { pemCertificate } = require('../../output/keytool-text') as typeof import('../../output/keytool-text');
      const bytes = a.rfc ? Buffer.from(pemCertificate(cert, KEYTOOL_JDK)) : Buffer.from(cert);
      if (a.file) {
        writeKeytoolFile(a.file, bytes);
        err(`Certificate stored in file <${a.file}>`);
      } else writeStdout(bytes);
      s!.weak.push(...text().certificateWeakWarnings('The certificate', cert, isTrustedCert(s!, cert), KEYTOOL_JDK));
    },
  },
  delete: {
    store: true,
    creates: false,
    writes: true,
    run(a, s) {
      if (a.alias === undefined) throw jEx('Must specify alias');
      const e = requireEntry(s!, a.alias);
      s!.store = { ...s!.store, entries: s!.store.entries.filter((x) => x !== e) };
      s!.save = true;
    },
  },
  changealias: {
    store: true,
    creates: false,
    writes: true,
    run(a, s) {
      const alias = a.alias ?? 'mykey';
      if (a.dest === undefined) throw jEx('Must specify destination alias');
      if (findEntry(s!.store, a.dest)) throw jEx(`Destination alias <${a.dest}> already exists`);
      const e = requireEntry(s!, alias);
      const renamed = { ...restamped(e, foldAlias(a.dest)), ...(e.type === 'trustedCertEntry' ? { friendlyName: a.dest } : {}) } as Entry;
      s!.store = replaceEntry(s!.store, e, renamed);
      s!.save = true;
    },
  },
  storepasswd: {
    store: true,
    creates: false,
    writes: true,
    async run(a, s) {
      const np = a.newPass ?? (await askPassword('New keystore password:  '));
      if (np === null) throw jEx('Too many failures - try later');
      if (np.length < 6) throw jEx('New password must be at least 6 characters');
      if (s!.store.type === 'PKCS12') {
        // PKCS#12 keys are protected by the store password: re-seal them with the new one.
        const old = s!.storepass ?? '';
        s!.store = sealEntries(s!.store, { target: 'PKCS12', sourceKeyPassword: () => old, targetKeyPassword: () => np, force: true });
      }
      s!.newStorepass = np;
      s!.save = true;
    },
  },
  keypasswd: {
    store: true,
    creates: false,
    writes: true,
    async run(a, s) {
      if (s!.store.type === 'PKCS12') throw new JavaStyleError('java.lang.UnsupportedOperationException', '-keypasswd commands not supported if -storetype is PKCS12');
      const alias = a.alias ?? 'mykey';
      const e = requireEntry(s!, alias);
      if (e.type === 'trustedCertEntry') throw jEx(`Alias <${alias}> has no key`);
      const oldPw = a.keypass ?? s!.storepass ?? '';
      const np = a.newPass ?? (await askPassword(`New key password for <${alias}>: `));
      if (np === null) throw jEx('Too many failures - try later');
      if (np.length < 6) throw jEx('New password must be at least 6 characters');
      const one: KeyStore = { ...s!.store, entries: [e] };
      const resealed = sealEntries(one, { target: s!.store.type, sourceKeyPassword: () => oldPw, targetKeyPassword: () => np, force: true }).entries[0];
      s!.store = replaceEntry(s!.store, e, restamped(resealed));
      s!.save = true;
      s!.a = { ...a, keypass: np };
      // persist() seals only plain keys; this one is sealed already.
    },
  },
  importcert: {
    store: true,
    creates: true,
    writes: true,
    async run(a, s) {
      const alias = a.alias ?? 'mykey';
      const input = a.file ? readFileOrFail(a.file, 'certificate file') : new Uint8Array(fs.readFileSync(0));
      const pem = require('../../formats/pem') as typeof import('../../formats/pem');
      let certs: Uint8Array[];
      try {
        certs = pem.readCertificates(input);
      } catch {
        throw jEx('Input not an X.509 certificate');
      }
      if (certs.length === 0) throw jEx('Input not an X.509 certificate');
      const existing = findEntry(s!.store, alias);
      if (existing?.type === 'PrivateKeyEntry') {
        installReply(s!, existing, certs);
        err('Certificate reply was installed in keystore');
        return;
      }
      if (existing) throw jEx(`Certificate not imported, alias <${alias}> already exists`);
      const cert = certs[0];
      if (a.noprompt) s!.weak.push(...text().certificateWeakWarnings('The input', cert, isTrustedCert(s!, cert, a.trustcacerts ? cacertsEntries() : undefined), KEYTOOL_JDK));
      else if (!trustedCertAccepted(s!, cert)) {
        err('Certificate was not added to keystore');
        return;
      }
      s!.store = { ...s!.store, entries: [...s!.store.entries, { type: 'trustedCertEntry', alias: foldAlias(alias), created: new Date(), cert, friendlyName: alias }] };
      s!.save = true;
      err('Certificate was added to keystore');
    },
  },
  importkeystore: {
    store: true,
    creates: true,
    writes: true,
    async run(a, s) {
      if (!a.srckeystore) throw jEx('Please specify -srckeystore');
      const srcType = a.srcstoretype ? parseStoreType(a.srcstoretype) : undefined;
      let srcpass: string | null = a.srcstorepass ?? null;
      if (srcpass === null && !a.noprompt) srcpass = await askPassword('Enter source keystore password:  ');
      const src = loadStoreFile(a.srckeystore, srcpass, srcType).store;
      if (srcpass === null && !(src.protection.kind === 'pkcs12' && !src.protection.profile.mac)) {
        err('');
        err('*****************  WARNING WARNING WARNING  *****************');
        err('* The integrity of the information stored in the srckeystore*');
        err('* has NOT been verified!  In order to verify its integrity, *');
        err('* you must provide the srckeystore password.                *');
        err('*****************  WARNING WARNING WARNING  *****************');
        err('');
      }
      err(`Importing keystore ${a.srckeystore} to ${s!.file}...`);
      if (a.alias !== undefined) {
        const e = findEntry(src, a.alias);
        if (!e) throw jEx(`Alias <${a.alias}> does not exist`);
        await importOne(s!, src, e, a.dest ?? a.alias, srcpass);
        return;
      }
      if (a.dest !== undefined || a.srckeypass !== undefined) throw jEx('if alias not specified, destalias and srckeypass must not be specified');
      let ok = 0;
      for (const e of javaEnumerationOrder(src)) {
        if (await importOne(s!, src, e, e.alias, srcpass)) {
          ok++;
          err(`Entry for alias ${e.alias} successfully imported.`);
        }
      }
      err(`Import command completed:  ${ok} entries successfully imported, ${src.entries.length - ok} entries failed or cancelled`);
    },
  },
  printcert: {
    store: false,
    creates: false,
    writes: false,
    async run(a) {
      if (a.sslserver) {
        const { printSslServer } = require('./sslserver') as { printSslServer: (a: KeytoolArgs) => Promise<void> };
        await printSslServer(a);
        return;
      }
      let input: Uint8Array;
      if (a.file) {
        if (!fs.existsSync(a.file)) throw new JavaStyleError('java.io.FileNotFoundException', `${a.file} (No such file or directory)`);
        input = readFileOrFail(a.file);
      } else input = new Uint8Array(fs.readFileSync(0));
      const pem = require('../../formats/pem') as typeof import('../../formats/pem');
      let certs: Uint8Array[];
      try {
        certs = pem.readCertificates(input);
      } catch {
        throw new JavaStyleError('java.security.cert.CertificateException', 'Input not an X.509 certificate');
      }
      const { renderPrintcert } = require('../../output/listing') as typeof import('../../output/listing');
      out(renderPrintcert(certs, { rfc: a.rfc, jdk: KEYTOOL_JDK }));
    },
  },
  version: {
    store: false,
    creates: false,
    writes: false,
    run() {
      out(`keytool (ktool ${require('../../../package.json').version}, compatible with JDK 17 keytool)`);
    },
  },
};

/**
 * The order KeyStore.aliases() enumerates a loaded store in: JKS and JCEKS load into a Hashtable (in
 * file order), PKCS#12 into a LinkedHashMap (file order).
 */
function javaEnumerationOrder(src: KeyStore): Entry[] {
  if (src.type === 'PKCS12') return src.entries;
  const { hashtableOrder } = require('../../formats/hashtable-order') as typeof import('../../formats/hashtable-order');
  const byAlias = new Map(src.entries.map((e) => [e.alias, e]));
  return hashtableOrder(src.entries.map((e) => e.alias)).map((alias) => byAlias.get(alias)!);
}

/**
 * keytool's recoverEntry for a key: -srckeypass if given (no fallback), else the store password, else
 * (JKS/JCEKS only: PKCS#12 keys use the store password) "Enter key password for <alias>" read from
 * the terminal or standard input, asked again only while no answer comes, three times at most.
 */
async function recoverSourceKey<T>(src: KeyStore, e: Entry, srcpass: string | null, srckeypass: string | undefined, open: (pw: string) => T): Promise<T> {
  const wrongKey = (x: unknown) => x instanceof KtoolError && x.code === 'WRONG_PASSWORD';
  if (srckeypass !== undefined) return open(srckeypass);
  if (srcpass !== null) {
    try {
      return open(srcpass);
    } catch (x) {
      if (!wrongKey(x) || src.type === 'PKCS12') throw x;
    }
  }
  for (let tries = 0; tries < 3; tries++) {
    const pw = await askPassword(`Enter key password for <${e.alias}>`);
    if (pw !== null) return open(pw);
  }
  throw jEx('Too many failures - try later');
}

/** One entry from a source store into the session's store, as doImportKeyStoreSingle does. */
async function importOne(s: Session, src: KeyStore, e: Entry, newAlias: string, srcpass: string | null): Promise<boolean> {
  const a = s.a;
  let named = newAlias;
  let target = foldAlias(named);
  let existing = findEntry(s.store, target);
  if (existing) {
    if (a.noprompt) err(`Warning: Overwriting existing alias ${e.alias} in destination keystore`);
    else if (!askYesNoSync(`Existing entry alias ${e.alias} exists, overwrite? [no]:  `)) {
      // keytool then offers another alias; an empty answer skips the entry.
      writeStderr('Enter new alias name\t(RETURN to cancel import for this entry):  ');
      const other = readAnswerLine() ?? '';
      if (other === '') {
        err(`Entry for alias ${e.alias} not imported.`);
        return false;
      }
      named = other;
      target = foldAlias(other);
      existing = findEntry(s.store, target);
    }
  }
  // KeyStore.setEntry's refusals: keytool reports them per entry and goes on.
  const refusal =
    s.store.type === 'JKS' && e.type === 'SecretKeyEntry'
      ? 'Cannot store non-PrivateKeys.'
      : e.type === 'trustedCertEntry' && a.destkeypass !== undefined
        ? 'trusted certificate entries are not password-protected.'
        : undefined;
  if (refusal) {
    err(`Problem importing entry for alias ${e.alias}: java.security.KeyStoreException: ${refusal}`);
    err(`Entry for alias ${e.alias} not imported.`);
    return false;
  }
  let entry: Entry = restamped(e, target);
  if (e.type !== 'trustedCertEntry') {
    // Opened with the source key password, to be sealed for the destination. A password-less PKCS#12
    // protects its keys with their own password; other PKCS#12 keys use the store password.
    const passwordless = src.protection.kind === 'pkcs12' && !src.protection.profile.mac;
    const srckeypass = src.type === 'PKCS12' && !passwordless ? srcpass ?? undefined : a.srckeypass;
    let usedPw = '';
    try {
      entry = await recoverSourceKey(src, e, srcpass, srckeypass, (pw) => {
        const opened: Entry =
          e.type === 'PrivateKeyEntry'
            ? { ...(entry as typeof e), key: { form: 'plain', pkcs8: openPrivateKey(e, pw) } }
            : { ...(entry as typeof e), secret: { form: 'plain', ...openSecretKey(e, pw) } };
        usedPw = pw;
        return opened;
      });
    } catch (x) {
      if (x instanceof KtoolError && x.code === 'WRONG_PASSWORD') throw new JavaStyleError('java.security.UnrecoverableKeyException', 'Cannot recover key');
      throw x;
    }
    // The destination key password: -destkeypass (for PKCS#12 already made the store password by
    // ignorePkcs12KeyPasswords), else the store password of a PKCS#12 destination, else the one that
    // opened the source key.
    const destPkcs12 = s.store.type === 'PKCS12' && !isPasswordlessStore(s.store);
    const newPass = a.destkeypass ?? (destPkcs12 ? s.storepass ?? usedPw : usedPw);
    (s.keyPasswords ??= new Map()).set(target, newPass);
  }
  // keytool checks each imported certificate as "<alias>". keytool 25 checks it in the store it was
  // imported into (a trusted certificate's signature is then not checked); keytool 17 as if it were
  // not there yet (measured: 17 warns about the signature of an imported trusted certificate, 25 does
  // not). Secret key algorithms are not checked here.
  const cert = e.type === 'trustedCertEntry' ? e.cert : e.type === 'PrivateKeyEntry' ? e.chain[0] : undefined;
  const trustedBefore = cert !== undefined && isTrustedCert(s, cert);
  s.store = existing ? replaceEntry(s.store, existing, entry) : { ...s.store, entries: [...s.store.entries, entry] };
  s.save = true;
  if (cert) s.weak.push(...text().certificateWeakWarnings(`<${named}>`, cert, KEYTOOL_JDK === 17 ? trustedBefore : isTrustedCert(s, cert), KEYTOOL_JDK));
  return true;
}

/**
 * -importcert onto a key entry: keytool's installReply (src/ops/reply.ts keytoolReplyChain builds the
 * chain). A reply chain whose top nothing in the store (or cacerts, with -trustcacerts) trusts is shown
 * and confirmed first unless -noprompt: "no" ends with keytool's "Certificate reply was not installed in
 * keystore" on stderr, exit status 0, the store unchanged.
 */
function installReply(s: Session, entry: Extract<Entry, { type: 'PrivateKeyEntry' }>, certs: Uint8Array[]): void {
  const { keytoolReplyChain } = require('../../ops/reply') as typeof import('../../ops/reply');
  const storeCerts = storeCertificates(s);
  const cacertsWithAliases = s.a.trustcacerts ? cacertsEntries() : undefined;
  const cacerts = cacertsWithAliases?.map((e) => e.cert);
  const plan = keytoolReplyChain({ alias: s.a.alias ?? 'mykey', userCert: entry.chain[0], reply: certs, storeCerts, cacerts, noprompt: !!s.a.noprompt });
  // keytool checks a chain reply as it was read (validateReply), a single certificate as the chain it was completed to.
  if (certs.length > 1) {
    s.weak.push(...text().chainWeakWarnings('Reply', certs, (der) => isTrustedCert(s, der, cacertsWithAliases), KEYTOOL_JDK));
    // The root keytool appended from the store (or cacerts) to complete the chain is checked too.
    const last = plan.chain[plan.chain.length - 1];
    if (!certs.some((c) => bytesEqual(c, last))) s.weak.push(...text().certificateWeakWarnings(issuerLabel(s, last, cacertsWithAliases), last, isTrustedCert(s, last, cacertsWithAliases), KEYTOOL_JDK));
  } else s.weak.push(...establishedChainWarnings(s, plan.chain, cacertsWithAliases));
  if (plan.untrustedTop) {
    // keytool's streams: the labels on stderr, the certificate on stdout, the question on stderr.
    err('');
    writeStderr('Top-level certificate in reply:\n\n'); // println of a text ending in a line end
    const { renderPrintcert } = require('../../output/listing') as typeof import('../../output/listing');
    out(renderPrintcert([plan.untrustedTop], { jdk: KEYTOOL_JDK }));
    err('');
    writeStderr('... is not trusted. ');
    weakBeforeQuestion(s);
    if (!askYesNoSync('Install reply anyway? [no]:  ')) {
      // failureStatus prints the message and ends with status 0 without saving; keytool still gives its
      // JKS/JCEKS migration advice afterwards, which closingWarnings would have printed.
      const advice = s.store.type === 'PKCS12' ? '' : `\n\nWarning:\n${text().migrationWarning(s.store.type, s.file)}`;
      throw new GaveUp(`Certificate reply was not installed in keystore${advice}`);
    }
  }
  s.store = replaceEntry(s.store, entry, { ...entry, chain: plan.chain });
  s.save = true;
}

/** KeyStore.getCertificate of every alias: trusted certificates and the first certificate of key entries. */
export function aliasCertificates(entries: readonly Entry[]): { alias: string; cert: Uint8Array }[] {
  return entries.flatMap((e) => (e.type === 'trustedCertEntry' ? [{ alias: e.alias, cert: e.cert }] : e.type === 'PrivateKeyEntry' && e.chain.length > 0 ? [{ alias: e.alias, cert: e.chain[0] }] : []));
}

const storeCertificates = (s: Session): Uint8Array[] => aliasCertificates(s.store.entries).map((c) => c.cert);

/** The JDK cacerts' certificates (-trustcacerts), or none when there is no readable cacerts. */
export function cacertsEntries(): { alias: string; cert: Uint8Array }[] {
  const { findCacerts, CACERTS_PASSWORDS } = require('../../ops/cacerts') as typeof import('../../ops/cacerts');
  let file: string;
  try {
    file = findCacerts();
  } catch {
    return [];
  }
  for (const pw of CACERTS_PASSWORDS) {
    try {
      return aliasCertificates(loadStoreFile(file, pw).store.entries);
    } catch {
      /* next password */
    }
  }
  return [];
}

/**
 * keytool's addTrustedCert without -noprompt: a certificate already in the store (or, self-signed, in
 * cacerts with -trustcacerts) is confirmed first; another self-signed one is shown and confirmed; one
 * that chains up to the store's (and cacerts') certificates is added without a question; any other is
 * shown and confirmed.
 */
function trustedCertAccepted(s: Session, cert: Uint8Array): boolean {
  const { establishedChain, isSelfSignedCertificate } = require('../../ops/reply') as typeof import('../../ops/reply');
  const show = () => out((require('../../output/listing') as typeof import('../../output/listing')).renderPrintcert([cert], { jdk: KEYTOOL_JDK }));
  const cacerts = s.a.trustcacerts ? cacertsEntries() : undefined;
  // Before each question keytool checks the input, and prints what it found.
  const ask = (question: string): boolean => {
    s.weak.push(...text().certificateWeakWarnings('The input', cert, isTrustedCert(s, cert, cacerts), KEYTOOL_JDK));
    weakBeforeQuestion(s);
    return askYesNoSync(question);
  };
  const inStore = s.store.entries.find((e) => (e.type === 'trustedCertEntry' ? bytesEqual(e.cert, cert) : e.type === 'PrivateKeyEntry' && e.chain.length > 0 && bytesEqual(e.chain[0], cert)));
  if (inStore) {
    err(`Certificate already exists in keystore under alias <${inStore.alias}>`);
    return ask('Do you still want to add it? [no]:  ');
  }
  if (isSelfSignedCertificate(cert)) {
    const inCacerts = cacerts?.find((c) => bytesEqual(c.cert, cert));
    if (inCacerts) {
      err(`Certificate already exists in system-wide CA keystore under alias <${inCacerts.alias}>`);
      return ask('Do you still want to add it to your own keystore? [no]:  ');
    }
    show();
    return ask('Trust this certificate? [no]:  ');
  }
  const chain = establishedChain(cert, storeCertificates(s), cacerts?.map((c) => c.cert));
  if (chain) {
    s.weak.push(...establishedChainWarnings(s, chain, cacerts));
    return true;
  }
  show();
  return ask('Trust this certificate? [no]:  ');
}

/**
 * keytool's getYesNoReply, synchronously: the prompt on stderr without a line end; y/yes or n/no/empty
 * (any case), anything else is "Wrong answer, try again" (keytool gives up after 20).
 */
function askYesNoSync(prompt: string): boolean {
  for (let tries = 0; tries <= 20; tries++) {
    writeStderr(prompt);
    const reply = readAnswerLine();
    const r = (reply ?? '').trim().toLowerCase();
    if (reply === undefined || r === '' || r === 'n' || r === 'no') return false;
    if (r === 'y' || r === 'yes') return true;
    err('Wrong answer, try again');
  }
  throw new JavaStyleError('java.lang.RuntimeException', 'Too many retries, program terminated');
}

/** One line of the answer: from the terminal as typed (blocking read of fd 0), else the buffered standard input. */
function readAnswerLine(): string | undefined {
  if (!(require('node:tty') as typeof import('node:tty')).isatty(0)) return readStdinLine();
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, one, 0, 1, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      return undefined;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(one[0]);
  }
}


function tinyHelp(command?: string): string {
  return command ? `Use "keytool -${command} -help" for usage of -${command}` : 'Use "keytool -?, -h, or --help" for this help message';
}

function usage(command?: string): string {
  const lines = [
    'ktool in keytool compatibility mode: Key and Certificate Management Tool',
    '',
    'Commands:',
    '',
    ' -certreq            Generates a certificate request',
    ' -changealias        Changes an entry\'s alias',
    ' -delete             Deletes an entry',
    ' -exportcert         Exports certificate',
    ' -genkeypair         Generates a key pair',
    ' -genseckey          Generates a secret key',
    ' -gencert            Generates certificate from a certificate request',
    ' -importcert         Imports a certificate or a certificate chain',
    ' -importpass         Imports a password',
    ' -importkeystore     Imports one or all entries from another keystore',
    ' -keypasswd          Changes the key password of an entry',
    ' -list               Lists entries in a keystore',
    ' -printcert          Prints the content of a certificate',
    ' -printcertreq       Prints the content of a certificate request',
    ' -printcrl           Prints the content of a CRL file',
    ' -storepasswd        Changes the store password of a keystore',
    ' -version            Prints the program version',
    '',
    'Use "ktool --help" for the modern commands.',
  ];
  return command ? `keytool -${command} [OPTION]...\n\n(see keytool's documentation; all keytool 17 options are accepted)` : lines.join('\n');
}

/**
 * ktool truststore OUT --from SRC…: build or update a truststore from PEM/DER/PKCS#7 bundles,
 * directories, other stores and the JDK's cacerts. Deduplicated by SHA-256, deterministic aliases,
 * PKCS#12 written with Java's trusted-certificate attribute (or JKS), a summary of what happened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { typeFromExtension } from '../../formats';
import { detectStoreType } from '../../formats/detect';
import { KtoolError } from '../../model/errors';
import type { KeyStore, StoreType } from '../../model/keystore';
import { CACERTS_PASSWORDS, findCacerts } from '../../ops/cacerts';
import { isPasswordlessStore } from '../../model/keystore';
import { type CertificateInput, type SkippedItem, buildTruststore } from '../../ops/truststore';
import { stdio } from '../context';
import { readFileOrFail } from '../files';
import { type Target, mutationOptions, openForUpdate, runMutation } from '../mutate';
import { collect, password, passwordOptions, readStoreType } from '../options';
import { pkcs12ProfileOption, readProfile } from '../profile';
import { decodeStoreBytes } from '../../formats';
import { storeExists } from '../store-file';

export function register(program: Command): void {
  const cmd = program
    .command('truststore')
    .description('build or update a truststore from PEM/DER/PKCS#7 files, directories, stores and `cacerts`')
    .argument('<out>', 'truststore to create or update (.p12 or .jks)')
    .requiredOption('--from <src>', 'a PEM/DER/PKCS#7 file, a directory (e.g. /etc/ssl/certs), a keystore, or "cacerts" (repeatable)', collect)
    .option('--storetype <type>', 'JKS or PKCS12 for a new OUT (default: from the extension, else PKCS12)')
    .option('--alias-template <t>', 'aliases: {cn} slug of the subject CN, {sha256} or {sha256:N} fingerprint digits, {serial}', '{cn}-{sha256:8}')
    .option('--drop-expired', 'leave out expired certificates')
    .option('--ca-only', 'leave out certificates that are not CAs (basicConstraints CA:true)')
    .option('--replace', 'OUT holds exactly these certificates (default: merge into what it has)');
  passwordOptions(cmd, 'storepass', 'truststore password (default for a truststore: changeit, with a notice)');
  passwordOptions(cmd, 'from-storepass', 'password of --from keystores (default: changeit, then none)');
  pkcs12ProfileOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (out: string, opts: Record<string, unknown>) => {
    const storepass = await password(opts, 'storepass', 'truststore password');
    const fromPass = await password(opts, 'fromStorepass', 'source keystore password');
    const inputs: CertificateInput[] = [];
    const skipped: SkippedItem[] = [];
    for (const src of opts.from as string[]) gather(src, fromPass, inputs, skipped);
    const profile = readProfile(opts);
    const requested: StoreType | undefined = readStoreType(opts.storetype);
    if (requested === 'JCEKS') throw new KtoolError('USAGE', 'a truststore is JKS or PKCS12');

    runMutation(out, opts, () => openTruststore(out, storepass, requested, profile), (t) => {
      const { store, summary } = buildTruststore(t.store, inputs, {
        dropExpired: !!opts.dropExpired,
        caOnly: !!opts.caOnly,
        replace: !!opts.replace,
        aliasTemplate: opts.aliasTemplate as string,
      });
      const allSkipped = [...skipped, ...summary.skipped];
      const text = [
        ...summary.added.map((a) => `added: ${a.alias} (${a.subject})`),
        ...summary.removed.map((a) => `removed: ${a.alias}${a.subject ? ` (${a.subject})` : ''}`),
        ...allSkipped.map((s) => `skipped: ${s.source}${s.subject ? ` (${s.subject})` : ''}: ${s.reason}`),
        `${summary.added.length} added, ${summary.unchanged.length} unchanged, ${summary.removed.length} removed, ${allSkipped.length} skipped; ${summary.total} entries`,
      ];
      return {
        store,
        changes: [
          ...summary.added.map((a) => ({ alias: a.alias, action: 'added' as const })),
          ...summary.removed.map((a) => ({ alias: a.alias, action: 'removed' as const })),
        ],
        changed: summary.changed || !t.exists,
        text,
        json: {
          storeType: store.type,
          entries: summary.total,
          added: summary.added,
          unchanged: summary.unchanged,
          removed: summary.removed,
          skipped: allSkipped,
        },
      };
    });
  });
}

/**
 * A truststore to update (existing) or to create (type from `requested`, else the extension, else
 * PKCS12); without a password, "changeit" with a notice. Shared by `truststore` and `fetch --import`.
 */
export function openTruststore(out: string, storepass: string | undefined, requested: StoreType | undefined, profile?: ReturnType<typeof readProfile>): Target {
  if (storeExists(out)) {
    const t = openForUpdate(out, storepass, requested, { trustDefault: true });
    if (profile && t.store.type === 'PKCS12') t.store = { ...t.store, protection: { kind: 'pkcs12', profile } };
    return t;
  }
  const type = requested ?? typeFromExtension(out) ?? 'PKCS12';
  if (type === 'JCEKS') throw new KtoolError('USAGE', `${out}: a truststore is JKS or PKCS12`);
  const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
  const store: KeyStore = { type, entries: [], protection: type === 'PKCS12' ? { kind: 'pkcs12', profile: profile ?? profileByName('modern') } : { kind: 'keyed-sha1' } };
  if (isPasswordlessStore(store)) return { store, password: null, exists: false };
  if (storepass !== undefined) return { store, password: storepass, exists: false };
  stdio.err(`ktool: ${out}: no store password given: using "changeit" (the JDK's truststore default)`);
  return { store, password: 'changeit', exists: false };
}

const isAuthFailure = (e: unknown) => e instanceof KtoolError && (e.code === 'TAMPERED' || e.code === 'WRONG_PASSWORD');

/** Certificates of one --from source, in a deterministic order; what cannot be used is skipped with a reason. */
function gather(src: string, fromPass: string | undefined, inputs: CertificateInput[], skipped: SkippedItem[]): void {
  if (src === 'cacerts') {
    const file = findCacerts();
    fromStore(file, readFileOrFail(file, 'cacerts'), fromPass === undefined ? CACERTS_PASSWORDS : [fromPass], inputs, skipped, 'cacerts');
    return;
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(src);
  } catch {
    throw new KtoolError('NOT_FOUND', `${src}: does not exist`);
  }
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(src).sort()) {
      const file = path.join(src, name);
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch {
        skipped.push({ source: file, reason: 'unreadable (dangling link?)' });
        continue;
      }
      if (!st.isFile()) {
        if (st.isDirectory()) skipped.push({ source: file, reason: 'a directory (not searched)' });
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = readFileOrFail(file);
      } catch (e) {
        skipped.push({ source: file, reason: e instanceof Error ? e.message : String(e) });
        continue;
      }
      fromFile(file, bytes, fromPass, inputs, skipped, true);
    }
    return;
  }
  fromFile(src, readFileOrFail(src, 'certificate file'), fromPass, inputs, skipped, false);
}

function fromFile(file: string, bytes: Uint8Array, fromPass: string | undefined, inputs: CertificateInput[], skipped: SkippedItem[], inDirectory: boolean): void {
  if (detectStoreType(bytes)) {
    fromStore(file, bytes, fromPass === undefined ? CACERTS_PASSWORDS : [fromPass], inputs, skipped, file);
    return;
  }
  const pem = require('../../formats/pem') as typeof import('../../formats/pem');
  let certs: Uint8Array[];
  try {
    certs = pem.readCertificates(bytes);
  } catch (e) {
    // In a directory, other files are expected (keys, READMEs): skip them. A named file must parse.
    if (!inDirectory) throw e instanceof KtoolError ? new KtoolError(e.code, `${file}: ${e.message}`) : e;
    skipped.push({ source: file, reason: e instanceof Error ? e.message : String(e) });
    return;
  }
  if (!certs.length) {
    if (!inDirectory) throw new KtoolError('CORRUPT', `${file}: no certificates`);
    skipped.push({ source: file, reason: 'no certificates' });
    return;
  }
  certs.forEach((der, i) => inputs.push({ der, source: certs.length > 1 ? `${file}#${i + 1}` : file }));
}

function fromStore(file: string, bytes: Uint8Array, passwords: readonly (string | null)[], inputs: CertificateInput[], skipped: SkippedItem[], label: string): void {
  let store: KeyStore | undefined;
  let lastError: unknown;
  for (const pw of passwords) {
    try {
      store = decodeStoreBytes(bytes, pw, file).store;
      if (pw === null && store.protection.kind === 'pkcs12' && store.protection.profile.certProtection) {
        throw new KtoolError('USAGE', `${file}: password-protected PKCS12: give --from-storepass`);
      }
      break;
    } catch (e) {
      store = undefined;
      lastError = e;
      if (!isAuthFailure(e) && !(e instanceof KtoolError && e.code === 'USAGE')) throw e;
    }
  }
  if (!store) throw lastError;
  for (const e of [...store.entries].sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0))) {
    if (e.type === 'trustedCertEntry') inputs.push({ der: e.cert, source: `${label}#${e.alias}` });
    else skipped.push({ source: `${label}#${e.alias}`, reason: `${e.type}: only trusted certificates are taken from stores` });
  }
}

/** ktool verify CERT|STORE: chain, validity, constraints, purpose, CRLs, host name and key match. */
import type { Command } from 'commander';
import { KtoolError, withContext } from '../../model/errors';
import type { DecodedStore, KeyStore, StoreType } from '../../model/keystore';
import { EXIT } from '../exit-codes';
import { stdio } from '../context';
import { readFileOrFail } from '../files';
import { collect, oneOf, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { loadStoreFile } from '../store-file';

/**
 * A certificate file (PEM/DER/PKCS#7) or a keystore: certificates when it reads as such, else the store.
 *
 * A password-protected PKCS#12 opened without a password shows no certificates (they are encrypted), so
 * it is never read as an empty store (expiry would then exit 0, a silent pass):
 *  - `role: 'store'` (the input of verify and expiry): a usage error, as `ktool list` gives (exit 2,
 *    "give --storepass …");
 *  - `role: 'truststore'` (verify --trust): the JDK's default "changeit" is tried with a notice on stderr,
 *    as `ktool fetch`/`truststore` do, and a usage error names the password options when it does not open.
 * JKS/JCEKS and password-less PKCS#12 read without a password, as before (integrity not checked).
 */
export function readCertsOrStore(
  file: string,
  pass: string | undefined,
  type?: StoreType,
  opts: { role?: 'store' | 'truststore'; passOption?: string } = {},
): { certs: Uint8Array[] } | { store: KeyStore } {
  const bytes = readFileOrFail(file, 'file');
  const pem = require('../../formats/pem') as typeof import('../../formats/pem');
  try {
    return { certs: pem.readCertificates(bytes) };
  } catch (certErr) {
    let decoded: DecodedStore;
    try {
      decoded = loadStoreFile(file, pass ?? null, type);
    } catch (storeErr) {
      // Report whichever reading the bytes look like they were meant for.
      throw withContext(pem.looksLikePem(bytes) ? certErr : storeErr, file);
    }
    if (pass !== undefined || !passwordProtectedPkcs12(decoded)) return { store: decoded.store };
    const flag = opts.passOption ?? '--storepass';
    const give = `give ${flag}, ${flag}-env or ${flag}-file`;
    if (opts.role !== 'truststore') throw new KtoolError('USAGE', `${file}: this PKCS12 keystore is password-protected: ${give}`);
    stdio.err(`ktool: ${file}: no truststore password given: using "changeit"`);
    try {
      return { store: loadStoreFile(file, 'changeit', type).store };
    } catch (e) {
      if (e instanceof KtoolError && (e.code === 'WRONG_PASSWORD' || e.code === 'TAMPERED')) {
        throw new KtoolError('USAGE', `${file}: this PKCS12 truststore is password-protected and "changeit" does not open it: ${give}`);
      }
      throw withContext(e, file);
    }
  }
}

/** As `ktool list` decides (src/cli/open-store.ts): a PKCS#12 with a MAC or encrypted certificates. */
function passwordProtectedPkcs12(d: DecodedStore): boolean {
  const p = d.store.protection;
  return d.store.type === 'PKCS12' && p.kind === 'pkcs12' && (!!p.profile.certProtection || !!p.profile.mac);
}

const trustedCerts = (s: KeyStore): Uint8Array[] => s.entries.flatMap((e) => (e.type === 'trustedCertEntry' ? [e.cert] : []));

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description(`validate a certificate chain (exit 0 when valid, ${EXIT.VERIFY} with one line per problem otherwise)`)
    .argument('<input>', 'certificate file (PEM bundle in any order, DER, PKCS#7) or keystore')
    .option('--alias <alias>', 'entry of a keystore input (default: its only key entry)')
    .option('--untrusted <file>', 'extra intermediate certificates (repeatable)', collect)
    .option('--trust <file>', 'trust anchors: PEM/DER file or truststore (repeatable; default: the input store\'s trusted entries)', collect)
    .option('--crl <file>', 'CRL, PEM or DER (repeatable); the leaf then needs a CRL from its issuer', collect)
    .option('--crl-check-all', 'require a CRL for every certificate below the anchor (openssl -crl_check_all)')
    .option('--host <name>', 'check the leaf for this host name or IP address (verify-full rules)')
    .option('--purpose <p>', 'server, client or any', 'any')
    .option('--at <date>', 'validate at this time (ISO 8601 date or date-time) instead of now')
    .option('--json', 'report as JSON');
  passwordOptions(cmd, 'storepass', 'store password of a keystore input');
  passwordOptions(cmd, 'keypass', 'key password (JKS/JCEKS; default: the store password) to check the key matches');
  passwordOptions(cmd, 'trustpass', 'password of --trust stores (default: none for JKS/JCEKS, integrity not checked; "changeit", with a notice, for a protected PKCS12)');
  storeTypeOption(cmd);
  cmd.action(async (input: string, opts: Record<string, unknown>) => {
    const { verifyCertificate } = require('../../ops/verify') as typeof import('../../ops/verify');
    const purpose = oneOf(opts.purpose, ['server', 'client', 'any'] as const, '--purpose');
    let at = new Date();
    if (opts.at !== undefined) {
      at = new Date(opts.at as string);
      if (Number.isNaN(at.getTime())) throw new KtoolError('USAGE', `--at: not a date: ${opts.at}`);
    }
    const storepass = await password(opts, 'storepass', 'keystore password');
    const keypass = await password(opts, 'keypass', 'key password');
    const trustpass = await password(opts, 'trustpass', 'truststore password');
    const pem = require('../../formats/pem') as typeof import('../../formats/pem');
    const src = readCertsOrStore(input, storepass, readStoreType(opts.storetype), { role: 'store' });
    let certs: Uint8Array[];
    let leaf: Uint8Array | undefined;
    let pkcs8: Uint8Array | undefined;
    let anchors: Uint8Array[] = [];
    let where = input;
    if ('certs' in src) certs = src.certs;
    else {
      const { findEntry, foldAlias } = require('../../model/alias') as typeof import('../../model/alias');
      const alias = opts.alias as string | undefined;
      const e = alias !== undefined ? findEntry(src.store, foldAlias(alias)) : undefined;
      const keys = src.store.entries.filter((x) => x.type === 'PrivateKeyEntry');
      const entry = alias !== undefined ? e : keys.length === 1 ? keys[0] : undefined;
      if (!entry) throw new KtoolError(alias !== undefined ? 'NOT_FOUND' : 'USAGE', alias !== undefined ? `${input}: alias <${alias}> does not exist` : `${input}: give --alias (the store has ${keys.length} key entries)`);
      where = `${input}: ${entry.alias}`;
      if (entry.type === 'SecretKeyEntry') throw new KtoolError('USAGE', `${where}: a secret key entry has no certificate`);
      certs = entry.type === 'PrivateKeyEntry' ? entry.chain : [entry.cert];
      leaf = certs[0];
      anchors = trustedCerts(src.store);
      if (entry.type === 'PrivateKeyEntry') {
        const pw = src.store.type === 'PKCS12' ? storepass : keypass ?? storepass;
        if (entry.key.form === 'plain') pkcs8 = entry.key.pkcs8;
        else if (pw !== undefined) {
          const { openPrivateKey } = require('../../ops/keys') as typeof import('../../ops/keys');
          pkcs8 = openPrivateKey(entry, pw);
        }
      }
    }
    for (const f of (opts.untrusted as string[] | undefined) ?? []) certs = [...certs, ...pem.readCertificates(readFileOrFail(f, 'certificate file'))];
    if (opts.trust) {
      anchors = (opts.trust as string[]).flatMap((f) => {
        const t = readCertsOrStore(f, trustpass, undefined, { role: 'truststore', passOption: '--trustpass' });
        return 'certs' in t ? t.certs : trustedCerts(t.store);
      });
    }
    const crls = ((opts.crl as string[] | undefined) ?? []).map((f) => {
      try {
        return pem.readPemOrDerObject(readFileOrFail(f, 'CRL file'), ['X509 CRL'], 'CRL');
      } catch (e) {
        throw withContext(e, f);
      }
    });
    const r = verifyCertificate({ certs, leaf, anchors, crls, crlCheck: opts.crlCheckAll ? 'all' : 'leaf', host: opts.host as string | undefined, purpose, at, pkcs8 });
    if (opts.json) {
      const { displayName } = require('../../x509/verify') as typeof import('../../x509/verify');
      stdio.json({
        input: where,
        ok: r.ok,
        at: at.toISOString(),
        purpose,
        anchored: r.result.anchored,
        chain: r.result.chain.map((c) => ({ subject: displayName(c.subject), issuer: displayName(c.issuer), serial: c.serial.toString(16), notAfter: c.notAfter.toISOString() })),
        problems: [...r.result.problems, ...(r.keyMatches === false ? [{ index: 0, subject: displayName(r.result.chain[0].subject), code: 'KEY_MISMATCH', message: "the entry's private key does not belong to its certificate" }] : [])],
        ...(r.result.hostname ? { hostname: { name: opts.host, ...r.result.hostname } } : {}),
        ...(r.keyMatches !== undefined ? { keyMatches: r.keyMatches } : {}),
      });
    } else for (const l of r.lines) stdio.out(l);
    if (!r.ok) process.exitCode = EXIT.VERIFY;
  });
}

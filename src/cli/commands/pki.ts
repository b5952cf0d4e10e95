/**
 * The keytool PKI commands as modern verbs: genkeypair, certreq, gencert, genseckey (store changes under
 * the file lock, reported as changed/unchanged or JSON) and printcert, printcertreq (text or --json).
 * The operations are src/ops/pki.ts, shared with keytool compatibility mode (src/cli/keytool/pki.ts).
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { typeFromExtension } from '../../formats';
import { findEntry } from '../../model/alias';
import { KtoolError, withContext } from '../../model/errors';
import type { KeyStore, StoreType } from '../../model/keystore';
import { openPrivateKey, sealEntries } from '../../ops/keys';
import { isPasswordlessStore } from '../../model/keystore';
import * as pki from '../../ops/pki';
import { CertView, certToJson } from '../../x509/certificate';
import { privateKeyObject } from '../../x509/keyinfo';
import { stdio, writeStdout } from '../context';
import { atomicWrite, readFileOrFail } from '../files';
import { type Target, mutationOptions, openForUpdate, runMutation } from '../mutate';
import { collect, integerOption, password, passwordOptions, readStoreType, storeTypeOption } from '../options';

type Opts = Record<string, unknown>;
const pem = () => require('../../formats/pem') as typeof import('../../formats/pem');

/** Passwords of a store command: the store's, and the key password for JKS/JCEKS (default: the store's). */
async function passwords(opts: Opts): Promise<{ storepass?: string; keypass?: string }> {
  return { storepass: await password(opts, 'storepass', 'keystore password', true), keypass: await password(opts, 'keypass', 'key password') };
}

const keyPasswordOf = (store: KeyStore, storepass: string | null, keypass?: string): string => {
  const pw = store.type === 'PKCS12' && !isPasswordlessStore(store) ? storepass : keypass ?? storepass;
  if (pw === null) throw new KtoolError('USAGE', 'give the key password (--keypass…) or the store password');
  return pw;
};

/** An existing store, or a new empty one (type from --storetype, the extension, else PKCS12). */
function openOrCreate(file: string, storepass: string | undefined, type: StoreType | undefined): Target {
  if (fs.existsSync(file)) return openForUpdate(file, storepass, type);
  if (storepass === undefined) throw new KtoolError('USAGE', `${file}: give the password for the new store (--storepass…)`);
  if (storepass.length < 6) throw new KtoolError('USAGE', `${file}: the store password must be at least 6 characters (keytool refuses shorter ones)`);
  const t = type ?? typeFromExtension(file) ?? 'PKCS12';
  const { profileByName } = require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles');
  return { store: { type: t, entries: [], protection: t === 'PKCS12' ? { kind: 'pkcs12', profile: profileByName('modern') } : { kind: 'keyed-sha1' } }, password: storepass, exists: false };
}

/** A key entry's private key and chain (the CA of gencert, the signer of genkeypair, the key of certreq). */
function keyOf(file: string, store: KeyStore, alias: string, pw: string): pki.Issuer {
  const e = findEntry(store, alias);
  if (!e) throw new KtoolError('NOT_FOUND', `${file}: alias <${alias}> does not exist`);
  if (e.type !== 'PrivateKeyEntry') throw new KtoolError('USAGE', `${file}: alias <${alias}> is a ${e.type}, not a key pair`);
  return { key: privateKeyObject(openPrivateKey(e, pw)), chain: e.chain };
}

function seal(store: KeyStore, pw: string): KeyStore {
  const p = store.protection;
  return sealEntries(store, { target: store.type, sourceKeyPassword: () => pw, targetKeyPassword: () => pw, pkcs12KeyProtection: p.kind === 'pkcs12' ? p.profile.keyProtection : undefined });
}

function output(file: string | undefined, text: string): void {
  if (file) atomicWrite(file, new Uint8Array(Buffer.from(text)), { mode: 0o644 });
  else writeStdout(text);
}

/** A PEM or DER input file, '-' for standard input. */
const input = (file: string, what: string): Uint8Array => (file === '-' ? new Uint8Array(fs.readFileSync(0)) : readFileOrFail(file, what));

function validityOptions(cmd: Command): Command {
  return cmd
    .option('--validity <days>', 'days of validity (default 90, as keytool)', integerOption('--validity'))
    .option('--startdate <when>', 'keytool -startdate: -1d, +1y-2m, "2030/01/01 12:00:00", …')
    .option('--sigalg <alg>', "signature algorithm (default: keytool 17's for the signing key)")
    .option('--ext <ext>', 'extension in keytool -ext syntax, repeatable: san=dns:a.example,ip:10.0.0.1  bc:c=ca:true,pathlen:0  ku=dS,kE  eku=sA', collect);
}

function storeCommand(program: Command, name: string, description: string): Command {
  const cmd = program.command(name).description(description).argument('<store>', 'keystore');
  passwordOptions(cmd, 'storepass', 'store password');
  passwordOptions(cmd, 'keypass', 'key password for JKS/JCEKS (default: the store password)');
  storeTypeOption(cmd);
  return cmd;
}

export function register(program: Command): void {
  const gen = storeCommand(program, 'genkeypair', 'generate a key pair with a self-signed certificate (or one issued by --signer) into a store (keytool -genkeypair)')
    .requiredOption('--alias <alias>', 'alias of the new entry')
    .requiredOption('--dname <dn>', 'subject, keytool syntax: "CN=db.example.com, O=Example, C=DE"')
    .option('--keyalg <alg>', 'RSA (default), EC, Ed25519, Ed448, DSA, RSASSA-PSS', 'RSA')
    .option('--keysize <bits>', 'RSA/DSA size (default 2048)', integerOption('--keysize'))
    .option('--groupname <curve>', 'EC curve: secp256r1 (default), secp384r1, secp521r1')
    .option('--signer <alias>', 'key entry that issues the certificate (chain: new, then the signer\'s chain)');
  passwordOptions(gen, 'signer-keypass', "the signer's key password for JKS/JCEKS");
  validityOptions(gen);
  mutationOptions(gen);
  gen.action(async (file: string, opts: Opts) => {
    const { storepass, keypass } = await passwords(opts);
    const signerKeypass = await password(opts, 'signerKeypass', 'signer key password');
    runMutation(
      file,
      opts,
      () => openOrCreate(file, storepass, readStoreType(opts.storetype)),
      (t) => {
        const pw = keyPasswordOf(t.store, t.password, keypass);
        const signerAlias = opts.signer as string | undefined;
        const signer = signerAlias === undefined ? undefined : keyOf(file, t.store, signerAlias, keyPasswordOf(t.store, t.password, signerKeypass ?? keypass));
        let r: pki.GenKeyPairResult;
        try {
          r = pki.generateKeyEntry(t.store, { ...specOf(opts), alias: opts.alias as string, dname: opts.dname as string, keyalg: opts.keyalg as string, keysize: opts.keysize as number | undefined, groupname: opts.groupname as string | undefined, signer });
        } catch (e) {
          throw withContext(e, file);
        }
        const v = CertView.from(r.entry.chain[0]);
        return {
          store: seal(r.store, pw),
          changes: [{ alias: r.entry.alias, action: 'added' }],
          text: [`added: ${r.entry.alias} (${v.publicKeyDisplay()}, ${r.sigAlgName}, ${v.subject.toString()}, valid until ${v.notAfter.toISOString()}${signerAlias ? `, issued by ${signerAlias}` : ', self-signed'})`],
          json: { certificate: certToJson(v), chainLength: r.entry.chain.length },
        };
      },
    );
  });

  const req = storeCommand(program, 'certreq', 'a PKCS#10 certificate request (PEM) for a key entry (keytool -certreq)')
    .requiredOption('--alias <alias>', 'the key entry')
    .option('--dname <dn>', 'subject (default: the certificate\'s)')
    .option('--sigalg <alg>', "signature algorithm (default: keytool 17's for the key)")
    .option('--ext <ext>', 'requested extension in keytool -ext syntax (repeatable)', collect)
    .option('--out <file>', 'write the request here (default: standard output)');
  req.action(async (file: string, opts: Opts) => {
    const { storepass, keypass } = await passwords(opts);
    const t = openForUpdate(file, storepass, readStoreType(opts.storetype));
    const k = keyOf(file, t.store, opts.alias as string, keyPasswordOf(t.store, t.password, keypass));
    const der = pki.certificateRequest({ key: k.key, cert: k.chain[0], dname: opts.dname as string | undefined, sigalg: opts.sigalg as string | undefined, ext: (opts.ext as string[] | undefined) ?? [] });
    output(opts.out as string | undefined, pem().toPem('CERTIFICATE REQUEST', der));
    if (opts.out) stdio.err(`wrote ${String(opts.out)}`);
  });

  const gc = storeCommand(program, 'gencert', 'sign a PKCS#10 request with a key entry of the store (keytool -gencert): PEM certificate and the issuer chain')
    .requiredOption('--alias <alias>', 'the issuing key entry')
    .requiredOption('--csr <file>', 'the request (PEM or DER; - for standard input)')
    .option('--dname <dn>', 'subject (default: the request\'s)')
    .option('--out <file>', 'write the certificates here (default: standard output)')
    .option('--no-chain', 'write only the new certificate, not the issuer chain after it');
  validityOptions(gc);
  gc.action(async (file: string, opts: Opts) => {
    const { storepass, keypass } = await passwords(opts);
    const t = openForUpdate(file, storepass, readStoreType(opts.storetype));
    const issuer = keyOf(file, t.store, opts.alias as string, keyPasswordOf(t.store, t.password, keypass));
    const csrFile = opts.csr as string;
    let r: pki.GenCertResult;
    try {
      const csr = pem().readPemOrDerObject(input(csrFile, 'certificate request'), ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'], 'certificate request');
      r = pki.certificateFromRequest({ ...specOf(opts), csr, issuer, dname: opts.dname as string | undefined });
    } catch (e) {
      throw withContext(e, csrFile);
    }
    // The full chain, anchor included, is what servers want to present and openssl verify -untrusted reads.
    const certs = opts.chain === false ? [r.cert] : [r.cert, ...issuer.chain];
    output(opts.out as string | undefined, pem().certificatesToPem(certs));
    if (opts.out) stdio.err(`wrote ${String(opts.out)}: ${CertView.from(r.cert).subject.toString()}, serial ${CertView.from(r.cert).serialHex}`);
  });

  const sec = storeCommand(program, 'genseckey', 'generate a secret key into a JCEKS or PKCS12 store (keytool -genseckey)')
    .requiredOption('--alias <alias>', 'alias of the new entry')
    .option('--keyalg <alg>', 'AES (default), DES, DESede, HmacSHA256, HmacSHA384, HmacSHA512, …', 'AES')
    .option('--keysize <bits>', 'key size (default: AES 256, Hmac the digest size, DES 56, DESede 168)', integerOption('--keysize'));
  mutationOptions(sec);
  sec.action(async (file: string, opts: Opts) => {
    const { storepass, keypass } = await passwords(opts);
    runMutation(
      file,
      opts,
      () => openOrCreate(file, storepass, readStoreType(opts.storetype)),
      (t) => {
        const keyalg = opts.keyalg as string;
        const g = pki.generateSecretKey(keyalg, (opts.keysize as number | undefined) ?? pki.defaultSecretKeySize(keyalg));
        let added;
        try {
          added = pki.addSecretKeyEntry(t.store, opts.alias as string, g);
        } catch (e) {
          throw withContext(e, file);
        }
        return {
          store: seal(added.store, keyPasswordOf(t.store, t.password, keypass)),
          changes: [{ alias: added.entry.alias, action: 'added' }],
          text: [`added: ${added.entry.alias} (${g.keysize}-bit ${g.algorithm} secret key)`],
          json: { algorithm: g.algorithm, keySize: g.keysize },
        };
      },
    );
  });

  program
    .command('printcert')
    .description('show certificates from a PEM, DER or PKCS#7 file as keytool -printcert does (- for standard input)')
    .argument('<file>', 'the certificate file')
    .option('--rfc', 'print as PEM')
    .option('--json', 'report as JSON')
    .action((file: string, opts: Opts) => {
      let certs: Uint8Array[];
      try {
        certs = pem().readCertificates(input(file, 'certificate file'));
      } catch (e) {
        throw withContext(e, file);
      }
      if (certs.length === 0) throw new KtoolError('CORRUPT', `${file}: no certificate found`);
      if (opts.json) stdio.json({ file, certificates: certs.map((c) => ({ ...certToJson(CertView.from(c)), extensions: (require('../../output/pki-text') as typeof import('../../output/pki-text')).extensionsJson(CertView.from(c).extensions) })) });
      else {
        const { renderPrintcert } = require('../../output/listing') as typeof import('../../output/listing');
        stdio.out(renderPrintcert(certs, { rfc: !!opts.rfc }));
      }
    });

  program
    .command('printcertreq')
    .description('show a PKCS#10 request (PEM or DER) as keytool -printcertreq does, and whether its signature verifies')
    .argument('<file>', 'the request (- for standard input)')
    .option('--json', 'report as JSON')
    .action((file: string, opts: Opts) => {
      const { parseCsr } = require('../../x509/csr') as typeof import('../../x509/csr');
      const text = require('../../output/pki-text') as typeof import('../../output/pki-text');
      let csr;
      try {
        csr = parseCsr(pem().readPemOrDerObject(input(file, 'certificate request'), ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'], 'certificate request'));
      } catch (e) {
        throw withContext(e, file);
      }
      if (opts.json) stdio.json({ file, ...text.certReqJson(csr) });
      else {
        writeStdout(text.renderCertReq(csr));
        stdio.out(`Signature: ${csr.signatureValid ? 'valid' : 'INVALID'}`);
      }
      if (!csr.signatureValid) process.exitCode = require('../exit-codes').EXIT.VERIFY;
    });
}

const specOf = (opts: Opts) => ({
  validity: opts.validity as number | undefined,
  startdate: opts.startdate as string | undefined,
  sigalg: opts.sigalg as string | undefined,
  ext: (opts.ext as string[] | undefined) ?? [],
});

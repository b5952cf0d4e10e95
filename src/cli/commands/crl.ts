/**
 * ktool crl create CADIR: sign the CA's next CRL (number + 1, every revoked serial with its reason) as PEM
 * or DER; ktool crl print FILE: read any CRL (PEM or DER; ktool's, openssl's, keytool's), optionally
 * checking its signature against a CA.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { KtoolError } from '../../model/errors';
import { CA_FILES, nextCrl, serialHex } from '../../ops/ca';
import { toHex } from '../../util/bytes';
import { publicKeyFromSpki } from '../../x509/algorithms';
import { type ParsedCrl, buildCrl, parseCrl, reasonName, verifyCrlSignature } from '../../x509/crl';
import { displayName } from '../../x509/verify';
import { X500Name } from '../../x509/name';
import { stdio } from '../context';
import { EXIT } from '../exit-codes';
import { atomicWrite, readFileOrFail } from '../files';
import { integerOption, passwordOptions } from '../options';
import { caSigningKey, loadCa, updateCa } from './ca';

type Opts = Record<string, unknown>;
const pem = () => require('../../formats/pem') as typeof import('../../formats/pem');

async function createCmd(dir: string, opts: Opts): Promise<void> {
  const format = (opts.format as string | undefined) ?? 'pem';
  if (format !== 'pem' && format !== 'der') throw new KtoolError('USAGE', '--format must be pem or der');
  const days = (opts.days as number | undefined) ?? 30;
  const out = (opts.out as string | undefined) ?? path.join(dir, format === 'pem' ? CA_FILES.crlPem : CA_FILES.crlDer);
  const signer = await caSigningKey(dir, opts);
  const made = updateCa(dir, (ca) => {
    const next = nextCrl(ca.state, new Date(), days);
    const der = buildCrl({
      issuer: ca.cert.subject,
      thisUpdate: next.thisUpdate,
      nextUpdate: next.nextUpdate,
      revoked: next.revoked,
      crlNumber: next.crlNumber,
      authorityKeyId: ca.cert.subjectKeyId ?? undefined,
      signerKey: signer,
      ...(ca.state.sigalg ? { sigAlg: ca.state.sigalg } : {}),
    });
    const crl = parseCrl(der);
    if (!verifyCrlSignature(crl, publicKeyFromSpki(ca.cert.spki))) throw new KtoolError('VERIFY', `${path.join(dir, CA_FILES.key)}: the key does not match ${CA_FILES.cert}`);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    atomicWrite(out, format === 'pem' ? new Uint8Array(Buffer.from(pem().toPem('X509 CRL', der))) : der, { mode: 0o644 });
    return { state: next.state, result: crl };
  });
  if (opts.json) stdio.json({ ca: dir, file: out, format, ...crlJson(made) });
  else {
    stdio.out(`wrote ${out} (CRL number ${made.crlNumber}, ${made.entries.length} revoked, ${format.toUpperCase()})`);
    stdio.out(`next update ${made.nextUpdate!.toISOString()}`);
  }
}

function crlJson(crl: ParsedCrl, signatureValid?: boolean) {
  return {
    issuer: X500Name.fromDer(crl.issuer).toRfc2253(),
    version: crl.version,
    signatureAlgorithm: crl.sigAlg.name,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    crlNumber: crl.crlNumber?.toString() ?? null,
    authorityKeyId: crl.authorityKeyId ? toHex(crl.authorityKeyId) : null,
    revoked: crl.entries.map((e) => ({ serial: serialHex(e.serial), date: e.revocationDate.toISOString(), reason: e.reason === undefined ? null : reasonName(e.reason) })),
    ...(signatureValid === undefined ? {} : { signatureValid }),
  };
}

/** --ca: a CA directory, or a certificate file (PEM or DER) of the issuer. */
function issuerKey(spec: string) {
  if (fs.existsSync(path.join(spec, CA_FILES.state))) return publicKeyFromSpki(loadCa(spec).cert.spki);
  const { parseCertificate } = require('../../x509/verify') as typeof import('../../x509/verify');
  return publicKeyFromSpki(parseCertificate(pem().certificateToDer(readFileOrFail(spec, 'CA certificate'))).spki);
}

function printCmd(file: string, opts: Opts): void {
  const bytes = readFileOrFail(file, 'CRL file');
  let crl: ParsedCrl;
  try {
    crl = parseCrl(pem().readPemOrDerObject(bytes, ['X509 CRL'], 'CRL'));
  } catch (e) {
    if (e instanceof KtoolError) throw new KtoolError(e.code, `${file}: ${e.message}`);
    throw e;
  }
  const valid = opts.ca === undefined ? undefined : verifyCrlSignature(crl, issuerKey(opts.ca as string));
  const j = crlJson(crl, valid);
  if (opts.json) stdio.json({ file, ...j });
  else {
    stdio.out(`Certificate Revocation List (CRL), version ${j.version}`);
    stdio.out(`  Issuer: ${displayName(crl.issuer)}`);
    stdio.out(`  Signature algorithm: ${j.signatureAlgorithm}`);
    stdio.out(`  This update: ${j.thisUpdate}`);
    stdio.out(`  Next update: ${j.nextUpdate ?? '(none)'}`);
    if (j.crlNumber !== null) stdio.out(`  CRL number: ${j.crlNumber}`);
    if (j.authorityKeyId !== null) stdio.out(`  Authority key identifier: ${j.authorityKeyId}`);
    stdio.out(`  Revoked certificates: ${j.revoked.length}`);
    for (const r of j.revoked) stdio.out(`    ${r.serial}  ${r.date}${r.reason ? `  ${r.reason}` : ''}`);
    if (valid !== undefined) stdio.out(`  Signature: ${valid ? 'valid' : 'INVALID'} (${String(opts.ca)})`);
  }
  if (valid === false) process.exitCode = EXIT.VERIFY; // the CRL is not the CA's
}

export function register(program: Command): void {
  const crl = program.command('crl').description('certificate revocation lists: create from a ktool CA directory, print any CRL');
  const create = crl
    .command('create')
    .description('sign the CA\'s next CRL: CRL number + 1, every revoked serial with its reason, nextUpdate = now + days')
    .argument('<cadir>', 'a CA directory (root or intermediate)')
    .option('--days <n>', 'until nextUpdate (default 30)', integerOption('--days'))
    .option('--out <file>', `where to write it (default: CADIR/${CA_FILES.crlPem} or ${CA_FILES.crlDer})`)
    .option('--format <f>', 'pem (default) or der')
    .option('--json', 'report as JSON');
  passwordOptions(create, 'ca-key-pass', 'passphrase of the CA key');
  create.action(async (dir: string, opts: Opts) => createCmd(dir, opts));
  crl
    .command('print')
    .description('show a CRL (PEM or DER): issuer, updates, number, revoked serials and reasons')
    .argument('<file>', 'the CRL')
    .option('--ca <cert|cadir>', 'check the signature with this CA certificate or CA directory')
    .option('--json', 'report as JSON')
    .action((file: string, opts: Opts) => printCmd(file, opts));
}

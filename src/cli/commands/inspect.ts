/**
 * ktool inspect FILE: what a file is (any store, PEM, DER, PKCS#7, CSR, CRL, key), its protection,
 * which readers can open it, and the problems worth knowing about.
 */
import type { Command } from 'commander';
import { inContext } from '../../model/errors';
import { type InspectReport, inspectBytes } from '../../ops/inspect';
import { stdio } from '../context';
import { readFileOrFail } from '../files';
import { password, passwordOptions } from '../options';

export function register(program: Command): void {
  const cmd = program
    .command('inspect')
    .description('identify a file (keystore, PEM, DER, PKCS#7, CSR, CRL, key): protection, compatibility verdict, warnings')
    .argument('<file>', 'the file')
    .option('--json', 'machine-readable output');
  passwordOptions(cmd, 'storepass', 'store password (without it: what can be seen without)');
  passwordOptions(cmd, 'keypass', 'key password for the key/certificate match check (default: the store password)');
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const storepass = await password(opts, 'storepass', 'keystore password');
    const keypass = await password(opts, 'keypass', 'key password');
    let report: InspectReport;
    report = inContext(file, () => inspectBytes(readFileOrFail(file), file, { password: storepass ?? null, keyPassword: keypass }));
    if (opts.json) stdio.json({ file, ...report });
    else stdio.out(renderText(file, report));
  });
}

function renderText(file: string, r: InspectReport): string {
  const lines: string[] = [];
  const what = r.kind === 'keystore' ? `${r.storeType} keystore` : r.kind === 'certificates' ? `${r.certificates?.length ?? 0} certificate(s)` : r.kind;
  lines.push(`${file}: ${what} (${r.format})`);
  if (r.pemBlocks) lines.push(`PEM blocks: ${r.pemBlocks.join(', ')}`);
  const p = r.protection;
  if (p) {
    if (p.kind === 'keyed-sha1') lines.push('Protection: store integrity SHA-1 keyed hash; each key has its own password');
    else {
      lines.push(`Protection: PKCS12 profile ${p.profile}${p.passwordless ? ' (password-less)' : ''}`);
      lines.push(`  certificates: ${p.certificates ?? 'not encrypted'}`);
      lines.push(`  keys:         ${p.keys}`);
      lines.push(`  integrity:    ${p.mac ?? 'none (no MAC)'}`);
    }
    lines.push(`Integrity checked: ${r.integrityChecked ? 'yes' : 'no'}`);
  }
  if (r.entries) {
    lines.push(`Entries: ${r.entries.length}`);
    for (const e of r.entries) {
      const leaf = e.certificates[0];
      lines.push(`  ${e.alias}: ${e.type}${e.keyProtection ? `, key ${e.keyProtection}` : ''}${leaf ? `, ${leaf.subject}, until ${leaf.notAfter}` : ''}${e.certificates.length > 1 ? `, chain of ${e.certificates.length}` : ''}`);
    }
  }
  if (r.certificates && r.kind !== 'keystore') {
    r.certificates.forEach((c, i) => lines.push(`  #${i + 1} ${c.subject}${c.isCA ? ' [CA]' : ''}, issuer ${c.issuer}, until ${c.notAfter}, SHA-256 ${c.sha256.slice(0, 16)}…`));
  }
  if (r.csr) lines.push(`CSR: ${r.csr.subject}, ${r.csr.publicKeyAlgorithm} key, signed ${r.csr.signatureAlgorithm}`);
  if (r.crl) lines.push(`CRL: issuer ${r.crl.issuer}, this update ${r.crl.thisUpdate}, next update ${r.crl.nextUpdate ?? '-'}, ${r.crl.revoked} revoked`);
  if (r.privateKeys) for (const k of r.privateKeys) lines.push(`Private key: ${k.algorithm}${k.encrypted ? ' (encrypted)' : ''}`);
  if (r.compatibility) {
    lines.push('Readable by:');
    for (const v of r.compatibility) lines.push(`  ${v.ok ? 'yes' : 'no '}  ${v.reader}${v.note ? ` (${v.note})` : ''}`);
  }
  if (r.warnings.length) {
    lines.push('Warnings:');
    for (const w of r.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n');
}

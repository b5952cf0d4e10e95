/**
 * ktool fetch HOST[:PORT]: the certificate chain a server presents over direct TLS or after the
 * PostgreSQL / MySQL-MariaDB STARTTLS prelude, judged against the given trust, and with --import
 * added to a truststore (trust on first use, made safe by --expect-fingerprint).
 */
import type { Command } from 'commander';
import { KtoolError, inContext } from '../../model/errors';
import type { StartTlsMode } from '../../net/fetch';
import type { ChainVerdict, TrustChoice } from '../../ops/server-trust';
import { stdio } from '../context';
import { EXIT } from '../exit-codes';
import { readFileOrFail } from '../files';
import { changeLine, mutationOptions, runMutation } from '../mutate';
import { oneOf, password, passwordOptions, readStoreType, storeTypeOption } from '../options';
import { pkcs12ProfileOption, readProfile } from '../profile';
import { loadStoreFile } from '../store-file';

const STARTTLS: readonly StartTlsMode[] = ['auto', 'none', 'postgres', 'mysql'];
export const DEFAULT_TIMEOUT_S = 10;

export function register(program: Command): void {
  const cmd = program
    .command('fetch')
    .description("show the certificate chain a server presents (TLS, or PostgreSQL/MySQL STARTTLS), verify it, and optionally add its CA to a truststore")
    .argument('<host>', 'HOST, HOST:PORT, IPv4 or [IPv6]:PORT (default port 443, 5432 with --starttls postgres, 3306 with mysql)')
    .option('--starttls <mode>', `${STARTTLS.join(' | ')}: auto means postgres on 5432, mysql on 3306, else none`, 'auto')
    .option('--sni <name>', 'server name sent in the TLS hello (default: HOST when it is a name)')
    .option('--alpn <list>', 'ALPN protocols to offer, comma-separated (e.g. postgresql for PostgreSQL 17 direct TLS)')
    .option('--timeout <seconds>', 'bound for connect, prelude and handshake together', String(DEFAULT_TIMEOUT_S))
    .option('--truststore <file>', 'verify the chain against the trusted entries of this keystore')
    .option('--truststore-type <type>', 'JKS or PKCS12 (default: detected)')
    .option('--ca <pem>', 'verify the chain against these CA certificates (PEM/DER) instead of --truststore')
    .option('--hostname <name>', 'host name to check the server certificate against (default: --sni, else HOST)')
    .option('--no-hostname-check', 'verify the chain only, not the host name')
    .option('--import <store>', 'add the chosen certificate to this truststore as a trusted entry (created if missing)')
    .option('--alias <alias>', 'alias for --import (default: from the certificate subject CN)')
    .option('--trust <which>', 'certificate to --import: root (the highest issuer sent when the root is not), issuer, or leaf', 'root')
    .option('--expect-fingerprint <sha256>', 'refuse to --import unless the chosen certificate has this SHA-256 (colons optional, any case)')
    .option('--overwrite', '--import: replace an entry whose alias holds another certificate');
  passwordOptions(cmd, 'truststore-pass', 'password of --truststore (default: changeit, with a notice)');
  passwordOptions(cmd, 'storepass', 'password of the --import store (default for a truststore: changeit, with a notice)');
  storeTypeOption(cmd, '--storetype', 'type of a new --import store: JKS or PKCS12 (default: from the extension, else PKCS12)');
  pkcs12ProfileOption(cmd);
  mutationOptions(cmd);
  cmd.action(async (spec: string, opts: Record<string, unknown>) => {
    const net = require('../../net/fetch') as typeof import('../../net/fetch');
    const trustOps = require('../../ops/server-trust') as typeof import('../../ops/server-trust');

    const starttls = oneOf<StartTlsMode>(opts.starttls, STARTTLS, '--starttls');
    const timeout = Number(opts.timeout);
    if (!(timeout > 0) || timeout > 3600) throw new KtoolError('USAGE', `--timeout: expected seconds (0 < S <= 3600), got ${JSON.stringify(opts.timeout)}`);
    const trust = oneOf<TrustChoice>(opts.trust, trustOps.TRUST_CHOICES, '--trust');
    if (opts.truststore && opts.ca) throw new KtoolError('USAGE', 'give --truststore or --ca, not both');
    if (!opts.import) {
      for (const o of ['alias', 'expectFingerprint', 'overwrite', 'dryRun', 'backup', 'exitCodeChanged'] as const) {
        if (opts[o] !== undefined) throw new KtoolError('USAGE', `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --import`);
      }
    } else if (opts.expectFingerprint !== undefined) trustOps.normalizeFingerprint(opts.expectFingerprint as string); // refuse a typo before connecting

    const { host, port } = net.parseHostPort(spec, starttls);
    const anchors = await loadAnchors(opts);
    const sni = opts.sni as string | undefined;
    const alpn = opts.alpn ? (opts.alpn as string).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const r = await net.fetchChain({ host, port, starttls, sni, alpn, timeoutMs: Math.round(timeout * 1000) });
    if (r.chainSource === 'reconstructed') stdio.err(`ktool: ${net.formatHostPort(host, port)}: the Certificate message could not be read; the chain shown is rebuilt from the leaf by issuer`);

    const hostname = opts.hostnameCheck === false ? undefined : ((opts.hostname as string | undefined) ?? sni ?? host);
    const verdict: ChainVerdict = trustOps.judgeChain(r.certificates, anchors?.certs ?? null, hostname);
    const { fetchToJson, renderFetchText } = require('../../output/fetch') as typeof import('../../output/fetch');
    const json = fetchToJson(r, verdict);
    const text = renderFetchText(r, verdict, { trustLabel: anchors?.label, hostname });
    const where = net.formatHostPort(host, port);

    if (!opts.import) {
      if (opts.json) stdio.json(json);
      else stdio.out(text);
      if (verdict.verified === false) {
        stdio.err(`ktool: ${where}: the chain does not verify: ${verdict.verifyError}`);
        process.exitCode = EXIT.VERIFY;
      }
      return;
    }

    // --import: the chosen certificate, after the checks, as a trusted entry.
    if (!opts.json) stdio.out(text);
    if (verdict.verified === false) throw new KtoolError('VERIFY', `${where}: the chain does not verify (${verdict.verifyError}); nothing imported`);
    const chosen = trustOps.chooseTrustCertificate(r.certificates, trust);
    if (chosen.warning) stdio.err(`ktool: warning: ${chosen.warning}`);
    if (opts.expectFingerprint !== undefined) trustOps.checkFingerprint(chosen, opts.expectFingerprint as string, r.certificates);
    const file = opts.import as string;
    const storepass = await password(opts, 'storepass', 'truststore password');
    const requested = readStoreType(opts.storetype);
    const { openTruststore } = require('./truststore') as typeof import('./truststore');
    const { importTrustedCerts } = require('../../ops/import') as typeof import('../../ops/import');
    const { CertView, certToJson } = require('../../x509/certificate') as typeof import('../../x509/certificate');
    const sha256 = CertView.from(chosen.der).sha256;
    runMutation(
      file,
      opts,
      () => openTruststore(file, storepass, requested, readProfile(opts)),
      (t) => {
        const res = importTrustedCerts(t.store, [chosen.der], { alias: opts.alias as string | undefined, overwrite: !!opts.overwrite });
        return {
          store: res.store,
          changes: res.changes,
          text: [`trusting: ${chosen.subject} (${chosen.role}, certificate #${chosen.index + 1} sent, SHA-256 ${sha256})`, ...res.changes.map(changeLine)],
          json: { trust: chosen.role, certificate: certToJson(CertView.from(chosen.der)), fetch: json },
        };
      },
    );
  });
}

/** Trusted certificates from --truststore (its trusted entries, as a Java TrustManager uses) or --ca. */
async function loadAnchors(opts: Record<string, unknown>): Promise<{ certs: Uint8Array[]; label: string } | undefined> {
  if (opts.ca) {
    const file = opts.ca as string;
    const pem = require('../../formats/pem') as typeof import('../../formats/pem');
    return inContext(file, () => ({ certs: pem.readCertificates(readFileOrFail(file, 'CA certificate file')), label: file }));
  }
  if (!opts.truststore) return undefined;
  const file = opts.truststore as string;
  let pw = await password(opts, 'truststorePass', 'truststore password');
  if (pw === undefined) {
    pw = 'changeit';
    stdio.err(`ktool: ${file}: no truststore password given: using "changeit"`);
  }
  const { store } = loadStoreFile(file, pw, readStoreType(opts.truststoreType), { dualFormat: true });
  const certs = store.entries.flatMap((e) => (e.type === 'trustedCertEntry' ? [e.cert] : []));
  return { certs, label: file };
}

/**
 * `--check HOST:PORT`: connect as the driver would (PostgreSQL SSLRequest or MySQL/MariaDB SSL
 * capability before the TLS handshake), then verify the server's chain with exactly the trust material
 * of the emitted configuration, and the host name (the --host value, which the driver checks) in
 * verify-full. The client certificate is not presented by this check.
 */
import { KtoolError } from '../../model/errors';
import type { JdbcRequest } from './model';

export interface CheckResult {
  target: string;
  protocol: string;
  chain: string[];
  verified: boolean;
  hostname?: { ok: boolean; matchedBy?: string; reason?: string };
  problems: string[];
}

export async function checkServer(req: JdbcRequest, spec: string, timeoutMs = 10000): Promise<CheckResult> {
  const fetch = require('../../net/fetch') as typeof import('../../net/fetch');
  const { verifyChain, displayName, parseCertificate } = require('../../x509/verify') as typeof import('../../x509/verify');
  const starttls = req.driver === 'postgresql' ? 'postgres' : req.driver === 'mysql' || req.driver === 'mariadb' ? 'mysql' : req.driver === 'sqlserver' ? null : 'none';
  if (starttls === null) throw new KtoolError('UNSUPPORTED', '--check: SQL Server wraps TLS in TDS pre-login packets, which ktool does not speak');
  const { host, port } = fetch.parseHostPort(spec, starttls);
  const r = await fetch.fetchChain({ host, port, starttls, timeoutMs });
  const result: CheckResult = {
    target: fetch.formatHostPort(host, port),
    protocol: r.protocol,
    chain: r.certificates.map((c) => displayName(parseCertificate(c).subject)),
    verified: false,
    problems: [],
  };
  if (req.mode === 'require') {
    result.verified = true;
    return result;
  }
  const anchors = req.trust?.certificates ?? [];
  const v = verifyChain({ certs: r.certificates, leaf: r.certificates[0], anchors, purpose: 'server', hostname: req.mode === 'verify-full' ? req.host.replace(/^\[(.*)\]$/, '$1') : undefined });
  result.problems = v.problems.map((p) => `${p.subject}: ${p.message}`);
  if (v.hostname) result.hostname = v.hostname;
  result.verified = v.ok;
  return result;
}

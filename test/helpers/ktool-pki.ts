/**
 * The JDBC end-to-end PKI, made by ktool's own `ktool ca` commands as a user following the TLS guides
 * would: a server root CA with an intermediate that issues the server certificate (SAN localhost,
 * 127.0.0.1, ::1), and a separate root CA for client certificates (CN = database user).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ktool } from './cli';
import type { TestPki } from './db-servers';

function ca(args: string[]): void {
  const r = ktool(['ca', ...args]);
  if (r.status !== 0) throw new Error(`ktool ca ${args.join(' ')}: ${r.stderr}`);
}

export function makeKtoolPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const p = (...f: string[]): string => path.join(dir, ...f);
  const O = 'O=ktool tests';
  ca(['init', p('server-root'), '--dname', `CN=ktool Test Root CA, ${O}`, '--keyalg', 'EC']);
  ca(['intermediate', p('server-int'), '--parent', p('server-root'), '--dname', `CN=ktool Test Intermediate CA, ${O}`]);
  ca(['issue-server', p('server-int'), '--dname', `CN=localhost, ${O}`, '--san', 'DNS:localhost,IP:127.0.0.1,IP:::1', '--out-dir', dir, '--name', 'server']);
  ca(['init', p('client-root'), '--dname', `CN=ktool Test Client CA, ${O}`, '--keyalg', 'RSA']);
  return {
    dir,
    rootCert: p('server-root', 'ca.cert.pem'),
    rootKey: p('server-root', 'ca.key.pem'),
    intermediateCert: p('server-int', 'ca.cert.pem'),
    intermediateKey: p('server-int', 'ca.key.pem'),
    serverCert: p('server.cert.pem'),
    serverKey: p('server.key.pem'),
    // ktool's chain runs leaf to root; servers present leaf + intermediate, as in the guides.
    serverChain: writeFirstTwo(p('server.chain.pem'), p('server-presented.pem')),
    caBundle: p('client-root', 'ca.cert.pem'),
    clientCert(name: string) {
      const base = `client-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      // Asked twice for one user: the certificate issued the first time.
      if (!fs.existsSync(p(`${base}.cert.pem`))) ca(['issue-client', p('client-root'), '--dname', `CN=${name}, ${O}`, '--out-dir', dir, '--name', base]);
      return { cert: p(`${base}.cert.pem`), key: p(`${base}.key.pem`), chain: p(`${base}.chain.pem`) };
    },
  };
}

/** The first two PEM blocks of `from` (leaf and intermediate), written to `to`. */
function writeFirstTwo(from: string, to: string): string {
  const blocks = fs.readFileSync(from, 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\r?\n?/g) ?? [];
  if (blocks.length < 2) throw new Error(`${from}: expected leaf, intermediate and root`);
  fs.writeFileSync(to, blocks.slice(0, 2).join(''));
  return to;
}

/**
 * keytool -printcert -sslserver HOST[:PORT] [-rfc]: the chain a server sends over direct TLS, printed
 * as keytool 17 prints it ("Certificate #i" and a rule before each certificate; with -rfc only the
 * PEM blocks). keytool words every failure "No certificate from the SSL server"; the reason (refused,
 * timeout, handshake...) is added on stderr as one ktool line. Like keytool, -sslserver wins over -file.
 */
import { KtoolError } from '../../model/errors';
import { fetchChain, parseHostPort } from '../../net/fetch';
import { renderPrintcert } from '../../output/listing';
import { renderPrintcertStderr } from '../../output/keytool-text';
import { type KeytoolArgs, KEYTOOL_JDK } from './args';
import { jEx } from './errors';
import { writeStdout, writeStderr } from '../context';

/** keytool has no timeout option for this; ktool bounds it as `ktool fetch` does by default. */
const TIMEOUT_MS = 10000;

export async function printSslServer(a: KeytoolArgs): Promise<void> {
  let certs: Uint8Array[];
  try {
    const { host, port } = parseHostPort(a.sslserver!, 'none');
    certs = (await fetchChain({ host, port, starttls: 'none', timeoutMs: TIMEOUT_MS })).certificates;
  } catch (e) {
    if (!(e instanceof KtoolError)) throw e;
    writeStderr(`ktool: ${e.message}\n`);
    throw jEx('No certificate from the SSL server');
  }
  // Each certificate as a one-certificate -printcert (no "Certificate[n]:" header); keytool adds a blank line after each.
  const line = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
  let out = '';
  certs.forEach((der, i) => {
    out += a.rfc ? line(renderPrintcert([der], { rfc: true, jdk: KEYTOOL_JDK })) : `Certificate #${i}\n====================================\n${line(renderPrintcert([der], { jdk: KEYTOOL_JDK }))}\n`;
  });
  writeStdout(out);
  const warnings = renderPrintcertStderr(certs, { jdk: KEYTOOL_JDK });
  if (warnings) writeStderr(warnings);
}

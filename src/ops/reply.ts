/**
 * Installing a CA reply on a key entry, as keytool -importcert does: the reply's leaf must carry the
 * entry's public key, and the chain must lead to a certificate the store (or cacerts) trusts.
 */
import { X509Certificate } from 'node:crypto';
import { bytesEqual } from '../util/bytes';
import { KtoolError } from '../model/errors';

const spki = (c: X509Certificate) => new Uint8Array(c.publicKey.export({ type: 'spki', format: 'der' }));
const signedBy = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);
const selfSigned = (c: X509Certificate) => signedBy(c, c);
const fail = (m: string) => new KtoolError('VERIFY', m);

/** Returns the new chain (leaf first) or throws with keytool's message. */
export function installCertificateReply(currentLeaf: Uint8Array, reply: Uint8Array[], trusted: Uint8Array[]): Uint8Array[] {
  const leafNow = new X509Certificate(currentLeaf);
  const certs = reply.map((d) => ({ der: d, x: new X509Certificate(d) }));
  const leaf = certs.find((c) => bytesEqual(spki(c.x), spki(leafNow)));
  if (!leaf) throw fail("Public keys in reply and keystore don't match");
  if (certs.length === 1 && bytesEqual(leaf.der, currentLeaf)) throw fail('Certificate reply and certificate in keystore are identical');
  const anchors = trusted.map((d) => ({ der: d, x: new X509Certificate(d) }));
  const chain = [leaf];
  const pool = [...certs.filter((c) => c !== leaf), ...anchors];
  for (let cur = leaf; !selfSigned(cur.x); ) {
    const parent = pool.find((p) => !chain.includes(p) && signedBy(cur.x, p.x));
    if (!parent) {
      // A chain that stops below a trusted certificate's issuer is fine if its top is itself trusted.
      if (anchors.some((a) => bytesEqual(a.der, cur.der))) break;
      throw fail('Failed to establish chain from reply');
    }
    chain.push(parent);
    cur = parent;
    if (chain.length > 16) throw fail('Failed to establish chain from reply');
  }
  const top = chain[chain.length - 1];
  if (!anchors.some((a) => bytesEqual(spki(a.x), spki(top.x))) && !certs.some((c) => c === top && selfSigned(c.x))) {
    throw fail('Failed to establish chain from reply');
  }
  return chain.map((c) => c.der);
}

/**
 * Installing a CA reply on a key entry. installCertificateReply is the modern CLI's (`ktool rotate
 * --reply`): the reply's leaf must carry the entry's public key, and the chain must lead to a certificate
 * the store trusts or a self-signed root in the reply. keytoolReplyChain is keytool -importcert's own
 * algorithm (keytool compatibility mode), including its "Install reply anyway?" question.
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

// ------------------------------------------------------------- keytool's own algorithm (keytool mode)

/** What keytool -importcert does with a reply, for the caller to carry out. */
export interface KeytoolReplyPlan {
  /** The chain to install, leaf first. */
  chain: Uint8Array[];
  /**
   * Set when the reply's top certificate is trusted by nothing in the store (nor cacerts with
   * -trustcacerts): keytool shows it and asks "Install reply anyway?" before installing `chain`.
   */
  untrustedTop?: Uint8Array;
}

export interface KeytoolReplyInput {
  /** The alias as given (for keytool's "does not contain public key for <alias>"). */
  alias: string;
  /** The key entry's current certificate (its chain[0]). */
  userCert: Uint8Array;
  /** The reply's certificates, in file order. */
  reply: Uint8Array[];
  /** KeyStore.getCertificate(alias) of every entry in the store's order: trusted certificates and key entries' first certificates. */
  storeCerts: Uint8Array[];
  /** cacerts' certificates when -trustcacerts was given. */
  cacerts?: Uint8Array[];
  noprompt: boolean;
}

interface Cert {
  der: Uint8Array;
  x: X509Certificate;
  subject: Uint8Array;
  issuer: Uint8Array;
}

function cert(der: Uint8Array): Cert {
  const { parseCertificate } = require('../x509/verify') as typeof import('../x509/verify');
  const p = parseCertificate(der);
  return { der, x: new X509Certificate(der), subject: p.subject, issuer: p.issuer };
}

/** X500Principal.equals: the same name, compared in canonical form (case and spacing aside). */
function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (bytesEqual(a, b)) return true;
  const { X500Name } = require('../x509/name') as typeof import('../x509/name');
  const canon = (d: Uint8Array) => X500Name.fromDer(d).toRfc2253().toLowerCase().replace(/\s+/g, ' ');
  return canon(a) === canon(b);
}

const verifies = (c: Cert, key: Cert) => {
  try {
    return c.x.verify(key.x.publicKey);
  } catch {
    return false;
  }
};
/** KeyStoreUtil.signedBy: the issuer's name is the CA's subject and the CA's key verifies the signature. */
const issuedBy = (end: Cert, ca: Cert) => sameName(end.issuer, ca.subject) && verifies(end, ca);

/**
 * keytool -importcert of a CA reply onto a key entry, as Main.installReply does it (JDK 17 to 25):
 *  - one certificate (establishCertChain): its key must be the entry's ("Public keys in reply and keystore
 *    don't match"), it must differ from the current one, and a chain up to a self-signed certificate is
 *    built from the store's certificates (and cacerts with -trustcacerts), else "Failed to establish chain
 *    from reply". No question is asked.
 *  - several (validateReply): duplicates dropped, the one with the entry's key first ("Certificate reply
 *    does not contain public key for <alias>"), the others ordered by who signs whom ("Incomplete
 *    certificate chain in reply"). With -noprompt that is installed as it is. Otherwise the top
 *    certificate must be in the store, or signed by a store certificate (then appended), or the same in
 *    cacerts with -trustcacerts; if not, `untrustedTop` asks the caller to confirm.
 */
export function keytoolReplyChain(input: KeytoolReplyInput): KeytoolReplyPlan {
  const user = cert(input.userCert);
  if (input.reply.length === 0) throw fail('Reply has no certificates');
  if (input.reply.length === 1) return { chain: establishChain(user, cert(input.reply[0]), input) };
  // Remove duplicates (keytool uses a HashSet; the file's order is kept here).
  const certs: Cert[] = [];
  for (const d of input.reply) if (!certs.some((c) => bytesEqual(c.der, d))) certs.push(cert(d));
  const i = certs.findIndex((c) => bytesEqual(spki(c.x), spki(user.x)));
  if (i < 0) throw fail(`Certificate reply does not contain public key for <${input.alias}>`);
  [certs[0], certs[i]] = [certs[i], certs[0]];
  // As keytool: each position up to the last but one gets the certificate that signs the one before it;
  // the last is whatever remains (keytool does not check that it signs its predecessor).
  for (let k = 1; k < certs.length - 1; k++) {
    const j = certs.findIndex((c, n) => n >= k && issuedBy(certs[k - 1], c));
    if (j < 0) throw fail('Incomplete certificate chain in reply');
    [certs[k], certs[j]] = [certs[j], certs[k]];
  }
  const chain = certs.map((c) => c.der);
  if (input.noprompt) return { chain };
  const top = certs[certs.length - 1];
  const root = signerOf(top, input.storeCerts) ?? (input.cacerts ? signerOf(top, input.cacerts) : undefined);
  if (!root) return { chain, untrustedTop: top.der };
  return { chain: root === top.der ? chain : [...chain, root] };
}

/** keytool's getSigner: the certificate itself when the store holds it, else the first store certificate whose key verifies it. */
function signerOf(top: Cert, pool: Uint8Array[]): Uint8Array | undefined {
  if (pool.some((d) => bytesEqual(d, top.der))) return top.der;
  return pool.find((d) => verifies(top, cert(d)));
}

function establishChain(user: Cert, reply: Cert, input: KeytoolReplyInput): Uint8Array[] {
  if (!bytesEqual(spki(user.x), spki(reply.x))) throw fail("Public keys in reply and keystore don't match");
  if (bytesEqual(user.der, reply.der)) throw fail('Certificate reply and certificate in keystore are identical');
  const chain = buildChain(reply, input.storeCerts, input.cacerts);
  if (!chain) throw fail('Failed to establish chain from reply');
  return chain.map((c) => c.der);
}

/**
 * keytool's buildChain: depth first from `start` through the store's (then cacerts') certificates
 * named as its issuer whose key verifies it, up to a self-signed one; undefined when none is reached.
 */
function buildChain(start: Cert, storeCerts: Uint8Array[], cacerts?: Uint8Array[]): Cert[] | undefined {
  const pool: Cert[] = [];
  for (const d of [...storeCerts, ...(cacerts ?? [])]) if (!pool.some((c) => bytesEqual(c.der, d))) pool.push(cert(d));
  const build = (c: Cert, seen: Cert[]): Cert[] | undefined => {
    if (issuedBy(c, c)) return [c];
    for (const p of pool) {
      if (seen.includes(p) || !sameName(c.issuer, p.subject) || !verifies(c, p)) continue;
      const up = build(p, [...seen, p]);
      if (up) return [c, ...up];
    }
    return undefined;
  };
  return build(start, []);
}

/**
 * establishCertChain(null, cert) of -importcert: the chain from `der` up to a self-signed store (or
 * cacerts) certificate, leaf first, or undefined when there is none.
 */
export function establishedChain(der: Uint8Array, storeCerts: Uint8Array[], cacerts?: Uint8Array[]): Uint8Array[] | undefined {
  return buildChain(cert(der), storeCerts, cacerts)?.map((c) => c.der);
}

/** KeyStoreUtil.isSelfSigned: the subject is the issuer and its own key verifies it. */
export function isSelfSignedCertificate(der: Uint8Array): boolean {
  const c = cert(der);
  return issuedBy(c, c);
}

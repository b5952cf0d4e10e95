/**
 * `ktool rotate`: replace a key entry's key and chain keeping its alias, install a CA reply on it, or
 * for a truststore add a new CA beside the old one and later retire the old one (the overlap period in
 * which clients trust both). Pure over the store model; the CLI seals keys and writes.
 */
import { findEntry, foldAlias } from '../model/alias';
import { KtoolError } from '../model/errors';
import type { KeyStore, PrivateKeyEntry } from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import { findLeafForKey, orderChain } from '../x509/chain';
import { keyMatchesCertificate } from '../x509/keyinfo';
import { displayName, parseCertificate } from '../x509/verify';
import type { StoreChange } from './delete';
import { importTrustedCerts } from './import';
import { sha256Hex } from './aliases';
import { installCertificateReply } from './reply';

export interface RotateResult {
  store: KeyStore;
  changes: StoreChange[];
  /** Human-readable plan lines (also printed for --dry-run). */
  plan: string[];
}

const subjectOf = (der: Uint8Array) => displayName(parseCertificate(der).subject);
const sameChain = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((c, i) => bytesEqual(c, b[i]));

function keyEntry(store: KeyStore, alias: string): PrivateKeyEntry {
  const e = findEntry(store, foldAlias(alias));
  if (!e) throw new KtoolError('NOT_FOUND', `alias <${alias}> does not exist`);
  if (e.type !== 'PrivateKeyEntry') throw new KtoolError('USAGE', `alias <${e.alias}> is a ${e.type}, not a key entry (use --add-ca/--retire for trusted certificates)`);
  return e;
}

function replaceEntry(store: KeyStore, old: PrivateKeyEntry, fresh: PrivateKeyEntry): KeyStore {
  return { ...store, entries: store.entries.map((e) => (e === old ? fresh : e)) };
}

/** New key + certificates: the key must match one of them, which becomes the leaf. */
export function rotateKey(store: KeyStore, alias: string, pkcs8: Uint8Array, certs: Uint8Array[], currentKey?: Uint8Array): RotateResult {
  const old = keyEntry(store, alias);
  const matching = certs.filter((c) => keyMatchesCertificate(pkcs8, c));
  if (matching.length === 0) throw new KtoolError('VERIFY', `alias <${old.alias}>: the new key does not match the new certificate (checked ${certs.length})`);
  const chain = orderChain(certs, findLeafForKey(pkcs8, certs));
  if (sameChain(chain, old.chain) && currentKey && bytesEqual(currentKey, pkcs8)) {
    return { store, changes: [{ alias: old.alias, action: 'unchanged' }], plan: [`alias <${old.alias}>: key and chain already installed`] };
  }
  const fresh: PrivateKeyEntry = { ...old, key: { form: 'plain', pkcs8 }, chain, created: new Date(), localKeyId: undefined };
  const plan = [`alias <${old.alias}>: replace key and chain`, `  old leaf: ${subjectOf(old.chain[0])} (sha256 ${sha256Hex(old.chain[0])})`, `  new leaf: ${subjectOf(chain[0])} (sha256 ${sha256Hex(chain[0])}), chain of ${chain.length}`];
  return { store: replaceEntry(store, old, fresh), changes: [{ alias: old.alias, action: 'replaced', reason: 'new key and chain' }], plan };
}

/** A CA reply for the entry's current key: the key stays, the chain is replaced. */
export function rotateReply(store: KeyStore, alias: string, reply: Uint8Array[]): RotateResult {
  const old = keyEntry(store, alias);
  const trusted = store.entries.flatMap((e) => (e.type === 'trustedCertEntry' ? [e.cert] : []));
  const same = reply.some((c) => bytesEqual(c, old.chain[0])) && sameChain(orderChain(reply, old.chain[0]), old.chain);
  if (same) return { store, changes: [{ alias: old.alias, action: 'unchanged' }], plan: [`alias <${old.alias}>: reply already installed`] };
  let chain: Uint8Array[];
  try {
    chain = installCertificateReply(old.chain[0], reply, trusted);
  } catch (e) {
    if (e instanceof KtoolError) throw new KtoolError(e.code, `alias <${old.alias}>: ${e.message}`);
    throw e;
  }
  const plan = [`alias <${old.alias}>: keep the key, replace the chain`, `  new leaf: ${subjectOf(chain[0])} (sha256 ${sha256Hex(chain[0])}), chain of ${chain.length}`];
  return { store: replaceEntry(store, old, { ...old, chain }), changes: [{ alias: old.alias, action: 'replaced', reason: 'certificate reply installed' }], plan };
}

/** Add a new CA certificate as a trusted entry beside the existing ones. */
export function addCa(store: KeyStore, certs: Uint8Array[], alias?: string): RotateResult {
  for (const c of certs) {
    const p = parseCertificate(c);
    if (!p.basicConstraints?.ca && !bytesEqual(p.subject, p.issuer)) throw new KtoolError('USAGE', `${subjectOf(c)} is not a CA certificate`);
  }
  const r = importTrustedCerts(store, certs, { alias });
  const plan = r.changes.map((c) => `${c.action === 'added' ? 'add' : c.action} trusted <${c.alias}>${c.reason ? ` (${c.reason})` : ''}`);
  const kept = store.entries.filter((e) => e.type === 'trustedCertEntry').length;
  if (kept) plan.push(`  ${kept} existing trusted certificate(s) stay (overlap until --retire)`);
  return { store: r.store, changes: r.changes, plan };
}

/** Remove a trusted entry by alias or SHA-256 fingerprint (hex, colons optional). */
export function retireCa(store: KeyStore, by: { alias?: string; fingerprint?: string }): RotateResult {
  const fp = by.fingerprint?.replace(/:/g, '').toLowerCase();
  const victims = store.entries.filter((e) => e.type === 'trustedCertEntry' && (by.alias !== undefined ? e.alias === foldAlias(by.alias) : sha256Hex(e.cert) === fp));
  if (victims.length === 0) throw new KtoolError('NOT_FOUND', by.alias !== undefined ? `no trusted entry <${by.alias}>` : `no trusted entry with SHA-256 ${by.fingerprint}`);
  const remaining = store.entries.filter((e) => !victims.includes(e));
  const plan = victims.map((e) => `retire trusted <${e.alias}>: ${e.type === 'trustedCertEntry' ? subjectOf(e.cert) : ''}`);
  if (!remaining.some((e) => e.type === 'trustedCertEntry')) plan.push('  warning: no trusted certificate remains');
  return { store: { ...store, entries: remaining }, changes: victims.map((e) => ({ alias: e.alias, action: 'removed' as const })), plan };
}

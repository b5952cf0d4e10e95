/**
 * The `--json` form of a listing. The schema is published in the README and pinned by tests:
 * { storeType, protection, integrityChecked, entries: [ { alias, type, created, keyAlgorithm, keySize,
 *   curve?, certificates: [ certificate objects ] } ] }
 */
import type { DecodeInfo, Entry, KeyStore } from '../model/keystore';
import { sortedEntries } from '../model/alias';
import { CertView, certToJson } from '../x509/certificate';
import { describeProtection } from './protection';

export interface EntryJson {
  alias: string;
  type: Entry['type'];
  created: string | null;
  keyAlgorithm: string | null;
  keySize: number | null;
  curve?: string;
  certificates: ReturnType<typeof certToJson>[];
}

export function entryCertificates(e: Entry): Uint8Array[] {
  return e.type === 'PrivateKeyEntry' ? e.chain : e.type === 'trustedCertEntry' ? [e.cert] : [];
}

export function entryToJson(e: Entry, secretInfo?: { algorithm: string; size: number }): EntryJson {
  const certs = entryCertificates(e).map((d) => new CertView(d));
  const leaf = certs[0];
  const out: EntryJson = {
    alias: e.alias,
    type: e.type,
    created: e.created ? e.created.toISOString() : null,
    keyAlgorithm: leaf ? leaf.publicKeyAlgorithm : secretInfo?.algorithm ?? null,
    keySize: leaf ? leaf.publicKeySize : secretInfo?.size ?? null,
    certificates: certs.map(certToJson),
  };
  // EdDSA keys name their curve in the algorithm itself.
  const curve = leaf?.publicKeyCurve ?? (leaf && /^Ed(25519|448)$/.test(leaf.publicKeyAlgorithm) ? leaf.publicKeyAlgorithm : undefined);
  if (curve) out.curve = curve;
  return out;
}

export function storeToJson(store: KeyStore, info: DecodeInfo, opts: { alias?: string; secretInfo?: (e: Entry) => { algorithm: string; size: number } | undefined } = {}) {
  const entries = sortedEntries(store).filter((e) => opts.alias === undefined || e.alias === opts.alias);
  return {
    storeType: store.type,
    protection: describeProtection(store, info),
    integrityChecked: info.integrityChecked,
    warnings: info.warnings,
    entries: entries.map((e) => entryToJson(e, opts.secretInfo?.(e))),
  };
}

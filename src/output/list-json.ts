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

type JsonOptions = { alias?: string; secretInfo?: (e: Entry) => { algorithm: string; size: number } | undefined };

const selectedEntries = (store: KeyStore, opts: JsonOptions): Entry[] => sortedEntries(store).filter((e) => opts.alias === undefined || e.alias === opts.alias);

function storeHead(store: KeyStore, info: DecodeInfo) {
  return { storeType: store.type, protection: describeProtection(store, info), integrityChecked: info.integrityChecked, warnings: info.warnings };
}

/** The listing as one object, the schema above; `list --json` writes its text in pieces (storeJsonText). */
export function storeToJson(store: KeyStore, info: DecodeInfo, opts: JsonOptions = {}) {
  return { ...storeHead(store, info), entries: selectedEntries(store, opts).map((e) => entryToJson(e, opts.secretInfo?.(e))) };
}

/** Entries per chunk of storeJsonText. */
const ENTRIES_PER_CHUNK = 256;

/**
 * The text of JSON.stringify(storeToJson(...), null, 2) plus a newline, in pieces of 256 entries, so
 * a 10,000-entry listing never holds all entries' objects (nor one string of all of them) at once.
 */
export function* storeJsonText(store: KeyStore, info: DecodeInfo, opts: JsonOptions = {}): Generator<string> {
  const entries = selectedEntries(store, opts);
  const head = JSON.stringify({ ...storeHead(store, info), entries: [] }, null, 2);
  if (entries.length === 0) {
    yield `${head}\n`;
    return;
  }
  // The head ends in `"entries": []` and the closing brace; the entries go between the brackets.
  yield `${head.slice(0, head.length - '[]\n}'.length)}[\n`;
  for (let i = 0; i < entries.length; i += ENTRIES_PER_CHUNK) {
    const json = entries.slice(i, i + ENTRIES_PER_CHUNK).map((e) => entryToJson(e, opts.secretInfo?.(e)));
    // Nested two arrays deep, JSON.stringify indents the entries as they are indented in the whole;
    // then the outer "[\n  [\n" and "\n  ]\n]" are cut off.
    const text = JSON.stringify([json], null, 2);
    yield `${i > 0 ? ',\n' : ''}${text.slice(NESTED_OPEN.length, text.length - NESTED_CLOSE.length)}`;
  }
  yield '\n  ]\n}\n';
}
const NESTED_OPEN = '[\n  [\n';
const NESTED_CLOSE = '\n  ]\n]';

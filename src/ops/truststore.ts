/**
 * Building a truststore from certificates gathered anywhere (bundles, directories, other stores):
 * deduplicated by SHA-256, filtered, with deterministic aliases, merged into (or replacing) what the
 * output already holds. Pure: takes certificate DERs and returns the new store plus a summary.
 */
import { foldAlias } from '../model/alias';
import type { Entry, KeyStore, TrustedCertEntry } from '../model/keystore';
import { bytesEqual } from '../util/bytes';
import { CertView } from '../x509/certificate';
import { aliasForCertificate, sha256Hex } from './aliases';

/** The default alias: slug of the subject CN plus the first 8 hex digits of the SHA-256. */
export const DEFAULT_ALIAS_TEMPLATE = '{cn}-{sha256:8}';

export interface CertificateInput {
  der: Uint8Array;
  /** Where it came from (file, directory member, store#alias), for the summary. */
  source: string;
}

export interface TruststoreOptions {
  dropExpired?: boolean;
  caOnly?: boolean;
  /** The result holds exactly the input certificates (else: merged into the existing entries). */
  replace?: boolean;
  aliasTemplate?: string;
  now?: Date;
}

export interface TruststoreItem {
  alias: string;
  subject: string;
  sha256: string;
  source?: string;
}

export interface SkippedItem {
  source: string;
  subject?: string;
  sha256?: string;
  reason: string;
}

export interface TruststoreSummary {
  added: TruststoreItem[];
  unchanged: TruststoreItem[];
  /** --replace: entries of the old store that are not in the new one. */
  removed: TruststoreItem[];
  skipped: SkippedItem[];
  /** Entries in the result. */
  total: number;
  changed: boolean;
}

/** Subjects in RFC 2253, as `list --json` gives them. */
const subjectOf = (v: CertView) => v.subject.toRfc2253();

function itemOf(e: TrustedCertEntry, source?: string): TruststoreItem {
  let subject = '';
  try {
    subject = subjectOf(CertView.from(e.cert));
  } catch {
    /* unparsable certificate in an old store: still listed */
  }
  return { alias: e.alias, subject, sha256: sha256Hex(e.cert), ...(source ? { source } : {}) };
}

/**
 * `existing` is the output store as it is (or an empty store of the wanted type and protection).
 * Returns the same store object when nothing changes, so the caller can skip the write.
 */
export function buildTruststore(existing: KeyStore, inputs: readonly CertificateInput[], opts: TruststoreOptions = {}): { store: KeyStore; summary: TruststoreSummary } {
  const now = opts.now ?? new Date();
  const template = opts.aliasTemplate ?? DEFAULT_ALIAS_TEMPLATE;
  const skipped: SkippedItem[] = [];

  // 1. Parse, filter and deduplicate the inputs (first occurrence wins, so order is the caller's).
  const seen = new Map<string, string>();
  const wanted: { der: Uint8Array; sha: string; source: string; subject: string }[] = [];
  for (const input of inputs) {
    let x: CertView;
    try {
      x = CertView.from(input.der);
    } catch {
      skipped.push({ source: input.source, reason: 'not a valid X.509 certificate' });
      continue;
    }
    const sha = sha256Hex(input.der);
    const base = { source: input.source, subject: subjectOf(x), sha256: sha };
    const first = seen.get(sha);
    if (first !== undefined) {
      skipped.push({ ...base, reason: `duplicate of ${first}` });
      continue;
    }
    seen.set(sha, input.source);
    if (opts.dropExpired && x.notAfter.getTime() < now.getTime()) {
      skipped.push({ ...base, reason: `expired ${x.notAfter.toISOString()}` });
      continue;
    }
    if (opts.caOnly && !x.isCA) {
      skipped.push({ ...base, reason: 'not a CA certificate' });
      continue;
    }
    wanted.push({ der: input.der, sha, source: input.source, subject: base.subject });
  }

  // 2. Place them. Aliases depend only on the certificate (and, on a clash, its fingerprint), so the
  // same inputs give the same aliases on every run.
  const kept: Entry[] = opts.replace ? [] : [...existing.entries];
  const oldBySha = new Map<string, TrustedCertEntry>();
  for (const e of existing.entries) if (e.type === 'trustedCertEntry') oldBySha.set(sha256Hex(e.cert), e);
  const added: TruststoreItem[] = [];
  const unchanged: TruststoreItem[] = [];
  const resultBySha = new Map<string, TrustedCertEntry>();
  if (!opts.replace) for (const [sha, e] of oldBySha) resultBySha.set(sha, e);
  const aliases = new Set(kept.map((e) => e.alias));
  const taken = (alias: string) => aliases.has(alias);
  // Inputs were parsed above: their items reuse that subject and fingerprint.
  const itemOfWanted = (e: TrustedCertEntry, w: (typeof wanted)[number]): TruststoreItem => ({ alias: e.alias, subject: w.subject, sha256: w.sha, ...(w.source ? { source: w.source } : {}) });

  for (const w of wanted) {
    const present = resultBySha.get(w.sha);
    if (present) {
      unchanged.push(itemOfWanted(present, w));
      continue;
    }
    let alias = foldAlias(aliasForCertificate(w.der, taken, template, w.sha));
    // A template without the fingerprint can clash: disambiguate with it, deterministically.
    for (let n = 8; taken(alias) && n <= 64; n += 8) alias = foldAlias(`${aliasForCertificate(w.der, () => false, template, w.sha)}-${w.sha.slice(0, n)}`);
    const old = opts.replace ? oldBySha.get(w.sha) : undefined;
    const entry: TrustedCertEntry =
      old && old.alias === alias
        ? old // --replace keeps an identical entry as it was (date, attributes)
        : { type: 'trustedCertEntry', alias, created: now, cert: w.der, friendlyName: alias };
    kept.push(entry);
    aliases.add(entry.alias);
    resultBySha.set(w.sha, entry);
    (entry === old ? unchanged : added).push(itemOfWanted(entry, w));
  }

  const removed: TruststoreItem[] = [];
  if (opts.replace) {
    const keptSet = new Set(kept);
    for (const e of existing.entries) {
      if (keptSet.has(e)) continue;
      if (e.type === 'trustedCertEntry') removed.push(itemOf(e));
      else removed.push({ alias: e.alias, subject: '', sha256: '' });
    }
  }
  const changed = added.length > 0 || removed.length > 0;
  const store = changed ? { ...existing, entries: kept } : existing;
  return { store, summary: { added, unchanged, removed, skipped, total: store.entries.length, changed } };
}

/** Same certificates under the same aliases (order aside). */
export function sameTrustedContent(a: KeyStore, b: KeyStore): boolean {
  if (a.entries.length !== b.entries.length) return false;
  return a.entries.every((e) => {
    const o = b.entries.find((x) => x.alias === e.alias);
    return !!o && e.type === 'trustedCertEntry' && o.type === 'trustedCertEntry' && bytesEqual(e.cert, o.cert);
  });
}

/**
 * Listing entry points used by the CLI: the model-facing side of keytool-text (which only needs a
 * minimal description of a store), so commands never assemble ListingStore values themselves.
 */
import type { DecodedStore, KeyStore } from '../model/keystore';
import { listingFromKeyStore, renderList, renderListStderr, renderPrintcert as renderPrintcertText, type Jdk } from './keytool-text';
import { describeProtection } from './protection';

export interface KeytoolListOptions {
  verbose?: boolean;
  rfc?: boolean;
  /** Already folded alias. */
  alias?: string;
  /** The type keytool would print (a JKS file opened as PKCS12 store type prints "JKS" etc.). */
  displayType?: string;
  jdk?: Jdk;
}

function listing(store: KeyStore, displayType?: string) {
  const l = listingFromKeyStore(store);
  return displayType ? { ...l, type: displayType } : l;
}

/** stdout of `keytool -list` for this store. */
export function renderKeytoolList(store: KeyStore, opts: KeytoolListOptions = {}): string {
  return renderList(listing(store, opts.displayType), opts);
}

/** stderr of `keytool -list` (integrity banner before; warnings after). */
export function renderKeytoolListStderr(
  store: KeyStore,
  opts: KeytoolListOptions & { fileName: string; integrityNotVerified?: boolean },
): { before: string; after: string } {
  return renderListStderr(listing(store, opts.displayType), opts);
}

/** The modern `ktool list` text: exactly keytool's listing, so greps written for keytool keep working. */
export function renderStoreListing(decoded: DecodedStore, opts: KeytoolListOptions = {}): string {
  return renderKeytoolList(decoded.store, opts);
}

/** One line on how the file is protected (printed on stderr by `ktool list`). */
export function protectionLine(decoded: DecodedStore): string {
  const p = describeProtection(decoded.store, decoded.info);
  const checked = p.integrityChecked ? 'integrity verified' : 'integrity NOT verified';
  if (p.kind === 'keyed-sha1') return `${decoded.store.type} keyed SHA-1 digest, ${checked}`;
  if (p.passwordless) return `PKCS12 without password (certificates not encrypted, no MAC)`;
  const parts = [`profile ${p.profile}`, `keys ${p.keys}`, `certificates ${p.certificates ?? 'not encrypted'}`, `MAC ${p.mac ?? 'none'}`];
  return `PKCS12 ${parts.join('; ')}, ${checked}`;
}

/** stdout of `keytool -printcert` for the certificates of one file. */
export function renderPrintcert(certs: Uint8Array[], opts: { rfc?: boolean; jdk?: Jdk } = {}): string {
  return renderPrintcertText(certs, opts);
}

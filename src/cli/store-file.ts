/**
 * Stores as files: read with type detection and a clear error naming the file, write atomically under
 * the store's lock with the right mode.
 */
import * as fs from 'node:fs';
import { decodeStoreBytes, codecFor } from '../formats';
import type { EncodeOptions } from '../formats/codec';
import { KtoolError } from '../model/errors';
import type { DecodedStore, KeyStore, StoreType } from '../model/keystore';
import { atomicWrite, readFileOrFail } from './files';

export function loadStoreFile(file: string, password: string | null, requested?: StoreType, opts: { dualFormat?: boolean } = {}): DecodedStore {
  const bytes = readFileOrFail(file, 'keystore file');
  return decodeStoreBytes(bytes, password, file, requested, opts);
}

export function storeExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const holdsPrivateKeys = (store: KeyStore): boolean => store.entries.some((e) => e.type !== 'trustedCertEntry');

export function encodeStore(store: KeyStore, password: string | null, options?: EncodeOptions): Uint8Array {
  return codecFor(store.type).encode(store, password, options);
}

export function saveStoreFile(file: string, store: KeyStore, password: string | null, opts: { backup?: boolean; encode?: EncodeOptions } = {}): void {
  if (password === null && store.type !== 'PKCS12') throw new KtoolError('USAGE', `${file}: a ${store.type} store needs a store password`);
  const bytes = encodeStore(store, password, opts.encode);
  atomicWrite(file, bytes, { mode: holdsPrivateKeys(store) ? 0o600 : 0o644, backup: opts.backup });
}

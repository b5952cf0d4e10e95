import type { DecodedStore, KeyStore, Pkcs12Profile } from '../model/keystore';

/**
 * Every store format is a codec: bytes <-> KeyStore. Codecs never touch files, the terminal or the CLI.
 * decode() verifies integrity when a password is given (a null password reads without the check, as
 * keytool does without -storepass; PKCS#12 then skips encrypted certificate bags).
 */
export interface EncodeOptions {
  /** PKCS#12: the profile to write with (default: the store's own protection, else `modern`). */
  profile?: Pkcs12Profile;
  /** JCEKS: PBE iteration count for keys sealed during this write (default 200000, as JDK 17/25). */
  jceksIterations?: number;
  /** Fixed random source for tests (salts, IVs). */
  random?: (n: number) => Uint8Array;
}

export interface StoreCodec {
  decode(bytes: Uint8Array, password: string | null): DecodedStore;
  encode(store: KeyStore, password: string | null, options?: EncodeOptions): Uint8Array;
}

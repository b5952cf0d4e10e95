import { KtoolError } from '../model/errors';
import type { DecodedStore, StoreType } from '../model/keystore';

/**
 * Open a store for reading without key passwords. Without a store password a JKS/JCEKS still lists (the
 * integrity check is skipped, as keytool does) and a password-less PKCS#12 lists fully; a protected
 * PKCS#12 cannot show its encrypted certificates, so that is an error asking for the password.
 */
export function openForListing(
  file: string,
  password: string | undefined,
  type: StoreType | undefined,
  load: (file: string, password: string | null, type?: StoreType) => DecodedStore,
): { decoded: DecodedStore; note?: string } {
  const decoded = load(file, password ?? null, type);
  if (password !== undefined) return { decoded };
  if (decoded.store.type !== 'PKCS12') {
    return { decoded, note: `ktool: ${file}: no store password given: the integrity of the keystore was NOT verified` };
  }
  const p = decoded.store.protection;
  if (p.kind === 'pkcs12' && (p.profile.certProtection || p.profile.mac)) {
    throw new KtoolError('USAGE', `${file}: this PKCS12 keystore is password-protected: give --storepass, --storepass-env or --storepass-file`);
  }
  return { decoded };
}

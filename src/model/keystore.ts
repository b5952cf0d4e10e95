/**
 * The in-memory keystore model shared by every codec and operation.
 *
 * Certificates are DER bytes. Private and secret keys stay in the protected form they were read in
 * (like Java's KeyStore.getKey, they are opened only with their key password), so listing, deleting,
 * renaming and changing the store password never need key passwords.
 */
export type StoreType = 'JKS' | 'JCEKS' | 'PKCS12';
export const STORE_TYPES: readonly StoreType[] = ['JKS', 'JCEKS', 'PKCS12'];

/** A private key either as read (an EncryptedPrivateKeyInfo, its OID says the scheme) or opened. */
export type PrivateKeyMaterial =
  | { readonly form: 'encrypted'; readonly epki: Uint8Array }
  | { readonly form: 'plain'; readonly pkcs8: Uint8Array };

/** How Java serialized a secret key inside a JCEKS sealed object. */
export type JavaKeyForm = 'SecretKeySpec' | 'KeyRep';

/**
 * A secret key: as read from JCEKS (the complete serialized SealedObjectForKeyProtector, kept byte
 * for byte), as read from PKCS#12 (the EncryptedPrivateKeyInfo inside the secretBag), or opened.
 */
export type SecretKeyMaterial =
  | { readonly form: 'jceks-sealed'; readonly serialized: Uint8Array }
  | { readonly form: 'pkcs12-encrypted'; readonly epki: Uint8Array }
  | { readonly form: 'plain'; readonly algorithm: string; readonly key: Uint8Array; readonly javaForm?: JavaKeyForm };

/** A PKCS#12 bag attribute that ktool does not interpret, kept for round trips. */
export interface RawAttribute {
  readonly oid: string;
  /** DER of each value in the attribute's SET. */
  readonly values: readonly Uint8Array[];
}

interface EntryBase {
  /** The alias as the store lists it (lower-cased by all three JDK formats). */
  alias: string;
  /** Creation date, or null when the format does not keep one (PKCS#12 trusted certificates). */
  created: Date | null;
  /** PKCS#12 only: attributes other than friendlyName, localKeyId and the Java trust attribute. */
  extraAttributes?: RawAttribute[];
}

export interface PrivateKeyEntry extends EntryBase {
  readonly type: 'PrivateKeyEntry';
  key: PrivateKeyMaterial;
  /** Certificate chain as DER, leaf first. */
  chain: Uint8Array[];
  /** PKCS#12 only: the localKeyId bytes as read, reused on write so the file stays the same. */
  localKeyId?: Uint8Array;
  /** PKCS#12 only: the friendlyName as read (case kept); written only while it still matches `alias`. */
  friendlyName?: string;
}

export interface TrustedCertEntry extends EntryBase {
  readonly type: 'trustedCertEntry';
  cert: Uint8Array;
  /** PKCS#12 only: the friendlyName as written (keeps its case; `alias` is lower-cased). */
  friendlyName?: string;
  /** PKCS#12 only: the OIDs of the Java trusted-key-usage attribute (anyExtendedKeyUsage by default). */
  trustedUsage?: string[];
}

export interface SecretKeyEntry extends EntryBase {
  readonly type: 'SecretKeyEntry';
  secret: SecretKeyMaterial;
  localKeyId?: Uint8Array;
  /** PKCS#12 only: the friendlyName as read (case kept); written only while it still matches `alias`. */
  friendlyName?: string;
}

export type Entry = PrivateKeyEntry | TrustedCertEntry | SecretKeyEntry;
export type EntryType = Entry['type'];

/** Password-based encryption as used inside PKCS#12 files (bags and the certificate SafeContents). */
export type PbeSpec =
  | {
      readonly scheme: 'pbes2';
      readonly prf: DigestName;
      readonly cipher: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-cbc';
      readonly iterations: number;
      readonly saltLength: number;
    }
  | {
      readonly scheme: 'pkcs12-pbe';
      readonly algorithm: Pkcs12PbeAlgorithm;
      readonly iterations: number;
      readonly saltLength: number;
    }
  | {
      /** PKCS#5 v1.5 PBES1 (encrypted PKCS#8 PEM files; salt always 8 bytes). */
      readonly scheme: 'pbes1';
      readonly algorithm: Pbes1Algorithm;
      readonly iterations: number;
      readonly saltLength: number;
    };

export type DigestName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-224' | 'sha512-256';
export type Pbes1Algorithm = 'md5-des' | 'sha1-des' | 'md5-rc2-64' | 'sha1-rc2-64';
export type Pkcs12PbeAlgorithm = 'sha1-3des' | 'sha1-2des' | 'sha1-rc2-128' | 'sha1-rc2-40' | 'sha1-rc4-128' | 'sha1-rc4-40';

/** The integrity protection of a PKCS#12 file. */
export type MacSpec =
  | { readonly kind: 'hmac'; readonly digest: DigestName; readonly iterations: number; readonly saltLength: number }
  | {
      readonly kind: 'pbmac1';
      readonly prf: DigestName;
      readonly hmac: DigestName;
      readonly iterations: number;
      readonly saltLength: number;
      readonly keyLength: number;
    };

/** A PKCS#12 writing profile: what protects the certificates, the keys, and the whole file. */
export interface Pkcs12Profile {
  readonly name: string;
  /** null: certificates in a plain `data` ContentInfo. */
  readonly certProtection: PbeSpec | null;
  readonly keyProtection: PbeSpec;
  /** null: no MacData (no integrity protection at all, which is not the same as an empty password). */
  readonly mac: MacSpec | null;
}

/** What a file had when it was read, or what it gets when written. */
export type StoreProtection =
  | { readonly kind: 'keyed-sha1' } // JKS and JCEKS: SHA-1 over password + "Mighty Aphrodite" + body
  | { readonly kind: 'pkcs12'; readonly profile: Pkcs12Profile };

export interface KeyStore {
  type: StoreType;
  entries: Entry[];
  protection: StoreProtection;
}

/** What decoding found out beyond the entries. */
export interface DecodeInfo {
  /** true when the integrity check (hash or MAC) ran and passed; false when no password allowed it. */
  integrityChecked: boolean;
  /** JKS/JCEKS version field (1 or 2). */
  version?: number;
  /** Warnings worth telling the user (skipped bags, unknown entries kept, ...). */
  warnings: string[];
}

export interface DecodedStore {
  store: KeyStore;
  info: DecodeInfo;
}

/** A password-less PKCS#12 (JDK 18+ cacerts style): certificates not encrypted and no MAC. */
export const isPasswordlessStore = (store: KeyStore): boolean =>
  store.protection.kind === 'pkcs12' && !store.protection.profile.mac && !store.protection.profile.certProtection;

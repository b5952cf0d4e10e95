/** Access to ../shared/fixtures (stores written by the real keytool 17/25 and OpenSSL) and its manifest. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES_DIR = process.env.KTOOL_FIXTURES ?? path.resolve(__dirname, '../../../shared/fixtures');

export interface ManifestCert {
  subject: string;
  issuer: string;
  serial_hex: string;
  not_before: string;
  not_after: string;
  sig_alg: string;
  public_key_algorithm: string;
  public_key_bits: number;
  sha1: string;
  sha256: string;
  der_length: number;
  subject_alt_names?: string[];
  pem?: string;
}

export interface ManifestEntry {
  alias: string;
  requested_alias: string | null;
  entry_type: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry';
  key_algorithm: string;
  key_size: number;
  curve: string | null;
  key_password: string | null;
  chain_length: number;
  certificates: ManifestCert[];
  creation_date: string;
  creation_time_ms: number;
  creation_date_persisted: boolean;
  secret_key_hex?: string;
  pkcs8_sha256?: string;
  private_key_pem?: string;
  chain_pem?: string;
  pkcs12_attributes?: { name: string; value: string }[];
}

export interface ManifestStore {
  file: string;
  store_type: 'JKS' | 'JCEKS' | 'PKCS12';
  written_by: { tool: string; jdk?: string };
  store_password: string | null;
  description: string;
  listing: string;
  listing_stderr: string | null;
  listing_command: string[];
  entry_count: number;
  file_order?: { alias: string; entry_type: string }[];
  aliases_enumeration_order: string[];
  interop: Record<string, { keystore_load_ok: boolean; all_keys_recovered: boolean; entry_count: number }>;
  pkcs12_profile_seen_by_openssl?: {
    content_infos: string[];
    shrouded_keybags: string[];
    mac: { digest: string; iterations: number; mac_length: number; salt_length: number } | null;
    mac_absent?: boolean;
  };
  entries: ManifestEntry[];
}

export interface Manifest {
  stores: ManifestStore[];
}

let cached: Manifest | undefined;
export function manifest(): Manifest {
  if (!cached) {
    const file = path.join(FIXTURES_DIR, 'manifest.json');
    if (!fs.existsSync(file)) throw new Error(`fixtures not found at ${FIXTURES_DIR} (set KTOOL_FIXTURES, or put shared/ beside the checkout)`);
    cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  }
  return cached;
}

export const fixturePath = (rel: string): string => path.join(FIXTURES_DIR, rel);
export const readFixture = (rel: string): Uint8Array => new Uint8Array(fs.readFileSync(fixturePath(rel)));
export const storesOfType = (t: ManifestStore['store_type']): ManifestStore[] => manifest().stores.filter((s) => s.store_type === t);

/** A store's protection as data (for --json, list and inspect). */
import type { DecodeInfo, KeyStore, MacSpec, PbeSpec } from '../model/keystore';

export interface ProtectionJson {
  kind: 'keyed-sha1' | 'pkcs12';
  /** PKCS#12: the named profile the file matches, or "custom". */
  profile?: string;
  certificates?: string | null;
  keys?: string;
  mac?: string | null;
  /** true when the file has neither encrypted certificates nor a MAC (readable without a password). */
  passwordless?: boolean;
  integrityChecked: boolean;
}

export function describePbe(p: PbeSpec): string {
  if (p.scheme === 'pbes2') return `PBES2 PBKDF2-Hmac${p.prf.toUpperCase()} ${p.cipher.toUpperCase()} iterations=${p.iterations}`;
  return `PKCS#12 PBE ${p.algorithm} iterations=${p.iterations}`;
}

export function describeMac(m: MacSpec): string {
  if (m.kind === 'hmac') return `Hmac${m.digest.toUpperCase()} iterations=${m.iterations}`;
  return `PBMAC1 Hmac${m.hmac.toUpperCase()} PBKDF2-Hmac${m.prf.toUpperCase()} iterations=${m.iterations}`;
}

export function describeProtection(store: KeyStore, info: DecodeInfo): ProtectionJson {
  const p = store.protection;
  if (p.kind === 'keyed-sha1') return { kind: 'keyed-sha1', integrityChecked: info.integrityChecked };
  const { profileMatching } = require('../formats/pkcs12-profiles') as typeof import('../formats/pkcs12-profiles');
  return {
    kind: 'pkcs12',
    profile: profileMatching(p.profile) ?? 'custom',
    certificates: p.profile.certProtection ? describePbe(p.profile.certProtection) : null,
    keys: describePbe(p.profile.keyProtection),
    mac: p.profile.mac ? describeMac(p.profile.mac) : null,
    passwordless: !p.profile.certProtection && !p.profile.mac,
    integrityChecked: info.integrityChecked,
  };
}

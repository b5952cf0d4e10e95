/**
 * Named PKCS#12 writing profiles. Each names what protects the certificates, the keys and the file.
 *
 *   modern        JDK 17+ default (PKCS12KeyStore constants): PBES2 PBKDF2-HmacSHA256 AES-256-CBC,
 *                 10000 iterations for certificates and keys; HmacSHA256 MAC, 10000 iterations; salts 20.
 *   legacy-rc2    The JDK's `-Dkeystore.pkcs12.legacy` profile (what JDK 8 before 8u301 and OpenSSL 1.x
 *                 wrote): certificates PBEWithSHA1AndRC2_40 50000, keys PBEWithSHA1AndDESede 50000,
 *                 HmacSHA1 MAC 100000. Readable by old JDKs and Windows; OpenSSL 3 needs -legacy.
 *   legacy-3des   Like legacy-rc2 but the certificates are also 3DES-encrypted: still readable by old
 *                 JDKs and Windows (SHA-1 MAC, PKCS#12 PBE), and by OpenSSL 3 without the legacy
 *                 provider (which lacks RC2).
 *   passwordless  Certificates in plain data and no MAC (a truststore readable without a password, as
 *                 keytool writes with certProtectionAlgorithm=NONE and macAlgorithm=NONE); keys, if any,
 *                 still PBES2 like modern.
 *
 * The fixture p12-17-legacy.p12 (keytool -J-Dkeystore.pkcs12.legacy) has exactly the legacy-rc2 values.
 */
import { KtoolError } from '../model/errors';
import type { MacSpec, PbeSpec, Pkcs12Profile } from '../model/keystore';

const aes256: PbeSpec = { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 10000, saltLength: 20 };
const sha1Des3: PbeSpec = { scheme: 'pkcs12-pbe', algorithm: 'sha1-3des', iterations: 50000, saltLength: 20 };
const sha1Rc2: PbeSpec = { scheme: 'pkcs12-pbe', algorithm: 'sha1-rc2-40', iterations: 50000, saltLength: 20 };
const macSha256: MacSpec = { kind: 'hmac', digest: 'sha256', iterations: 10000, saltLength: 20 };
const macSha1: MacSpec = { kind: 'hmac', digest: 'sha1', iterations: 100000, saltLength: 20 };

export const PROFILES: Readonly<Record<string, Pkcs12Profile>> = {
  modern: { name: 'modern', certProtection: aes256, keyProtection: aes256, mac: macSha256 },
  'legacy-3des': { name: 'legacy-3des', certProtection: sha1Des3, keyProtection: sha1Des3, mac: macSha1 },
  'legacy-rc2': { name: 'legacy-rc2', certProtection: sha1Rc2, keyProtection: sha1Des3, mac: macSha1 },
  passwordless: { name: 'passwordless', certProtection: null, keyProtection: aes256, mac: null },
};

export const PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);

export function profileByName(name: string): Pkcs12Profile {
  const p = PROFILES[name.toLowerCase()];
  if (!p) throw new KtoolError('USAGE', `unknown PKCS12 profile ${JSON.stringify(name)} (one of: ${PROFILE_NAMES.join(', ')})`);
  return p;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function samePbe(a: PbeSpec | null, b: PbeSpec | null): boolean {
  if (a === null || b === null) return a === b;
  return sameJson({ ...a }, { ...b }) || sameJson(normalize(a), normalize(b));
}
// Property order may differ between specs built in different places: compare sorted keys.
function normalize(o: object): string {
  return JSON.stringify(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/** The name of the profile these settings equal (ignoring the profile's own name), else undefined. */
export function profileMatching(profile: Pkcs12Profile): string | undefined {
  for (const name of PROFILE_NAMES) {
    const p = PROFILES[name];
    if (!samePbe(p.certProtection, profile.certProtection)) continue;
    if (!samePbe(p.keyProtection, profile.keyProtection)) continue;
    if ((p.mac === null) !== (profile.mac === null)) continue;
    if (p.mac && profile.mac && normalize(p.mac) !== normalize(profile.mac)) continue;
    return name;
  }
  return undefined;
}

const PBE12_NAMES: Record<string, string> = {
  'sha1-3des': 'PBEWithSHA1AndDESede',
  'sha1-2des': 'PBEWithSHA1AndDESede (2-key)',
  'sha1-rc2-128': 'PBEWithSHA1AndRC2_128',
  'sha1-rc2-40': 'PBEWithSHA1AndRC2_40',
  'sha1-rc4-128': 'PBEWithSHA1AndRC4_128',
  'sha1-rc4-40': 'PBEWithSHA1AndRC4_40',
  'md5-des': 'PBEWithMD5AndDES',
  'sha1-des': 'PBEWithSHA1AndDES',
  'md5-rc2-64': 'PBEWithMD5AndRC2',
  'sha1-rc2-64': 'PBEWithSHA1AndRC2',
};

const upperDigest = (d: string): string => d.toUpperCase().replace('SHA512-', 'SHA512/');

/** A PBE scheme in JDK algorithm-name style, e.g. "PBEWithHmacSHA256AndAES_256, 10000 iterations". */
export function describePbeSpec(p: PbeSpec): string {
  let name: string;
  if (p.scheme === 'pbes2') {
    const cipher = p.cipher.startsWith('aes') ? `AES_${p.cipher.slice(4, 7)}` : p.cipher === 'des-ede3-cbc' ? 'DESede' : 'DES';
    name = `PBEWithHmac${upperDigest(p.prf)}And${cipher}`;
  } else name = PBE12_NAMES[p.algorithm] ?? p.algorithm;
  return `${name}, ${p.iterations} iterations`;
}

export function describeMacSpec(m: MacSpec | null): string {
  if (!m) return 'none';
  if (m.kind === 'hmac') return `HmacPBE${upperDigest(m.digest).replace('-', '')}, ${m.iterations} iterations`;
  return `PBMAC1 Hmac${upperDigest(m.hmac)} (PBKDF2-Hmac${upperDigest(m.prf)}), ${m.iterations} iterations`;
}

/** Multi-line description for inspect/listing. */
export function describeProfile(profile: Pkcs12Profile): string {
  const name = profileMatching(profile) ?? 'custom';
  return [
    `PKCS12 profile: ${name}`,
    `  certificates: ${profile.certProtection ? describePbeSpec(profile.certProtection) : 'not encrypted'}`,
    `  keys:         ${describePbeSpec(profile.keyProtection)}`,
    `  integrity:    ${describeMacSpec(profile.mac)}`,
  ].join('\n');
}

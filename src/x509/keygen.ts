/**
 * Key pair generation with keytool's -keyalg / -keysize / -groupname rules and defaults
 * (Main.doGenKeyPair + SecurityProviderConstants): RSA 2048, DSA 2048 (q = 224 bits, as
 * getDefDSASubprimeSize), EC secp256r1 in JDK 17 and secp384r1 in JDK 25, EdDSA = Ed25519.
 */
import * as crypto from 'node:crypto';
import { KtoolError } from '../model/errors';
import type { JdkVersion } from './algorithms';

export type KeyAlg = 'RSA' | 'EC' | 'DSA' | 'Ed25519' | 'Ed448' | 'EdDSA' | 'RSASSA-PSS';

export interface KeyGenOptions {
  /** Case-insensitive. */
  keyalg: KeyAlg | string;
  keysize?: number;
  groupname?: string;
  /** Which keytool's defaults (EC curve). Default 17. */
  jdk?: JdkVersion;
}

export interface GeneratedKeyPair {
  /** Canonical algorithm: RSA, EC, DSA, Ed25519, Ed448, RSASSA-PSS. */
  keyalg: string;
  /** Bits (EC: curve size; Ed25519: 255; Ed448: 448). */
  keysize: number;
  /** For EC: secp256r1 / secp384r1 / secp521r1. */
  curve?: string;
  privateKeyPkcs8: Uint8Array;
  publicKeySpki: Uint8Array;
  /** The private key. */
  keyObject: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

const usage = (m: string): KtoolError => new KtoolError('USAGE', m);

/** Curve names keytool (17/25 SunEC) accepts, to the standard name and node's name. */
const CURVES: Record<string, { std: string; node: string; bits: number }> = {
  secp256r1: { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  'nist p-256': { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  'p-256': { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  p256: { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  prime256v1: { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  '1.2.840.10045.3.1.7': { std: 'secp256r1', node: 'prime256v1', bits: 256 },
  secp384r1: { std: 'secp384r1', node: 'secp384r1', bits: 384 },
  'nist p-384': { std: 'secp384r1', node: 'secp384r1', bits: 384 },
  'p-384': { std: 'secp384r1', node: 'secp384r1', bits: 384 },
  p384: { std: 'secp384r1', node: 'secp384r1', bits: 384 },
  '1.3.132.0.34': { std: 'secp384r1', node: 'secp384r1', bits: 384 },
  secp521r1: { std: 'secp521r1', node: 'secp521r1', bits: 521 },
  'nist p-521': { std: 'secp521r1', node: 'secp521r1', bits: 521 },
  'p-521': { std: 'secp521r1', node: 'secp521r1', bits: 521 },
  p521: { std: 'secp521r1', node: 'secp521r1', bits: 521 },
  '1.3.132.0.35': { std: 'secp521r1', node: 'secp521r1', bits: 521 },
};
const CURVE_BY_SIZE: Record<number, string> = { 256: 'secp256r1', 384: 'secp384r1', 521: 'secp521r1' };

/** Resolve an EC group name to its standard name (secp256r1 ...) or throw. */
export function ecCurve(name: string): { std: string; node: string; bits: number } {
  const c = CURVES[name.trim().toLowerCase()];
  if (!c) throw new KtoolError('UNSUPPORTED', `Unsupported EC group name: ${name}`);
  return c;
}

function finish(keyalg: string, keysize: number, pair: crypto.KeyPairKeyObjectResult, curve?: string): GeneratedKeyPair {
  return {
    keyalg,
    keysize,
    ...(curve ? { curve } : {}),
    privateKeyPkcs8: new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' })),
    publicKeySpki: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })),
    keyObject: pair.privateKey,
    publicKey: pair.publicKey,
  };
}

/** Normalise and check options (no key generated): what generateKeyPair would make. */
export function resolveKeyGen(opts: KeyGenOptions): { keyalg: string; keysize: number; curve?: string } {
  const jdk = opts.jdk ?? 17;
  const alg = opts.keyalg.trim().toUpperCase();
  if (opts.groupname !== undefined && opts.keysize !== undefined && opts.keysize !== -1) throw usage('Cannot specify both -groupname and -keysize');
  const ks = opts.keysize === -1 ? undefined : opts.keysize;
  switch (alg) {
    case 'RSA':
    case 'RSASSA-PSS': {
      if (opts.groupname !== undefined) throw usage(`-groupname is not supported for ${opts.keyalg}`);
      const keysize = ks ?? 2048;
      if (keysize < 512 || keysize > 16384) throw usage(`Invalid RSA key size: ${keysize}`);
      return { keyalg: alg === 'RSA' ? 'RSA' : 'RSASSA-PSS', keysize };
    }
    case 'DSA': {
      if (opts.groupname !== undefined) throw usage('-groupname is not supported for DSA');
      const keysize = ks ?? 2048;
      if (![1024, 2048, 3072].includes(keysize) && !(keysize >= 512 && keysize <= 1024 && keysize % 64 === 0))
        throw usage(`Invalid DSA key size: ${keysize}`);
      return { keyalg: 'DSA', keysize };
    }
    case 'EC': {
      let std: string;
      if (opts.groupname !== undefined) std = ecCurve(opts.groupname).std;
      else if (ks !== undefined) {
        const c = CURVE_BY_SIZE[ks];
        if (!c) throw new KtoolError('UNSUPPORTED', `Unsupported EC key size: ${ks}`);
        std = c;
      } else std = jdk === 17 ? 'secp256r1' : 'secp384r1';
      return { keyalg: 'EC', keysize: ecCurve(std).bits, curve: std };
    }
    case 'EDDSA':
    case 'ED25519':
    case 'ED448': {
      let kind = alg === 'ED448' ? 'Ed448' : 'Ed25519';
      if (opts.groupname !== undefined) {
        const g = opts.groupname.trim().toLowerCase();
        if (g === 'ed25519' && alg !== 'ED448') kind = 'Ed25519';
        else if (g === 'ed448' && alg !== 'ED25519') kind = 'Ed448';
        else throw usage(`Unsupported group name for ${opts.keyalg}: ${opts.groupname}`);
      } else if (ks !== undefined) {
        if (alg === 'EDDSA' && (ks === 255 || ks === 448)) kind = ks === 255 ? 'Ed25519' : 'Ed448';
        else if (!(kind === 'Ed25519' && ks === 255) && !(kind === 'Ed448' && ks === 448)) throw usage(`Invalid key size for ${opts.keyalg}: ${ks}`);
      }
      return { keyalg: kind, keysize: kind === 'Ed25519' ? 255 : 448 };
    }
    default:
      throw new KtoolError('UNSUPPORTED', `Unsupported key algorithm: ${opts.keyalg}`);
  }
}

export function generateKeyPair(opts: KeyGenOptions): GeneratedKeyPair {
  const r = resolveKeyGen(opts);
  switch (r.keyalg) {
    case 'RSA':
      return finish('RSA', r.keysize, crypto.generateKeyPairSync('rsa', { modulusLength: r.keysize, publicExponent: 0x10001 }));
    case 'RSASSA-PSS':
      return finish('RSASSA-PSS', r.keysize, crypto.generateKeyPairSync('rsa-pss', { modulusLength: r.keysize, publicExponent: 0x10001 }));
    case 'DSA': {
      const divisorLength = r.keysize <= 1024 ? 160 : r.keysize === 2048 ? 224 : 256;
      return finish('DSA', r.keysize, crypto.generateKeyPairSync('dsa', { modulusLength: r.keysize, divisorLength }));
    }
    case 'EC':
      return finish('EC', r.keysize, crypto.generateKeyPairSync('ec', { namedCurve: ecCurve(r.curve!).node }), r.curve);
    case 'Ed25519':
      return finish('Ed25519', 255, crypto.generateKeyPairSync('ed25519'));
    default:
      return finish('Ed448', 448, crypto.generateKeyPairSync('ed448'));
  }
}

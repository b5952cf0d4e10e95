/**
 * EncryptedPrivateKeyInfo (PKCS#8) for every scheme a keystore uses. The AlgorithmIdentifier's OID
 * says which scheme sealed a key, so one pair of functions serves JKS, JCEKS, PKCS#12 and PEM:
 *   1.3.6.1.4.1.42.2.17.1.1  Sun JKS KeyProtector           (password as UTF-16BE)
 *   1.3.6.1.4.1.42.2.19.1    JCEKS PBEWithMD5AndTripleDES    (password as UTF-8 / ASCII)
 *   PBES2, PKCS#12 PBE, PBES1                                 (see ./pbe)
 */
import { Asn1, TAG, algId, integer, octetString, oid, seq } from '../asn1/der';
import { OID } from '../asn1/oids';
import { KtoolError } from '../model/errors';
import type { PbeSpec } from '../model/keystore';
import { jceksDecrypt, jceksEncrypt } from './jceks-pbe';
import { jksProtect, jksRecover } from './jks-keyprotector';
import { pbeDecrypt, pbeEncrypt, readPbeSpec } from './pbe';
import { type RandomSource, secureRandom } from './random';
import { checkIterations } from './iterations';

export type KeyProtection =
  | { readonly kind: 'jks' }
  | { readonly kind: 'jceks'; readonly iterations: number }
  | { readonly kind: 'pbe'; readonly spec: PbeSpec };

export const JCEKS_DEFAULT_ITERATIONS = 200000;

export function parseEpki(epki: Uint8Array): { alg: Asn1; data: Uint8Array } {
  const top = Asn1.parse(epki, 'EncryptedPrivateKeyInfo').expect(TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
  const alg = top.child(0, 'EncryptedPrivateKeyInfo').expect(TAG.SEQUENCE, 'EncryptedPrivateKeyInfo algorithm');
  const data = top.child(1, 'EncryptedPrivateKeyInfo').expect(TAG.OCTET_STRING, 'EncryptedPrivateKeyInfo data').octets();
  return { alg, data };
}

/** What protects this key (for inspect/listing); throws UNSUPPORTED for unknown schemes. */
export function keyProtectionOf(epki: Uint8Array): KeyProtection {
  const { alg } = parseEpki(epki);
  const algOid = alg.child(0).oid();
  if (algOid === OID.jksKeyProtector) return { kind: 'jks' };
  if (algOid === OID.jceksPbeWithMD5AndTripleDES) return { kind: 'jceks', iterations: alg.child(1).child(1).int() };
  return { kind: 'pbe', spec: readPbeSpec(alg) };
}

/** Open a sealed private (or PKCS#12 secret) key. Wrong password -> WRONG_PASSWORD. */
export function decryptPrivateKeyInfo(epki: Uint8Array, password: string): Uint8Array {
  const { alg, data } = parseEpki(epki);
  const algOid = alg.child(0, 'key algorithm').oid();
  let plain: Uint8Array;
  if (algOid === OID.jksKeyProtector) {
    plain = jksRecover(data, password);
  } else if (algOid === OID.jceksPbeWithMD5AndTripleDES) {
    const params = alg.child(1, 'JCEKS PBE parameters').expect(TAG.SEQUENCE, 'JCEKS PBE parameters');
    const salt = params.child(0).expect(TAG.OCTET_STRING, 'JCEKS salt').octets();
    const iterations = checkIterations(params.child(1).int(), 'JCEKS key');
    plain = jceksDecrypt(data, password, salt, iterations);
  } else {
    plain = pbeDecrypt(alg, data, password);
  }
  // A wrong password that happens to pass the padding check leaves garbage: insist on a SEQUENCE.
  try {
    Asn1.parse(plain, 'PrivateKeyInfo').expect(TAG.SEQUENCE, 'PrivateKeyInfo');
  } catch {
    throw new KtoolError('WRONG_PASSWORD', 'Cannot recover key: wrong key password');
  }
  return plain;
}

export function encryptPrivateKeyInfo(
  plain: Uint8Array,
  password: string,
  protection: KeyProtection,
  random: RandomSource = secureRandom,
): Uint8Array {
  switch (protection.kind) {
    case 'jks':
      return seq(algId(OID.jksKeyProtector, null), octetString(jksProtect(plain, password, random)));
    case 'jceks': {
      const salt = random(8);
      const ct = jceksEncrypt(plain, password, salt, protection.iterations);
      return seq(seq(oid(OID.jceksPbeWithMD5AndTripleDES), seq(octetString(salt), integer(protection.iterations))), octetString(ct));
    }
    case 'pbe': {
      const { algorithmIdentifier, ciphertext } = pbeEncrypt(plain, password, protection.spec, random);
      return seq(algorithmIdentifier, octetString(ciphertext));
    }
  }
}

/**
 * PKCS#12 integrity: MacData (RFC 7292 section 4) with HMAC keyed by the PKCS#12 KDF (ID 3), and
 * PBMAC1 (RFC 9579) with a PBKDF2-derived HMAC key.
 *
 *   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 *   DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
 */
import { createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { Asn1, TAG, integer, nullValue, octetString, oid, seq } from '../asn1/der';
import { OID } from '../asn1/oids';
import { KtoolError, corrupt } from '../model/errors';
import type { DigestName, MacSpec } from '../model/keystore';
import { HMAC_PRFS, digestOfPrf, readPbkdf2, writePbkdf2 } from './pbe';
import { DIGESTS, KDF_MAC, pkcs12Kdf, pkcs12PasswordBytes } from './pkcs12-kdf';
import type { RandomSource } from './random';
import { checkIterations } from './iterations';


export const TAMPERED_MESSAGE = 'Keystore was tampered with, or password was incorrect';

const DIGEST_OIDS: Record<DigestName, string> = {
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
  'sha512-224': OID.sha512_224,
  'sha512-256': OID.sha512_256,
};

function digestOfOid(o: string): DigestName {
  const d = (Object.keys(DIGEST_OIDS) as DigestName[]).find((k) => DIGEST_OIDS[k] === o);
  if (!d) throw new KtoolError('UNSUPPORTED', `unsupported MAC digest algorithm ${o}`);
  return d;
}

/** MacData as read: what the file asks for, plus the values needed to verify it. */
export interface ParsedMacData {
  spec: MacSpec;
  mac: Uint8Array;
  /** Classic MAC: macSalt. PBMAC1: the PBKDF2 salt (macSalt is ignored, RFC 9579). */
  salt: Uint8Array;
  iterations: number;
}


export function readMacData(macData: Asn1): ParsedMacData {
  macData.expect(TAG.SEQUENCE, 'MacData');
  const digestInfo = macData.child(0, 'MacData').expect(TAG.SEQUENCE, 'MacData DigestInfo');
  const alg = digestInfo.child(0, 'MacData DigestInfo').expect(TAG.SEQUENCE, 'MacData digest algorithm');
  const mac = digestInfo.child(1, 'MacData DigestInfo').expect(TAG.OCTET_STRING, 'MacData digest').octets();
  const macSalt = macData.child(1, 'MacData').expect(TAG.OCTET_STRING, 'MacData salt').octets();
  const itNode = macData.children[2];
  const fileIterations = itNode ? itNode.expect(TAG.INTEGER, 'MacData iterations').int() : 1;
  const algOid = alg.child(0, 'MacData digest algorithm').oid();
  if (algOid === OID.pbmac1) {
    const params = alg.child(1, 'PBMAC1 parameters').expect(TAG.SEQUENCE, 'PBMAC1 parameters');
    const kdf = readPbkdf2(params.child(0, 'PBMAC1 parameters'));
    checkIterations(kdf.iterations, 'PBMAC1');
    const scheme = params.child(1, 'PBMAC1 parameters').expect(TAG.SEQUENCE, 'PBMAC1 message authentication scheme');
    const hmac = digestOfPrf(scheme.child(0, 'PBMAC1 message authentication scheme').oid());
    // RFC 9579: keyLength is mandatory (PBKDF2 cannot guess an HMAC key size).
    if (kdf.keyLength === undefined) throw corrupt('PBMAC1: PBKDF2 key length missing');
    if (mac.length !== DIGESTS[hmac].u) throw corrupt(`PBMAC1: MAC of ${mac.length} bytes for Hmac${hmac.toUpperCase()}`);
    return {
      spec: { kind: 'pbmac1', prf: kdf.prf, hmac, iterations: kdf.iterations, saltLength: kdf.salt.length, keyLength: kdf.keyLength },
      mac,
      salt: kdf.salt,
      iterations: kdf.iterations,
    };
  }
  const digest = digestOfOid(algOid);
  // A digest AlgorithmIdentifier carries NULL or nothing; anything else is damage.
  const params = alg.children[1];
  if (alg.children.length > 2 || (params && (params.tag !== TAG.NULL || params.content.length !== 0))) throw corrupt('MacData: unexpected digest parameters');
  checkIterations(fileIterations, 'MacData');
  if (mac.length !== DIGESTS[digest].u) throw corrupt(`MacData: MAC of ${mac.length} bytes for ${digest}`);
  return { spec: { kind: 'hmac', digest, iterations: fileIterations, saltLength: macSalt.length }, mac, salt: macSalt, iterations: fileIterations };
}

/** The MAC over `data` (the AuthenticatedSafe content octets). `nulForm`: the JDK's empty-password retry. */
export function computeMac(spec: MacSpec, salt: Uint8Array, password: string, data: Uint8Array, nulForm = false): Uint8Array {
  if (spec.kind === 'hmac') {
    const d = DIGESTS[spec.digest];
    const key = pkcs12Kdf(spec.digest, pkcs12PasswordBytes(password, nulForm), salt, spec.iterations, KDF_MAC, d.u);
    return new Uint8Array(createHmac(d.node, key).update(data).digest());
  }
  const pw = nulForm ? Buffer.of(0) : Buffer.from(password, 'utf8');
  const key = pbkdf2Sync(pw, salt, spec.iterations, spec.keyLength, DIGESTS[spec.prf].node);
  return new Uint8Array(createHmac(DIGESTS[spec.hmac].node, key).update(data).digest());
}

/** Throws TAMPERED unless the MAC matches (compared in constant time). */
export function verifyMac(parsed: ParsedMacData, password: string, data: Uint8Array): void {
  const ok = (nul: boolean): boolean => {
    const expected = computeMac(parsed.spec, parsed.salt, password, data, nul);
    return expected.length === parsed.mac.length && timingSafeEqual(expected, parsed.mac);
  };
  // An empty password is tried as "" (00 00) and then as the JDK's NUL form (RetryWithZero).
  if (ok(false) || (password === '' && ok(true))) return;
  throw new KtoolError('TAMPERED', TAMPERED_MESSAGE);
}

/** RFC 9579 leaves MacData.macSalt and iterations unused; these are the values its examples carry. */
const PBMAC1_UNUSED_SALT = new Uint8Array(Buffer.from('NOT USED', 'latin1'));

/** DER MacData for `data`, salts from `random`. */
export function buildMacData(spec: MacSpec, password: string, data: Uint8Array, random: RandomSource): Uint8Array {
  checkIterations(spec.iterations, 'MAC', 'write');
  const salt = random(spec.saltLength);
  const mac = computeMac(spec, salt, password, data);
  if (spec.kind === 'hmac') {
    return seq(seq(seq(oid(DIGEST_OIDS[spec.digest]), nullValue()), octetString(mac)), octetString(salt), integer(spec.iterations));
  }
  const params = seq(writePbkdf2(salt, spec.iterations, spec.keyLength, spec.prf), seq(oid(HMAC_PRFS[spec.hmac]), nullValue()));
  return seq(seq(seq(oid(OID.pbmac1), params), octetString(mac)), octetString(PBMAC1_UNUSED_SALT), integer(1));
}

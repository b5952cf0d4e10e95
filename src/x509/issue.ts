/**
 * Building and signing X.509 v3 certificates (RFC 5280 4.1) the way keytool does (-genkeypair, -gencert,
 * -selfcert): random positive 64-bit serial (CertificateSerialNumber.newRandom64bit), validity =
 * start + days, SubjectKeyIdentifier always, AuthorityKeyIdentifier when the issuer key differs from the
 * subject key, extensions ordered by OID.
 */
import * as crypto from 'node:crypto';
import { Asn1, TAG, bitString, explicit, integer, seq, time } from '../asn1/der';
import { KtoolError } from '../model/errors';
import { bytesEqual } from '../util/bytes';
import { JdkVersion, SigAlg, defaultSigAlg, resolveSigAlg, sigAlgIdDer, signData, spkiOf } from './algorithms';
import { Ext, authorityKeyIdentifier, encodeExtensions, keyIdentifier, mergeExtensions, subjectKeyIdentifier } from './extensions';

export type NameDer = Uint8Array;

export interface CertificateSpec {
  subject: NameDer;
  issuer: NameDer;
  /** Default: random positive 64-bit value. */
  serial?: bigint;
  notBefore: Date;
  notAfter: Date;
  publicKeySpki: Uint8Array;
  extensions?: readonly Ext[];
  signerKey: crypto.KeyObject;
  /** Java name or SigAlg; default keytool's default for the signer key and `jdk`. */
  sigAlg?: string | SigAlg;
  jdk?: JdkVersion;
  /** The issuer's public key (default: derived from signerKey). */
  issuerSpki?: Uint8Array;
  /** The issuer's SubjectKeyIdentifier, used for the AKID (default: computed from the issuer's key). */
  issuerKeyId?: Uint8Array;
  /** Add SKID (and AKID when not self-signed) unless the extensions already have them. Default true. */
  keyIdentifiers?: boolean;
}

/** keytool's serial: BigInteger(64, SecureRandom), retried while zero. */
export function randomSerial(): bigint {
  for (;;) {
    const v = BigInt('0x' + crypto.randomBytes(8).toString('hex'));
    if (v !== 0n) return v;
  }
}

/** notAfter = start + days (keytool's getLastDate), refusing years beyond 9999 as keytool does. */
export function validityEnd(start: Date, days: number): Date {
  const end = new Date(start.getTime() + days * 86400000);
  if (end.getUTCFullYear() > 9999) throw new KtoolError('USAGE', `Validity period ends at calendar year ${end.getUTCFullYear()} which is greater than 9999`);
  return end;
}

/** The TBSCertificate DER for a spec (signature algorithm already resolved). */
function tbsCertificate(spec: CertificateSpec, alg: SigAlg, serial: bigint, exts: readonly Ext[]): Uint8Array {
  const fields = [
    explicit(0, integer(2)),
    integer(serial),
    sigAlgIdDer(alg),
    spec.issuer,
    seq(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spec.publicKeySpki,
  ];
  if (exts.length > 0) fields.push(explicit(3, encodeExtensions(exts)));
  return seq(...fields);
}

/** Build and sign a v3 certificate; returns its DER. */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  if (spec.notAfter.getTime() < spec.notBefore.getTime()) throw new KtoolError('USAGE', 'Certificate notAfter is before notBefore');
  const serial = spec.serial ?? randomSerial();
  if (serial <= 0n) throw new KtoolError('USAGE', 'Certificate serial number must be positive');
  const alg = resolveSigAlg(spec.sigAlg ?? defaultSigAlg(spec.signerKey, spec.jdk ?? 17), spec.signerKey, spec.jdk ?? 17);
  // Check the SPKI parses, so a bad key fails here and not in a relying party.
  Asn1.parse(spec.publicKeySpki, 'SubjectPublicKeyInfo').expect(TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const auto: Ext[] = [];
  if (spec.keyIdentifiers !== false) {
    auto.push(subjectKeyIdentifier(spec.publicKeySpki));
    const issuerSpki = spec.issuerSpki ?? spkiOf(spec.signerKey);
    if (!bytesEqual(issuerSpki, spec.publicKeySpki)) auto.push(authorityKeyIdentifier(spec.issuerKeyId ?? keyIdentifier(issuerSpki)));
  }
  const given = spec.extensions ?? [];
  const exts = mergeExtensions([...auto.filter((a) => !given.some((g) => g.oid === a.oid)), ...given]);
  const tbs = tbsCertificate(spec, alg, serial, exts);
  const sig = signData(alg, spec.signerKey, tbs);
  return seq(tbs, sigAlgIdDer(alg), bitString(sig));
}

// ---------------------------------------------------------------- -startdate

const illegalStart = (): KtoolError => new KtoolError('USAGE', 'Illegal startdate value');

function daysInMonth(y: number, m: number): number {
  return new Date(y, m + 1, 0).getDate();
}

/** java.util.Calendar.add for YEAR / MONTH in local time: the day of month is clamped to the new month's length. */
function addMonths(d: Date, months: number): void {
  const day = d.getDate();
  const total = d.getFullYear() * 12 + d.getMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  d.setDate(1);
  d.setFullYear(y, m, Math.min(day, daysInMonth(y, m)));
}

/**
 * keytool -startdate, in the local time zone as the JDK's GregorianCalendar: relative `([+-]n[ymdHMS])+`
 * (e.g. `-1d`, `+1y-2m+3d+4H`) from `now`, or absolute `yyyy/mm/dd HH:MM:SS`, `yyyy/mm/dd` (keeps now's
 * time of day) or `HH:MM:SS` (today). No value means now.
 */
export function parseStartDate(s: string | undefined, now: Date = new Date()): Date {
  const c = new Date(now.getTime());
  if (s === undefined) return c;
  const len = s.length;
  if (len === 0) throw illegalStart();
  if (s[0] === '-' || s[0] === '+') {
    let start = 0;
    while (start < len) {
      const sign = s[start] === '+' ? 1 : s[start] === '-' ? -1 : 0;
      if (sign === 0) throw illegalStart();
      let i = start + 1;
      while (i < len && s[i] >= '0' && s[i] <= '9') i++;
      if (i === start + 1) throw illegalStart();
      const number = Number(s.substring(start + 1, i));
      if (number > 2147483647) throw illegalStart();
      if (i >= len) throw illegalStart();
      const n = sign * number;
      switch (s[i]) {
        case 'y':
          addMonths(c, 12 * n);
          break;
        case 'm':
          addMonths(c, n);
          break;
        case 'd':
          c.setDate(c.getDate() + n);
          break;
        case 'H':
          c.setTime(c.getTime() + n * 3600000);
          break;
        case 'M':
          c.setTime(c.getTime() + n * 60000);
          break;
        case 'S':
          c.setTime(c.getTime() + n * 1000);
          break;
        default:
          throw illegalStart();
      }
      start = i + 1;
    }
    return c;
  }
  let date: string | undefined;
  let tm: string | undefined;
  if (len === 19) {
    if (s[10] !== ' ') throw illegalStart();
    date = s.substring(0, 10);
    tm = s.substring(11);
  } else if (len === 10) date = s;
  else if (len === 8) tm = s;
  else throw illegalStart();
  if (date !== undefined) {
    if (!/^\d{4}\/\d\d\/\d\d$/.test(date)) throw illegalStart();
    // Calendar.set(y, m, d) is lenient: 2024/02/30 is March 1st; the time of day is kept.
    c.setFullYear(Number(date.substring(0, 4)), Number(date.substring(5, 7)) - 1, Number(date.substring(8, 10)));
  }
  if (tm !== undefined) {
    if (!/^\d\d:\d\d:\d\d$/.test(tm)) throw illegalStart();
    c.setHours(Number(tm.substring(0, 2)), Number(tm.substring(3, 5)), Number(tm.substring(6, 8)), 0);
  }
  return c;
}

/** Deterministic aliases for certificates: a slug of the subject CN, plus a short fingerprint on collision. */
import { digest } from '../crypto/digest';
import type { KeyStore } from '../model/keystore';
import { CertView } from '../x509/certificate';
import { NAME_OIDS, avaToString, avaValueString } from '../x509/name';

export function sha256Hex(der: Uint8Array): string {
  return digest('sha256', der).toString('hex');
}

/** The first CN of the subject in encoding order (as OpenSSL lists it), if any. */
export function subjectCommonName(der: Uint8Array): string | undefined {
  const cn = CertView.from(der).subject.rdns.flat().find((a) => a.oid === NAME_OIDS.CN);
  return (cn && avaValueString(cn)) ?? undefined;
}

/** Without a CN: the last attribute of the subject (most specific), as TYPE=value. */
function lastAttribute(der: Uint8Array): string | undefined {
  const last = CertView.from(der).subject.rdns.at(-1)?.at(-1);
  return last && avaToString(last);
}

export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'cert';
}

/** The serial in hex, two digits a byte without leading zero bytes, 0 as "0" (as OpenSSL prints it). */
function serialBytesHex(der: Uint8Array): string {
  const hex = CertView.from(der).serialHex;
  return hex.length % 2 && hex !== '0' ? `0${hex}` : hex;
}

/**
 * `template` may use {cn} (slug of the CN), {sha256} (first 8 hex digits), {sha256:N}, {serial}.
 * Without a template: the CN slug, and the slug plus fingerprint when that alias is already taken by
 * another certificate. `sha256`: the certificate's fingerprint in hex, if the caller has it already.
 */
export function aliasForCertificate(der: Uint8Array, taken: (alias: string) => boolean, template?: string, sha256?: string): string {
  const cn = slug(subjectCommonName(der) ?? lastAttribute(der) ?? 'cert');
  // The fingerprint (unless the caller has it) and the serial only when the alias uses them.
  const fp = () => sha256 ?? sha256Hex(der);
  if (template) {
    return template
      .replace(/\{cn\}/g, cn)
      .replace(/\{sha256(?::(\d+))?\}/g, (_, n?: string) => fp().slice(0, n ? Number(n) : 8))
      .replace(/\{serial\}/g, () => serialBytesHex(der))
      .toLowerCase();
  }
  return taken(cn) ? `${cn}-${fp().slice(0, 8)}` : cn;
}

export function certificateIndex(store: KeyStore): Map<string, string> {
  const bySha = new Map<string, string>();
  for (const e of store.entries) if (e.type === 'trustedCertEntry') bySha.set(sha256Hex(e.cert), e.alias);
  return bySha;
}

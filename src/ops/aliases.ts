/** Deterministic aliases for certificates: a slug of the subject CN, plus a short fingerprint on collision. */
import { createHash } from 'node:crypto';
import { x509Of } from '../x509/node-cert';
import type { KeyStore } from '../model/keystore';

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function subjectCommonName(der: Uint8Array): string | undefined {
  const subject = x509Of(der).subject;
  const cn = subject.split('\n').find((l) => l.startsWith('CN='));
  return cn?.slice(3);
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

/**
 * `template` may use {cn} (slug of the CN), {sha256} (first 8 hex digits), {sha256:N}, {serial}.
 * Without a template: the CN slug, and the slug plus fingerprint when that alias is already taken by
 * another certificate.
 */
export function aliasForCertificate(der: Uint8Array, taken: (alias: string) => boolean, template?: string): string {
  const cn = slug(subjectCommonName(der) ?? x509Of(der).subject.split('\n').pop() ?? 'cert');
  const fp = sha256Hex(der);
  if (template) {
    return template
      .replace(/\{cn\}/g, cn)
      .replace(/\{sha256(?::(\d+))?\}/g, (_, n?: string) => fp.slice(0, n ? Number(n) : 8))
      .replace(/\{serial\}/g, x509Of(der).serialNumber.toLowerCase())
      .toLowerCase();
  }
  return taken(cn) ? `${cn}-${fp.slice(0, 8)}` : cn;
}

export function certificateIndex(store: KeyStore): Map<string, string> {
  const bySha = new Map<string, string>();
  for (const e of store.entries) if (e.type === 'trustedCertEntry') bySha.set(sha256Hex(e.cert), e.alias);
  return bySha;
}

/**
 * `ktool expiry`: days left for every certificate of stores and PEM files, and the exit status a cron
 * job or CI step can alert on: 0 all fine, 20 some inside the --within window, 21 some already expired.
 */
import { KtoolError } from '../model/errors';
import { CertView } from '../x509/certificate';

export const EXPIRY_EXIT = { OK: 0, WITHIN: 20, EXPIRED: 21 } as const;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30d", "12h", "2w", "90m", "45s"; a bare number is days. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(text);
  if (!m) throw new KtoolError('USAGE', `bad duration ${JSON.stringify(text)}: expected e.g. 30d, 12h, 2w`);
  return Number(m[1]) * UNIT_MS[(m[2] || 'd').toLowerCase()];
}

export interface ExpiryItem {
  source: string;
  alias?: string;
  /** Position in the entry's chain or file (0 = first). */
  index: number;
  subject: string;
  notAfter: string;
  daysLeft: number;
  status: 'ok' | 'within' | 'expired';
}

export function expiryItem(der: Uint8Array, where: { source: string; alias?: string; index: number }, now: Date, windowMs: number): ExpiryItem {
  const v = CertView.from(der);
  const notAfter = v.notAfter;
  const left = notAfter.getTime() - now.getTime();
  const status = left < 0 ? 'expired' : left <= windowMs ? 'within' : 'ok';
  const item: ExpiryItem = { source: where.source, index: where.index, subject: v.subject.toString(), notAfter: notAfter.toISOString(), daysLeft: Math.floor(left / 86_400_000), status };
  if (where.alias !== undefined) item.alias = where.alias;
  return item;
}

export function expiryStatus(items: readonly ExpiryItem[]): number {
  if (items.some((i) => i.status === 'expired')) return EXPIRY_EXIT.EXPIRED;
  if (items.some((i) => i.status === 'within')) return EXPIRY_EXIT.WITHIN;
  return EXPIRY_EXIT.OK;
}

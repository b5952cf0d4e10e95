import type { ErrorCode } from '../model/errors';

/**
 * Exit statuses, one per class of failure (documented in the README's "Exit codes" table).
 * 0 success; 1 is kept for "changed" signalling and keytool compatibility mode (keytool exits 1 on any error).
 */
export const EXIT: Record<ErrorCode | 'OK' | 'INTERNAL', number> = {
  OK: 0,
  USAGE: 2,
  WRONG_PASSWORD: 3,
  TAMPERED: 4,
  CORRUPT: 5,
  NOT_FOUND: 6,
  EXISTS: 7,
  UNSUPPORTED: 8,
  IO: 9,
  NETWORK: 10,
  VERIFY: 11,
  INTERNAL: 70,
};

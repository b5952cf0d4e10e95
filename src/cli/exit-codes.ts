import type { ErrorCode, KtoolError } from '../model/errors';
import type { NetFailure } from '../net/starttls';

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

/**
 * Finer statuses for network failures (`ktool fetch`, `jdbc --check`), so scripts can tell why a
 * server could not be read. 10 stays the generic network status; 11 is VERIFY above.
 *   10 connection refused, host unreachable, name not resolved, connection closed
 *   12 timed out (connect, STARTTLS prelude or handshake; --timeout, default 10 s)
 *   13 the server does not support TLS (PostgreSQL answered 'N'; MySQL without CLIENT_SSL)
 *   14 TLS handshake failed
 *   15 protocol mismatch (e.g. --starttls mysql against PostgreSQL, plaintext where TLS was expected)
 *   16 certificate fingerprint differs from --expect-fingerprint
 */
export const NETWORK_EXIT: Record<Exclude<NetFailure, 'usage'> | 'fingerprint', number> = {
  refused: 10,
  unreachable: 10,
  dns: 10,
  closed: 10,
  timeout: 12,
  'no-tls': 13,
  handshake: 14,
  protocol: 15,
  fingerprint: 16,
};

/** The exit status of a ktool error: its code's, refined by a network failure reason when it has one. */
export function exitStatus(e: KtoolError): number {
  const reason = (e as { reason?: unknown }).reason;
  if (typeof reason === 'string' && Object.hasOwn(NETWORK_EXIT, reason)) return NETWORK_EXIT[reason as keyof typeof NETWORK_EXIT];
  return EXIT[e.code];
}

/**
 * One bound on the password-based iteration counts ktool reads and writes (PKCS#12 MAC and PBE,
 * PBKDF2, JCEKS key protection). The JDK accepts up to 5,000,000; ktool stops at 1,000,000 by default
 * so that a hostile file cannot keep it busy for seconds before the password is even known to be
 * right. Real stores use far less (JDK 10,000 for PKCS#12 and 200,000 for JCEKS, OpenSSL 2,048).
 * KTOOL_MAX_ITERATIONS raises the bound, up to the JDK's.
 */
import { KtoolError, corrupt } from '../model/errors';

export const JDK_MAX_ITERATIONS = 5_000_000;
const DEFAULT_MAX_ITERATIONS = 1_000_000;

export function maxIterations(): number {
  const env = process.env.KTOOL_MAX_ITERATIONS;
  if (env === undefined || env === '') return DEFAULT_MAX_ITERATIONS;
  const n = Number(env);
  return Number.isSafeInteger(n) && n >= 1 ? Math.min(n, JDK_MAX_ITERATIONS) : DEFAULT_MAX_ITERATIONS;
}

/**
 * A count read from a file (`read`: a bad one is CORRUPT, one above the bound UNSUPPORTED) or asked
 * for by the user (`write`: USAGE).
 */
export function checkIterations(n: number, what: string, mode: 'read' | 'write' = 'read'): number {
  const max = maxIterations();
  if (Number.isSafeInteger(n) && n >= 1 && n <= max) return n;
  if (mode === 'write') throw new KtoolError('USAGE', `${what}: iteration count must be between 1 and ${max}`);
  if (!Number.isSafeInteger(n) || n < 1 || n > JDK_MAX_ITERATIONS) throw corrupt(`${what}: iteration count ${n} out of range`);
  throw new KtoolError('UNSUPPORTED', `${what}: iteration count ${n} is above ktool's limit of ${max} (KTOOL_MAX_ITERATIONS raises it, up to ${JDK_MAX_ITERATIONS} as the JDK)`);
}

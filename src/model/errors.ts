/**
 * The one error type of ktool. `code` says what kind of failure it is; the CLI maps codes to exit
 * statuses in one table (src/cli/exit-codes.ts). Messages name the file and alias, never a password.
 */
export type ErrorCode =
  | 'USAGE'
  | 'WRONG_PASSWORD'
  | 'TAMPERED'
  | 'CORRUPT'
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'UNSUPPORTED'
  | 'IO'
  | 'NETWORK'
  | 'VERIFY';

export class KtoolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'KtoolError';
  }
}

export const corrupt = (what: string): KtoolError => new KtoolError('CORRUPT', what);
export const unsupported = (what: string): KtoolError => new KtoolError('UNSUPPORTED', what);

/** Prefix a KtoolError's message with context (a file name, an alias), keeping its code. */
export function withContext(err: unknown, context: string): unknown {
  // Nested layers may each name the same file: say it once.
  if (err instanceof KtoolError && !err.message.startsWith(context)) return new KtoolError(err.code, `${context}: ${err.message}`);
  return err;
}

/** Runs `fn`; a ktool error from it is reported with `context` (a file name) in front. */
export function inContext<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw withContext(e, context);
  }
}

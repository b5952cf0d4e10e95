import { KtoolError } from '../../model/errors';

/** A failure reported the way keytool reports it: `keytool error: <java exception>: <message>` on stdout. */
export class JavaStyleError extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

export const jEx = (message: string): JavaStyleError => new JavaStyleError('java.lang.Exception', message);

/** keytool's text for ktool's own errors (the exception class keytool 17 would have thrown). */
export function keytoolErrorLine(e: unknown, storeType?: string): string {
  if (e instanceof JavaStyleError) return `keytool error: ${e.javaClass}: ${e.message}`;
  if (e instanceof KtoolError) {
    switch (e.code) {
      case 'TAMPERED':
        return storeType === 'PKCS12'
          ? 'keytool error: java.io.IOException: keystore password was incorrect'
          : 'keytool error: java.io.IOException: Keystore was tampered with, or password was incorrect';
      case 'WRONG_PASSWORD':
        return 'keytool error: java.security.UnrecoverableKeyException: Cannot recover key';
      case 'CORRUPT':
        return /not a keystore/.test(e.message)
          ? 'keytool error: java.security.KeyStoreException: Unrecognized keystore format. Please load it with a specified type'
          : `keytool error: java.io.IOException: ${stripFile(e.message)}`;
      case 'UNSUPPORTED':
        return `keytool error: java.security.KeyStoreException: ${stripFile(e.message)}`;
      default:
        return `keytool error: java.lang.Exception: ${stripFile(e.message)}`;
    }
  }
  return `keytool error: java.lang.Exception: ${e instanceof Error ? e.message : String(e)}`;
}

const stripFile = (m: string) => m.replace(/^[^:]*\.(jks|jceks|p12|pfx|keystore|ks|pem|crt|cer|der): /i, '');

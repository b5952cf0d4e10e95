/**
 * Finding the JDK's `cacerts` without a JVM: $JAVA_HOME first, then the JDKs under /usr/lib/jvm, then
 * the Debian/Ubuntu system file. Its password is `changeit`, or none for a password-less PKCS#12
 * (JDK 18+ builds such as Temurin).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KtoolError } from '../model/errors';

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Every place a cacerts may be, in the order they are tried. */
export function cacertsCandidates(env: NodeJS.ProcessEnv = process.env, jvmDir = '/usr/lib/jvm'): string[] {
  const out: string[] = [];
  const javaHome = env.JAVA_HOME;
  if (javaHome) out.push(path.join(javaHome, 'lib/security/cacerts'), path.join(javaHome, 'jre/lib/security/cacerts'));
  let jdks: string[] = [];
  try {
    jdks = fs.readdirSync(jvmDir).sort();
  } catch {
    /* no /usr/lib/jvm */
  }
  for (const d of jdks) out.push(path.join(jvmDir, d, 'lib/security/cacerts'), path.join(jvmDir, d, 'jre/lib/security/cacerts'));
  out.push('/etc/ssl/certs/java/cacerts', '/etc/pki/java/cacerts');
  return out;
}

/** The first cacerts that exists; NOT_FOUND with the places looked at otherwise. */
export function findCacerts(env: NodeJS.ProcessEnv = process.env): string {
  const all = cacertsCandidates(env);
  const found = all.find(isFile);
  if (!found) throw new KtoolError('NOT_FOUND', `cacerts not found (set JAVA_HOME; looked in ${all.join(', ')})`);
  return found;
}

/** Passwords to try on cacerts, in order: the well-known one, then none (password-less PKCS#12). */
export const CACERTS_PASSWORDS: readonly (string | null)[] = ['changeit', null];

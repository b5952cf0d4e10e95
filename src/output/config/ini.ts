/**
 * Tungsten tpm options and tungsten.ini. tpm's INI reader trims values and starts an inline comment at
 * whitespace followed by `;` or `#`, and tpm's install check runs `keytool -list -keystore PATH
 * -storepass PW` through a shell without quoting. So values are limited to characters that survive
 * both unchanged; anything else is refused rather than written in a form tpm would mangle.
 */
import { KtoolError } from '../../model/errors';
import type { Setting } from '../../ops/jdbc/model';

const SHELL_SAFE = /^[A-Za-z0-9._,+=@/:-]+$/;

export function checkTungstenValue(s: Setting): void {
  const what = s.secret ? `${s.key} (a password)` : `${s.key} = ${JSON.stringify(s.value)}`;
  if (s.value === '') throw new KtoolError('USAGE', `${what}: tpm needs a value`);
  if (/[\r\n]/.test(s.value)) throw new KtoolError('USAGE', `${what}: INI values cannot hold line breaks`);
  if (s.value !== s.value.trim()) throw new KtoolError('USAGE', `${what}: tpm's INI reader trims leading and trailing spaces`);
  if (/\s[;#]/.test(s.value)) throw new KtoolError('USAGE', `${what}: tpm's INI reader cuts the value at " ;" or " #" (inline comment)`);
  if (/\\$/.test(s.value)) throw new KtoolError('USAGE', `${what}: tpm's INI reader removes a trailing backslash`);
  if (!SHELL_SAFE.test(s.value)) {
    throw new KtoolError('USAGE', `${what}: tpm passes paths and passwords unquoted to a shell (keytool -list), so only A-Z a-z 0-9 . _ , + = @ / : - are safe; choose another ${s.secret ? 'password' : 'path'}`);
  }
}

export function renderTungstenIni(settings: readonly Setting[], section = 'defaults', comments: readonly string[] = []): string {
  settings.forEach(checkTungstenValue);
  return [...comments.map((c) => `# ${c}`), `[${section}]`, ...settings.map((s) => `${s.key}=${s.value}`)].join('\n') + '\n';
}

export function renderTpm(settings: readonly Setting[], service = 'defaults'): string {
  settings.forEach(checkTungstenValue);
  return [`./tools/tpm configure ${service} \\`, ...settings.map((s, i) => `    --${s.key}=${s.value}${i < settings.length - 1 ? ' \\' : ''}`)].join('\n') + '\n';
}

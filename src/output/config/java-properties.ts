/**
 * java.util.Properties text, escaped as Properties.store does (saveConvert), so load() reads back
 * exactly the strings given: `\`, `=`, `:`, `#`, `!` escaped; spaces escaped in keys and as the first
 * character of a value (load() drops leading whitespace); \t \n \r \f as escapes; everything outside
 * printable ASCII as \uXXXX (load(InputStream) reads ISO-8859-1, so this works for either load()).
 */
import type { Setting } from '../../ops/jdbc/model';

function convert(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === ' ') out += i === 0 || isKey ? '\\ ' : ' ';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (ch === '=' || ch === ':' || ch === '#' || ch === '!') out += `\\${ch}`;
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

export const escapePropertiesKey = (k: string): string => convert(k, true);
export const escapePropertiesValue = (v: string): string => convert(v, false);

/** `# text` lines; non-ASCII as \uXXXX (the file is read as ISO-8859-1), one line per comment line. */
export function propertiesComment(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `# ${line.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}`.trimEnd())
    .join('\n');
}

export function renderProperties(settings: readonly Setting[], comments: readonly string[] = []): string {
  const lines = comments.map(propertiesComment);
  for (const s of settings) lines.push(`${escapePropertiesKey(s.key)}=${escapePropertiesValue(s.value)}`);
  return lines.join('\n') + '\n';
}

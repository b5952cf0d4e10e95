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

/**
 * Properties.load: the inverse of the escaping above. Logical lines joined at an odd number of trailing
 * backslashes (the next line's leading whitespace dropped), `#`/`!` comments, the key ending at an
 * unescaped `=`, `:` or whitespace, escapes \t \n \r \f \uXXXX, any other `\c` as `c`. Later keys win.
 */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i].replace(/^[ \t\f]+/, '');
    if (!line || line[0] === '#' || line[0] === '!') continue;
    while (trailingBackslashes(line) % 2 === 1 && i + 1 < physical.length) line = line.slice(0, -1) + physical[++i].replace(/^[ \t\f]+/, '');
    if (trailingBackslashes(line) % 2 === 1) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k])) k += line[k] === '\\' ? 2 : 1;
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v])) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && ' \t\f'.includes(line[v])) v++;
    props.set(unescapeProperties(line.slice(0, Math.min(k, line.length))), unescapeProperties(line.slice(v)));
  }
  return props;
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\\') n++;
  return n;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeProperties(s: string): string {
  return s.replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ESCAPES[c] ?? c));
}

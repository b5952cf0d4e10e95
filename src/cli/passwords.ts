/**
 * Password sources: a literal flag value, an environment variable, a file (first line), standard input
 * (first line), or a no-echo prompt on the terminal. Passwords are never printed or put in messages.
 */
import * as fs from 'node:fs';
import { KtoolError } from '../model/errors';
import { writeStderr } from './context';

export type PasswordSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' };

/** Options object fields for one password: --X, --X-env, --X-file, --X-stdin. */
export function sourceFromOptions(opts: Record<string, unknown>, base: string): PasswordSource | undefined {
  const cap = base.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const literal = opts[cap];
  const env = opts[`${cap}Env`];
  const file = opts[`${cap}File`];
  const stdin = opts[`${cap}Stdin`];
  const given = [literal, env, file, stdin].filter((v) => v !== undefined && v !== false);
  if (given.length > 1) throw new KtoolError('USAGE', `give only one of --${base}, --${base}-env, --${base}-file, --${base}-stdin`);
  if (typeof literal === 'string') return { kind: 'literal', value: literal };
  if (typeof env === 'string') return { kind: 'env', name: env };
  if (typeof file === 'string') return { kind: 'file', path: file };
  if (stdin) return { kind: 'stdin' };
  return undefined;
}

let stdinLines: string[] | undefined;
function nextStdinLine(label: string): string {
  if (!stdinLines) {
    let text = '';
    try {
      text = fs.readFileSync(0, 'utf8');
    } catch {
      text = '';
    }
    stdinLines = text.split(/\r?\n/);
  }
  const line = stdinLines.shift();
  if (line === undefined) throw new KtoolError('USAGE', `${label}: nothing left on standard input`);
  return line;
}

export function readPasswordSource(src: PasswordSource, label: string): string {
  switch (src.kind) {
    case 'literal':
      return src.value;
    case 'env': {
      const v = process.env[src.name];
      if (v === undefined) throw new KtoolError('USAGE', `${label}: environment variable ${src.name} is not set`);
      return v;
    }
    case 'file': {
      let text: string;
      try {
        text = fs.readFileSync(src.path, 'utf8');
      } catch {
        throw new KtoolError('USAGE', `${label}: cannot read password file ${src.path}`);
      }
      return text.split(/\r?\n/)[0];
    }
    case 'stdin':
      return nextStdinLine(label);
  }
}

/** Ask on the terminal without echo. Fails clearly when there is no terminal. */
export async function promptPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new KtoolError('USAGE', `${prompt.replace(/:\s*$/, '')}: no password given and no terminal to ask on`);
  writeStderr(prompt);
  return new Promise((resolve, reject) => {
    let buf = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      writeStderr('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new KtoolError('USAGE', 'interrupted'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** A source's value, or a prompt when none was given and a terminal is there, or undefined. */
export async function obtainPassword(src: PasswordSource | undefined, label: string, opts: { prompt?: boolean } = {}): Promise<string | undefined> {
  if (src) return readPasswordSource(src, label);
  if (opts.prompt && process.stdin.isTTY) return promptPassword(`Enter ${label}:  `);
  return undefined;
}

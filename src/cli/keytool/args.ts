/**
 * keytool's command line, parsed the way keytool 17 parses it (sun.security.tools.keytool.Main.parseArgs):
 * options are case-insensitive, may come in any order, password options take `:env` and `:file`
 * modifiers, -keystore/-destkeystore, -storepass/-deststorepass, -storetype/-deststoretype,
 * -alias/-srcalias and -dest/-destalias each set one value, -conf FILE adds options from a file, and
 * -J…, provider options are accepted and ignored (there is no JVM).
 */
import * as fs from 'node:fs';
import { JavaStyleError } from './errors';

/**
 * Which keytool the compatibility mode imitates where 17 and 25 print differently (PEM line ends,
 * key names in listings, weak-key wording): 17 unless KTOOL_KEYTOOL_JDK=25.
 */
export const KEYTOOL_JDK: 17 | 25 = process.env.KTOOL_KEYTOOL_JDK === '25' ? 25 : 17;

export class KeytoolUsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** keytool command names, with the old aliases mapped to the current ones. */
const COMMANDS: Record<string, string> = {
  '-certreq': 'certreq', '-changealias': 'changealias', '-delete': 'delete', '-exportcert': 'exportcert', '-export': 'exportcert',
  '-genkeypair': 'genkeypair', '-genkey': 'genkeypair', '-genseckey': 'genseckey', '-gencert': 'gencert', '-importcert': 'importcert',
  '-import': 'importcert', '-importpass': 'importpass', '-importkeystore': 'importkeystore', '-keypasswd': 'keypasswd', '-list': 'list',
  '-printcert': 'printcert', '-printcertreq': 'printcertreq', '-printcrl': 'printcrl', '-storepasswd': 'storepasswd', '-showinfo': 'showinfo',
  '-version': 'version', '-keyclone': 'keyclone', '-selfcert': 'selfcert', '-gencrl': 'gencrl',
};

export interface KeytoolArgs {
  command?: string;
  help: boolean;
  keystore?: string;
  cacerts: boolean;
  storepass?: string;
  storetype?: string;
  srckeystore?: string;
  srcstorepass?: string;
  srcstoretype?: string;
  srckeypass?: string;
  keypass?: string;
  newPass?: string;
  destkeypass?: string;
  alias?: string;
  dest?: string;
  file?: string;
  infile?: string;
  outfile?: string;
  dname?: string;
  keyalg?: string;
  keysize?: number;
  groupname?: string;
  sigalg?: string;
  signer?: string;
  signerkeypass?: string;
  startdate?: string;
  validity?: number;
  ext: string[];
  ids: string[];
  sslserver?: string;
  jarfile?: string;
  rfc: boolean;
  verbose: boolean;
  noprompt: boolean;
  trustcacerts: boolean;
  protectedPath: boolean;
  tls: boolean;
  /** Options accepted only for compatibility (providers, -J): told to the user once. */
  ignored: string[];
}

/** keytool's KeyStoreUtil.getPassWithModifier: the value itself, :env VAR, or :file PATH|URL. */
function passWithModifier(modifier: string | undefined, arg: string, command?: string): string {
  if (modifier === undefined) return arg;
  const m = modifier.toLowerCase();
  if (m === 'env') {
    const v = process.env[arg];
    if (v === undefined) throw new KeytoolUsageError(`Cannot find environment variable: ${arg}`, command);
    return v;
  }
  if (m === 'file') {
    try {
      const path = arg.startsWith('file:') ? new URL(arg).pathname : arg;
      return fs.readFileSync(path, 'utf8').split(/\r?\n/)[0];
    } catch {
      throw new KeytoolUsageError(`Cannot find file: ${arg}`, command);
    }
  }
  throw new KeytoolUsageError(`Illegal option:  ${modifier}`, command);
}

const WITH_ARG = new Set([
  '-alias', '-groupname', '-destalias', '-dest', '-destkeypass', '-destkeystore', '-destprovidername', '-deststorepass', '-deststoretype',
  '-dname', '-ext', '-file', '-id', '-infile', '-keyalg', '-keypass', '-keysize', '-keystore', '-new', '-outfile', '-providerclass',
  '-provider', '-addprovider', '-providername', '-providerpath', '-providerarg', '-sigalg', '-signer', '-signerkeypass', '-srcalias',
  '-srckeypass', '-srckeystore', '-srcprovidername', '-srcstorepass', '-srcstoretype', '-sslserver', '-jarfile', '-startdate',
  '-storepass', '-storetype', '-validity', '-conf',
]);

/**
 * Options from a -conf file, as KeyStoreUtil.expandArgs reads it: a java.util.Properties file whose
 * keytool.all and keytool.<command> values are split into words (StreamTokenizer: whitespace apart,
 * "…" and '…' quoted) and expanded (${user.home} and the other Java system properties keytool sees;
 * ${/} is the file separator; an unknown property is an error). They go before the command line's own.
 */
function confOptions(file: string, command: string | undefined): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1'); // Properties.load(InputStream) reads ISO-8859-1
  } catch {
    throw new JavaStyleError('java.io.FileNotFoundException', `${file} (No such file or directory)`);
  }
  const { parseProperties } = require('../../output/config/java-properties') as typeof import('../../output/config/java-properties');
  const props = parseProperties(text);
  const names = command ? Object.entries(COMMANDS).filter(([, c]) => c === command).map(([flag]) => flag.slice(1)) : [];
  const perCommand = names.map((n) => props.get(`keytool.${n}`)).filter((v): v is string => v !== undefined);
  if (perCommand.length > 1) throw new JavaStyleError('java.io.IOException', `Cannot have both -${names[0]} and -${names[1]} as pre-configured options`);
  return [props.get('keytool.all'), perCommand[0]].filter((v): v is string => v !== undefined).flatMap((v) => confWords(v).map(expandJavaProperties));
}

/** StreamTokenizer with keytool's syntax: words split at characters up to U+0020, quotes keep spaces. */
function confWords(s: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"?|'([^']*)'?|([^\x00-\x20"']+)/g;
  for (const m of s.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** The Java system properties a -conf file may name, as this process would have them. */
function javaSystemProperty(name: string): string | undefined {
  const os = require('node:os') as typeof import('node:os');
  switch (name) {
    case 'user.home': return os.homedir();
    case 'user.dir': return process.cwd();
    case 'user.name': return os.userInfo().username;
    case 'java.io.tmpdir': return os.tmpdir();
    case 'java.home': return process.env.JAVA_HOME;
    case 'file.separator': return '/';
    case 'path.separator': return ':';
    case 'line.separator': return '\n';
    case 'os.name': return os.type();
    case 'os.arch': return os.arch() === 'x64' ? 'amd64' : os.arch();
    default: return undefined;
  }
}

/** PropertyExpander.expand: ${name} replaced, ${{…}} kept as written, an unknown name refused. */
function expandJavaProperties(value: string): string {
  return value.replace(/\$\{\{.*?\}\}|\$\{([^}]*)\}/g, (whole, name: string | undefined) => {
    if (name === undefined) return whole;
    if (name === '/') return '/';
    const v = javaSystemProperty(name);
    if (v === undefined) throw new JavaStyleError('sun.security.util.PropertyExpander$ExpandException', `unable to expand property ${name}`);
    return v;
  });
}

export function parseKeytoolArgs(argv: string[]): KeytoolArgs {
  // First pass: the command and -conf (which may sit anywhere).
  let command: string | undefined;
  let conf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].toLowerCase().split(':')[0];
    if (flag === '-conf') conf = argv[++i];
    else if (COMMANDS[flag]) {
      if (command && command !== COMMANDS[flag]) throw new KeytoolUsageError(`Only one command is allowed: you specified -${command} and ${flag}.`);
      command = COMMANDS[flag];
    }
  }
  const args = conf ? [...confOptions(conf, command), ...argv] : argv;
  const a: KeytoolArgs = { command, help: false, cacerts: false, ext: [], ids: [], rfc: false, verbose: false, noprompt: false, trustcacerts: false, protectedPath: false, tls: false, ignored: [] };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i];
    if (!raw.startsWith('-')) throw new KeytoolUsageError(`Illegal option:  ${raw}`, command);
    if (raw.startsWith('-J')) {
      a.ignored.push(raw);
      continue;
    }
    const colon = raw.indexOf(':');
    const flag = (colon > 0 ? raw.slice(0, colon) : raw).toLowerCase();
    const modifier = colon > 0 ? raw.slice(colon + 1) : undefined;
    let value = '';
    if (WITH_ARG.has(flag)) {
      if (i === args.length - 1) throw new KeytoolUsageError(`Command option ${flag} needs an argument.`, command);
      value = args[++i];
    }
    const pass = () => passWithModifier(modifier, value, command);
    switch (flag) {
      case '-help': case '--help': case '-h': case '-?':
        a.help = true; break;
      case '-conf': break;
      case '-keystore': case '-destkeystore': a.keystore = value; break;
      case '-cacerts': a.cacerts = true; break;
      case '-storepass': case '-deststorepass': a.storepass = pass(); break;
      case '-storetype': case '-deststoretype': a.storetype = value; break;
      case '-srckeystore': a.srckeystore = value; break;
      case '-srcstorepass': a.srcstorepass = pass(); break;
      case '-srcstoretype': a.srcstoretype = value; break;
      case '-srckeypass': a.srckeypass = pass(); break;
      case '-keypass': a.keypass = pass(); break;
      case '-new': a.newPass = pass(); break;
      case '-destkeypass': a.destkeypass = pass(); break;
      case '-alias': case '-srcalias': a.alias = value; break;
      case '-dest': case '-destalias': a.dest = value; break;
      case '-file': a.file = value; break;
      case '-infile': a.infile = value; break;
      case '-outfile': a.outfile = value; break;
      case '-dname': a.dname = value; break;
      case '-keyalg': a.keyalg = value; break;
      case '-keysize': a.keysize = toInt(value); break;
      case '-groupname': a.groupname = value; break;
      case '-sigalg': a.sigalg = value; break;
      case '-signer': a.signer = value; break;
      case '-signerkeypass': a.signerkeypass = pass(); break;
      case '-startdate': a.startdate = value; break;
      case '-validity': a.validity = toInt(value); break;
      case '-ext': a.ext.push(value); break;
      case '-id': a.ids.push(value); break;
      case '-sslserver': a.sslserver = value; break;
      case '-jarfile': a.jarfile = value; break;
      case '-rfc': a.rfc = true; break;
      case '-v': a.verbose = true; break;
      case '-noprompt': a.noprompt = true; break;
      case '-trustcacerts': a.trustcacerts = true; break;
      case '-protected': case '-destprotected': case '-srcprotected': a.protectedPath = true; break;
      case '-tls': a.tls = true; break;
      case '-nowarn': case '-debug': break;
      case '-providername': case '-destprovidername': case '-srcprovidername': case '-providerclass': case '-provider':
      case '-addprovider': case '-providerpath': case '-providerarg':
        a.ignored.push(`${flag} ${value}`); break;
      default:
        if (COMMANDS[flag]) break;
        throw new KeytoolUsageError(`Illegal option:  ${raw}`, command);
    }
  }
  return a;
}

/** Integer.parseInt / Long.parseLong: a bad number fails as keytool's NumberFormatException. */
function toInt(v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw new JavaStyleError('java.lang.NumberFormatException', `For input string: "${v}"`);
  return Number(v);
}

/**
 * Differential tests of keytool compatibility mode: the same command sequences run with the real
 * keytool 17 (and 25 where noted) and with `ktool` on copies of the same stores. Compared: exit codes,
 * the lines scripts grep (whole stdout for listings), and the resulting stores' content (aliases, entry
 * types, fingerprints as keytool 17 lists them, and key bytes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturePath } from '../helpers/fixtures';
import { JDK17_HOME, JDK25_HOME, keytool, tempDir } from '../helpers/jdk';
import { type Step, ktool, typed } from '../helpers/cli';

const SAMPLES = path.resolve(__dirname, '../../samples');
const root = tempDir('kt-diff');

const FILES: Record<string, string> = {
  'a.jks': fixturePath('stores/jks17-basic.jks'),
  'kp.jks': fixturePath('stores/jks17-keypass.jks'),
  'b.p12': fixturePath('stores/p12-17-default.p12'),
  's.jceks': fixturePath('stores/jceks17-secrets.jceks'),
  'pl.p12': fixturePath('stores/p12-17-passwordless.p12'),
  'root-ca.pem': path.join(SAMPLES, 'root-ca.pem'),
  'inter.pem': path.join(SAMPLES, 'intermediate-ca.pem'),
  'pw.txt': '',
};

function setup(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, src] of Object.entries(FILES)) {
    if (src) fs.copyFileSync(src, path.join(dir, name));
  }
  fs.writeFileSync(path.join(dir, 'pw.txt'), 'changeit\n');
  for (const [name, text] of Object.entries(CONF_FILES)) fs.writeFileSync(path.join(dir, name), text);
}

/** -conf files: Properties syntax (continuations, \u escapes), quoted words, ${…} system properties. */
const CONF_FILES: Record<string, string> = {
  'list.conf': 'keytool.all = -storepass:env PW_ENV\nkeytool.list = -keystore "${user.dir}${/}a.jks" \\\n    -v\n',
  'import.conf': '# comment\n! comment\nkeytool.importcert : -noprompt -storepass chan\\u0067eit\nkeytool.list = -v\n',
  'joined.conf': 'keytool.all = -storepass\\\n   changeit\n',
  'unknown-property.conf': 'keytool.list = -keystore ${no.such.property}/a.jks\n',
  'two-names.conf': 'keytool.genkey = -keyalg EC\nkeytool.genkeypair = -keyalg RSA\n',
};

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** Lines of keytool's stderr that scripts rely on (progress messages), in order. */
const GREPPED = /^(Certificate was (not )?added to keystore|Certificate already exists in .*|Certificate stored in file <.*>|Entry for alias .* (successfully imported|not imported)\.|Import command completed: .*|Warning: Overwriting existing alias .*|Certificate reply was installed in keystore|Problem importing entry .*|Importing keystore .*)$/;
const grepped = (s: string) => s.split('\n').filter((l) => GREPPED.test(l));

function runBoth(name: string, steps: Step[], jdkHome: () => string = JDK17_HOME): { real: Outcome[]; ours: Outcome[]; realDir: string; ourDir: string } {
  const realDir = path.join(root, `${name}-keytool`);
  const ourDir = path.join(root, `${name}-ktool`);
  setup(realDir);
  setup(ourDir);
  const env = { PW_ENV: 'changeit' };
  const real = steps.map((s) => {
    const r = keytool(jdkHome(), s, { cwd: realDir, input: s.input });
    return r;
  });
  void env;
  const ours = steps.map((s) => ktool(s, { cwd: ourDir, input: s.input, env: { PW_ENV: 'changeit' } }));
  return { real, ours, realDir, ourDir };
}

/** Content of a store as the real keytool 17 lists it, without the per-run creation dates. */
function content(dir: string, store: string, pass: string[]): string {
  const r = keytool(JDK17_HOME(), ['-list', '-v', '-keystore', store, ...pass], { cwd: dir });
  return `${r.status}\n${r.stdout.replace(/^Creation date: .*$/gm, '').replace(/^(.*), [A-Z][a-z]{2} \d+, \d{4}, /gm, '$1, DATE, ')}`;
}

function expectSame(name: string, steps: Step[], finalStores: [string, string[]][] = [], jdkHome?: () => string) {
  process.env.PW_ENV = 'changeit';
  const { real, ours, realDir, ourDir } = runBoth(name, steps, jdkHome);
  steps.forEach((s, i) => {
    const ctx = `step ${i + 1}: ${s.join(' ')}`;
    expect({ ctx, status: ours[i].status }).toEqual({ ctx, status: real[i].status });
    if (real[i].status !== 0) expect({ ctx, out: ours[i].stdout.trim() }).toEqual({ ctx, out: real[i].stdout.trim() });
    else if (s[0] === '-list' || s[0] === '-printcert' || (s[0] === '-exportcert' && s.includes('-rfc') && !s.includes('-file'))) {
      expect({ ctx, out: ours[i].stdout.replace(/\r/g, '') }).toEqual({ ctx, out: real[i].stdout.replace(/\r/g, '') });
    }
    expect({ ctx, lines: grepped(ours[i].stderr) }).toEqual({ ctx, lines: grepped(real[i].stderr) });
  });
  for (const [store, pass] of finalStores) {
    expect(content(ourDir, store, pass)).toEqual(content(realDir, store, pass));
  }
  return { realDir, ourDir };
}

const SP = (pw: string) => ['-storepass', pw];

describe('keytool syntax: listings', () => {
  test.each([
    ['jks', ['-list', '-keystore', 'a.jks', ...SP('changeit')]],
    ['jks -v', ['-list', '-v', '-keystore', 'a.jks', ...SP('changeit')]],
    ['jks -rfc', ['-list', '-rfc', '-keystore', 'a.jks', ...SP('changeit')]],
    ['jks -alias', ['-list', '-v', '-alias', 'ROOT-CA', '-keystore', 'a.jks', ...SP('changeit')]],
    ['jceks', ['-list', '-v', '-keystore', 's.jceks', ...SP('jceks-pass-17')]],
    ['p12', ['-list', '-keystore', 'b.p12', ...SP('p12-pass-17')]],
    ['passwordless p12 without password', ['-list', '-keystore', 'pl.p12']],
    ['-storepass:env', ['-list', '-keystore', 'a.jks', '-storepass:env', 'PW_ENV']],
    ['-storepass:file', ['-list', '-keystore', 'a.jks', '-storepass:file', 'pw.txt']],
    ['-storetype JKS on a PKCS12 (dual format)', ['-list', '-keystore', 'b.p12', '-storetype', 'JKS', ...SP('p12-pass-17')]],
    ['case-insensitive options', ['-LIST', '-KeyStore', 'a.jks', '-STOREPASS', 'changeit']],
    ['options before the command', ['-keystore', 'a.jks', '-storepass', 'changeit', '-v', '-list']],
  ])('%s', (name, step) => {
    expectSame(`list-${name.replace(/\W+/g, '-')}`, [step as string[]]);
  });
});

describe('keytool syntax: -list warnings on standard error', () => {
  test('weak signature and key lines and the migration advice, in keytool\'s one block', () => {
    const dir = path.join(root, 'list-warnings');
    setup(dir);
    // A store with a weak certificate, made by the real keytool.
    const made = keytool(JDK17_HOME(), ['-genkeypair', '-keyalg', 'RSA', '-keysize', '1024', '-sigalg', 'SHA1withRSA', '-dname', 'CN=weak', '-alias', 'weak', '-keystore', 'weak.jks', '-storetype', 'JKS', ...SP('changeit')], { cwd: dir });
    expect(made.status).toBe(0);
    for (const args of [
      ['-list', '-keystore', 'weak.jks', ...SP('changeit')],
      ['-list', '-v', '-keystore', 'weak.jks', ...SP('changeit')],
      ['-list', '-keystore', 'a.jks', ...SP('changeit')],
      ['-list', '-alias', 'weak', '-keystore', 'weak.jks', ...SP('changeit')],
    ]) {
      const real = keytool(JDK17_HOME(), args, { cwd: dir });
      const ours = ktool(args, { cwd: dir });
      expect({ args, status: ours.status, stderr: ours.stderr }).toEqual({ args, status: real.status, stderr: real.stderr });
    }
  });
});

describe('keytool syntax: error paths', () => {
  test.each([
    ['missing alias', ['-list', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'nope']],
    ['wrong password jks', ['-list', '-keystore', 'a.jks', ...SP('wrongpw')]],
    ['wrong password p12', ['-list', '-keystore', 'b.p12', ...SP('wrongpw')]],
    ['missing file', ['-list', '-keystore', 'missing.jks', ...SP('changeit')]],
    ['not a keystore', ['-list', '-keystore', 'root-ca.pem', ...SP('changeit')]],
    ['wrong store type', ['-list', '-keystore', 'b.p12', '-storetype', 'JCEKS', ...SP('p12-pass-17')]],
    ['delete missing alias', ['-delete', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'nope']],
    ['duplicate alias on import', ['-importcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'root-ca', '-file', 'root-ca.pem', '-noprompt']],
    ['changealias onto existing', ['-changealias', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'root-ca', '-destalias', 'ec p256 leaf']],
    ['export missing alias', ['-exportcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'nope']],
    ['keypasswd on PKCS12', ['-keypasswd', '-keystore', 'b.p12', ...SP('p12-pass-17'), '-alias', 'root-ca', '-new', 'newkeypw']],
    ['printcert missing file', ['-printcert', '-file', 'missing.pem']],
    ['exportcert into a missing directory', ['-exportcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'root-ca', '-file', 'no-such-dir/root.crt']],
  ])('%s', (name, step) => {
    const { realDir } = expectSame(`err-${name.replace(/\W+/g, '-')}`, [step as string[]]);
    void realDir;
  });

  test.each([
    ['-conf: keytool.all and keytool.list, quoted ${user.dir}${/}, continuation', [['-list', '-conf', 'list.conf']]],
    ['-conf: keytool.importcert with a \\u escape, command line after it', [['-importcert', '-conf', 'import.conf', '-keystore', 'a.jks', '-alias', 'again', '-file', 'root-ca.pem'], ['-list', '-keystore', 'a.jks', '-storepass', 'changeit']]],
    ['-conf: a continuation joins the words', [['-list', '-conf', 'joined.conf', '-keystore', 'a.jks']]],
    ['-conf: unknown property', [['-list', '-conf', 'unknown-property.conf', '-storepass', 'changeit']]],
    ['-conf: -genkey and -genkeypair both configured', [['-genkeypair', '-conf', 'two-names.conf', '-keystore', 'n.p12', '-storepass', 'changeit', '-dname', 'CN=x']]],
    ['-conf: missing file', [['-list', '-conf', 'missing.conf', '-keystore', 'a.jks', '-storepass', 'changeit']]],
  ])('%s', (name, steps) => {
    expectSame(`conf-${name.replace(/\W+/g, '-')}`, steps as string[][]);
  });

  test('usage errors go to stderr with exit 1', () => {
    const dir = path.join(root, 'usage');
    setup(dir);
    for (const args of [['-list', '-bogus'], ['-list', '-keystore', 'a.jks', '-storepass:env', 'NOPE_NOT_SET'], ['-list', '-v', '-rfc', '-keystore', 'a.jks']]) {
      const real = keytool(JDK17_HOME(), args, { cwd: dir });
      const ours = ktool(args, { cwd: dir });
      expect(ours.status).toBe(real.status);
      expect(ours.stdout).toBe('');
      expect(ours.stderr.split('\n')[0]).toBe(real.stderr.split('\n')[0]);
    }
  });
});

describe('keytool syntax: password prompts read from standard input', () => {
  // No -storepass: keytool reads the answers from stdin (no TTY here). Writes insist on >= 6 characters
  // (three tries, then "Too many failures" and status 0 with nothing done); a new store asks twice.
  test.each([
    ['write to an existing store, no answers', ['-importcert', '-keystore', 'a.jks', '-alias', 'x', '-file', 'root-ca.pem', '-noprompt'], ''],
    ['write to an existing store, short then good answer', ['-importcert', '-keystore', 'a.jks', '-alias', 'x', '-file', 'root-ca.pem', '-noprompt'], 'abc\nchangeit\n'],
    ['new store, password asked twice', ['-importcert', '-keystore', 'n.p12', '-alias', 'x', '-file', 'root-ca.pem', '-noprompt'], 'abcdefg\nabcdefg\n'],
    ['new store, answers differ', ['-importcert', '-keystore', 'n.p12', '-alias', 'x', '-file', 'root-ca.pem', '-noprompt'], 'abcdefg\nxyzxyzx\n'],
    ['list, password from stdin', ['-list', '-keystore', 'a.jks'], 'changeit\n'],
    ['new store, -storepass too short', ['-importcert', '-keystore', 'n.p12', '-storepass', 'abc', '-alias', 'x', '-file', 'root-ca.pem', '-noprompt'], ''],
  ])('%s', (name, args, input) => {
    const realDir = path.join(root, `prompt-${name.replace(/\W+/g, '-')}-keytool`);
    const ourDir = path.join(root, `prompt-${name.replace(/\W+/g, '-')}-ktool`);
    setup(realDir);
    setup(ourDir);
    const real = keytool(JDK17_HOME(), args as string[], { cwd: realDir, input: input as string });
    const ours = ktool(args as string[], { cwd: ourDir, input: input as string });
    expect({ status: ours.status, stdout: ours.stdout.trim(), stderr: ours.stderr.trim() }).toEqual({ status: real.status, stdout: real.stdout.trim(), stderr: real.stderr.trim() });
    for (const f of ['a.jks', 'n.p12']) expect(fs.existsSync(path.join(ourDir, f))).toBe(fs.existsSync(path.join(realDir, f)));
  });
});

describe('keytool syntax: changes, compared by content', () => {
  test('importcert of trusted certificates into an existing JKS and a new PKCS12', () => {
    expectSame(
      'importcert',
      [
        ['-importcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'NewCA', '-file', 'root-ca.pem', '-noprompt'],
        ['-importcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'inter', '-file', 'inter.pem', '-noprompt'],
        ['-importcert', '-keystore', 'new.p12', ...SP('changeit'), '-alias', 'ca1', '-file', 'root-ca.pem', '-noprompt'],
        ['-list', '-keystore', 'new.p12', ...SP('changeit')],
      ],
      [
        ['a.jks', SP('changeit')],
        ['new.p12', SP('changeit')],
      ],
    );
  });

  test('exportcert to a file and as PEM', () => {
    const { realDir, ourDir } = expectSame('exportcert', [
      ['-exportcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'root-ca', '-file', 'out.crt'],
      ['-exportcert', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'ec p256 leaf', '-rfc'],
      ['-exportcert', '-keystore', 'b.p12', ...SP('p12-pass-17'), '-alias', 'ed448-selfsigned', '-rfc', '-file', 'ed.pem'],
    ]);
    expect(fs.readFileSync(path.join(ourDir, 'out.crt'))).toEqual(fs.readFileSync(path.join(realDir, 'out.crt')));
    expect(fs.readFileSync(path.join(ourDir, 'ed.pem'), 'utf8')).toEqual(fs.readFileSync(path.join(realDir, 'ed.pem'), 'utf8'));
  });

  test('delete, changealias, storepasswd, keypasswd', () => {
    expectSame(
      'manage',
      [
        ['-delete', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'root-ca'],
        ['-changealias', '-keystore', 'a.jks', ...SP('changeit'), '-alias', 'EC P256 Leaf', '-destalias', 'Renamed Leaf'],
        ['-storepasswd', '-keystore', 'a.jks', ...SP('changeit'), '-new', 'newpass1'],
        ['-keypasswd', '-keystore', 'kp.jks', ...SP('store-pass-17'), '-alias', 'dsa-2048', '-keypass', 'dsa-key-pass', '-new', 'newkeypw'],
        ['-storepasswd', '-keystore', 'b.p12', ...SP('p12-pass-17'), '-new', 'newpass2'],
        ['-list', '-keystore', 'a.jks', ...SP('newpass1')],
      ],
      [
        ['a.jks', SP('newpass1')],
        ['b.p12', SP('newpass2')],
      ],
    );
  });

  test('importkeystore PKCS12 -> JKS (secret keys refused), -> PKCS12, single alias with -destalias', () => {
    expectSame(
      'importkeystore',
      [
        ['-importkeystore', '-srckeystore', 'b.p12', '-srcstorepass', 'p12-pass-17', '-destkeystore', 'c.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit', '-noprompt'],
        ['-importkeystore', '-srckeystore', 'b.p12', '-srcstorepass', 'p12-pass-17', '-destkeystore', 'd.p12', '-deststorepass', 'changeit', '-noprompt'],
        ['-importkeystore', '-srckeystore', 'b.p12', '-srcstorepass', 'p12-pass-17', '-destkeystore', 'd.p12', '-deststorepass', 'changeit', '-noprompt'],
        ['-importkeystore', '-srckeystore', 'a.jks', '-srcstorepass', 'changeit', '-destkeystore', 'e.p12', '-deststorepass', 'changeit', '-srcalias', 'rsa2048-selfsigned', '-destalias', 'moved', '-noprompt'],
      ],
      [
        ['c.jks', SP('changeit')],
        ['d.p12', SP('changeit')],
        ['e.p12', SP('changeit')],
      ],
    );
  });

  test('importcert without -noprompt: chained certificates added silently, others shown and asked', () => {
    const IMP = (store: string, alias: string, file: string) => ['-importcert', '-keystore', store, ...SP('changeit'), '-alias', alias, '-file', file];
    const { real, ours } = runBoth('importcert-prompts', [
      IMP('a.jks', 'samples-root', 'root-ca.pem'), // self-signed: shown, answered yes
      IMP('a.jks', 'samples-inter', 'inter.pem'), // chains up to samples-root: no question
      IMP('a.jks', 'again', 'root-ca.pem'), // already there: asked, answered y
      IMP('n.p12', 'lonely-inter', 'inter.pem'), // no chain: shown, no answer
      IMP('n2.p12', 'root', 'root-ca.pem'), // new store, self-signed: answered no
    ].map((args, i) => typed(args, ['yes\n', '', 'y\n', '', 'no\n'][i])));
    real.forEach((r, i) => {
      const ctx = `step ${i + 1}`;
      expect({ ctx, status: ours[i].status, stdout: ours[i].stdout, lines: grepped(ours[i].stderr) }).toEqual({ ctx, status: r.status, stdout: r.stdout, lines: grepped(r.stderr) });
    });
    expect(grepped(ours[1].stderr)).toEqual(['Certificate was added to keystore']);
    expect(ours[1].stdout).toBe('');
    // The prompt has no line end: the answer's outcome follows on the same line.
    expect(ours[3].stderr).toBe(real[3].stderr);
    expect(ours[3].stderr.endsWith('Trust this certificate? [no]:  Certificate was not added to keystore\n')).toBe(true);
    expect(ours[3].stdout).toMatch(/^Owner: /);
  });

  test('a -keypass that differs on a PKCS12 store is ignored with keytool\'s warning (-genkeypair, -importkeystore)', () => {
    const steps = [
      ['-genkeypair', '-keystore', 'g.p12', ...SP('changeit'), '-keypass', 'other-pw', '-alias', 'a', '-dname', 'CN=a', '-keyalg', 'EC'],
      ['-importkeystore', '-srckeystore', 'a.jks', '-srcstorepass', 'changeit', '-destkeystore', 'g.p12', '-deststorepass', 'changeit', '-destkeypass', 'other-pw', '-srcalias', 'rsa2048-selfsigned', '-noprompt'],
    ];
    const { real, ours } = runBoth('pkcs12-keypass-warning', steps);
    steps.forEach((_s, i) => {
      const warning = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => l.startsWith('Warning:  Different store and key passwords'));
      expect({ i, status: ours[i].status, warning: warning(ours[i]) }).toEqual({ i, status: real[i].status, warning: warning(real[i]) });
      expect(warning(ours[i])).toHaveLength(1);
    });
  });

  test('importkeystore onto an existing alias without -noprompt: "y" overwrites, as keytool', () => {
    const steps = [typed(['-importkeystore', '-srckeystore', 'b.p12', '-srcstorepass', 'p12-pass-17', '-srcalias', 'root-ca', '-destkeystore', 'a.jks', '-deststorepass', 'changeit'], 'y\n')];
    const { real, ours } = runBoth('importkeystore-overwrite-yes', steps);
    expect({ status: ours[0].status, stderr: ours[0].stderr }).toEqual({ status: real[0].status, stderr: real[0].stderr });
    expect(ours[0].stderr).toMatch(/overwrite\? \[no\]:  /);
  });

  test('importkeystore onto existing aliases: "n" offers another alias, an empty one skips, a wrong answer is asked again', () => {
    // keytool itself cannot be fed these answers through a pipe: each of its prompts opens a new
    // buffered reader on stdin, the first one swallows the rest, and the new-alias question then reads
    // null (NullPointerException). On a terminal it asks as ktool does here.
    const dir = path.join(root, 'importkeystore-overwrite-answers');
    setup(dir);
    fs.copyFileSync(path.join(dir, 'b.p12'), path.join(dir, 'dup.p12'));
    const entries = JSON.parse(ktool(['list', 'b.p12', '--storepass', 'p12-pass-17', '--json'], { cwd: dir }).stdout).entries.length as number;
    const answers = ['y', 'n', 'renamed-one', 'maybe', 'no', '', ...Array(2 * entries).fill('')].join('\n');
    const r = ktool(['-importkeystore', '-srckeystore', 'b.p12', '-srcstorepass', 'p12-pass-17', '-destkeystore', 'dup.p12', '-deststorepass', 'p12-pass-17'], { cwd: dir, input: answers });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines[1]).toMatch(/^Existing entry alias (.+) exists, overwrite\? \[no\]:  Entry for alias \1 successfully imported\.$/);
    expect(lines[2]).toMatch(/^Existing entry alias (.+) exists, overwrite\? \[no\]:  Enter new alias name\t\(RETURN to cancel import for this entry\):  Entry for alias \1 successfully imported\.$/);
    expect(lines[3]).toMatch(/overwrite\? \[no\]:  Wrong answer, try again$/);
    expect(lines[4]).toMatch(/^Existing entry alias (.+) exists, overwrite\? \[no\]:  Enter new alias name\t\(RETURN to cancel import for this entry\):  Entry for alias \1 not imported\.$/);
    expect(r.stderr).toMatch(new RegExp(`Import command completed:  2 entries successfully imported, ${entries - 2} entries failed or cancelled`));
    // keytool reads the result: the original entries plus the one imported under the new alias.
    const listed = content(dir, 'dup.p12', SP('p12-pass-17'));
    expect(listed).toMatch(/Alias name: renamed-one/);
    expect(listed).toMatch(new RegExp(`Your keystore contains ${entries + 1} entries`));
  });

  test('importkeystore of a JKS whose keys have their own passwords: asked on stdin, in Hashtable order; each key keeps its password', () => {
    const IMPORT = ['-importkeystore', '-srckeystore', 'kp.jks', '-srcstorepass', 'store-pass-17', '-noprompt'];
    const { realDir, ourDir } = expectSame(
      'importkeystore-keypass',
      [
        typed([...IMPORT, '-destkeystore', 'copy.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit'], 'rsa-key-pass\ndsa-key-pass\n'),
        typed([...IMPORT, '-destkeystore', 'copy.p12', '-deststorepass', 'changeit', '-destkeypass', 'changeit'], 'rsa-key-pass\ndsa-key-pass\n'),
        typed([...IMPORT, '-destkeystore', 'store-pass.p12', '-deststorepass', 'changeit'], 'rsa-key-pass\ndsa-key-pass\n'),
        typed([...IMPORT, '-destkeystore', 'ignored-keypass.p12', '-deststorepass', 'changeit', '-destkeypass', 'another-pw'], 'rsa-key-pass\ndsa-key-pass\n'),
        typed([...IMPORT, '-destkeystore', 'wrong.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit'], 'not-the-key-pass\n'),
        typed([...IMPORT, '-destkeystore', 'silent.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit'], ''),
      ],
      [
        ['copy.jks', SP('changeit')],
        ['copy.p12', SP('changeit')],
        ['store-pass.p12', SP('changeit')],
        ['ignored-keypass.p12', SP('changeit')],
      ],
    );
    for (const dir of [realDir, ourDir]) {
      for (const f of ['wrong.jks', 'silent.jks']) expect({ dir, f, exists: fs.existsSync(path.join(dir, f)) }).toEqual({ dir, f, exists: false });
      // The copied JKS keys open with their own passwords, as the real keytool sees them.
      for (const [alias, kp] of [['dsa-2048', 'dsa-key-pass'], ['rsa 4096 server', 'rsa-key-pass']]) {
        const r = keytool(JDK17_HOME(), ['-keypasswd', '-keystore', 'copy.jks', ...SP('changeit'), '-alias', alias, '-keypass', kp, '-new', 'changed-pw'], { cwd: dir });
        expect({ dir, alias, status: r.status, out: r.stdout }).toEqual({ dir, alias, status: 0, out: '' });
      }
    }
  });

  test.each([
    ['-list -v of a JKS written by 25', ['-list', '-v', '-keystore', 'm25.jks', ...SP('jks25-store')]],
    ['-list -rfc of a PKCS12 written by 25', ['-list', '-rfc', '-keystore', 'p25.p12', ...SP('p12-pass-25')]],
    ['-list -v of a JCEKS written by 25', ['-list', '-v', '-keystore', 'j25.jceks', ...SP('jceks25-store')]],
    ['-exportcert -rfc', ['-exportcert', '-rfc', '-keystore', 'p25.p12', ...SP('p12-pass-25'), '-alias', 'ed25519-chain2']],
    ['-printcert', ['-printcert', '-file', 'inter.pem']],
    ['-printcert -rfc', ['-printcert', '-rfc', '-file', 'inter.pem']],
  ])('KTOOL_KEYTOOL_JDK=25 prints what keytool 25 prints: %s', (_name, args) => {
    const dir = path.join(root, `jdk25-text-${_name.replace(/\W+/g, '-')}`);
    setup(dir);
    for (const [name, src] of [['m25.jks', 'stores/jks25-mixed.jks'], ['p25.p12', 'stores/p12-25-default.p12'], ['j25.jceks', 'stores/jceks25-mixed.jceks']]) fs.copyFileSync(fixturePath(src), path.join(dir, name));
    const real = keytool(JDK25_HOME(), args as string[], { cwd: dir });
    const ours = ktool(args as string[], { cwd: dir, env: { KTOOL_KEYTOOL_JDK: '25' } });
    expect(real.status).toBe(0);
    expect({ status: ours.status, stdout: ours.stdout }).toEqual({ status: real.status, stdout: real.stdout });
  });

  test('the same sequence on keytool 25', () => {
    expectSame(
      'jdk25',
      [
        ['-importcert', '-keystore', 'new25.p12', ...SP('changeit'), '-alias', 'ca1', '-file', 'root-ca.pem', '-noprompt'],
        ['-importkeystore', '-srckeystore', 'a.jks', '-srcstorepass', 'changeit', '-destkeystore', 'new25.p12', '-deststorepass', 'changeit', '-noprompt'],
        ['-delete', '-keystore', 'new25.p12', ...SP('changeit'), '-alias', 'root-ca'],
      ],
      [['new25.p12', SP('changeit')]],
      JDK25_HOME,
    );
  });
});

/**
 * X.501 names against the real JDK: keytool -dname strings parsed by ktool must give the same DER as
 * keytool's certificates, and the Owner line / X500Principal.getName() must print the same.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JDK17_HOME, keytool, tempDir } from '../helpers/jdk';
import { manifest, readFixture } from '../helpers/fixtures';
import { X500Name } from '../../src/x509/name';
import { CertView } from '../../src/x509/certificate';
import { KtoolError } from '../../src/model/errors';

const DNAMES = [
  'CN=Fixtures Root CA 17, O=Keytool Fixtures, C=DE',
  'CN=Smith\\, John, OU=R&D, O="Acme, Inc.", L=Zürich, ST=ZH, C=CH',
  'CN=a + OU=b, O=multi valued',
  'CN=" spaced  value ", O=x',
  'CN=Ünïcödé 日本語, O=Straße',
  'EMAILADDRESS=a@b.example, DC=example, DC=com, CN=mail',
  'CN=plus\\+sign, O=semi\\;colon, OU=quote\\"q',
  'CN=hash#tag, OU=eq=val, O=lt\\<gt\\>',
  'CN=x, OID.1.2.3.4=#0101FF, SERIALNUMBER=123, T=Dr, GIVENNAME=G, SURNAME=S, UID=u1, STREET=Main St 1',
  'CN=emb\\C3\\A9dded',
  'cn=lower; o=semicolon-separated',
  'CN=back\\\\slash, O=a  b',
  'S=state, DNQ=q, INITIALS=I, GENERATION=III, L=l, CN=kw',
  'CN=tab\there',
];

/** DER of certificates from `keytool -list -rfc` output, by alias. */
function rfcCerts(text: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const m of text.matchAll(/Alias name: (.*)\n[\s\S]*?-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.set(m[1], new Uint8Array(Buffer.from(m[2].replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** X500Principal.getName() and toString() from the real JDK 17, for DER names. */
function javaNames(ders: Uint8Array[]): { rfc2253: string; str: string }[] {
  const dir = tempDir('names');
  const src = path.join(dir, 'N.java');
  fs.writeFileSync(
    src,
    `import javax.security.auth.x500.X500Principal;
public class N {
  public static void main(String[] a) throws Exception {
    java.io.PrintStream out = new java.io.PrintStream(System.out, true, "UTF-8");
    for (String s : new String(System.in.readAllBytes()).trim().split("\\\\s+")) {
      X500Principal p = new X500Principal(java.util.Base64.getDecoder().decode(s));
      out.println(p.getName());
      out.println(p.toString());
    }
  }
}
`,
  );
  const r = spawnSync(path.join(JDK17_HOME(), 'bin', 'java'), [src], {
    input: ders.map((d) => Buffer.from(d).toString('base64')).join('\n'),
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = r.stdout.split('\n');
  return ders.map((_, i) => ({ rfc2253: lines[2 * i], str: lines[2 * i + 1] }));
}

describe('keytool -dname round trips (JDK 17)', () => {
  const dir = tempDir('dname');
  const ks = path.join(dir, 'names.p12');
  const aliasOf = (i: number) => `n${i}`;

  beforeAll(() => {
    for (let i = 0; i < DNAMES.length; i++) {
      const r = keytool(JDK17_HOME(), ['-genkeypair', '-keystore', ks, '-storepass', 'changeit', '-alias', aliasOf(i), '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', DNAMES[i]]);
      if (r.status !== 0) throw new Error(`keytool rejected ${DNAMES[i]}: ${r.stdout}${r.stderr}`);
    }
  });

  test('parsed -dname gives the DER keytool wrote, and prints as keytool`s Owner line', () => {
    const verbose = keytool(JDK17_HOME(), ['-list', '-v', '-keystore', ks, '-storepass', 'changeit']).stdout;
    const owners = new Map<string, string>();
    for (const m of verbose.matchAll(/Alias name: (.*)\n[\s\S]*?\nOwner: (.*)\n/g)) owners.set(m[1], m[2]);
    const certs = rfcCerts(keytool(JDK17_HOME(), ['-list', '-rfc', '-keystore', ks, '-storepass', 'changeit']).stdout);
    expect(certs.size).toBe(DNAMES.length);
    const subjects: Uint8Array[] = [];
    DNAMES.forEach((dn, i) => {
      const mine = X500Name.parse(dn);
      const cert = CertView.from(certs.get(aliasOf(i))!);
      subjects.push(cert.subject.der);
      expect({ dn, der: Buffer.from(mine.der).toString('hex') }).toEqual({ dn, der: Buffer.from(cert.subject.der).toString('hex') });
      expect({ dn, owner: mine.toString() }).toEqual({ dn, owner: owners.get(aliasOf(i)) });
    });
    // RFC 2253 as X500Principal.getName() prints it.
    const java = javaNames(subjects);
    subjects.forEach((der, i) => {
      const n = X500Name.fromDer(der);
      expect({ dn: DNAMES[i], rfc2253: n.toRfc2253(), str: n.toString() }).toEqual({ dn: DNAMES[i], rfc2253: java[i].rfc2253, str: java[i].str });
    });
  });
});

describe('names of real certificates', () => {
  test('every cacerts subject and issuer prints like X500Principal (toString and RFC 2253)', () => {
    const store = manifest().stores.find((s) => s.file === 'stores/cacerts-17.p12')!;
    const names: Uint8Array[] = [];
    for (const e of store.entries) {
      const v = CertView.from(pemDer(e.certificates[0].pem!));
      names.push(v.subject.der, v.issuer.der);
    }
    expect(names.length).toBe(288);
    const java = javaNames(names);
    names.forEach((der, i) => {
      const n = X500Name.fromDer(der);
      expect({ i, rfc2253: n.toRfc2253(), str: n.toString() }).toEqual({ i, rfc2253: java[i].rfc2253, str: java[i].str });
    });
  });
});

describe('parse errors', () => {
  test.each(['CN', 'XX=unknown', 'CN=a,,O=b', 'CN="unterminated', 'CN=bad\\escape', 'CN=a+', 'CN=#abc'])('%s is a KtoolError', (dn) => {
    expect(() => X500Name.parse(dn)).toThrow(KtoolError);
  });
  test('an empty dname is an empty name', () => {
    expect(X500Name.parse('').der).toEqual(Uint8Array.of(0x30, 0x00));
  });
});

function pemDer(rel: string): Uint8Array {
  const t = Buffer.from(readFixture(rel)).toString('utf8');
  const m = t.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/);
  return new Uint8Array(Buffer.from(m![1].replace(/\s+/g, ''), 'base64'));
}

/**
 * `ktool ca` and `ktool crl` end to end through the built binary, judged by the real tools: openssl verify
 * (chains, -crl_check), openssl x509 -text (the extensions asked for), openssl crl -verify, keytool 17
 * -printcert / -printcrl / -list (chain lengths of the stores ktool writes), and the Tungsten flow with a
 * key made by keytool: -genkeypair, -certreq, `ktool ca sign`, -importcert of the reply, export to a
 * truststore, and the same flow with ktool's keytool syntax alone. Every key type a CA can have (RSA, EC
 * P-256/384/521, Ed25519, Ed448, DSA). Number options reject bad values by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { JDK17_HOME, keytool, openssl, tempDir } from '../helpers/jdk';
import { KTOOL_BIN, ktool } from '../helpers/cli';

const work = tempDir('ca');
const at = (...p: string[]) => path.join(work, ...p);
const EXIT = { USAGE: 2, WRONG_PASSWORD: 3, NOT_FOUND: 6, EXISTS: 7 };

function ok(args: string[], opts: Parameters<typeof ktool>[1] = {}) {
  const r = ktool(args, { cwd: work, ...opts });
  if (r.status !== 0) throw new Error(`ktool ${args.join(' ')} -> ${r.status}\n${r.stderr}${r.stdout}`);
  return r;
}
const json = (args: string[]) => JSON.parse(ok([...args, '--json']).stdout);
function ssl(args: string[]) {
  const r = openssl(args, { cwd: work });
  return { ...r, all: r.stdout + r.stderr };
}
function kt(args: string[]) {
  const r = keytool(JDK17_HOME(), args, { cwd: work });
  if (r.status !== 0) throw new Error(`keytool ${args.join(' ')} -> ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}
const text = (pemFile: string) => ssl(['x509', '-in', pemFile, '-noout', '-text']).stdout;
const chainLength = (listing: string) => Number(/Certificate chain length: (\d+)/.exec(listing)?.[1]);

describe('every CA key type: root, server certificate, CRL', () => {
  const TYPES: { name: string; args: string[]; sig: RegExp }[] = [
    { name: 'rsa', args: ['--keyalg', 'RSA', '--keysize', '2048'], sig: /sha256WithRSAEncryption/ },
    { name: 'p256', args: ['--keyalg', 'EC', '--curve', 'P-256'], sig: /ecdsa-with-SHA256/ },
    { name: 'p384', args: ['--keyalg', 'EC', '--curve', 'secp384r1'], sig: /ecdsa-with-SHA384/ },
    { name: 'p521', args: ['--keyalg', 'EC', '--keysize', '521'], sig: /ecdsa-with-SHA512/ },
    { name: 'ed25519', args: ['--keyalg', 'Ed25519'], sig: /ED25519/ },
    { name: 'ed448', args: ['--keyalg', 'Ed448'], sig: /ED448/ },
    { name: 'dsa', args: ['--keyalg', 'DSA', '--keysize', '2048'], sig: /dsa_with_SHA256/ },
  ];
  test.each(TYPES)('$name', ({ name, args, sig }) => {
    const ca = at(`root-${name}`);
    const init = json(['ca', 'init', ca, '--cn', `Root ${name}`, ...args, '--days', '400', '--key-pass', 'ca-secret']);
    expect(init).toMatchObject({ kind: 'root', chainLength: 1, key: { encrypted: true } });
    expect(fs.readFileSync(path.join(ca, 'ca.key.pem'), 'utf8')).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    expect(fs.statSync(path.join(ca, 'ca.key.pem')).mode & 0o777).toBe(0o600);
    // openssl opens the encrypted key with the passphrase
    expect(ssl(['pkey', '-in', path.join(ca, 'ca.key.pem'), '-passin', 'pass:ca-secret', '-noout']).status).toBe(0);
    const rootText = text(path.join(ca, 'ca.cert.pem'));
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(rootText).toMatch(/Subject Key Identifier/);
    expect(rootText).toMatch(sig);

    const out = at(`leaf-${name}`);
    const leaf = json(['ca', 'issue-server', ca, '--cn', 'db.example.com', '--san', 'DNS:db.example.com,IP:10.0.0.5', '--out-dir', out, '--name', 'server', '--ca-key-pass', 'ca-secret']);
    expect(leaf).toMatchObject({ profile: 'server', chainLength: 2, san: ['DNS:db.example.com', 'IP:10.0.0.5'], eku: ['serverAuth'] });
    expect(leaf.keyUsage).toEqual(name === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
    const cert = path.join(out, 'server.cert.pem');
    expect(ssl(['verify', '-CAfile', path.join(ca, 'ca.cert.pem'), '-purpose', 'sslserver', cert]).all).toMatch(/: OK/);
    const t = text(cert);
    expect(t).toMatch(/Subject Alternative Name:\s+DNS:db.example.com, IP Address:10.0.0.5/);
    expect(t).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(t).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(t).toMatch(/Authority Key Identifier/);
    expect(t).toMatch(sig);
    expect(kt(['-printcert', '-file', cert])).toMatch(/Owner: CN=db.example.com[\s\S]*DNSName: db.example.com[\s\S]*IPAddress: 10.0.0.5/);
    // the leaf key (same type as the CA's by default) matches the certificate
    const pub = (args2: string[]) => ssl(args2).stdout;
    expect(pub(['pkey', '-in', path.join(out, 'server.key.pem'), '-pubout'])).toBe(pub(['x509', '-in', cert, '-noout', '-pubkey']));

    const crl = json(['crl', 'create', ca, '--ca-key-pass', 'ca-secret', '--days', '2']);
    expect(crl).toMatchObject({ crlNumber: '1', revoked: [] });
    expect(ssl(['crl', '-in', crl.file, '-noout', '-verify', '-CAfile', path.join(ca, 'ca.cert.pem')]).all).toMatch(/verify OK/);
    expect(kt(['-printcrl', '-file', crl.file])).toMatch(new RegExp(`Issuer: CN=Root ${name}`));
  });
});

describe('root -> intermediate -> server and client, stores, revocation', () => {
  const root = at('root');
  const inter = at('inter');
  const out = at('issued');

  beforeAll(() => {
    ok(['ca', 'init', root, '--cn', 'Example Root CA', '--keyalg', 'EC', '--curve', 'P-384', '--key-pass', 'rootpw', '--crl-url', 'http://crl.example.com/root.crl']);
    ok(['ca', 'intermediate', inter, '--parent', root, '--cn', 'Example DB CA', '--keyalg', 'RSA', '--parent-key-pass', 'rootpw', '--days', '1000']);
  });

  test('the intermediate: pathlen 0, AKID = root SKID, chain of 2, recorded as issued by the root', () => {
    const t = text(path.join(inter, 'ca.cert.pem'));
    expect(t).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(t).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const rootSkid = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(text(path.join(root, 'ca.cert.pem')))![1];
    expect(t).toMatch(new RegExp(`Authority Key Identifier:\\s+(keyid:)?${rootSkid}`));
    expect(t).toMatch(/URI:http:\/\/crl.example.com\/root.crl/);
    expect(ssl(['verify', '-CAfile', path.join(root, 'ca.cert.pem'), path.join(inter, 'ca.cert.pem')]).all).toMatch(/OK/);
    const shown = json(['ca', 'show', root]);
    expect(shown.issued).toEqual([expect.objectContaining({ profile: 'ca', subject: 'CN=Example DB CA', status: 'valid' })]);
    expect(json(['ca', 'show', inter])).toMatchObject({ kind: 'intermediate', chainLength: 2 });
    // pathlen 0: the intermediate may not sign another CA
    const r = ktool(['ca', 'intermediate', at('sub'), '--parent', inter, '--cn', 'Sub CA']);
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/pathLen 0/);
  });

  test('server certificate into a PKCS#12 keystore (chain of 3) and a JKS truststore (the root)', () => {
    const r = json([
      'ca', 'issue-server', inter, '--cn', 'db.example.com', '--san', 'DNS:db.example.com', '--san', 'IP:10.0.0.5', '--out-dir', out,
      '--keystore', at('server.p12'), '--storepass', 'storepw', '--truststore', at('truststore.jks'), '--truststore-pass', 'trustpw',
    ]);
    expect(r.keystore).toMatchObject({ action: 'added', alias: 'db-example-com', chainLength: 3 });
    expect(r.truststore).toMatchObject({ action: 'added' });
    expect(fs.readFileSync(path.join(out, 'db-example-com.chain.pem'), 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    const v = ssl(['verify', '-CAfile', path.join(root, 'ca.cert.pem'), '-untrusted', path.join(inter, 'ca.cert.pem'), '-purpose', 'sslserver', path.join(out, 'db-example-com.cert.pem')]);
    expect(v.all).toMatch(/: OK/);
    const ks = kt(['-list', '-v', '-keystore', at('server.p12'), '-storepass', 'storepw']);
    expect(ks).toMatch(/Alias name: db-example-com\s[\s\S]*Entry type: PrivateKeyEntry/);
    expect(chainLength(ks)).toBe(3);
    const ts = kt(['-list', '-v', '-keystore', at('truststore.jks'), '-storepass', 'trustpw']);
    expect(ts).toMatch(/Entry type: trustedCertEntry[\s\S]*Owner: CN=Example Root CA/);
    expect(ts).toMatch(/Your keystore contains 1 entry/);
    // the same anchor again: unchanged
    const again = json(['ca', 'issue-server', inter, '--cn', 'db2.example.com', '--out-dir', out, '--truststore', at('truststore.jks'), '--truststore-pass', 'trustpw']);
    expect(again.truststore.action).toBe('unchanged');
    expect(again.san).toEqual(['DNS:db2.example.com']); // the CN when no --san
    // files are not replaced without --force
    const dup = ktool(['ca', 'issue-server', inter, '--cn', 'db.example.com', '--out-dir', out]);
    expect(dup.status).toBe(EXIT.EXISTS);
  });

  test('client certificate (CN = database user) into a JKS keystore; openssl checks clientAuth', () => {
    const r = json(['ca', 'issue-client', inter, '--cn', 'dbuser1', '--out-dir', out, '--keystore', at('client.jks'), '--storepass', 'clientpw', '--key-pass', 'leafpw']);
    expect(r).toMatchObject({ profile: 'client', eku: ['clientAuth'], san: [], keystore: { alias: 'dbuser1', chainLength: 3 } });
    expect(fs.readFileSync(path.join(out, 'dbuser1.key.pem'), 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    const t = text(path.join(out, 'dbuser1.cert.pem'));
    expect(t).toMatch(/Subject: CN\s?=\s?dbuser1/);
    expect(t).toMatch(/TLS Web Client Authentication/);
    expect(ssl(['verify', '-CAfile', path.join(root, 'ca.cert.pem'), '-untrusted', path.join(inter, 'ca.cert.pem'), '-purpose', 'sslclient', path.join(out, 'dbuser1.cert.pem')]).all).toMatch(/: OK/);
    expect(ssl(['verify', '-CAfile', path.join(root, 'ca.cert.pem'), '-untrusted', path.join(inter, 'ca.cert.pem'), '-purpose', 'sslserver', path.join(out, 'dbuser1.cert.pem')]).status).not.toBe(0);
    const ks = kt(['-list', '-v', '-keystore', at('client.jks'), '-storepass', 'clientpw']);
    expect(chainLength(ks)).toBe(3);
  });

  test('revocation: CRL numbers, reasons, openssl crl -verify and verify -crl_check; keytool -printcrl', () => {
    const client = path.join(out, 'dbuser1.cert.pem');
    const server = path.join(out, 'db-example-com.cert.pem');
    const rev = json(['ca', 'revoke', inter, '--cert', client, '--reason', 'keyCompromise']);
    expect(rev).toMatchObject({ changed: true, revoked: { subject: 'CN=dbuser1', reason: 'keyCompromise' } });
    const serial = ssl(['x509', '-in', client, '-noout', '-serial']).stdout.trim().split('=')[1];
    expect(rev.revoked.serial).toBe(serial);
    expect(json(['ca', 'revoke', inter, '--serial', serial]).changed).toBe(false);
    expect(ktool(['ca', 'revoke', inter, '--serial', '0xDEADBEEF']).status).toBe(EXIT.NOT_FOUND);

    const c1 = json(['crl', 'create', inter]);
    const c2 = json(['crl', 'create', inter, '--days', '7']);
    expect([c1.crlNumber, c2.crlNumber]).toEqual(['1', '2']);
    expect(c2.revoked).toEqual([{ serial, date: rev.revoked.date, reason: 'keyCompromise' }]);
    expect(Date.parse(c2.nextUpdate) - Date.parse(c2.thisUpdate)).toBe(7 * 86400000);
    const crl = c2.file;
    expect(ssl(['crl', '-in', crl, '-noout', '-verify', '-CAfile', path.join(inter, 'chain.pem')]).all).toMatch(/verify OK/);
    expect(ssl(['crl', '-in', crl, '-noout', '-text']).stdout).toMatch(/CRL Number:\s+2[\s\S]*Key Compromise/);
    const chk = (cert: string, ...crls: string[]) =>
      ssl(['verify', '-crl_check', '-CAfile', path.join(root, 'ca.cert.pem'), '-untrusted', path.join(inter, 'ca.cert.pem'), ...crls.flatMap((c) => ['-CRLfile', c]), cert]);
    const revoked = chk(client, crl);
    expect(revoked.status).not.toBe(0);
    expect(revoked.all).toMatch(/certificate revoked/);
    expect(chk(server, crl).all).toMatch(/: OK/);
    expect(kt(['-printcrl', '-file', crl])).toMatch(new RegExp(`SerialNumber: [0:]*${serial.replace(/(..)(?!$)/g, '$1:').toLowerCase().replace(/^0+/, '')}`));
    const printed = json(['crl', 'print', crl, '--ca', inter]);
    expect(printed).toMatchObject({ issuer: 'CN=Example DB CA', crlNumber: '2', signatureValid: true, revoked: [{ serial, reason: 'keyCompromise' }] });
    expect(ktool(['crl', 'print', crl, '--ca', root]).status).toBe(11);

    // the root revokes the intermediate: a DER CRL, and -crl_check_all rejects the server certificate too
    const interSerial = json(['ca', 'show', root]).issued[0].serial;
    ok(['ca', 'revoke', root, '--serial', interSerial, '--reason', 'cACompromise']);
    const rootCrl = json(['crl', 'create', root, '--format', 'der', '--out', at('root.crl'), '--ca-key-pass', 'rootpw']);
    expect(rootCrl.revoked).toEqual([expect.objectContaining({ serial: interSerial, reason: 'cACompromise' })]);
    expect(ssl(['crl', '-inform', 'DER', '-in', at('root.crl'), '-noout', '-verify', '-CAfile', path.join(root, 'ca.cert.pem')]).all).toMatch(/verify OK/);
    expect(ssl(['crl', '-inform', 'DER', '-in', at('root.crl'), '-out', at('root-crl.pem')]).status).toBe(0);
    expect(kt(['-printcrl', '-file', at('root.crl')])).toMatch(/Issuer: CN=Example Root CA/);
    const all = ssl(['verify', '-crl_check_all', '-CAfile', path.join(root, 'ca.cert.pem'), '-untrusted', path.join(inter, 'ca.cert.pem'), '-CRLfile', crl, '-CRLfile', at('root-crl.pem'), server]);
    expect(all.status).not.toBe(0);
    expect(all.all).toMatch(/certificate revoked/);
    expect(ok(['crl', 'print', at('root.crl')]).stdout).toMatch(/CRL number: 1[\s\S]*cACompromise/);
  });
});

describe('the Tungsten flow with the real keytool', () => {
  const ca = at('tungsten-ca');
  beforeAll(() => ok(['ca', 'init', ca, '--cn', 'Tungsten CA', '--serials', 'sequential']));

  test.each([
    { keyalg: ['-keyalg', 'RSA', '-keysize', '2048'], name: 'host1', der: false },
    { keyalg: ['-keyalg', 'EC', '-groupname', 'secp256r1'], name: 'host2', der: true },
  ])('$name: genkeypair -> certreq -> ca sign -> importcert reply -> export to truststore', ({ keyalg, name, der }) => {
    const ks = at(`${name}-keystore.jks`);
    const ts = at(`${name}-truststore.ts`);
    kt(['-genkeypair', '-alias', 'replserver', ...keyalg, '-dname', `CN=${name}.example.com, OU=Tungsten, O=Example`, '-validity', '30', '-keystore', ks, '-storetype', 'JKS', '-storepass', 'tungsten', '-keypass', 'tungsten']);
    kt(['-certreq', '-alias', 'replserver', '-file', at(`${name}.csr`), '-keystore', ks, '-storepass', 'tungsten']);
    let csr = at(`${name}.csr`);
    if (der) {
      expect(ssl(['req', '-in', csr, '-outform', 'DER', '-out', at(`${name}.csr.der`)]).status).toBe(0);
      csr = at(`${name}.csr.der`);
    }
    const signed = json(['ca', 'sign', ca, '--csr', csr, '--out', at(`${name}.crt`)]);
    expect(signed).toMatchObject({ chainLength: 2, san: [`DNS:${name}.example.com`], certificate: { subject: `CN=${name}.example.com,OU=Tungsten,O=Example` } });
    // Tungsten's guide: the CA into the keystore first, then the reply
    kt(['-importcert', '-alias', 'ca', '-file', path.join(ca, 'ca.cert.pem'), '-keystore', ks, '-storepass', 'tungsten', '-noprompt']);
    expect(kt(['-importcert', '-alias', 'replserver', '-file', at(`${name}.crt`), '-keystore', ks, '-storepass', 'tungsten'])).toMatch(/Certificate reply was installed in keystore/);
    const list = kt(['-list', '-v', '-alias', 'replserver', '-keystore', ks, '-storepass', 'tungsten']);
    expect(chainLength(list)).toBe(2);
    expect(list).toMatch(/Issuer: CN=Tungsten CA/);
    kt(['-exportcert', '-alias', 'replserver', '-file', at(`${name}.cer`), '-keystore', ks, '-storepass', 'tungsten']);
    kt(['-importcert', '-alias', 'replserver', '-file', at(`${name}.cer`), '-keystore', ts, '-storetype', 'JKS', '-storepass', 'tsecret', '-noprompt']);
    expect(kt(['-list', '-keystore', ts, '-storepass', 'tsecret'])).toMatch(/replserver, .*trustedCertEntry/);
    expect(ssl(['verify', '-CAfile', path.join(ca, 'ca.cert.pem'), at(`${name}.crt`)]).all).toMatch(/OK/);
  });

  test('sequential serials; an openssl CSR with requested SANs keeps them; --leaf-only to stdout', () => {
    const issued = json(['ca', 'show', ca]).issued.map((r: { serial: string }) => r.serial);
    expect(issued).toEqual(['01', '02']);
    expect(ssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at('o.key'), '-out', at('o.csr'), '-subj', '/CN=pg.example.com', '-addext', 'subjectAltName=DNS:pg.example.com,DNS:pg,IP:192.168.1.7', '-addext', 'basicConstraints=critical,CA:TRUE']).status).toBe(0);
    const r = ok(['ca', 'sign', ca, '--csr', at('o.csr'), '--leaf-only']);
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/requested extensions not copied.*2\.5\.29\.19/);
    fs.writeFileSync(at('o.crt'), r.stdout);
    const t = text(at('o.crt'));
    expect(t).toMatch(/Serial Number: 3 \(0x3\)/);
    expect(t).toMatch(/DNS:pg.example.com, DNS:pg, IP Address:192.168.1.7/);
    expect(t).toMatch(/CA:FALSE/);
    // a client profile with an explicit SAN instead
    const c = json(['ca', 'sign', ca, '--csr', at('o.csr'), '--profile', 'client', '--san', 'EMAIL:ops@example.com']);
    expect(c).toMatchObject({ eku: ['clientAuth'], san: ['EMAIL:ops@example.com'] });
    expect(c.pem).toMatch(/BEGIN CERTIFICATE/);
  });
});

describe('the Tungsten flow with ktool alone, judged by keytool 17', () => {
  const ca = at('tungsten-ktool-ca');
  beforeAll(() => ok(['ca', 'init', ca, '--cn', 'Tungsten ktool CA', '--keyalg', 'EC']));

  test.each([
    { keyalg: ['-keyalg', 'RSA', '-keysize', '2048'], name: 'kthost1', leafOnly: false },
    { keyalg: ['-keyalg', 'EC', '-groupname', 'secp384r1'], name: 'kthost2', leafOnly: true },
  ])('$name: ktool -genkeypair -> -certreq -> ca sign -> -importcert reply -> -exportcert -> truststore', ({ keyalg, name, leafOnly }) => {
    const ks = at(`${name}-keystore.jks`);
    const ts = at(`${name}-truststore.ts`);
    const pw = ['-keystore', ks, '-storepass', 'tungsten'];
    ok(['-genkeypair', '-alias', 'replserver', ...keyalg, '-dname', `CN=${name}.example.com, OU=Tungsten, O=Example`, '-validity', '30', ...pw, '-storetype', 'JKS', '-keypass', 'tungsten']);
    ok(['-certreq', '-alias', 'replserver', '-file', at(`${name}.csr`), ...pw]);
    // The whole chain (leaf + CA) as a reply, or the leaf alone.
    if (leafOnly) fs.writeFileSync(at(`${name}.crt`), ok(['ca', 'sign', ca, '--csr', at(`${name}.csr`), '--leaf-only']).stdout);
    else expect(json(['ca', 'sign', ca, '--csr', at(`${name}.csr`), '--out', at(`${name}.crt`)])).toMatchObject({ chainLength: 2 });
    // Before the CA is in the keystore the reply cannot be installed: a lone leaf does not chain, a chain
    // is shown and asked about (no answer: not installed, exit 0).
    const early = ktool(['-importcert', '-alias', 'replserver', '-file', at(`${name}.crt`), ...pw], { cwd: work });
    if (leafOnly) {
      expect(early.status).toBe(1);
      expect(early.stdout).toBe('keytool error: java.lang.Exception: Failed to establish chain from reply\n');
    } else {
      expect(early.status).toBe(0);
      expect(early.stderr).toMatch(/is not trusted\. Install reply anyway\? \[no\]: {2}Certificate reply was not installed in keystore\n/);
      expect(early.stdout).toMatch(/^Owner: CN=Tungsten ktool CA\n/);
    }
    ok(['-importcert', '-alias', 'ca', '-file', path.join(ca, 'ca.cert.pem'), ...pw, '-noprompt']);
    const reply = ok(['-importcert', '-alias', 'replserver', '-file', at(`${name}.crt`), ...pw]);
    expect(reply.stderr).toMatch(/^Certificate reply was installed in keystore$/m);
    expect(reply.stdout).toBe('');
    ok(['-exportcert', '-alias', 'replserver', '-file', at(`${name}.cer`), ...pw]);
    ok(['-importcert', '-alias', 'replserver', '-file', at(`${name}.cer`), '-keystore', ts, '-storetype', 'JKS', '-storepass', 'tsecret', '-noprompt']);
    // The judge: keytool 17 lists both stores.
    const list = kt(['-list', '-v', '-keystore', ks, '-storepass', 'tungsten']);
    expect(list).toMatch(/Your keystore contains 2 entries/);
    expect(list).toMatch(/Alias name: ca\n[\s\S]*?Entry type: trustedCertEntry\n\nOwner: CN=Tungsten ktool CA\n/);
    const entry = kt(['-list', '-v', '-alias', 'replserver', '-keystore', ks, '-storepass', 'tungsten']);
    expect(entry).toMatch(/Entry type: PrivateKeyEntry/);
    expect(chainLength(entry)).toBe(2);
    expect(entry).toMatch(new RegExp(`Certificate\\[1\\]:\\nOwner: CN=${name}\\.example\\.com, OU=Tungsten, O=Example\\nIssuer: CN=Tungsten ktool CA\\n`));
    expect(entry).toMatch(/Certificate\[2\]:\nOwner: CN=Tungsten ktool CA\nIssuer: CN=Tungsten ktool CA\n/);
    const trust = kt(['-list', '-v', '-keystore', ts, '-storepass', 'tsecret']);
    expect(trust).toMatch(/Your keystore contains 1 entry/);
    expect(trust).toMatch(new RegExp(`Alias name: replserver\\n[\\s\\S]*?Entry type: trustedCertEntry\\n\\nOwner: CN=${name}\\.example\\.com, OU=Tungsten, O=Example\\nIssuer: CN=Tungsten ktool CA\\n`));
    // The same certificate in both stores; keytool opens the key (a CSR from it) with the JKS passwords.
    const fp = (l: string) => /SHA256: ([0-9A-F:]{95})/.exec(l)?.[1];
    expect(fp(trust)).toBe(fp(entry));
    expect(kt(['-certreq', '-alias', 'replserver', ...pw, '-keypass', 'tungsten'])).toMatch(/BEGIN NEW CERTIFICATE REQUEST/);
    expect(ssl(['verify', '-CAfile', path.join(ca, 'ca.cert.pem'), at(`${name}.cer`)]).status).toBe(0);
  });
});

describe('number options', () => {
  test('a bad --days names the value (exit 2), for crl create and the ca commands; nothing is written', () => {
    const ca = at('days-ca');
    ok(['ca', 'init', ca, '--cn', 'Days CA', '--keyalg', 'EC']);
    const cases: [string[], string][] = [
      [['crl', 'create', ca, '--days', 'abc'], 'ktool: --days: not a number: abc\n'],
      [['crl', 'create', ca, '--days', '1.5'], 'ktool: --days: not a whole number: 1.5\n'],
      [['crl', 'create', ca, '--days', ''], 'ktool: --days: not a number: \n'],
      [['ca', 'issue-server', ca, '--cn', 'x.example.com', '--out-dir', at('days-out'), '--days', 'abc'], 'ktool: --days: not a number: abc\n'],
      [['ca', 'init', at('days-ca2'), '--cn', 'X', '--days', '10x'], 'ktool: --days: not a number: 10x\n'],
      [['ca', 'init', at('days-ca3'), '--cn', 'X', '--keysize', 'big'], 'ktool: --keysize: not a number: big\n'],
    ];
    for (const [args, message] of cases) {
      const r = ktool(args, { cwd: work });
      expect({ args, status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ args, status: EXIT.USAGE, stderr: message, stdout: '' });
    }
    expect(fs.existsSync(path.join(ca, 'crl.pem'))).toBe(false);
    expect(fs.existsSync(at('days-out'))).toBe(false);
    expect(fs.existsSync(at('days-ca2'))).toBe(false);
    // A good value still works.
    expect(json(['crl', 'create', ca, '--days', '3'])).toMatchObject({ crlNumber: '1' });
  });
});

describe('state and errors', () => {
  test('8 concurrent issue-server runs on one CA: 8 distinct serials recorded', async () => {
    const ca = at('conc-ca');
    ok(['ca', 'init', ca, '--cn', 'Concurrent CA', '--keyalg', 'EC']);
    const runOne = (i: number) =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, [KTOOL_BIN, 'ca', 'issue-server', ca, '--cn', `h${i}.example.com`, '--out-dir', at('conc-out')], { stdio: 'ignore' });
        p.on('exit', (code) => resolve(code ?? -1));
      });
    const codes = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(runOne));
    expect(codes).toEqual(new Array(8).fill(0));
    const state = JSON.parse(fs.readFileSync(path.join(ca, 'ca.json'), 'utf8'));
    expect(new Set(state.issued.map((r: { serial: string }) => r.serial)).size).toBe(8);
    expect(fs.readdirSync(path.join(ca, 'issued'))).toHaveLength(8);
    expect(fs.existsSync(path.join(ca, 'ca.json.lock'))).toBe(false);
  });

  test('usage errors: existing CA, encrypted key without or with a wrong passphrase, no subject, bad state', () => {
    const ca = at('err-ca');
    ok(['ca', 'init', ca, '--cn', 'Err CA', '--keyalg', 'EC', '--key-pass', 'right']);
    const exists = ktool(['ca', 'init', ca, '--cn', 'Err CA']);
    expect(exists.status).toBe(EXIT.EXISTS);
    const noPass = ktool(['ca', 'issue-server', ca, '--cn', 'x.example.com', '--out-dir', at('err-out')]);
    expect(noPass.status).toBe(EXIT.USAGE);
    expect(noPass.stderr).toMatch(/^ktool: .*ca.key.pem: the CA key is encrypted: give --ca-key-pass/);
    const wrong = ktool(['ca', 'issue-server', ca, '--cn', 'x.example.com', '--out-dir', at('err-out'), '--ca-key-pass', 'wrong']);
    expect(wrong.status).toBe(EXIT.WRONG_PASSWORD);
    expect(ktool(['ca', 'issue-client', ca, '--ca-key-pass', 'right']).status).toBe(EXIT.USAGE);
    // a keystore that exists is checked (password, alias) before anything is issued
    ok(['ca', 'issue-client', ca, '--cn', 'app', '--out-dir', at('err-out'), '--ca-key-pass', 'right', '--keystore', at('err.p12'), '--storepass', 'kspw']);
    const count = () => JSON.parse(fs.readFileSync(path.join(ca, 'ca.json'), 'utf8')).issued.length;
    const before = count();
    expect(ktool(['ca', 'issue-client', ca, '--cn', 'app', '--name', 'app2', '--out-dir', at('err-out'), '--ca-key-pass', 'right', '--keystore', at('err.p12'), '--storepass', 'nope']).status).toBe(4); // TAMPERED: "tampered with, or password was incorrect"
    expect(ktool(['ca', 'issue-client', ca, '--cn', 'app', '--name', 'app3', '--alias', 'APP', '--out-dir', at('err-out'), '--ca-key-pass', 'right', '--keystore', at('err.p12'), '--storepass', 'kspw']).status).toBe(EXIT.EXISTS);
    expect(count()).toBe(before);
    expect(ktool(['ca', 'show', at('nothing-here')]).status).toBe(EXIT.NOT_FOUND);
    fs.writeFileSync(path.join(ca, 'ca.json'), '{"format":"ktool-ca/1"}');
    const corrupt = ktool(['ca', 'show', ca]);
    expect(corrupt.status).toBe(5);
    expect(corrupt.stderr).toMatch(/ca.json: "kind" must be/);
    expect(corrupt.stderr).not.toMatch(/\n\s+at /);
  });
});

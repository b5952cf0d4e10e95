/**
 * Certificate aliases come from ktool's own certificate parser (CertView), not OpenSSL's; they must stay
 * what they were when OpenSSL's names were used: the CN slug (the first CN in encoding order, else the
 * last attribute as TYPE=value) and {serial} as OpenSSL prints it (two hex digits a byte). Checked
 * against node:crypto's X509Certificate over the JDK's cacerts, the system CA bundle and a few made here.
 */
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { aliasForCertificate, slug } from '../../src/ops/aliases';
import { codecFor } from '../../src/formats';
import { readCertificates } from '../../src/formats/pem';
import { buildCertificate } from '../../src/x509/issue';
import { X500Name } from '../../src/x509/name';
import { readFixture } from '../helpers/fixtures';

/** The aliases as they were made from OpenSSL's view of the certificate. */
function openSslAlias(der: Uint8Array): { cn: string; serial: string } {
  const x = new X509Certificate(Buffer.from(der));
  const subject = x.subject ?? ''; // undefined for an empty name
  const cn = subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);
  return { cn: slug(cn ?? subject.split('\n').pop() ?? 'cert'), serial: x.serialNumber.toLowerCase() };
}

const ours = (der: Uint8Array) => ({ cn: aliasForCertificate(der, () => false), serial: aliasForCertificate(der, () => false, '{serial}') });

const cacerts = codecFor('PKCS12').decode(readFixture('stores/cacerts-17.p12'), 'changeit').store.entries.flatMap((e) => (e.type === 'trustedCertEntry' ? [e.cert] : []));
const system = fs.existsSync('/etc/ssl/certs/ca-certificates.crt') ? readCertificates(fs.readFileSync('/etc/ssl/certs/ca-certificates.crt')) : [];

test.each([
  ['the JDK cacerts', cacerts],
  ['the system CA bundle', system],
])('%s: same aliases as from OpenSSL names', (_name, certs) => {
  expect(certs.length).toBeGreaterThan(100);
  expect(certs.map(ours)).toEqual(certs.map(openSslAlias));
});

test('no CN, several CNs, short serials: same aliases as from OpenSSL names', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const made = ['OU=Only Unit, O=Org, C=DE', 'CN=second, CN=first, O=Org', 'EMAILADDRESS=ops@example.com, O=Org', ''].flatMap((dn, i) =>
    [1n, 0x80n, 0x0abcn + BigInt(i)].map((serial) => {
      const name = dn ? X500Name.parse(dn).der : Uint8Array.of(0x30, 0);
      const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
      return buildCertificate({ subject: name, issuer: name, serial, notBefore: new Date(), notAfter: new Date(Date.now() + 864e5), publicKeySpki: spki, signerKey: privateKey });
    }),
  );
  expect(made.map(ours)).toEqual(made.map(openSslAlias));
});

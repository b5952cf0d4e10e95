/**
 * The PKI library (src/x509: algorithms, keygen, extensions, issue, csr, crl, verify, hostname), judged by
 * the real tools: OpenSSL 3 (verify, x509 -text, req -verify, crl -verify, verify -crl_check) and keytool 17
 * (-printcert, -printcertreq, -printcrl, and a -genkeypair whose -ext output we must reproduce byte for byte).
 */
process.env.TZ = 'UTC';

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { oid, printableString, seq, set, utf8String } from '../../src/asn1/der';
import { KtoolError } from '../../src/model/errors';
import { defaultSigAlg, sigAlgByName, sigAlgIdDer, spkiOf } from '../../src/x509/algorithms';
import { buildCrl, parseCrl, verifyCrlSignature } from '../../src/x509/crl';
import { buildCsr, parseCsr } from '../../src/x509/csr';
import {
  EXT_OID,
  Ext,
  basicConstraints,
  buildKeytoolExtensions,
  decodeBasicConstraints,
  decodeKeyUsage,
  keyIdentifier,
  keyUsage,
  oneOf,
  parseKeytoolExt,
} from '../../src/x509/extensions';
import { hostMatchesPattern, matchHostname } from '../../src/x509/hostname';
import { buildCertificate, parseStartDate, randomSerial, validityEnd } from '../../src/x509/issue';
import { GeneratedKeyPair, generateKeyPair, resolveKeyGen } from '../../src/x509/keygen';
import { checkCertHostname, parseCertificate, verifyChain } from '../../src/x509/verify';
import { JDK17_HOME, keytool, openssl, tempDir } from '../helpers/jdk';

// ------------------------------------------------------------------ helpers

const ATTR: Record<string, string> = { CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11', C: '2.5.4.6' };
/** Name DER, most significant RDN first. */
const nameDer = (...rdns: [string, string][]): Uint8Array =>
  seq(...rdns.map(([k, v]) => set(seq(oid(ATTR[k]), k === 'C' ? printableString(v) : utf8String(v)))));

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
function unpem(text: string): Uint8Array {
  const m = text.match(/-----BEGIN [^-]+-----([\s\S]*?)-----END/);
  if (!m) throw new Error('no PEM block');
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

const DIR = tempDir('pki');
const write = (name: string, content: string | Uint8Array): string => {
  const p = path.join(DIR, name);
  fs.writeFileSync(p, content);
  return p;
};
const DAY = 86400000;
const NOW = new Date();
const START = new Date(Math.floor(NOW.getTime() / 1000) * 1000 - DAY);
const END = validityEnd(START, 365);

interface Pki {
  label: string;
  root: GeneratedKeyPair;
  inter: GeneratedKeyPair;
  server: GeneratedKeyPair;
  client: GeneratedKeyPair;
  rootCert: Uint8Array;
  interCert: Uint8Array;
  serverCert: Uint8Array;
  clientCert: Uint8Array;
  serverCsr: Uint8Array;
  crl: Uint8Array;
  files: Record<string, string>;
}

function skidOf(cert: Uint8Array): Uint8Array {
  return parseCertificate(cert).subjectKeyId!;
}

function makePki(label: string, gen: Parameters<typeof generateKeyPair>[0]): Pki {
  const root = generateKeyPair(gen);
  const inter = generateKeyPair(gen);
  const server = generateKeyPair(gen);
  const client = generateKeyPair(gen);
  const rootName = nameDer(['C', 'US'], ['O', 'ktool test'], ['CN', `Root ${label}`]);
  const interName = nameDer(['C', 'US'], ['O', 'ktool test'], ['CN', `Intermediate ${label}`]);

  const rootCert = buildCertificate({
    subject: rootName,
    issuer: rootName,
    notBefore: START,
    notAfter: END,
    publicKeySpki: root.publicKeySpki,
    extensions: buildKeytoolExtensions({ specs: ['bc:c=ca:true', 'ku:c=keyCertSign,cRLSign'], subjectSpki: root.publicKeySpki }),
    signerKey: root.keyObject,
  });
  const interCert = buildCertificate({
    subject: interName,
    issuer: rootName,
    notBefore: START,
    notAfter: END,
    publicKeySpki: inter.publicKeySpki,
    extensions: [basicConstraints({ ca: true, pathLen: 0 }, true), keyUsage(['keyCertSign', 'cRLSign'], true)],
    signerKey: root.keyObject,
    issuerKeyId: skidOf(rootCert),
  });
  // The server certificate goes through a CSR whose requested extensions are honored (keytool -gencert).
  const serverCsr = buildCsr({
    subject: nameDer(['O', 'ktool test'], ['CN', 'db.example.com']),
    signerKey: server.keyObject,
    extensions: buildKeytoolExtensions({ specs: ['san=dns:db.example.com,ip:10.0.0.5', 'eku=serverAuth', 'ku:c=digitalSignature,keyEncipherment'], subjectSpki: server.publicKeySpki }),
  });
  const req = parseCsr(serverCsr);
  expect(req.signatureValid).toBe(true);
  const serverCert = buildCertificate({
    subject: req.subject,
    issuer: interName,
    notBefore: START,
    notAfter: END,
    publicKeySpki: req.publicKeySpki,
    extensions: buildKeytoolExtensions({ specs: ['honored=all'], requested: req.extensions, subjectSpki: req.publicKeySpki, issuerKeyId: skidOf(interCert) }),
    signerKey: inter.keyObject,
    issuerSpki: inter.publicKeySpki,
  });
  const clientCert = buildCertificate({
    subject: nameDer(['O', 'ktool test'], ['CN', 'dbuser1']),
    issuer: interName,
    notBefore: START,
    notAfter: END,
    publicKeySpki: client.publicKeySpki,
    extensions: buildKeytoolExtensions({ specs: ['eku=clientAuth', 'ku=digitalSignature'], subjectSpki: client.publicKeySpki, issuerKeyId: skidOf(interCert) }),
    signerKey: inter.keyObject,
  });
  const crl = buildCrl({
    issuer: interName,
    thisUpdate: new Date(NOW.getTime() - 3600000),
    nextUpdate: new Date(NOW.getTime() + 7 * DAY),
    revoked: [
      { serial: parseCertificate(clientCert).serial, date: new Date(NOW.getTime() - 3600000), reason: 'keyCompromise' },
      { serial: 12345n, date: new Date(NOW.getTime() - 7200000) },
    ],
    crlNumber: 1n,
    authorityKeyId: skidOf(interCert),
    signerKey: inter.keyObject,
  });
  const files = {
    root: write(`${label}-root.pem`, pem('CERTIFICATE', rootCert)),
    inter: write(`${label}-inter.pem`, pem('CERTIFICATE', interCert)),
    server: write(`${label}-server.pem`, pem('CERTIFICATE', serverCert)),
    client: write(`${label}-client.pem`, pem('CERTIFICATE', clientCert)),
    all: write(`${label}-all.pem`, [rootCert, interCert, serverCert, clientCert].map((c) => pem('CERTIFICATE', c)).join('')),
    csr: write(`${label}-server.csr`, pem('CERTIFICATE REQUEST', serverCsr)),
    crl: write(`${label}-inter.crl`, pem('X509 CRL', crl)),
  };
  return { label, root, inter, server, client, rootCert, interCert, serverCert, clientCert, serverCsr, crl, files };
}

const KEY_TYPES: { label: string; gen: Parameters<typeof generateKeyPair>[0]; sigOid: string }[] = [
  { label: 'rsa2048', gen: { keyalg: 'RSA' }, sigOid: '1.2.840.113549.1.1.11' },
  { label: 'ecp256', gen: { keyalg: 'EC' }, sigOid: '1.2.840.10045.4.3.2' },
  { label: 'ecp384', gen: { keyalg: 'EC', groupname: 'secp384r1' }, sigOid: '1.2.840.10045.4.3.3' },
  { label: 'ecp521', gen: { keyalg: 'EC', groupname: 'P-521' }, sigOid: '1.2.840.10045.4.3.4' },
  { label: 'ed25519', gen: { keyalg: 'Ed25519' }, sigOid: '1.3.101.112' },
  { label: 'ed448', gen: { keyalg: 'Ed448' }, sigOid: '1.3.101.113' },
  { label: 'dsa2048', gen: { keyalg: 'DSA' }, sigOid: '2.16.840.1.101.3.4.3.2' },
];

const PKIS = new Map<string, Pki>();
beforeAll(() => {
  for (const k of KEY_TYPES) PKIS.set(k.label, makePki(k.label, k.gen));
});
const pkiOf = (label: string): Pki => PKIS.get(label)!;

// ------------------------------------------------------------------ per key type, judged by OpenSSL and keytool 17

describe.each(KEY_TYPES)('$label PKI', ({ label, sigOid }) => {
  test('certificates: openssl verifies the chains; x509 -text shows the extensions; our verify agrees', () => {
    const p = pkiOf(label);
    expect(parseCertificate(p.serverCert).sigAlgOid).toBe(sigOid);
    const v = openssl(['verify', '-CAfile', p.files.root, '-untrusted', p.files.inter, '-purpose', 'sslserver', p.files.server]);
    expect(v.stdout + v.stderr).toContain(': OK');
    expect(v.status).toBe(0);
    const vc = openssl(['verify', '-CAfile', p.files.root, '-untrusted', p.files.inter, '-purpose', 'sslclient', p.files.client]);
    expect(vc.status).toBe(0);

    const server = openssl(['x509', '-text', '-noout', '-in', p.files.server]).stdout;
    expect(server).toMatch(/X509v3 Subject Alternative Name:\s*\n\s*DNS:db\.example\.com, IP Address:10\.0\.0\.5/);
    expect(server).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Server Authentication/);
    expect(server).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment/);
    const interSkid = Buffer.from(skidOf(p.interCert)).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect(server).toContain(interSkid); // the AKID
    const inter = openssl(['x509', '-text', '-noout', '-in', p.files.inter]).stdout;
    expect(inter).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:TRUE, pathlen:0/);
    expect(inter).toMatch(/X509v3 Key Usage: critical\s*\n\s*Certificate Sign, CRL Sign/);
    expect(inter).toMatch(/X509v3 Subject Key Identifier:\s*\n\s*/);
    // SKID is SHA-1 of the subjectPublicKey bits, as the JDK computes it.
    expect(Buffer.from(skidOf(p.interCert))).toEqual(Buffer.from(keyIdentifier(p.inter.publicKeySpki)));
    const root = openssl(['x509', '-text', '-noout', '-in', p.files.root]).stdout;
    expect(root).not.toContain('Authority Key Identifier'); // self-signed: no AKID, as keytool

    const ok = verifyChain({ certs: [p.interCert, p.serverCert], anchors: [p.rootCert], purpose: 'server', hostname: 'db.example.com' });
    expect(ok.problems).toEqual([]);
    expect(ok.ok).toBe(true);
    expect(ok.chain.map((c) => Buffer.from(c.der))).toEqual([p.serverCert, p.interCert, p.rootCert].map((c) => Buffer.from(c)));
    expect(verifyChain({ leaf: p.clientCert, certs: [p.interCert], anchors: [p.rootCert], purpose: 'client' }).ok).toBe(true);
  });

  test('CSR: openssl req -verify accepts it; keytool 17 -printcertreq reads it', () => {
    const p = pkiOf(label);
    const r = openssl(['req', '-verify', '-noout', '-in', p.files.csr]);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/verify OK/);
    const kt = keytool(JDK17_HOME(), ['-printcertreq', '-file', p.files.csr]);
    expect(kt.stderr).toBe('');
    expect(kt.status).toBe(0);
    expect(kt.stdout).toContain('Subject: CN=db.example.com, O=ktool test');
    expect(kt.stdout).toContain('SubjectAlternativeName');
    expect(kt.stdout).toContain('DNSName: db.example.com');
    expect(kt.stdout).toContain('serverAuth');
  });

  test('CRL: openssl crl -verify and verify -crl_check; keytool -printcrl and -printcert read our output', () => {
    const p = pkiOf(label);
    const c = openssl(['crl', '-verify', '-noout', '-CAfile', p.files.inter, '-in', p.files.crl]);
    expect(c.stdout + c.stderr).toMatch(/verify OK/);
    const bad = openssl(['verify', '-crl_check', '-CRLfile', p.files.crl, '-CAfile', p.files.root, '-untrusted', p.files.inter, p.files.client]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('certificate revoked');
    const good = openssl(['verify', '-crl_check', '-CRLfile', p.files.crl, '-CAfile', p.files.root, '-untrusted', p.files.inter, p.files.server]);
    expect(good.stdout + good.stderr).toContain(': OK');

    const parsed = parseCrl(p.crl);
    expect(parsed.version).toBe(2);
    expect(parsed.crlNumber).toBe(1n);
    expect(parsed.entries[0].reason).toBe(1);
    expect(verifyCrlSignature(parsed, p.inter.publicKey)).toBe(true);
    expect(verifyCrlSignature(parsed, p.root.publicKey)).toBe(false);

    const kc = keytool(JDK17_HOME(), ['-printcrl', '-file', p.files.crl]);
    expect(kc.status).toBe(0);
    expect(kc.stdout).toContain(`Issuer: CN=Intermediate ${label}, O=ktool test, C=US`);
    expect(kc.stdout).toContain('Revoked Certificates:');
    expect(kc.stdout).toContain('Reason Code: KEY_COMPROMISE');
    const kp = keytool(JDK17_HOME(), ['-printcert', '-file', p.files.all]);
    expect(kp.status).toBe(0);
    expect(kp.stdout.match(/^Owner: /gm)?.length).toBe(4);
    expect(kp.stdout).toContain('Owner: CN=dbuser1, O=ktool test');
    expect(kp.stdout).toContain('PathLen:0');

    const revoked = verifyChain({ leaf: p.clientCert, certs: [p.interCert], anchors: [p.rootCert], purpose: 'client', crls: [p.crl] });
    expect(revoked.ok).toBe(false);
    expect(revoked.problems.map((x) => x.code)).toEqual(['REVOKED']);
    expect(revoked.problems[0].message).toContain('revoked (keyCompromise)');
    expect(revoked.problems[0].index).toBe(0);
    expect(verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], crls: [p.crl], crlCheck: 'leaf' }).ok).toBe(true);
  });
});

// ------------------------------------------------------------------ path validation failures

describe('verifyChain problems', () => {
  test('wrong anchor, unordered input, expiry, not yet valid, purpose', () => {
    const p = pkiOf('ecp256');
    const other = pkiOf('rsa2048');
    const wrong = verifyChain({ certs: [p.serverCert, p.interCert], anchors: [other.rootCert] });
    expect(wrong.ok).toBe(false);
    expect(wrong.anchored).toBe(false);
    expect(wrong.problems.map((x) => x.code)).toEqual(['NO_TRUSTED_ANCHOR']);
    expect(wrong.problems[0].message).toMatch(/^no trusted anchor: /);
    // Leaf picked from unordered input (root included among the untrusted certificates).
    const unordered = verifyChain({ certs: [p.rootCert, p.interCert, p.serverCert], anchors: [p.rootCert] });
    expect(unordered.ok).toBe(true);
    expect(unordered.chain.length).toBe(3);
    // Untrusted self-signed root.
    const selfOnly = verifyChain({ certs: [p.serverCert, p.interCert, p.rootCert], anchors: [] });
    expect(selfOnly.problems[0].message).toContain('self-signed certificate');

    const later = verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], at: new Date(END.getTime() + DAY) });
    expect(later.problems.map((x) => [x.index, x.code])).toEqual([
      [0, 'EXPIRED'],
      [1, 'EXPIRED'],
      [2, 'EXPIRED'],
    ]);
    const early = verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], at: new Date(START.getTime() - DAY) });
    expect(early.problems.every((x) => x.code === 'NOT_YET_VALID')).toBe(true);

    const asClient = verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], purpose: 'client' });
    expect(asClient.problems.map((x) => x.code)).toEqual(['EXTENDED_KEY_USAGE']);
    expect(asClient.problems[0].message).toContain('clientAuth');
    expect(asClient.problems[0].subject).toBe('CN=db.example.com, O=ktool test');

    const host = verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], hostname: 'www.example.com' });
    expect(host.problems.map((x) => x.code)).toEqual(['HOSTNAME_MISMATCH']);
  });

  test('pathLen violation, leaf used as CA, bad signature, CRL problems (openssl agrees on pathlen)', () => {
    const p = pkiOf('ed25519');
    const interName = parseCertificate(p.interCert).subject;
    const sub = generateKeyPair({ keyalg: 'Ed25519' });
    const subName = nameDer(['CN', 'Sub CA']);
    const subCert = buildCertificate({
      subject: subName,
      issuer: interName,
      notBefore: START,
      notAfter: END,
      publicKeySpki: sub.publicKeySpki,
      extensions: [basicConstraints({ ca: true }, true)],
      signerKey: p.inter.keyObject,
    });
    const leaf = buildCertificate({ subject: nameDer(['CN', 'deep.example.com']), issuer: subName, notBefore: START, notAfter: END, publicKeySpki: p.server.publicKeySpki, signerKey: sub.keyObject });
    const r = verifyChain({ leaf, certs: [subCert, p.interCert], anchors: [p.rootCert] });
    expect(r.problems.map((x) => [x.index, x.code])).toEqual([[2, 'PATH_LENGTH']]);
    expect(r.problems[0].message).toContain('path length constraint 0 exceeded');
    const o = openssl(['verify', '-CAfile', p.files.root, '-untrusted', write('pl-chain.pem', pem('CERTIFICATE', subCert) + pem('CERTIFICATE', p.interCert)), write('pl-leaf.pem', pem('CERTIFICATE', leaf))]);
    expect(o.status).not.toBe(0);
    expect(o.stdout + o.stderr).toContain('path length constraint exceeded');

    // A certificate without basicConstraints used as an issuer.
    const serverName = parseCertificate(p.serverCert).subject;
    const fake = buildCertificate({ subject: nameDer(['CN', 'victim']), issuer: serverName, notBefore: START, notAfter: END, publicKeySpki: sub.publicKeySpki, signerKey: p.server.keyObject });
    const nc = verifyChain({ leaf: fake, certs: [p.serverCert, p.interCert], anchors: [p.rootCert] });
    expect(nc.problems.map((x) => x.code)).toEqual(expect.arrayContaining(['NOT_CA', 'KEY_USAGE']));

    // Tampered signature.
    const t = Uint8Array.from(p.serverCert);
    t[t.length - 5] ^= 1;
    const bs = verifyChain({ leaf: t, certs: [p.interCert], anchors: [p.rootCert] });
    expect(bs.problems.map((x) => x.code)).toEqual(['BAD_SIGNATURE']);

    // CRL signed by the wrong key, expired CRL, missing CRL in 'all' mode.
    const interName2 = parseCertificate(p.interCert).subject;
    const forged = buildCrl({ issuer: interName2, thisUpdate: START, nextUpdate: END, signerKey: p.root.keyObject, authorityKeyId: null });
    expect(verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], crls: [forged] }).problems.map((x) => x.code)).toEqual(['CRL_BAD_SIGNATURE']);
    const stale = buildCrl({ issuer: interName2, thisUpdate: START, nextUpdate: new Date(START.getTime() + 3600000), signerKey: p.inter.keyObject });
    expect(verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], crls: [stale] }).problems.map((x) => x.code)).toEqual(['CRL_EXPIRED']);
    expect(verifyChain({ leaf: p.serverCert, certs: [p.interCert], anchors: [p.rootCert], crls: [p.crl], crlCheck: 'all' }).problems.map((x) => [x.index, x.code])).toEqual([[1, 'CRL_MISSING']]);
  });
});

// ------------------------------------------------------------------ hostname

describe('hostname (verify-full semantics)', () => {
  const id = (dns: string[], ips: string[] = [], cns: string[] = []) => ({
    dnsNames: dns,
    ipAddresses: ips.map((s) => Uint8Array.from(s.includes(':') ? Buffer.alloc(16, 0) : s.split('.').map(Number))),
    commonNames: cns,
  });
  test.each([
    ['*.example.com', 'db.example.com', true],
    ['*.example.com', 'DB.Example.COM.', true],
    ['*.example.com.', 'db.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.com', 'example.com', false],
    ['f*.example.com', 'foo.example.com', false],
    ['db.*.com', 'db.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['db.example.com', 'db.example.com', true],
    ['db.example.com', 'db.example.org', false],
    ['*.example.com', '*.example.com', false],
  ])('%s vs %s -> %s', (pattern, host, want) => {
    expect(hostMatchesPattern(pattern, host)).toBe(want);
  });
  test('SAN first, CN fallback only without SAN DNS/IP, IPs only against iPAddress', () => {
    expect(matchHostname(id(['db.example.com'], [], ['other.example.com']), 'other.example.com').ok).toBe(false);
    expect(matchHostname(id([], [], ['other.example.com']), 'other.example.com')).toEqual({ ok: true, matchedBy: 'CN:other.example.com' });
    expect(matchHostname(id([], ['10.0.0.5'], ['other.example.com']), 'other.example.com').ok).toBe(false);
    expect(matchHostname(id(['10.0.0.5']), '10.0.0.5').ok).toBe(false); // an IP in a dNSName does not count
    expect(matchHostname(id([], [], ['10.0.0.5']), '10.0.0.5').ok).toBe(false); // nor in the CN
    expect(matchHostname(id([], ['10.0.0.5']), '10.0.0.5').ok).toBe(true);
    expect(matchHostname(id([], ['::']), '[::]').ok).toBe(true);
    const p = pkiOf('rsa2048');
    const server = parseCertificate(p.serverCert);
    expect(checkCertHostname(server, 'db.example.com').matchedBy).toBe('DNS:db.example.com');
    expect(checkCertHostname(server, '10.0.0.5').matchedBy).toBe('IP:10.0.0.5');
    expect(checkCertHostname(server, '10.0.0.6').ok).toBe(false);
    expect(checkCertHostname(parseCertificate(p.clientCert), 'dbuser1').matchedBy).toBe('CN:dbuser1');
  });
});

// ------------------------------------------------------------------ keytool -ext grammar, checked against keytool 17 itself

describe('keytool -ext grammar', () => {
  const SPECS = [
    'bc:c=ca:true,pathlen:3',
    'ku=dS,kE,kCS,contentCommitment',
    'eku=sA,cA,timeStamping,1.2.3.4',
    'san=dns:*.example.com,ip:10.0.0.5,ip:::1,email:a@b.example,uri:http://x.example/,oid:1.2.3',
    'ian=dns:ca.example',
    'aia=ocsp:uri:http://ocsp.example,caIssuers:uri:http://ca.example/ca.crt',
    'sia=caRepository:uri:http://repo.example',
    'crldp=uri:http://crl.example/x.crl',
    '1.2.3.4.5=04:03:01:02:03',
    '1.2.3.4.6:critical',
  ];

  test('keytool 17 -genkeypair with many -ext writes exactly our extensions; default sigalg and -startdate agree', () => {
    const ks = path.join(DIR, 'ext.p12');
    const args = ['-genkeypair', '-keystore', ks, '-storetype', 'PKCS12', '-storepass', 'changeit', '-alias', 'x', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=ext test', '-startdate', '2030/01/02 03:04:05', '-validity', '10'];
    for (const s of SPECS) args.push('-ext', s);
    const g = keytool(JDK17_HOME(), args);
    expect(g.stderr).toContain('Generating 256 bit EC (secp256r1) key pair and self-signed certificate (SHA256withECDSA) with a validity of 10 days');
    expect(g.status).toBe(0);
    const e = keytool(JDK17_HOME(), ['-exportcert', '-rfc', '-keystore', ks, '-storepass', 'changeit', '-alias', 'x']);
    const cert = parseCertificate(unpem(e.stdout));
    const ours = buildKeytoolExtensions({ specs: SPECS, subjectSpki: cert.spki });
    const hex = (xs: Ext[]) => xs.map((x) => `${x.oid}${x.critical ? '!' : ''}=${Buffer.from(x.value).toString('hex')}`);
    expect(hex(ours)).toEqual(hex(cert.extensions));
    expect(cert.sigAlg?.name).toBe(defaultSigAlg(crypto.createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' }), 17));
    expect(cert.notBefore.toISOString()).toBe(parseStartDate('2030/01/02 03:04:05').toISOString());
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(10 * DAY);
    expect(cert.serial > 0n).toBe(true);

    // keytool's own request, CRL and -gencert of our CSR, read by ktool.
    const base = ['-keystore', ks, '-storepass', 'changeit', '-alias', 'x'];
    const csrFile = path.join(DIR, 'kt.csr');
    const crlFile = path.join(DIR, 'kt.crl');
    const outFile = path.join(DIR, 'kt-gencert.pem');
    expect(keytool(JDK17_HOME(), ['-certreq', ...base, '-file', csrFile, '-ext', 'san=dns:req.example']).status).toBe(0);
    expect(keytool(JDK17_HOME(), ['-gencrl', ...base, '-file', crlFile, '-id', '1234:1', '-id', '99', '-startdate', '2030/01/02 03:04:05']).status).toBe(0);
    const ecPki = pkiOf('ecp256');
    const gc = keytool(JDK17_HOME(), ['-gencert', ...base, '-rfc', '-infile', ecPki.files.csr, '-outfile', outFile, '-ext', 'honored=all', '-startdate', '2030/01/02 12:00:00']);
    expect(gc.status).toBe(0);

    const ktCsr = parseCsr(unpem(fs.readFileSync(csrFile, 'utf8')));
    expect(ktCsr.signatureValid).toBe(true);
    expect(ktCsr.extensions.map((x) => x.oid)).toEqual([EXT_OID.subjectKeyIdentifier, EXT_OID.subjectAltName]);
    expect(Buffer.from(ktCsr.publicKeySpki)).toEqual(Buffer.from(cert.spki));

    const ktCrl = parseCrl(new Uint8Array(fs.readFileSync(crlFile)));
    expect(ktCrl.entries.map((x) => [x.serial, x.reason])).toEqual([
      [1234n, 1],
      [99n, undefined],
    ]);
    expect(ktCrl.thisUpdate.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(verifyCrlSignature(ktCrl, crypto.createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' }))).toBe(true);

    const issued = parseCertificate(unpem(fs.readFileSync(outFile, 'utf8')));
    const req = parseCsr(ecPki.serverCsr);
    const expected = buildKeytoolExtensions({ specs: ['honored=all'], requested: req.extensions, subjectSpki: req.publicKeySpki, issuerKeyId: cert.subjectKeyId });
    expect(hex(issued.extensions)).toEqual(hex(expected));
    // Our verify: the keytool CA carries an unknown critical extension (1.2.3.4.6), which must be reported.
    const v = verifyChain({ leaf: issued.der, anchors: [cert.der], at: new Date('2030-01-03T00:00:00Z'), purpose: 'server', hostname: 'db.example.com' });
    expect(v.anchored).toBe(true);
    expect(v.problems.map((x) => [x.index, x.code, x.message])).toEqual([[1, 'UNHANDLED_CRITICAL_EXTENSION', 'unhandled critical extension 1.2.3.4.6']]);
  });

  test('abbreviations, forms and error messages', () => {
    expect(oneOf('kCS', ['keyCertSign', 'keyAgreement'])).toBe(0);
    expect(oneOf('c', ['BasicConstraints', null, 'CRLDistributionPoints'])).toBe(2);
    expect(oneOf('cr', ['CRLSign', null, 'CRLDistributionPoints'])).toBe(0); // ambiguity with an experimental entry
    expect(() => parseKeytoolExt('ku=d')).toThrow('command d is ambiguous: digitalSignature dataEncipherment decipherOnly');
    expect(() => parseKeytoolExt('ku=foo')).toThrow('Unknown keyUsage type: foo');
    expect(() => parseKeytoolExt('ku')).toThrow('Illegal value: ku');
    expect(() => parseKeytoolExt('bc=')).toThrow('Illegal value: bc=');
    expect(() => parseKeytoolExt('bc=ca:true,foo:1')).toThrow('Illegal value: bc=ca:true,foo:1');
    expect(() => parseKeytoolExt('eku=bogus')).toThrow('Unknown extendedkeyUsage type: bogus');
    expect(() => parseKeytoolExt('san=dns')).toThrow('Illegal item dns in san=dns');
    expect(() => parseKeytoolExt('san=foo:x')).toThrow('Unrecognized GeneralName type: foo');
    expect(() => parseKeytoolExt('ian=dns:*.example.com')).toThrow('DNSName components must begin with a letter or digit');
    expect(() => parseKeytoolExt('aia:critical=ocsp:uri:http://x')).toThrow('This extension cannot be marked as critical. aia:critical=ocsp:uri:http://x');
    expect(() => parseKeytoolExt('aia=bogus:uri:http://x')).toThrow('Unknown AccessDescription type: bogus');
    expect(() => parseKeytoolExt('1.2.3=abc')).toThrow('Odd number of hex digits found: 1.2.3=abc');
    expect(() => parseKeytoolExt('nosuch=1')).toThrow(KtoolError);
    expect(parseKeytoolExt('honored=all')).toBeNull();
    expect(decodeBasicConstraints(parseKeytoolExt('bc=2')!.value)).toEqual({ ca: true, pathLen: 2 });
    expect(decodeBasicConstraints(parseKeytoolExt('BasicConstraints=ca:false')!.value)).toEqual({ ca: false });
    expect(parseKeytoolExt('bc')!.critical).toBe(false);
    expect(parseKeytoolExt('bc:c')!.critical).toBe(true);
    expect([...decodeKeyUsage(parseKeytoolExt('KeyUsage=decipherOnly,digitalSignature')!.value)]).toEqual(['digitalSignature', 'decipherOnly']);
    // honored=: take the request's extensions, flip criticality, drop some, let -ext override.
    const req = [parseKeytoolExt('san=dns:a.example')!, parseKeytoolExt('ku=dS')!, parseKeytoolExt('eku=sA')!];
    const spki = pkiOf('ecp256').server.publicKeySpki;
    const got = buildKeytoolExtensions({ specs: ['honored=all,-eku,san:critical', 'ku=kE'], requested: req, subjectSpki: spki });
    expect(got.map((x) => `${x.oid}${x.critical ? '!' : ''}`)).toEqual([EXT_OID.subjectKeyIdentifier, EXT_OID.keyUsage, EXT_OID.subjectAltName + '!']);
    expect([...decodeKeyUsage(got[1].value)]).toEqual(['keyEncipherment']);
  });
});

// ------------------------------------------------------------------ CSRs from openssl, algorithms, dates, keygen

describe('CSR / algorithms / dates / keygen', () => {
  test.each([
    ['rsa', ['-newkey', 'rsa:2048']],
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']],
    ['ed25519', ['-newkey', 'ed25519']],
  ])('openssl req %s CSR parses and verifies in ktool; tampering is detected', (name, keyArgs) => {
    const out = path.join(DIR, `ossl-${name}.csr`);
    const r = openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', path.join(DIR, `ossl-${name}.key`), '-subj', '/CN=ossl.example.com/O=Ossl', '-addext', 'subjectAltName=DNS:ossl.example.com', '-out', out]);
    expect(r.status).toBe(0);
    const der = unpem(fs.readFileSync(out, 'utf8'));
    const csr = parseCsr(der);
    expect(csr.signatureValid).toBe(true);
    expect(csr.extensions.map((e) => e.oid)).toContain(EXT_OID.subjectAltName);
    const bad = Uint8Array.from(der);
    bad[bad.length - 3] ^= 0x10;
    expect(parseCsr(bad).signatureValid).toBe(false);
  });

  test('RSASSA-PSS certificate: openssl verifies, keytool prints, params round-trip', () => {
    const p = pkiOf('rsa2048');
    const n = nameDer(['CN', 'PSS root']);
    const cert = buildCertificate({ subject: n, issuer: n, notBefore: START, notAfter: END, publicKeySpki: p.root.publicKeySpki, signerKey: p.root.keyObject, sigAlg: 'RSASSA-PSS', extensions: [basicConstraints({ ca: true }, true)] });
    const parsed = parseCertificate(cert);
    expect(parsed.sigAlg?.pss).toEqual({ hash: 'sha256', mgf1Hash: 'sha256', saltLength: 32 });
    const f = write('pss.pem', pem('CERTIFICATE', cert));
    expect(openssl(['verify', '-CAfile', f, f]).status).toBe(0);
    const kt = keytool(JDK17_HOME(), ['-printcert', '-file', f]);
    expect(kt.status).toBe(0);
    expect(kt.stdout).toContain('Signature algorithm name: RSASSA-PSS');
    expect(verifyChain({ leaf: cert, anchors: [cert] }).ok).toBe(true);
    expect(Buffer.from(sigAlgIdDer(sigAlgByName('RSASSA-PSS', p.root.keyObject, 25))).toString('hex')).toContain('608648016503040202'); // SHA-384 in JDK 25
  });

  test('default signature algorithms, JDK 17 vs 25', () => {
    const k = (label: string) => pkiOf(label).root.keyObject;
    expect(defaultSigAlg(k('rsa2048'), 17)).toBe('SHA256withRSA');
    expect(defaultSigAlg(k('rsa2048'), 25)).toBe('SHA384withRSA');
    expect(defaultSigAlg(k('ecp256'), 17)).toBe('SHA256withECDSA');
    expect(defaultSigAlg(k('ecp256'), 25)).toBe('SHA384withECDSA');
    expect(defaultSigAlg(k('ecp384'), 17)).toBe('SHA384withECDSA');
    expect(defaultSigAlg(k('ecp521'), 17)).toBe('SHA512withECDSA');
    expect(defaultSigAlg(k('ecp521'), 25)).toBe('SHA512withECDSA');
    expect(defaultSigAlg(k('dsa2048'), 17)).toBe('SHA256withDSA');
    expect(defaultSigAlg(k('dsa2048'), 25)).toBe('SHA256withDSA');
    expect(defaultSigAlg(k('ed25519'), 25)).toBe('Ed25519');
    expect(defaultSigAlg(k('ed448'), 17)).toBe('Ed448');
    expect(spkiOf(k('ed448'))).toEqual(pkiOf('ed448').root.publicKeySpki);
    expect(() => sigAlgByName('MD5withRSA')).toThrow('Unsupported signature algorithm: MD5withRSA');
    expect(() => buildCertificate({ subject: nameDer(['CN', 'x']), issuer: nameDer(['CN', 'x']), notBefore: START, notAfter: END, publicKeySpki: pkiOf('ecp256').root.publicKeySpki, signerKey: k('ecp256'), sigAlg: 'SHA256withRSA' })).toThrow(
      'Signature algorithm SHA256withRSA cannot be used with a ec key',
    );
  });

  test('-startdate forms, validity, serials', () => {
    const now = new Date(Date.UTC(2024, 0, 31, 10, 20, 30, 456));
    expect(parseStartDate(undefined, now)).toEqual(now);
    expect(parseStartDate('+1m', now).toISOString()).toBe('2024-02-29T10:20:30.456Z'); // Calendar clamps the day
    expect(parseStartDate('-1y+2d', now).toISOString()).toBe('2023-02-02T10:20:30.456Z');
    expect(parseStartDate('+1y-2m+3d+4H-5M+6S', now).toISOString()).toBe('2024-12-03T14:15:36.456Z'); // 2025-01-31 -2m = 2024-11-30 (clamped)
    expect(parseStartDate('2025/03/04 05:06:07', now).toISOString()).toBe('2025-03-04T05:06:07.000Z');
    expect(parseStartDate('2025/03/04', now).toISOString()).toBe('2025-03-04T10:20:30.456Z');
    expect(parseStartDate('01:02:03', now).toISOString()).toBe('2024-01-31T01:02:03.000Z');
    for (const bad of ['', '1d', '+d', '+1', '+1x', '2025-03-04', '2025/03/04T05:06:07', '1:2:3']) expect(() => parseStartDate(bad, now)).toThrow('Illegal startdate value');
    expect(validityEnd(now, 90).getTime() - now.getTime()).toBe(90 * DAY);
    expect(() => validityEnd(now, 3000000)).toThrow(/greater than 9999/);
    for (let i = 0; i < 20; i++) {
      const s = randomSerial();
      expect(s > 0n && s < 1n << 64n).toBe(true);
    }
  });

  test('keygen defaults and names', () => {
    expect(resolveKeyGen({ keyalg: 'rsa' })).toEqual({ keyalg: 'RSA', keysize: 2048 });
    expect(resolveKeyGen({ keyalg: 'EC' })).toEqual({ keyalg: 'EC', keysize: 256, curve: 'secp256r1' });
    expect(resolveKeyGen({ keyalg: 'EC', jdk: 25 })).toEqual({ keyalg: 'EC', keysize: 384, curve: 'secp384r1' });
    expect(resolveKeyGen({ keyalg: 'EC', keysize: 521 })).toEqual({ keyalg: 'EC', keysize: 521, curve: 'secp521r1' });
    expect(resolveKeyGen({ keyalg: 'EC', groupname: 'P-384' }).curve).toBe('secp384r1');
    expect(resolveKeyGen({ keyalg: 'DSA' })).toEqual({ keyalg: 'DSA', keysize: 2048 });
    expect(resolveKeyGen({ keyalg: 'EdDSA' })).toEqual({ keyalg: 'Ed25519', keysize: 255 });
    expect(resolveKeyGen({ keyalg: 'EdDSA', keysize: 448 })).toEqual({ keyalg: 'Ed448', keysize: 448 });
    expect(() => resolveKeyGen({ keyalg: 'EC', keysize: 256, groupname: 'secp256r1' })).toThrow('Cannot specify both -groupname and -keysize');
    expect(() => resolveKeyGen({ keyalg: 'EC', groupname: 'brainpoolP256r1' })).toThrow('Unsupported EC group name: brainpoolP256r1');
    const d = pkiOf('dsa2048').root.keyObject.asymmetricKeyDetails!;
    expect([d.modulusLength, d.divisorLength]).toEqual([2048, 224]);
    expect(pkiOf('ecp521').root.keyObject.asymmetricKeyDetails!.namedCurve).toBe('secp521r1');
  });
});

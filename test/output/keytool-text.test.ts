/**
 * keytool-compatible text against the real thing: every fixture's `keytool -list -v` listing (built
 * from the manifest and the PEM files, without the codecs), `-printcert` / `-rfc` / short `-list`
 * output of the real keytool 17 (and 25 where it differs), and the stderr lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR, fixturePath, manifest, readFixture, type ManifestStore } from '../helpers/fixtures';
import { JDK17_HOME, JDK25_HOME, keytool, tempDir } from '../helpers/jdk';
import {
  creationDateString,
  integrityWarning,
  javaDateString,
  listingFromKeyStore,
  renderList,
  renderListStderr,
  renderPrintcert,
  renderPrintcertStderr,
  type Jdk,
  type ListingStore,
} from '../../src/output/keytool-text';
import { CertView, certToJson, hexDump } from '../../src/x509/certificate';
import { KtoolError } from '../../src/model/errors';

const STORES_DIR = path.join(FIXTURES_DIR, 'stores');

function pemCerts(rel: string): Uint8Array[] {
  const t = Buffer.from(readFixture(rel)).toString('utf8');
  return [...t.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}

/** The listing input from the manifest; `exactDates` uses creation_time_ms even where the format keeps none. */
function storeFromManifest(s: ManifestStore, exactDates: boolean): ListingStore {
  return {
    type: s.store_type,
    entries: s.entries.map((e) => ({
      alias: e.alias,
      type: e.entry_type,
      created: exactDates || e.creation_date_persisted ? new Date(e.creation_time_ms) : null,
      chain: e.chain_pem ? pemCerts(e.chain_pem) : e.certificates[0]?.pem ? pemCerts(e.certificates[0].pem) : [],
    })),
  };
}

const jdkOf = (s: ManifestStore): Jdk => (s.listing_command[0] === 'keytool25' ? 25 : 17);
const storeFile = (s: ManifestStore): string => path.basename(s.file);
const passArgs = (s: ManifestStore): string[] => (s.store_password === null ? [] : ['-storepass', s.store_password]);

/** Blank the creation dates of the given aliases (verbose listings). */
function looseDates(text: string, aliases: string[]): string {
  let out = text;
  for (const a of aliases) {
    const esc = a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(Alias name: ${esc}\\nCreation date: )[A-Z][a-z]{2} \\d{1,2}, \\d{4}`), '$1<date>');
  }
  return out;
}

function firstDiff(got: string, exp: string): string {
  const g = got.split('\n');
  const e = exp.split('\n');
  let i = 0;
  while (i < g.length && g[i] === e[i]) i++;
  return i >= g.length && i >= e.length ? 'equal' : `line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(g[i])}`;
}

const STORES = manifest().stores;

describe('renderList -v matches every fixture listing', () => {
  test.each(STORES.map((s) => [storeFile(s), s] as const))('%s', (_name, s) => {
    const expected = fs.readFileSync(fixturePath(s.listing), 'utf8');
    // Dates where the format keeps none are "now" in the JDK: compare those loosely ...
    const loose = s.entries.filter((e) => !e.creation_date_persisted).map((e) => e.alias);
    const got = renderList(storeFromManifest(s, false), { verbose: true, jdk: jdkOf(s), now: new Date(Date.UTC(2030, 0, 1)) });
    expect(firstDiff(looseDates(got, loose), looseDates(expected, loose))).toBe('equal');
    // ... and with the dates the JDK reported, the listing is byte for byte the same.
    expect(firstDiff(renderList(storeFromManifest(s, true), { verbose: true, jdk: jdkOf(s) }), expected)).toBe('equal');
  });

  test('an entry without a date shows "now"', () => {
    const s = STORES.find((x) => x.file === 'stores/p12-17-passwordless.p12')!;
    const got = renderList(storeFromManifest(s, false), { verbose: true, now: new Date(Date.UTC(2031, 4, 7, 12)) });
    expect(got.match(/Creation date: .*/g)).toEqual(['Creation date: May 7, 2031', 'Creation date: May 7, 2031']);
  });

  test('stderr: migration warning exactly as keytool printed it, nothing for PKCS#12', () => {
    for (const s of STORES) {
      const expected = s.listing_stderr ? fs.readFileSync(fixturePath(s.listing_stderr), 'utf8') : '';
      const got = renderListStderr(storeFromManifest(s, true), { fileName: storeFile(s), verbose: true, jdk: jdkOf(s) });
      expect({ store: s.file, stderr: got.before + got.after }).toEqual({ store: s.file, stderr: expected });
    }
  });
});

describe('against keytool 17 run now', () => {
  const basic = STORES.find((s) => s.file === 'stores/jks17-basic.jks')!;
  const p12 = STORES.find((s) => s.file === 'stores/p12-17-default.p12')!;
  const run = (s: ManifestStore, extra: string[]) =>
    keytool(JDK17_HOME(), ['-list', '-keystore', storeFile(s), '-storetype', s.store_type, ...passArgs(s), ...extra], { cwd: STORES_DIR });

  test.each([
    ['short', basic, [] as string[]],
    ['short p12', p12, []],
    ['-rfc', basic, ['-rfc']],
    ['-rfc p12', p12, ['-rfc']],
    ['-v -alias', basic, ['-v', '-alias', 'schlüssel-prüfung']],
    ['-rfc -alias', basic, ['-rfc', '-alias', 'ec p256 leaf']],
    ['short -alias', basic, ['-alias', 'root-ca']],
  ])('-list %s', (_n, s, extra) => {
    const r = run(s, extra);
    expect(r.status).toBe(0);
    const ai = extra.indexOf('-alias');
    const opts = { verbose: extra.includes('-v'), rfc: extra.includes('-rfc'), alias: ai >= 0 ? extra[ai + 1] : undefined, jdk: 17 as Jdk };
    // p12 trusted certificates have no stored date: keytool shows today, so render with today too.
    expect(firstDiff(renderList(storeFromManifest(s, false), opts), r.stdout)).toBe('equal');
    const err = renderListStderr(storeFromManifest(s, false), { ...opts, fileName: storeFile(s) });
    expect(err.before + err.after).toBe(r.stderr);
  });

  test('an unknown alias is NOT_FOUND', () => {
    expect(() => renderList(storeFromManifest(basic, true), { alias: 'nope' })).toThrow(KtoolError);
  });

  test('no password: the integrity banner', () => {
    const r = keytool(JDK17_HOME(), ['-list', '-keystore', storeFile(basic), '-storetype', 'JKS'], { cwd: STORES_DIR });
    expect(r.status).toBe(0);
    const err = renderListStderr(storeFromManifest(basic, true), { fileName: storeFile(basic), integrityNotVerified: true });
    expect(err.before).toBe(integrityWarning());
    // keytool prompts first ("Enter keystore password:  "), then the banner, then the warnings.
    expect(r.stderr).toBe(`Enter keystore password:  ${err.before}${err.after}`);
    expect(firstDiff(renderList(storeFromManifest(basic, true), {}), r.stdout)).toBe('equal');
  });
});

describe('renderPrintcert against keytool -printcert', () => {
  const dir = tempDir('printcert');
  const cases: [string, Uint8Array[]][] = [];
  for (const s of STORES) {
    if (s.file.includes('cacerts')) continue;
    for (const e of s.entries) {
      if (e.chain_pem) cases.push([`${storeFile(s)} ${e.alias} chain`, pemCerts(e.chain_pem)]);
      else if (e.certificates[0]?.pem) cases.push([`${storeFile(s)} ${e.alias} cert`, pemCerts(e.certificates[0].pem)]);
    }
  }
  const cacerts = STORES.find((s) => s.file === 'stores/cacerts-17.p12')!;
  const cacertDers = cacerts.entries.map((e) => pemCerts(e.certificates[0].pem!)[0]);

  function writeBundle(name: string, certs: Uint8Array[]): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, certs.map((d) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(d).toString('base64')}\n-----END CERTIFICATE-----\n`).join(''));
    return f;
  }

  test('every fixture chain and certificate (JDK 17)', () => {
    expect(cases.length).toBeGreaterThan(20);
    cases.forEach(([name, certs], i) => {
      const f = writeBundle(`c${i}.pem`, certs);
      const r = keytool(JDK17_HOME(), ['-printcert', '-file', f]);
      expect({ name, status: r.status }).toEqual({ name, status: 0 });
      expect({ name, diff: firstDiff(renderPrintcert(certs, { jdk: 17 }), r.stdout) }).toEqual({ name, diff: 'equal' });
      expect({ name, stderr: renderPrintcertStderr(certs, { jdk: 17 }) }).toEqual({ name, stderr: r.stderr });
    });
  });

  test.each([17, 25] as Jdk[])('all 144 cacerts in one file (JDK %s), stdout and stderr', (jdk) => {
    expect(cacertDers.length).toBe(144);
    const f = writeBundle(`cacerts-${jdk}.pem`, cacertDers);
    const r = keytool(jdk === 17 ? JDK17_HOME() : JDK25_HOME(), ['-printcert', '-file', f]);
    expect(r.status).toBe(0);
    expect(firstDiff(renderPrintcert(cacertDers, { jdk }), r.stdout)).toBe('equal');
    expect(firstDiff(renderPrintcertStderr(cacertDers, { jdk }), r.stderr)).toBe('equal');
  });

  test('-rfc', () => {
    const certs = cases.find(([n]) => n.includes('rsa 4096 server'))![1];
    const f = writeBundle('rfc.pem', certs);
    const r = keytool(JDK17_HOME(), ['-printcert', '-rfc', '-file', f]);
    expect(renderPrintcert(certs, { rfc: true })).toBe(r.stdout);
    expect(r.stdout).toContain('\r\n');
  });

  test.each([17, 25] as Jdk[])('weak algorithms and many extension kinds (JDK %s)', (jdk) => {
    const home = jdk === 17 ? JDK17_HOME() : JDK25_HOME();
    const ks = path.join(dir, `weak${jdk}.p12`);
    const gen = keytool(home, [
      '-genkeypair', '-keystore', ks, '-storepass', 'changeit', '-alias', 'weak', '-keyalg', 'RSA', '-keysize', '1024', '-sigalg', 'SHA1withRSA',
      '-dname', 'CN=weak, O="Comma, Inc."', '-startdate', '2025/01/01 00:00:00', '-validity', '30',
      '-ext', 'san=dns:a.example,ip:10.0.0.1,ip:2001:db8::1,email:x@y.z,uri:http://u.v/,oid:1.2.3.4',
      '-ext', 'eku=serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,1.2.3.4',
      '-ext', 'bc:c=ca:true,pathlen:3', '-ext', 'ku:c=digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly',
      '-ext', 'ian=email:ca@y.z', '-ext', 'aia=ocsp:uri:http://ocsp.example,caIssuers:uri:http://ca.example/ca.crt',
      '-ext', 'sia=caRepository:uri:http://repo.example', '-ext', '1.2.3.5=0403010203', '-ext', '1.2.3.6:critical=',
    ]);
    expect(gen.status).toBe(0);
    const certFile = path.join(dir, `weak${jdk}.der`);
    expect(keytool(home, ['-exportcert', '-keystore', ks, '-storepass', 'changeit', '-alias', 'weak', '-file', certFile]).status).toBe(0);
    const der = new Uint8Array(fs.readFileSync(certFile));
    const r = keytool(home, ['-printcert', '-file', certFile]);
    expect(firstDiff(renderPrintcert([der], { jdk }), r.stdout)).toBe('equal');
    expect(renderPrintcertStderr([der], { jdk })).toBe(r.stderr);
    // In a listing the chain certificate is not trusted: weak markers and "<alias>" warnings.
    const store: ListingStore = { type: 'PKCS12', entries: [{ alias: 'weak', type: 'PrivateKeyEntry', created: new Date(), chain: [der] }] };
    const l = keytool(home, ['-list', '-v', '-keystore', ks, '-storepass', 'changeit']);
    expect(firstDiff(renderList(store, { verbose: true, jdk }), l.stdout)).toBe('equal');
    const err = renderListStderr(store, { verbose: true, jdk, fileName: ks });
    expect(err.before + err.after).toBe(l.stderr);
  });
});

describe('CertView', () => {
  test('every fixture certificate: fields agree with the manifest', () => {
    let n = 0;
    for (const s of STORES) {
      for (const e of s.entries) {
        const ders = e.chain_pem ? pemCerts(e.chain_pem) : e.certificates[0]?.pem ? pemCerts(e.certificates[0].pem) : [];
        ders.forEach((der, i) => {
          const m = e.certificates[i];
          const v = CertView.from(der);
          const j = certToJson(v);
          expect({
            subject: v.subject.toString(),
            issuer: v.issuer.toString(),
            serial: v.serialHex,
            notBefore: j.notBefore.replace('.000Z', 'Z'),
            notAfter: j.notAfter.replace('.000Z', 'Z'),
            sig: v.signatureAlgorithm,
            alg: v.publicKeyAlgorithm,
            bits: v.publicKeySize,
            sha1: v.sha1,
            sha256: v.sha256,
            san: m.subject_alt_names ?? [],
          }).toEqual({
            subject: m.subject,
            issuer: m.issuer,
            serial: m.serial_hex,
            notBefore: m.not_before,
            notAfter: m.not_after,
            sig: m.sig_alg,
            alg: m.public_key_algorithm,
            bits: m.public_key_bits,
            sha1: m.sha1,
            sha256: m.sha256,
            san: v.san,
          });
          expect(j.subject).toBe(v.subject.toRfc2253());
          expect(CertView.from(der)).toBe(v); // cached
          n++;
        });
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  test('isSelfSigned / isCA', () => {
    const basic = STORES.find((s) => s.file === 'stores/jks17-basic.jks')!;
    const [leaf, root] = pemCerts(basic.entries[0].chain_pem!);
    expect(CertView.from(root).isSelfSigned).toBe(true);
    expect(CertView.from(root).isCA).toBe(true);
    expect(CertView.from(leaf).isSelfSigned).toBe(false);
    expect(CertView.from(leaf).isCA).toBe(false);
    expect(CertView.from(leaf).publicKey.asymmetricKeyType).toBe('ec');
  });

  test('garbage is CORRUPT', () => {
    expect(() => CertView.from(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toThrow(KtoolError);
  });
});

describe('formatting helpers', () => {
  test('Java dates (TZ=UTC in tests)', () => {
    if (Intl.DateTimeFormat().resolvedOptions().timeZone !== 'UTC') return;
    expect(javaDateString(new Date(Date.UTC(2025, 0, 1)))).toBe('Wed Jan 01 00:00:00 UTC 2025');
    expect(creationDateString(new Date(Date.UTC(2026, 10, 2)))).toBe('Nov 2, 2026');
  });
  test('hex dump', () => {
    expect(hexDump(Uint8Array.from({ length: 17 }, (_, i) => 0x61 + i))).toBe(
      '0000: 61 62 63 64 65 66 67 68   69 6A 6B 6C 6D 6E 6F 70  abcdefghijklmnop\n0010: 71                                                 q\n',
    );
    expect(hexDump(new Uint8Array(0))).toBe('');
  });
  test('listingFromKeyStore', () => {
    const cert = pemCerts(STORES[0].entries[0].chain_pem!)[0];
    const l = listingFromKeyStore({
      type: 'JKS',
      protection: { kind: 'keyed-sha1' },
      entries: [{ type: 'trustedCertEntry', alias: 'a', created: null, cert }],
    });
    expect(l.entries[0].chain).toEqual([cert]);
    expect(renderList(l, { now: new Date(Date.UTC(2026, 0, 1)) })).toContain('a, Jan 1, 2026, trustedCertEntry, \nCertificate fingerprint (SHA-256): ');
  });
});

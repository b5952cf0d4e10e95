/**
 * Tamper detection: every single-byte change of a small store, at every byte position, is reported
 * (TAMPERED, WRONG_PASSWORD or another KtoolError), never loaded as a valid store. Inside the
 * integrity-protected part that is required; outside it (PKCS#12 version/MacData framing) a change may
 * only be accepted when the decoded content is exactly the original.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codecFor } from '../../src/formats';
import { Asn1 } from '../../src/asn1/der';
import { KtoolError } from '../../src/model/errors';
import type { StoreType } from '../../src/model/keystore';
import { readFixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const SAMPLES = path.resolve(__dirname, '../../samples');

/** A small OpenSSL PKCS#12 with a key and a certificate, MAC-protected (1 MAC iteration keeps 2 × n decodes fast). */
function smallPkcs12(): Uint8Array {
  const dir = tempDir('tamper');
  const o = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=tamper', '-days', '30');
  o('pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-name', 'tamper', '-out', 's.p12', '-passout', 'pass:changeit', '-nomaciter', '-iter', '1', '-macalg', 'sha256');
  return new Uint8Array(fs.readFileSync(path.join(dir, 's.p12')));
}

/** A comparable form of a decoded store (aliases, types, certificates, key bytes). */
function fingerprint(type: StoreType, bytes: Uint8Array, pw: string): string {
  const { store } = codecFor(type).decode(bytes, pw);
  return JSON.stringify(store.entries, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** [start, end) of the MAC-covered authSafe content of a PKCS#12 (PFX { version, authSafe ContentInfo, macData }). */
function pkcs12Protected(bytes: Uint8Array): [number, number] {
  const pfx = Asn1.parse(bytes, 'pfx');
  const authSafe = pfx.child(1);
  const offsetOf = (n: { der: Uint8Array }) => n.der.byteOffset - bytes.byteOffset;
  return [offsetOf(authSafe), offsetOf(authSafe) + authSafe.der.length];
}

const CASES: { name: string; type: StoreType; bytes: () => Uint8Array; pw: string; protectedPart: (b: Uint8Array) => [number, number] }[] = [
  // JKS/JCEKS: the keyed SHA-1 digest covers every byte before it, and the digest itself is compared.
  { name: 'JKS (keytool 17 truststore)', type: 'JKS', bytes: () => readFixture('stores/pg-truststore-17.jks'), pw: 'changeit', protectedPart: (b) => [0, b.length] },
  { name: 'JCEKS (keytool 17)', type: 'JCEKS', bytes: () => readFixture('stores/jceks17-secrets.jceks'), pw: 'jceks-pass-17', protectedPart: (b) => [0, b.length] },
  { name: 'PKCS#12 (OpenSSL, HMAC-SHA256 MAC)', type: 'PKCS12', bytes: smallPkcs12, pw: 'changeit', protectedPart: pkcs12Protected },
];

test.each(CASES.map((c) => [c.name, c] as const))('every single-byte change of %s is detected', (_n, c) => {
  const original = new Uint8Array(c.bytes());
  const want = fingerprint(c.type, original, c.pw);
  const [from, to] = c.protectedPart(original);
  const codes: Record<string, number> = {};
  const acceptedOutside: number[] = [];
  for (let pos = 0; pos < original.length; pos++) {
    // Two changes per position: all bits flipped and the low bit flipped.
    for (const mask of [0xff, 0x01]) {
      const b = Uint8Array.from(original);
      b[pos] ^= mask;
      let loaded: string | undefined;
      try {
        loaded = fingerprint(c.type, b, c.pw);
      } catch (e) {
        if (!(e instanceof KtoolError)) throw new Error(`${c.name}: byte ${pos} ^ ${mask}: ${String(e)}`);
        codes[e.code] = (codes[e.code] ?? 0) + 1;
        continue;
      }
      if (pos >= from && pos < to) throw new Error(`${c.name}: byte ${pos} ^ ${mask} in the protected part loaded as valid`);
      if (loaded !== want) throw new Error(`${c.name}: byte ${pos} ^ ${mask} outside the protected part changed the content`);
      acceptedOutside.push(pos);
    }
  }
  // Most positions fail the integrity check itself, not just the parser.
  expect((codes.TAMPERED ?? 0) + (codes.WRONG_PASSWORD ?? 0)).toBeGreaterThan(0);
  expect(acceptedOutside.length).toBeLessThan(8);
});

test('the sample PEM bundle is not a store (sanity of the harness)', () => {
  expect(() => codecFor('JKS').decode(new Uint8Array(fs.readFileSync(path.join(SAMPLES, 'ca-bundle.pem'))), 'changeit')).toThrow(KtoolError);
});

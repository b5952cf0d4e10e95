/** The pure CA decisions of src/ops/ca.ts: serials, state file checks, validity, path length, SANs, revocation, CRL content. */
import { KtoolError } from '../../src/model/errors';
import {
  allocateSerial,
  defaultServerSan,
  leafExtensions,
  newCaState,
  nextCrl,
  parseCaState,
  parseEkuList,
  parseSanList,
  parseSerial,
  recordIssued,
  revoke,
  serialHex,
  serializeCaState,
  subordinatePathLen,
  validity,
} from '../../src/ops/ca';
import { EXT_OID, decodeBasicConstraints, decodeKeyUsage } from '../../src/x509/extensions';
import { generateKeyPair } from '../../src/x509/keygen';

const state = (mode: 'random' | 'sequential' = 'random') =>
  newCaState({ kind: 'root', subject: 'CN=Test', key: { algorithm: 'EC', size: 256, curve: 'secp256r1', encrypted: false }, serialMode: mode });
const issued = (serial: string) => ({ serial, subject: 'CN=x', profile: 'server' as const, notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', sha256: 'AA', file: `issued/${serial}.pem` });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as KtoolError).code;
  }
  return 'none';
};

test('serials: hex forms, sequential counter, random draws again on a clash', () => {
  expect(serialHex(0xabcn)).toBe('0ABC');
  expect(parseSerial('0x0a:bc')).toBe(0xabcn);
  expect(code(() => parseSerial('12g'))).toBe('USAGE');
  expect(code(() => parseSerial('00'))).toBe('USAGE');
  const a = allocateSerial(state('sequential'), () => 5n);
  expect(a.serial).toBe(1n);
  expect(allocateSerial(a.state, () => 5n).serial).toBe(2n);
  const draws = [7n, 7n, 9n];
  const s = recordIssued(state(), issued('07'));
  expect(allocateSerial(s, () => draws.shift()!).serial).toBe(9n);
});

test('state file: round trip, and a clear CORRUPT error naming the field', () => {
  const s = recordIssued(state(), issued('0A'));
  expect(parseCaState(serializeCaState(s), 'ca.json')).toEqual(s);
  expect(() => parseCaState('{', 'x/ca.json')).toThrow(/x\/ca.json: not valid JSON/);
  expect(() => parseCaState(JSON.stringify({ ...s, serialMode: 'odd' }), 'ca.json')).toThrow(/serialMode/);
  expect(() => parseCaState(JSON.stringify({ ...s, revoked: [{ serial: '0A', date: 'soon' }] }), 'ca.json')).toThrow(/revoked 0A: bad date/);
  expect(code(() => parseCaState(JSON.stringify({ format: 'other' }), 'ca.json'))).toBe('CORRUPT');
});

test('validity: whole seconds, shortened to the issuer notAfter with a note', () => {
  const now = new Date('2026-03-01T10:00:00.750Z');
  const v = validity(now, 10);
  expect(v.notBefore.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  expect(v.notAfter.toISOString()).toBe('2026-03-11T10:00:00.000Z');
  const c = validity(now, 365, new Date('2026-06-01T00:00:00Z'));
  expect(c.notAfter.toISOString()).toBe('2026-06-01T00:00:00.000Z');
  expect(c.note).toMatch(/shortened/);
  expect(code(() => validity(now, 0))).toBe('USAGE');
});

test('path length of a subordinate CA', () => {
  expect(subordinatePathLen({ ca: true }, undefined)).toBe(0);
  expect(subordinatePathLen({ ca: true }, 3)).toBe(3);
  expect(subordinatePathLen({ ca: true, pathLen: 2 }, 1)).toBe(1);
  expect(() => subordinatePathLen({ ca: true, pathLen: 2 }, 2)).toThrow(/allows at most 1/);
  expect(() => subordinatePathLen({ ca: true, pathLen: 0 }, undefined)).toThrow(/pathLen 0/);
  expect(() => subordinatePathLen({ ca: false }, undefined)).toThrow(/not a CA/);
});

test('SANs, EKUs and the leaf extensions per key type', () => {
  expect(parseSanList(['DNS:db.example.com,IP:10.0.0.5', 'dns:*.example.com']).map((g) => ('value' in g ? g.value : undefined))).toEqual(['db.example.com', '10.0.0.5', '*.example.com']);
  expect(code(() => parseSanList(['FOO:x']))).toBe('USAGE');
  expect(defaultServerSan('10.1.2.3')).toEqual([expect.objectContaining({ type: 'ip', value: '10.1.2.3' })]);
  expect(defaultServerSan('db.example.com')).toEqual([{ type: 'dns', value: 'db.example.com' }]);
  expect(defaultServerSan('My Server')).toEqual([]);
  expect(parseEkuList(['serverauth,1.2.3.4'])).toEqual(['serverAuth', '1.2.3.4']);
  expect(code(() => parseEkuList(['nonsense']))).toBe('USAGE');

  const rsa = generateKeyPair({ keyalg: 'RSA', keysize: 1024 }).publicKeySpki;
  const ed = generateKeyPair({ keyalg: 'Ed25519' }).publicKeySpki;
  const server = leafExtensions({ profile: 'server', spki: rsa, cn: 'db.example.com', san: [] });
  expect(server.san).toEqual(['DNS:db.example.com']);
  expect(server.notes[0]).toMatch(/from the CN/);
  const bc = server.extensions.find((e) => e.oid === EXT_OID.basicConstraints)!;
  expect(bc.critical).toBe(true);
  expect(decodeBasicConstraints(bc.value)).toEqual({ ca: false });
  expect([...decodeKeyUsage(server.extensions.find((e) => e.oid === EXT_OID.keyUsage)!.value)]).toEqual(['digitalSignature', 'keyEncipherment']);
  const client = leafExtensions({ profile: 'client', spki: ed, cn: 'dbuser1', san: [] });
  expect(client).toMatchObject({ san: [], eku: ['clientAuth'], keyUsage: ['digitalSignature'], notes: [] });
});

test('revocation is idempotent and needs an issued serial; the CRL numbers count up', () => {
  let s = recordIssued(recordIssued(state(), issued('0A')), issued('0B'));
  expect(code(() => revoke(s, 0xcn, { date: new Date() }))).toBe('NOT_FOUND');
  const r1 = revoke(s, 0xan, { reason: 'keyCompromise', date: new Date('2026-05-05T05:05:05.500Z') });
  expect(r1.record).toEqual({ serial: '0A', subject: 'CN=x', date: '2026-05-05T05:05:05.000Z', reason: 'keyCompromise' });
  const again = revoke(r1.state, 0xan, { reason: 'superseded', date: new Date() });
  expect(again.changed).toBe(false);
  s = revoke(r1.state, 0xbn, { reason: 'unspecified', date: new Date('2026-05-06T00:00:00Z') }).state;
  expect(s.revoked[1].reason).toBeUndefined();
  expect(code(() => revoke(s, 0xbn, { reason: 'bogus', date: new Date() }))).toBe('USAGE');
  const c1 = nextCrl(s, new Date('2026-06-01T00:00:00Z'), 30);
  expect(c1.crlNumber).toBe(1n);
  expect(c1.nextUpdate.toISOString()).toBe('2026-07-01T00:00:00.000Z');
  expect(c1.revoked).toEqual([
    { serial: 0xan, date: new Date('2026-05-05T05:05:05.000Z'), reason: 'keyCompromise' },
    { serial: 0xbn, date: new Date('2026-05-06T00:00:00Z') },
  ]);
  expect(nextCrl(c1.state, new Date(), 1).crlNumber).toBe(2n);
});

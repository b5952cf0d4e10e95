'use strict';
/**
 * The decoding side of test/robustness/fuzz.test.ts, run in a worker thread so that a case that never
 * returns (a synchronous infinite loop) can be stopped: the test's main thread watches the progress this
 * worker publishes in shared memory before every case and terminates it when one case runs over 2 s.
 *
 * The decoders are the compiled ones in dist/ (`npm test` builds before jest runs), so the worker needs
 * no TypeScript loader. Mutations are deterministic: rng(seedNumber(target, seedIndex)) drives mutate(),
 * so `caseInput(...)` rebuilds any case's input (the main thread uses it to keep a hang in the corpus).
 *
 * workerData: { ktoolFuzz: true, target, progress: SharedArrayBuffer(PROGRESS_BYTES), limits, job }
 *   job.kind 'fuzz':   { seeds: [{ name, bytes, password, cases }] }
 *   job.kind 'replay': { inputs: [{ name, bytes, password }] }        (the corpus)
 * Messages to the parent: { type: 'done', stats } or { type: 'fail', reason, ... } (then the worker stops).
 */
const path = require('node:path');
const v8 = require('node:v8');
const { parentPort, workerData } = require('node:worker_threads');

const DIST = path.resolve(__dirname, '../../dist');
const dist = (m) => require(path.join(DIST, m));

/** Int32 [0] state (0 idle, 1 in a case, 2 preparing a seed), [1] seed index (-1: corpus), [2] case index, [3] cases done; Float64 at 16: start (epoch ms). */
const PROGRESS_BYTES = 24;
const STATE = { IDLE: 0, CASE: 1, PREPARE: 2 };

/** xorshift32: deterministic, seedable. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** FNV-1a of the target name, so every target gets its own mutation stream. */
function seedNumber(target, seedIndex) {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(target, 'utf8')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return (0x5eed + seedIndex * 7919 + h) >>> 0;
}

/** One seeded mutation (always a change): bit flips, byte overwrites, truncation, insertion, hostile lengths, deep nesting, cut-outs. */
function mutate(input, r) {
  const b = Buffer.from(input);
  const pick = (n) => Math.floor(r() * n);
  switch (pick(7)) {
    case 0: {
      const at = [];
      for (let i = 0, n = 1 + pick(4); i < n; i++) {
        const p = pick(b.length);
        const bit = pick(8);
        b[p] ^= 1 << bit;
        at.push(`${p}.${bit}`);
      }
      return { bytes: b, how: `bit flips at ${at.join(',')}` };
    }
    case 1: {
      const at = [];
      for (let i = 0, n = 1 + pick(8); i < n; i++) {
        const p = pick(b.length);
        b[p] = (b[p] + 1 + pick(255)) & 0xff; // never the byte it replaces
        at.push(`${p}=0x${b[p].toString(16)}`);
      }
      return { bytes: b, how: `byte overwrites ${at.join(',')}` };
    }
    case 2: {
      const n = pick(b.length);
      return { bytes: b.subarray(0, n), how: `truncated to ${n} bytes` };
    }
    case 3: {
      const at = pick(b.length);
      const ins = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)));
      return { bytes: Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]), how: `${ins.length} bytes inserted at ${at}` };
    }
    case 4: {
      // A hostile length: 0x84 + four 0xff bytes (DER), or a u32 length near 2^32 (JKS).
      const at = pick(Math.max(1, b.length - 6));
      const evil = r() < 0.5 ? [0x84, 0xff, 0xff, 0xff, 0xf0] : [0x7f, 0xff, 0xff, 0xff];
      evil.forEach((v, i) => (b[at + i] = v));
      return { bytes: b, how: `huge length ${Buffer.from(evil).toString('hex')} at ${at}` };
    }
    case 5: {
      // Deep nesting: thousands of SEQUENCE headers with indefinite length.
      const depth = 100 + pick(5000);
      const head = Buffer.alloc(depth * 2);
      for (let i = 0; i < depth; i++) {
        head[2 * i] = 0x30;
        head[2 * i + 1] = 0x80;
      }
      return { bytes: Buffer.concat([head, b]), how: `${depth} nested SEQUENCE headers prepended` };
    }
    default: {
      const from = pick(b.length);
      const len = 1 + pick(Math.min(64, b.length - from));
      return { bytes: Buffer.concat([b.subarray(0, from), b.subarray(from + len)]), how: `${len} bytes cut at ${from}` };
    }
  }
}

// ------------------------------------------------------------------ PKCS#12 re-wrapping

/** Salts and IVs for the re-encryption and the re-computed MAC: fixed, so every case can be rebuilt. */
const fixedRandom = (n) => new Uint8Array(n).fill(0x5a);

/**
 * A seed PFX taken apart: its ContentInfos (encrypted ones decrypted with the seed's password, and
 * re-encrypted on output with the same scheme at 1 iteration) and its MAC spec (1 iteration). The
 * files' own iteration counts (up to 100,000) would make every case cost tens of milliseconds.
 */
function pkcs12Parts(bytes, password) {
  const { Asn1 } = dist('asn1/der');
  const { OID } = dist('asn1/oids');
  const { pbeDecrypt, readPbeSpec } = dist('crypto/pbe');
  const { readMacData } = dist('crypto/pkcs12-mac');
  const pfx = Asn1.parse(bytes);
  const authSafe = Asn1.parse(pfx.child(1).child(1).child(0).octets());
  const macNode = pfx.children[2];
  const mac = macNode ? { ...readMacData(macNode).spec, iterations: 1 } : null;
  const contentInfos = authSafe.children.map((ci) => {
    const type = ci.child(0).oid();
    if (type === OID.data) return { encrypted: false, safe: Uint8Array.from(ci.child(1).child(0).octets()) };
    if (type !== OID.encryptedData) throw new Error(`seed has a ContentInfo of type ${type}`);
    const eci = ci.child(1).child(0).child(1);
    const alg = eci.child(1);
    return { encrypted: true, spec: { ...readPbeSpec(alg), iterations: 1 }, safe: pbeDecrypt(alg, eci.child(2).octets(), password) };
  });
  return { contentInfos, mac };
}

function contentInfoDer(ci, password) {
  const { seq, oid, explicit, implicit, integer, octetString } = dist('asn1/der');
  const { OID } = dist('asn1/oids');
  const { pbeEncrypt } = dist('crypto/pbe');
  if (!ci.encrypted) return seq(oid(OID.data), explicit(0, octetString(ci.safe)));
  const { algorithmIdentifier, ciphertext } = pbeEncrypt(ci.safe, password, ci.spec, fixedRandom);
  return seq(oid(OID.encryptedData), explicit(0, seq(integer(0), seq(oid(OID.data), algorithmIdentifier, implicit(0, ciphertext)))));
}

/** PFX { 3, data(authSafe), MacData valid for authSafe under `password` }. */
function pfxDer(authSafe, mac, password) {
  const { seq, oid, explicit, integer, octetString } = dist('asn1/der');
  const { OID } = dist('asn1/oids');
  const { buildMacData } = dist('crypto/pkcs12-mac');
  const parts = [integer(3), seq(oid(OID.data), explicit(0, octetString(authSafe)))];
  if (mac && password !== null) parts.push(buildMacData(mac, password, authSafe, fixedRandom));
  return seq(...parts);
}

const decodePkcs12 = (input, password) => dist('formats/pkcs12').pkcs12Codec.decode(input, password);

// ------------------------------------------------------------------ targets

/**
 * run(input, password) decodes; prepare(seedBytes, password), when present, returns { mutable, wrap }:
 * the bytes the mutations apply to and how a mutated copy becomes the decoder's input.
 */
const TARGETS = {
  JKS: { run: (i) => dist('formats/jks').jksCodec.decode(i, null) },
  'JKS with password': { run: (i, pw) => dist('formats/jks').jksCodec.decode(i, pw) },
  JCEKS: { run: (i) => dist('formats/jks').jceksCodec.decode(i, null) },
  'JCEKS with password': { run: (i, pw) => dist('formats/jks').jceksCodec.decode(i, pw) },
  PKCS12: { run: decodePkcs12 },
  // The MAC is checked before the AuthenticatedSafe is parsed: these re-compute it after mutating,
  // so the mutations reach the ContentInfo, EncryptedData, PBE parameter, SafeBag and attribute parsers.
  'PKCS12 authSafe re-MACed': {
    run: decodePkcs12,
    prepare(bytes, password) {
      const { contentInfos, mac } = pkcs12Parts(bytes, password);
      const { seq } = dist('asn1/der');
      return { mutable: seq(...contentInfos.map((ci) => contentInfoDer(ci, password))), wrap: (m) => pfxDer(m, mac, password) };
    },
  },
  // The largest SafeContents (the certificates, usually encrypted) mutated as plaintext, then re-encrypted and re-MACed.
  'PKCS12 SafeContents re-encrypted': {
    run: decodePkcs12,
    prepare(bytes, password) {
      const { contentInfos, mac } = pkcs12Parts(bytes, password);
      const { seq } = dist('asn1/der');
      let at = 0;
      contentInfos.forEach((ci, i) => ci.safe.length > contentInfos[at].safe.length && (at = i));
      const ders = contentInfos.map((ci) => contentInfoDer(ci, password));
      return {
        mutable: contentInfos[at].safe,
        wrap: (m) => pfxDer(seq(...ders.map((d, i) => (i === at ? contentInfoDer({ ...contentInfos[at], safe: m }, password) : d))), mac, password),
      };
    },
  },
  'PEM certificates': { run: (i) => dist('formats/pem').readCertificates(i) },
  'DER certificate view': {
    run: (i) => {
      const { CertView, certToJson } = dist('x509/certificate');
      return certToJson(new CertView(i));
    },
  },
  'private keys': { run: (i) => dist('formats/pem').readPrivateKey(i, 'pass') },
  CSR: { run: (i) => dist('x509/csr').parseCsr(i) },
  CRL: { run: (i) => dist('x509/crl').parseCrl(i) },
  'PKCS7 DER': { run: (i) => dist('formats/pem').readCertificates(i) },
  'PKCS7 PEM': { run: (i) => dist('formats/pem').readCertificates(i) },
  // For the test's own check that each guard fires: behaves on the seed check and case #0, then on
  // case #1 does what its "password" says (hang, throw, allocate, oom).
  'self-test': {
    run(_i, mode) {
      selfTestCalls++;
      if (selfTestCalls < 3) return;
      if (mode === 'hang') for (;;);
      if (mode === 'throw') throw new TypeError('self-test exception');
      if (mode === 'allocate') return (selfTestKeep = new Uint8Array(256 * 2 ** 20).fill(1));
      if (mode === 'oom') for (selfTestKeep = []; ; ) selfTestKeep.push(new Array(2 ** 20).fill(selfTestCalls));
    },
  },
};
let selfTestCalls = 0;
let selfTestKeep;

function prepared(target, seed) {
  const t = TARGETS[target];
  return t.prepare ? t.prepare(seed.bytes, seed.password) : { mutable: seed.bytes, wrap: (m) => m };
}

/** The input of case `caseIndex` of seed `seedIndex` (replays the mutation stream). */
function caseInput(target, seed, seedIndex, caseIndex) {
  const p = prepared(target, seed);
  const r = rng(seedNumber(target, seedIndex));
  let m;
  for (let i = 0; i <= caseIndex; i++) m = mutate(p.mutable, r);
  return { bytes: new Uint8Array(p.wrap(m.bytes)), how: m.how };
}

/** Bytes live in the V8 heap and outside it (ArrayBuffers): both are per isolate, so this is the worker's own. */
function allocated() {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

function work() {
  const { target, job, limits } = workerData;
  const T = TARGETS[target];
  const { KtoolError } = dist('model/errors');
  const state = new Int32Array(workerData.progress, 0, 4);
  const started = new Float64Array(workerData.progress, 16, 1);
  const stats = { cases: 0, outcomes: {}, ms: 0, maxCaseMs: 0, maxAllocated: 0, maxAllocatedPerInputByte: 0, perSeed: [] };
  const fail = (m) => {
    parentPort.postMessage({ type: 'fail', ...m });
    return false;
  };
  const begin = (s, si, ci) => {
    state[1] = si;
    state[2] = ci;
    started[0] = Date.now();
    Atomics.store(state, 0, s);
  };

  /** One decode: false (after reporting) when it broke a rule. */
  const check = (input, password, where) => {
    const before = allocated();
    const t0 = performance.now();
    let outcome = 'ok';
    try {
      T.run(input, password);
    } catch (e) {
      if (!(e instanceof KtoolError)) {
        return fail({ reason: 'exception', ...where, input, password, error: e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e) });
      }
      outcome = e.code;
    }
    const ms = performance.now() - t0;
    const grown = allocated() - before;
    Atomics.store(state, 0, STATE.IDLE);
    Atomics.add(state, 3, 1);
    stats.cases++;
    stats.ms += ms;
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    stats.maxCaseMs = Math.max(stats.maxCaseMs, ms);
    stats.maxAllocated = Math.max(stats.maxAllocated, grown);
    stats.maxAllocatedPerInputByte = Math.max(stats.maxAllocatedPerInputByte, grown / Math.max(1, input.length));
    if (ms > limits.maxMsPerCase) return fail({ reason: 'slow', ...where, input, password, ms });
    // Allocation bounded by the input: a hostile length field must not make the decoder reserve gigabytes.
    const bound = limits.memoryBase + limits.memoryPerInputByte * input.length;
    if (grown > bound) return fail({ reason: 'memory', ...where, input, password, grown, bound });
    return true;
  };

  if (job.kind === 'replay') {
    for (const [i, x] of job.inputs.entries()) {
      begin(STATE.CASE, -1, i);
      if (!check(x.bytes, x.password, { seedIndex: -1, caseIndex: i, name: x.name })) return;
    }
  } else {
    for (const [si, seed] of job.seeds.entries()) {
      begin(STATE.PREPARE, si, -1);
      let p;
      // The harness itself: the unmutated (re-wrapped) seed must decode with the seed's own password.
      try {
        p = prepared(target, seed);
        T.run(p.wrap(p.mutable), seed.password);
      } catch (e) {
        return fail({ reason: 'seed', seedIndex: si, name: seed.name, error: e instanceof Error ? e.stack : String(e) });
      }
      Atomics.store(state, 0, STATE.IDLE);
      const r = rng(seedNumber(target, si));
      const t0 = performance.now();
      for (let ci = 0; ci < seed.cases; ci++) {
        begin(STATE.CASE, si, ci);
        const m = mutate(p.mutable, r);
        if (!check(new Uint8Array(p.wrap(m.bytes)), seed.password, { seedIndex: si, caseIndex: ci, name: seed.name, how: m.how })) return;
      }
      stats.perSeed.push({ name: seed.name, cases: seed.cases, ms: Math.round(performance.now() - t0) });
    }
  }
  parentPort.postMessage({ type: 'done', stats });
}

module.exports = { PROGRESS_BYTES, STATE, TARGET_NAMES: Object.keys(TARGETS).filter((n) => n !== 'self-test'), rng, mutate, seedNumber, caseInput };

if (workerData && workerData.ktoolFuzz) work();

/**
 * Large inputs: a 50 MB PEM bundle and stores with 100,000 entries (JKS and PKCS#12) are handled (or
 * refused with a clear message) within a memory limit. Peak RSS comes from /usr/bin/time (Debian
 * package `time`, installed by .ci/install-deps.sh): without it these tests fail, they never skip.
 * The figures are in docs/robustness.md.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codecFor } from '../../src/formats';
import { profileByName } from '../../src/formats/pkcs12-profiles';
import { KTOOL_BIN } from '../helpers/cli';
import { readFixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const MEMORY_LIMIT_KIB = 1024 * 1024; // 1 GiB
const TIME = '/usr/bin/time';

const NO_TIME = `${TIME} is missing: these tests measure peak memory with it. Install the Debian package "time" (apt-get install time; .ci/install-deps.sh does).`;

/** Runs ktool under /usr/bin/time -f %M: exit status, stderr (without the RSS line), peak RSS in KiB. */
function measured(args: string[]): { status: number | null; stderr: string; rssKiB: number; seconds: number } {
  if (!fs.existsSync(TIME)) throw new Error(NO_TIME);
  const t0 = Date.now();
  const r = spawnSync(TIME, ['-f', '%M', process.execPath, KTOOL_BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines = r.stderr.trimEnd().split('\n');
  const rssKiB = Number(lines.pop());
  if (!Number.isFinite(rssKiB) || rssKiB <= 0) throw new Error(`${TIME} gave no peak RSS (status ${r.status}): ${r.stderr}`);
  return { status: r.status, rssKiB, stderr: lines.join('\n'), seconds: (Date.now() - t0) / 1000 };
}

const cacerts = () => codecFor('JKS').decode(readFixture('stores/cacerts-25.jks'), 'changeit').store;
const pemOf = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

describe('large inputs', () => {
  test(`${TIME} is installed (peak memory is measured with it)`, () => {
    if (!fs.existsSync(TIME)) throw new Error(NO_TIME);
  });

  test('a 50 MB PEM bundle becomes a truststore (duplicates skipped) under 1 GiB', () => {
    const dir = tempDir('large-pem');
    const one = Buffer.from(cacerts().entries.map((e) => pemOf((e as { cert: Uint8Array }).cert)).join(''));
    const bundle = path.join(dir, 'big.pem');
    fs.writeFileSync(bundle, Buffer.concat(Array(Math.ceil(50e6 / one.length)).fill(one)));
    expect(fs.statSync(bundle).size).toBeGreaterThanOrEqual(50e6);
    const r = measured(['truststore', path.join(dir, 'out.p12'), '--from', bundle, '--storepass', 'changeit', '--json']);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.status).toBe(0);
    expect(r.rssKiB).toBeLessThan(MEMORY_LIMIT_KIB);
    process.stdout.write(`50 MB PEM bundle: ${r.seconds.toFixed(1)} s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB\n`);
  });

  test('a JKS store with 100,000 entries lists under 1 GiB', () => {
    const dir = tempDir('large-store');
    const src = cacerts();
    const entries = Array.from({ length: 100_000 }, (_, i) => ({ ...src.entries[i % src.entries.length], alias: `ca-${i}` }));
    const store = path.join(dir, 'big.jks');
    fs.writeFileSync(store, codecFor('JKS').encode({ ...src, entries }, 'changeit'));
    const r = measured(['list', '--storepass', 'changeit', store]);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.status).toBe(0);
    expect(r.rssKiB).toBeLessThan(MEMORY_LIMIT_KIB);
    process.stdout.write(`100k-entry JKS list: ${r.seconds.toFixed(1)} s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB\n`);
  });

  test('a PKCS#12 store with 100,000 entries lists under 1 GiB', () => {
    const dir = tempDir('large-p12');
    const src = cacerts();
    const entries = Array.from({ length: 100_000 }, (_, i) => ({ ...src.entries[i % src.entries.length], alias: `ca-${i}` }));
    const store = path.join(dir, 'big.p12');
    // The modern profile (JDK 17+): certificates in one PBES2/AES-256 encryptedData, HMAC-SHA256 MAC.
    const t0 = Date.now();
    fs.writeFileSync(store, codecFor('PKCS12').encode({ type: 'PKCS12', entries, protection: { kind: 'pkcs12', profile: profileByName('modern') } }, 'changeit'));
    const written = (Date.now() - t0) / 1000;
    const r = measured(['list', '--storepass', 'changeit', store]);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.status).toBe(0);
    expect(r.rssKiB).toBeLessThan(MEMORY_LIMIT_KIB);
    process.stdout.write(
      `100k-entry PKCS#12 (${(fs.statSync(store).size / 1e6).toFixed(0)} MB, encoded in ${written.toFixed(1)} s) list: ${r.seconds.toFixed(1)} s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB\n`,
    );
  }, 180000);
});

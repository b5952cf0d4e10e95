/**
 * Large inputs: a 50 MB PEM bundle and a store with 100,000 entries are handled (or refused with a
 * clear message) within a memory limit. Peak RSS comes from /usr/bin/time; the figures are in
 * docs/robustness.md.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codecFor } from '../../src/formats';
import { KTOOL_BIN } from '../helpers/cli';
import { readFixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/jdk';

const MEMORY_LIMIT_KIB = 1024 * 1024; // 1 GiB
const TIME = '/usr/bin/time';

/** Runs ktool under /usr/bin/time -f %M: exit status, stderr (without the RSS line), peak RSS in KiB. */
function measured(args: string[]): { status: number | null; stderr: string; rssKiB: number; seconds: number } {
  const t0 = Date.now();
  const r = spawnSync(TIME, ['-f', '%M', process.execPath, KTOOL_BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines = r.stderr.trimEnd().split('\n');
  return { status: r.status, rssKiB: Number(lines.pop()), stderr: lines.join('\n'), seconds: (Date.now() - t0) / 1000 };
}

const cacerts = () => codecFor('JKS').decode(readFixture('stores/cacerts-25.jks'), 'changeit').store;
const pemOf = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

const describeIfTime = fs.existsSync(TIME) || process.env.CI === 'true' ? describe : describe.skip;

describeIfTime('large inputs', () => {
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
});

/** `list --json` is written in chunks: the text is exactly JSON.stringify of the whole listing. */
import { codecFor } from '../../src/formats';
import type { KeyStore } from '../../src/model/keystore';
import { storeJsonText, storeToJson } from '../../src/output/list-json';
import { manifest, readFixture } from '../helpers/fixtures';

const whole = (...args: Parameters<typeof storeToJson>) => `${JSON.stringify(storeToJson(...args), null, 2)}\n`;
const chunked = (...args: Parameters<typeof storeJsonText>) => [...storeJsonText(...args)].join('');

test('every fixture store, and one alias of each', () => {
  let stores = 0;
  for (const s of manifest().stores) {
    const { store, info } = codecFor(s.store_type).decode(readFixture(s.file), s.store_password);
    expect(chunked(store, info)).toBe(whole(store, info));
    const alias = store.entries[0]?.alias;
    if (alias !== undefined) expect(chunked(store, info, { alias })).toBe(whole(store, info, { alias }));
    expect(chunked(store, info, { alias: 'no-such-alias' })).toBe(whole(store, info, { alias: 'no-such-alias' }));
    stores++;
  }
  expect(stores).toBeGreaterThan(5);
});

test('empty stores and stores across chunk boundaries', () => {
  const s = manifest().stores.find((x) => x.store_type === 'JKS' && x.entries.some((e) => e.entry_type === 'trustedCertEntry'))!;
  const { store, info } = codecFor('JKS').decode(readFixture(s.file), s.store_password);
  const trusted = store.entries.filter((e) => e.type === 'trustedCertEntry');
  for (const n of [0, 1, 255, 256, 257, 512, 600]) {
    const big: KeyStore = { ...store, entries: Array.from({ length: n }, (_, i) => ({ ...trusted[i % trusted.length], alias: `a${String(i).padStart(4, '0')}` })) };
    const text = chunked(big, info);
    expect({ n, same: text === whole(big, info) }).toEqual({ n, same: true });
    expect(JSON.parse(text).entries).toHaveLength(n);
  }
});

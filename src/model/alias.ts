import type { Entry, KeyStore } from './keystore';

/**
 * JKS, JCEKS and PKCS#12 all fold aliases with Java's toLowerCase(Locale.ENGLISH): full Unicode
 * lower-casing without the Turkish rule. JavaScript's toLowerCase() is the same mapping (including
 * U+0130 to "i̇" and Greek final sigma).
 */
export function foldAlias(alias: string): string {
  return alias.toLowerCase();
}

export function findEntry(store: KeyStore, alias: string): Entry | undefined {
  const folded = foldAlias(alias);
  return store.entries.find((e) => e.alias === folded);
}

/** keytool -list order: Java String.compareTo, i.e. UTF-16 code unit order. */
export function compareAliases(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedEntries(store: KeyStore): Entry[] {
  return [...store.entries].sort((x, y) => compareAliases(x.alias, y.alias));
}

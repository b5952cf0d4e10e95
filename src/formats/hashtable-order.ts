/**
 * java.util.Hashtable iteration order. JKS and JCEKS keep their entries in a Hashtable<String, ...>
 * and write them in its iteration order, so writing the same bytes as the JDK means replaying the
 * table: capacity 11, load factor 0.75, rehash to 2n+1 once count reaches the threshold, new keys at
 * the head of bucket (hashCode & 0x7FFFFFFF) % capacity, iteration from the last bucket down.
 */

/** Java String.hashCode over UTF-16 code units with 32-bit wrap-around. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const MAX_ARRAY_SIZE = 0x7fffffff - 8;

export class JavaHashtable {
  /** Each bucket lists its keys head first. */
  private table: string[][];
  private count = 0;
  private threshold: number;

  constructor(initialCapacity = 11, private readonly loadFactor = 0.75) {
    const cap = Math.max(1, initialCapacity);
    this.table = Array.from({ length: cap }, () => []);
    this.threshold = Math.floor(Math.min(cap * loadFactor, MAX_ARRAY_SIZE + 1));
  }

  private bucketOf(key: string, capacity: number): number {
    return (javaStringHash(key) & 0x7fffffff) % capacity;
  }

  has(key: string): boolean {
    return this.table[this.bucketOf(key, this.table.length)].includes(key);
  }

  /** put(): an existing key keeps its place (only the value would change). */
  put(key: string): void {
    if (this.has(key)) return;
    if (this.count >= this.threshold) this.rehash();
    this.table[this.bucketOf(key, this.table.length)].unshift(key);
    this.count++;
  }

  remove(key: string): void {
    const b = this.table[this.bucketOf(key, this.table.length)];
    const i = b.indexOf(key);
    if (i >= 0) {
      b.splice(i, 1);
      this.count--;
    }
  }

  /** Capacity is never reduced, as in Java (clear() keeps the table). */
  clear(): void {
    for (const b of this.table) b.length = 0;
    this.count = 0;
  }

  private rehash(): void {
    const old = this.table;
    const cap = old.length * 2 + 1;
    const fresh: string[][] = Array.from({ length: cap }, () => []);
    this.threshold = Math.floor(Math.min(cap * this.loadFactor, MAX_ARRAY_SIZE + 1));
    // Old buckets from the top down, each chain head first, each key pushed on the new chain's head.
    for (let i = old.length - 1; i >= 0; i--) for (const k of old[i]) fresh[this.bucketOf(k, cap)].unshift(k);
    this.table = fresh;
  }

  /** Iteration order of keys()/entrySet(): highest bucket first, each chain head first. */
  keys(): string[] {
    const out: string[] = [];
    for (let i = this.table.length - 1; i >= 0; i--) out.push(...this.table[i]);
    return out;
  }
}

/**
 * The order the JDK writes a JKS/JCEKS store in, given its aliases in the order they were put into a
 * fresh table (for a loaded store: file order, then aliases added since). Duplicates count once.
 */
export function hashtableOrder(insertionOrder: readonly string[]): string[] {
  const t = new JavaHashtable();
  for (const k of insertionOrder) t.put(k);
  return t.keys();
}

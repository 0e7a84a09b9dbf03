import type { Clock } from '../clock';

/**
 * Bounded, expiring in-process cache of unwrapped data keys. The TTL bounds how long this process
 * keeps using a key after another instance rotated or shredded it.
 */
export interface KeyCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  deleteWhere(predicate: (key: string) => boolean): void;
  size(): number;
}

export function createKeyCache<V>({ clock, maxEntries, ttlMs }: { clock: Clock; maxEntries: number; ttlMs: number }): KeyCache<V> {
  // Map keeps insertion order, so re-inserting on read turns it into an LRU.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      entries.delete(key);
      if (hit.expiresAt <= clock.now().getTime()) return undefined;
      entries.set(key, hit);
      return hit.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: clock.now().getTime() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    deleteWhere(predicate) {
      for (const key of [...entries.keys()]) if (predicate(key)) entries.delete(key);
    },
    size: () => entries.size,
  };
}

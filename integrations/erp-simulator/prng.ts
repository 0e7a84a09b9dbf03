/**
 * Seeded randomness and deterministic IDs. Every random choice in the simulator flows from here so
 * that the same seed always yields byte-identical data and fault sequences.
 */

export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for synthetic data (not for anything secret). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed, so sub-streams (per user, per kind) are independent of order. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

export const GUID_KINDS = {
  user: 0x1001,
  contract: 0x2002,
  project: 0x3003,
  customer: 0x4004,
  businessUnit: 0x5005,
  absence: 0x6006,
  workHour: 0x7007,
  phase: 0x8008,
  reference: 0x9009,
  occurrence: 0xa00a,
} as const;
export type GuidKind = keyof typeof GUID_KINDS;

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0').slice(-width);
}

/**
 * UUID-shaped, deterministic, and reversible to the row index (last 12 hex digits), so half a million
 * work hours need no guid→row map.
 */
export function guidFor(seed: number, kind: GuidKind, index: number): string {
  const code = GUID_KINDS[kind];
  const a = mixSeed(seed, code);
  const b = mixSeed(seed, code, index);
  return `${hex(a, 8)}-${hex(code, 4)}-4${hex(b, 3)}-8${hex(b >>> 12, 3)}-${hex(index, 12)}`;
}

/** Row index encoded in a guid of this kind and seed, or undefined when it is not one of ours. */
export function indexFromGuid(seed: number, kind: GuidKind, guid: string): number | undefined {
  const match = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-([0-9a-f]{12})$/.exec(guid);
  if (!match?.[1]) return undefined;
  const index = parseInt(match[1], 16);
  return guidFor(seed, kind, index) === guid ? index : undefined;
}

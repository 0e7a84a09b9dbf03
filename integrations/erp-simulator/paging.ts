/**
 * Opaque, tamper-proof page tokens. The token carries the scan position and page number and is
 * bound (HMAC) to the path and filters it was issued for, so a token replayed with other filters or
 * edited by hand is rejected with 400 rather than silently returning the wrong rows.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEFAULT_ROW_COUNT = 20;
export const MAX_ROW_COUNT = 100;

export interface PageRequest {
  rowCount: number;
  /** Scan position in the source collection where this page starts. */
  offset: number;
  /** 1-based page number within this listing. */
  page: number;
}

export interface PageTokens {
  parse(path: string, query: URLSearchParams): PageRequest | { error: string };
  issue(path: string, query: URLSearchParams, offset: number, page: number): string;
}

function filterKey(path: string, query: URLSearchParams): string {
  const entries = [...query].filter(([k]) => k !== 'rowCount' && k !== 'pageToken').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${path}?${new URLSearchParams(entries).toString()}`;
}

export function createPageTokens(): PageTokens {
  const key = randomBytes(32);
  const sign = (binding: string, payload: string) => createHmac('sha256', key).update(`${binding}\n${payload}`).digest().subarray(0, 16);

  return {
    issue(path, query, offset, page) {
      const payload = Buffer.from(JSON.stringify({ o: offset, n: page })).toString('base64url');
      return `${payload}.${sign(filterKey(path, query), payload).toString('base64url')}`;
    },
    parse(path, query) {
      const rawCount = query.get('rowCount');
      const rowCount = rawCount === null ? DEFAULT_ROW_COUNT : Number(rawCount);
      if (!Number.isInteger(rowCount) || rowCount < 1) return { error: 'rowCount must be a positive integer' };
      if (rowCount > MAX_ROW_COUNT) return { error: `rowCount must not exceed ${MAX_ROW_COUNT}` };
      const token = query.get('pageToken');
      if (token === null) return { rowCount, offset: 0, page: 1 };
      const [payload, mac] = token.split('.');
      if (!payload || !mac) return { error: 'Invalid pageToken' };
      const expected = sign(filterKey(path, query), payload);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: 'Invalid pageToken' };
      try {
        const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        const { o, n } = decoded as { o?: unknown; n?: unknown };
        if (typeof o === 'number' && typeof n === 'number') return { rowCount, offset: o, page: n };
      } catch {
        // Falls through to the 400 below: a signed but unreadable token cannot happen unless the key leaked.
      }
      return { error: 'Invalid pageToken' };
    },
  };
}

/**
 * Scans a collection from `offset`, keeping rows that match, until one page is full. Returns the
 * position to resume from when at least one more matching row exists.
 */
export function scanPage(
  size: number,
  offset: number,
  rowCount: number,
  matches: (i: number) => boolean,
): { rows: number[]; next: number | undefined } {
  const rows: number[] = [];
  for (let i = offset; i < size; i += 1) {
    if (!matches(i)) continue;
    if (rows.length === rowCount) return { rows, next: i };
    rows.push(i);
  }
  return { rows, next: undefined };
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, URL-safe: session IDs, invite tokens, API key secrets. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Only hashes are stored, so a leaked table does not yield usable sessions, invites or keys. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export const hmac = (key: Buffer, value: string): string => createHmac('sha256', key).update(value).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

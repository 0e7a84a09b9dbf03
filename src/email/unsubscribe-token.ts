import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';

export type TokenPurpose = 'unsubscribe' | 'preferences';

export interface TokenClaims {
  tenantId: string;
  personId: string;
  purpose: TokenPurpose;
  expiresAt: Date;
}

export interface TokenSigner {
  sign(input: { tenantId: string; personId: string; purpose: TokenPurpose; ttlDays: number }): string;
  /** Returns the claims, or throws ValidationError when the token is malformed, tampered, expired or for another purpose. */
  verify(token: string, purpose: TokenPurpose): TokenClaims;
}

const VERSION = 'v1';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_TOKEN_LENGTH = 1024;

interface Payload {
  t: string;
  p: string;
  u: TokenPurpose;
  /** Expiry, epoch seconds. */
  e: number;
}

/**
 * Links in emails carry signed, expiring tokens so that a click can unsubscribe (RFC 8058 one-click)
 * or open preferences without a login. Only technical IDs are inside; the token is not encrypted.
 */
export function createTokenSigner(deps: { secret: string | Buffer; clock: Clock }): TokenSigner {
  const key = typeof deps.secret === 'string' ? Buffer.from(deps.secret, 'utf8') : deps.secret;
  if (key.length < 32) throw new ValidationError('Token signing secret must be at least 32 bytes');

  const mac = (body: string): Buffer => createHmac('sha256', key).update(`${VERSION}.${body}`).digest();

  return {
    sign({ tenantId, personId, purpose, ttlDays }) {
      if (!(ttlDays > 0)) throw new ValidationError('ttlDays must be positive');
      const e = Math.floor((deps.clock.now().getTime() + ttlDays * DAY_MS) / 1000);
      const payload: Payload = { t: tenantId, p: personId, u: purpose, e };
      const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },

    verify(token, purpose) {
      const invalid = new ValidationError('Invalid or expired link');
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid;
      const parts = token.split('.');
      const [body, signature] = parts;
      if (parts.length !== 2 || !body || !signature) throw invalid;
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      // Re-encoding rejects non-canonical base64url that would otherwise decode to the same bytes.
      if (given.toString('base64url') !== signature) throw invalid;
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
      const payload = parsePayload(body);
      if (!payload || payload.u !== purpose) throw invalid;
      const expiresAt = new Date(payload.e * 1000);
      if (deps.clock.now().getTime() >= expiresAt.getTime()) throw invalid;
      return { tenantId: payload.t, personId: payload.p, purpose: payload.u, expiresAt };
    },
  };
}

function parsePayload(body: string): Payload | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { t, p, u, e } = value as Record<string, unknown>;
    if (typeof t !== 'string' || typeof p !== 'string' || typeof e !== 'number') return null;
    if (u !== 'unsubscribe' && u !== 'preferences') return null;
    return { t, p, u, e };
  } catch {
    return null;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * RFC 8058 one-click unsubscribe headers. The URL must be https (plain http only on loopback, for the
 * local demo); the mailto variant is deliberately not offered.
 */
export function unsubscribeHeaders(url: string): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('Unsubscribe URL is not a valid URL');
  }
  const secure = parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname));
  if (!secure) throw new ValidationError('Unsubscribe URL must use https');
  return {
    'List-Unsubscribe': `<${parsed.href}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/**
 * Tokens as /v1/token and /v1/refreshtoken hand them out (PublicAuthenticationOutputModel), with the
 * scopes granted to the API client in Severa: a token carries the requested scopes it was granted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiToken } from './api-models';

export const ALL_SCOPES = ['users:read', 'hours:read', 'activities:read', 'projects:read', 'settings:read'] as const;
const REFRESH_TTL_SECONDS = 30 * 86_400;

export interface TokenBook {
  /** Body of POST /v1/token; undefined when the credentials are wrong. */
  issue(body: unknown): ApiToken | undefined;
  /** Body of POST /v1/refreshtoken: the refresh token as a JSON string or as { refresh_token }. */
  refresh(body: unknown): ApiToken | undefined;
  /** Scopes of a live access token, or undefined. */
  scopesOf(accessToken: string): ReadonlySet<string> | undefined;
  revokeAll(): void;
  issued(): number;
}

export interface TokenBookOptions {
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  grantedScopes: readonly string[];
  nowMs(): number;
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a field in either casing real clients use (client_id or Client_Id). */
function field(body: Record<string, unknown>, name: string): unknown {
  const capitalised = name.replace(/(^|_)([a-z])/g, (_, sep: string, c: string) => `${sep}${c.toUpperCase()}`);
  return body[name] ?? body[capitalised];
}

export function createTokenBook(opts: TokenBookOptions): TokenBook {
  const access = new Map<string, { expires: number; scopes: Set<string> }>();
  const refreshes = new Map<string, { expires: number; scopes: Set<string> }>();
  let issued = 0;
  const iso = (ms: number) => new Date(ms).toISOString();

  const mint = (scopes: Set<string>): ApiToken => {
    const now = opts.nowMs();
    const token = randomBytes(24).toString('base64url');
    const refresh = randomBytes(24).toString('base64url');
    access.set(token, { expires: now + opts.ttlSeconds * 1000, scopes });
    refreshes.set(refresh, { expires: now + REFRESH_TTL_SECONDS * 1000, scopes });
    issued += 1;
    return {
      access_token: token,
      access_token_type: 'Bearer',
      access_token_expires_in: opts.ttlSeconds,
      access_token_expires_utc: iso(now + opts.ttlSeconds * 1000),
      refresh_token: refresh,
      refresh_token_expires_in: REFRESH_TTL_SECONDS,
      refresh_token_expires_utc: iso(now + REFRESH_TTL_SECONDS * 1000),
      scope: [...scopes].join(','),
    };
  };

  return {
    issue(body) {
      const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (field(fields, 'client_id') !== opts.clientId || !sameSecret(field(fields, 'client_secret'), opts.clientSecret)) return undefined;
      const asked = typeof fields.scope === 'string' ? fields.scope.split(/[\s,]+/).filter(Boolean) : [];
      const granted = asked.length === 0 ? [...opts.grantedScopes] : asked.filter((s) => opts.grantedScopes.includes(s));
      return mint(new Set(granted));
    },
    refresh(body) {
      const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const given = typeof body === 'string' ? body : (fields.refresh_token ?? fields.refreshToken);
      const entry = typeof given === 'string' ? refreshes.get(given) : undefined;
      if (!entry || typeof given !== 'string' || entry.expires <= opts.nowMs()) return undefined;
      refreshes.delete(given);
      return mint(entry.scopes);
    },
    scopesOf(accessToken) {
      const entry = access.get(accessToken);
      if (!entry) return undefined;
      if (entry.expires > opts.nowMs()) return entry.scopes;
      access.delete(accessToken);
      return undefined;
    },
    revokeAll() {
      access.clear();
    },
    issued: () => issued,
  };
}

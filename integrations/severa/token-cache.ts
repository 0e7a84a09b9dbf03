/**
 * Caches the OAuth access token until shortly before it expires (by the injected clock) and shares
 * one in-flight token request between concurrent callers. Severa issues no refresh token.
 */
import type { Clock } from '../../src/clock';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export interface TokenCache {
  get(): Promise<string>;
  /** Forget the cached token (the ERP answered 401 with it). */
  invalidate(): void;
}

/** Renew this long before expiry, but never more than a tenth of a short-lived token's life. */
const RENEW_MARGIN_MS = 60_000;

export function createTokenCache(deps: { clock: Clock; issue: () => Promise<IssuedToken> }): TokenCache {
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  return {
    get() {
      if (cached && deps.clock.now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= deps
        .issue()
        .then((issued) => {
          const lifeMs = issued.expiresInSeconds * 1000;
          const margin = Math.min(RENEW_MARGIN_MS, lifeMs / 10);
          cached = { token: issued.accessToken, renewAt: deps.clock.now().getTime() + lifeMs - margin };
          return issued.accessToken;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * Caches the OAuth access token until shortly before it expires (by the injected clock) and shares
 * one in-flight token request between concurrent callers. Severa issues no refresh token.
 */
import type { Clock } from '../../src/clock';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  /** Sent as a header with every read; kept with the token so the secret store is asked only on renewal. */
  clientId: string;
}

export type CachedToken = Pick<IssuedToken, 'accessToken' | 'clientId'>;

export interface TokenCache {
  get(): Promise<CachedToken>;
  /** Forget the cached token (the ERP answered 401 with it). */
  invalidate(): void;
}

/** Renew this long before expiry, but never more than a tenth of a short-lived token's life. */
const RENEW_MARGIN_MS = 60_000;

export function createTokenCache(deps: { clock: Clock; issue: () => Promise<IssuedToken> }): TokenCache {
  let cached: { token: CachedToken; renewAt: number } | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  return {
    get() {
      if (cached && deps.clock.now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= deps
        .issue()
        .then((issued) => {
          const lifeMs = issued.expiresInSeconds * 1000;
          const margin = Math.min(RENEW_MARGIN_MS, lifeMs / 10);
          const token = { accessToken: issued.accessToken, clientId: issued.clientId };
          cached = { token, renewAt: deps.clock.now().getTime() + lifeMs - margin };
          return token;
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

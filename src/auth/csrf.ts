import { hmac, safeEqual } from './tokens';

/**
 * Synchronizer-style CSRF tokens without server storage: the token is an HMAC of what the request is
 * bound to (the session's ID hash, or a random pre-login cookie), so a token from one session is
 * useless in another and an attacker who cannot read our pages cannot compute it.
 */
export interface Csrf {
  tokenFor(binding: string): string;
  verify(binding: string, token: unknown): boolean;
}

export function createCsrf(deps: { secret: Buffer }): Csrf {
  const tokenFor = (binding: string): string => hmac(deps.secret, `csrf:${binding}`);
  return {
    tokenFor,
    verify: (binding, token) => typeof token === 'string' && token.length > 0 && safeEqual(tokenFor(binding), token),
  };
}

import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { ApiKeyService } from './api-keys';
import type { Csrf } from './csrf';
import type { Session, SessionStore } from './sessions';
import { randomToken, safeEqual } from './tokens';

export type AuthContext =
  | { kind: 'session'; session: Session; rawId: string }
  | { kind: 'api-key'; keyId: string; tenantId: string; scope: string; tenantStatus: string };

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    auth?: AuthContext;
    /** Session awaiting its TOTP step: known password, not yet signed in. */
    pending?: { session: Session; rawId: string };
    csrfToken: string;
    /** The known-device cookie as sent; users.service checks it against the account signing in. */
    device?: string;
  }
}

export interface CookieNames {
  session: string;
  preLogin: string;
  device: string;
  secure: boolean;
}

export const cookieNames = (secure: boolean): CookieNames =>
  // __Host- cookies are only accepted over https, host-only, path=/: right for production only.
  secure ? { session: '__Host-sid', preLogin: '__Host-pre', device: '__Host-dev', secure } : { session: 'sid', preLogin: 'pre', device: 'dev', secure };

export function cookieOptions(names: CookieNames) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: names.secure, path: '/' };
}

/** Resolves the session cookie and, for /api, an API key bearer; sets the CSRF token for templates. */
export function authenticate(deps: { sessions: SessionStore; apiKeys: ApiKeyService; csrf: Csrf; names: CookieNames }) {
  const { sessions, apiKeys, csrf, names } = deps;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const bearer = /^Bearer (eik_\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (bearer && req.path.startsWith('/api/')) {
      const key = await apiKeys.authenticate(bearer);
      if (key) {
        req.auth = { kind: 'api-key', keyId: key.id, tenantId: key.tenantId, scope: key.scope, tenantStatus: key.tenantStatus };
        // A key is the whole credential: no session to resolve, no form to protect, no cookie to set.
        return next();
      }
    }
    const device: unknown = req.cookies?.[names.device];
    if (typeof device === 'string' && device.length <= 200) req.device = device;
    const rawId: unknown = req.cookies?.[names.session];
    if (!req.auth && typeof rawId === 'string') {
      const session = await sessions.resolve(rawId);
      if (session?.mfaPassed) req.auth = { kind: 'session', session, rawId };
      else if (session) req.pending = { session, rawId };
      else res.clearCookie(names.session, cookieOptions(names));
    }
    let binding: string;
    if (req.auth?.kind === 'session') binding = req.auth.session.idHash;
    else if (req.pending) binding = req.pending.session.idHash;
    else {
      const pre: unknown = req.cookies?.[names.preLogin];
      binding = typeof pre === 'string' && /^[A-Za-z0-9_-]{22}$/.test(pre) ? pre : randomToken(16);
      if (binding !== pre) res.cookie(names.preLogin, binding, cookieOptions(names));
    }
    req.csrfToken = csrf.tokenFor(binding);
    res.locals.csrfToken = req.csrfToken;
    next();
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every unsafe request made with cookies carries the token (form field _csrf or X-CSRF-Token header). */
export function requireCsrf() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!UNSAFE.has(req.method) || req.auth?.kind === 'api-key') return next();
    const body = req.body as Record<string, unknown> | undefined;
    const token = req.get('x-csrf-token') ?? body?._csrf;
    if (!safeTokenEquals(req.csrfToken, token)) return next(new ForbiddenError('The form expired or did not come from this site. Reload the page and try again.', { pageTexts: [{ key: 'error.formExpired' }] }));
    next();
  };
}

function safeTokenEquals(expected: string, given: unknown): boolean {
  return typeof given === 'string' && safeEqual(expected, given);
}

export function sessionUser(req: Request) {
  return req.auth?.kind === 'session' ? req.auth.session.user : undefined;
}

export function requireStaff(req: Request, _res: Response, next: NextFunction): void {
  const user = sessionUser(req);
  if (!user) return next(new UnauthorizedError('Sign in to continue'));
  if (user.role !== 'staff') return next(new ForbiddenError('This page is for operator staff', { pageTexts: [{ key: 'error.staffOnly' }] }));
  next();
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  const user = sessionUser(req);
  if (!user) return next(new UnauthorizedError('Sign in to continue'));
  if (user.role !== 'admin' || !user.tenantId) return next(new ForbiddenError('This page is for customer admins', { pageTexts: [{ key: 'error.adminOnly' }] }));
  next();
}

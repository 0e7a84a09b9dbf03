import type { NextFunction, Request, Response } from 'express';
import { scopeAllows } from '../auth/api-keys';
import { AppError, ForbiddenError, TenantInactiveError, UnauthorizedError } from '../errors';

/** A key whose scope does not cover the request (a key can only read). */
export class InsufficientScopeError extends AppError {
  override readonly status = 403;
  override readonly code = 'insufficient_scope';
}

export type ApiCaller = 'staff' | 'admin' | 'api-key';

/**
 * Who may call an API route. Anonymous → 401; a signed-in user or key of the wrong kind → 403; a key
 * whose scope does not cover the method → 403 insufficient_scope; a key of a suspended or ended tenant
 * → 403 tenant_suspended / tenant_ended. Tenant ownership is checked afterwards by tenantScope (404
 * for another tenant's objects).
 */
export function allow(...callers: ApiCaller[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const auth = req.auth;
    if (!auth) return next(new UnauthorizedError('Authentication required: a session cookie or an API key'));
    const caller: ApiCaller = auth.kind === 'api-key' ? 'api-key' : auth.session.user.role;
    if (!callers.includes(caller)) return next(new ForbiddenError('Not allowed for this kind of caller'));
    if (auth.kind === 'api-key') {
      if (!scopeAllows(auth.scope, req.method)) return next(new InsufficientScopeError(`This API key's scope (${auth.scope}) does not allow ${req.method} requests`));
      if (auth.tenantStatus !== 'active') return next(new TenantInactiveError(auth.tenantStatus));
    }
    next();
  };
}

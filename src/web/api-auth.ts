import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';

export type ApiCaller = 'staff' | 'admin' | 'api-key';

/**
 * Who may call an API route. Anonymous → 401; a signed-in user or key of the wrong kind → 403.
 * Tenant ownership is checked afterwards by tenantScope (404 for another tenant's objects).
 */
export function allow(...callers: ApiCaller[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const auth = req.auth;
    if (!auth) return next(new UnauthorizedError('Authentication required: a session cookie or an API key'));
    const caller: ApiCaller = auth.kind === 'api-key' ? 'api-key' : auth.session.user.role;
    if (!callers.includes(caller)) return next(new ForbiddenError('Not allowed for this kind of caller'));
    next();
  };
}

import type { Request } from 'express';
import type { AuditActor, AuditEntry, AuditLog } from '../audit/audit.service';
import { NotFoundError, TenantInactiveError, UnauthorizedError } from '../errors';
import type { TenantsService } from '../tenants/tenants.service';
import type { RequestedBy } from './ports';
import type { Client } from '../auth/users.service';

export function actorOf(req: Request): AuditActor {
  if (req.auth?.kind === 'api-key') return { type: 'api-key', id: req.auth.keyId };
  if (req.auth?.kind === 'session') return { type: req.auth.session.user.role, id: req.auth.session.user.id };
  return { type: 'system', id: null };
}

/** Records an audit event with the request's actor, IP and request ID filled in. */
export function auditFor(audit: AuditLog) {
  return (req: Request, entry: Omit<AuditEntry, 'actor' | 'ip' | 'requestId'> & { actor?: AuditActor }): Promise<void> =>
    audit.record({ actor: entry.actor ?? actorOf(req), ip: req.ip ?? null, requestId: req.requestId, ...entry });
}

export type Audit = ReturnType<typeof auditFor>;

/** The requester a service records in its own audit event, for actions the route does not audit itself. */
export function requestedBy(req: Request): RequestedBy {
  return { actor: actorOf(req), ip: req.ip ?? null, requestId: req.requestId };
}

/**
 * The tenant a request may act on: a customer admin or an API key only ever reaches its own tenant
 * (anything else answers 404, as if it did not exist); staff reach every tenant.
 */
export function tenantScope(req: Request, requested: string): string {
  const auth = req.auth;
  if (auth?.kind === 'api-key') {
    if (auth.tenantId !== requested) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
    return requested;
  }
  const user = auth?.session.user;
  if (user?.role === 'staff') return requested;
  if (user?.tenantId !== requested) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
  return requested;
}

/**
 * For actions that reach the tenant's ERP or people, or issue API keys: a suspended or ended tenant
 * answers 403 (tenant_suspended / tenant_ended). Reading status and exporting data stay open.
 */
export async function activeTenant(tenants: Pick<TenantsService, 'get'>, tenantId: string): Promise<string> {
  const tenant = await tenants.get(tenantId);
  if (tenant.status !== 'active') throw new TenantInactiveError(tenant.status);
  return tenant.id;
}

/** The signed-in customer admin's own account, for pages that act on it. */
export function currentAdmin(req: Request): { id: string; tenantId: string } {
  const user = req.auth?.kind === 'session' ? req.auth.session.user : undefined;
  if (!user?.tenantId) throw new UnauthorizedError('Sign in to continue');
  return { id: user.id, tenantId: user.tenantId };
}

export function adminTenant(req: Request): string {
  const tenantId = req.auth?.kind === 'session' ? req.auth.session.user.tenantId : null;
  if (!tenantId) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
  return tenantId;
}

/** Who is trying, for the login throttle: the address (as express derives it under TRUST_PROXY) and the known-device cookie. */
export function sourceOf(req: Request): Client {
  return { address: req.ip ?? req.socket.remoteAddress ?? 'unknown', device: req.device };
}

/** Form fields arrive as string | string[] | undefined; this keeps the first string. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

/** Only same-site relative paths are followed after login, never another origin. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[A-Za-z0-9/_?=&.%-]*$/.test(value) ? value : '/';
}

/** Route parameters as a plain string (Express 5 types allow arrays for wildcard segments). */
export function param(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

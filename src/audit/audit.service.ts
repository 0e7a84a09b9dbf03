import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { newId } from '../util/ids';

/** Who did it. Actor IDs are technical (user ID, API key ID, 'system'); never a name or address. */
export interface AuditActor {
  type: 'staff' | 'admin' | 'api-key' | 'system' | 'employee';
  id: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  tenantId: string | null;
  action: string;
  object?: { type: string; id: string | null };
  ip?: string | null;
  requestId?: string | null;
  /** Numbers and technical IDs only. */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEvent {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  tenantId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first; tenantId undefined lists every tenant (staff view). */
  list(query: { tenantId?: string; limit: number; before?: string }): Promise<AuditEvent[]>;
}

export function createAuditLog(deps: { db: Db; clock: Clock }): AuditLog {
  const { db, clock } = deps;
  return {
    async record(entry) {
      await db.kysely
        .insertInto('audit_events')
        .values({
          id: newId(),
          at: clock.now().toISOString(),
          actor_type: entry.actor.type,
          actor_id: entry.actor.id,
          tenant_id: entry.tenantId,
          action: entry.action,
          object_type: entry.object?.type ?? null,
          object_id: entry.object?.id ?? null,
          ip: entry.ip ?? null,
          request_id: entry.requestId ?? null,
          details_json: entry.details ? JSON.stringify(entry.details) : null,
        })
        .execute();
    },
    async list(query) {
      let q = db.kysely.selectFrom('audit_events').selectAll();
      if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
      if (query.before) q = q.where('at', '<', query.before);
      const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        tenantId: r.tenant_id,
        action: r.action,
        objectType: r.object_type,
        objectId: r.object_id,
        ip: r.ip,
        requestId: r.request_id,
        details: r.details_json ? (JSON.parse(r.details_json) as Record<string, unknown>) : null,
      }));
    },
  };
}

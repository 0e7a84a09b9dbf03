import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { NotFoundError } from '../errors';
import { newId } from '../util/ids';
import { randomToken, sha256 } from './tokens';

/** Read-only: insight summaries and run status. Writes always need a signed-in admin. */
export const API_KEY_SCOPE = 'read';

/**
 * What a request needs of a key's scope (space-separated, as in OAuth): 'read' for GET and HEAD,
 * 'write' for anything else. No key is issued with 'write', so keys can only ever read.
 */
export function scopeAllows(scope: string, method: string): boolean {
  const needed = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  return scope.split(/\s+/).includes(needed);
}

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  scope: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyService {
  /** The full key is returned once; only its SHA-256 is stored. */
  create(tenantId: string, createdBy: string): Promise<{ id: string; key: string; prefix: string }>;
  list(tenantId: string): Promise<ApiKeyInfo[]>;
  /** NotFoundError for another tenant's key, so key IDs cannot be probed across tenants. */
  revoke(tenantId: string, id: string): Promise<void>;
  /** tenantStatus lets the caller refuse keys of a suspended or ended tenant with a clear answer. */
  authenticate(key: string): Promise<{ id: string; tenantId: string; scope: string; tenantStatus: string } | undefined>;
}

const KEY_FORMAT = /^eik_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

export function createApiKeyService(deps: { db: Db; clock: Clock }): ApiKeyService {
  const { db, clock } = deps;
  return {
    async create(tenantId, createdBy) {
      const prefix = randomToken(12).replace(/[^A-Za-z0-9]/g, '').slice(0, 8).padEnd(8, '0');
      const key = `eik_${prefix}_${randomToken(32)}`;
      const id = newId();
      await db.kysely
        .insertInto('api_keys')
        .values({ id, tenant_id: tenantId, key_hash: sha256(key), prefix, scope: API_KEY_SCOPE, created_by: createdBy, created_at: clock.now().toISOString(), revoked_at: null })
        .execute();
      return { id, key, prefix };
    },
    async list(tenantId) {
      const rows = await db.kysely.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({ id: r.id, prefix: r.prefix, scope: r.scope, createdAt: r.created_at, revokedAt: r.revoked_at }));
    },
    async revoke(tenantId, id) {
      const result = await db.kysely
        .updateTable('api_keys')
        .set({ revoked_at: clock.now().toISOString() })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('API key not found', { pageTexts: [{ key: 'error.apiKeyNotFound' }] });
    },
    async authenticate(key) {
      if (!KEY_FORMAT.test(key)) return undefined;
      const row = await db.kysely
        .selectFrom('api_keys')
        .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
        .select(['api_keys.id', 'api_keys.tenant_id', 'api_keys.scope', 'tenants.status'])
        .where('api_keys.key_hash', '=', sha256(key))
        .where('api_keys.revoked_at', 'is', null)
        .executeTakeFirst();
      return row && { id: row.id, tenantId: row.tenant_id, scope: row.scope, tenantStatus: row.status };
    },
  };
}

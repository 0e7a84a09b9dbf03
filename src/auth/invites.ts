import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { newId } from '../util/ids';
import { randomToken, sha256 } from './tokens';

export const INVITE_DAYS = 7;

export interface InviteService {
  /** The raw token goes into the link shown once to staff; only its hash is stored. */
  create(tenantId: string, createdBy: string): Promise<{ id: string; token: string; expiresAt: string }>;
  /** The invite's tenant while the token is unused and unexpired. */
  find(token: string): Promise<{ id: string; tenantId: string } | undefined>;
  /** Marks the invite used; false when someone else used it first (single use under races). */
  consume(inviteId: string): Promise<boolean>;
}

export function createInviteService(deps: { db: Db; clock: Clock }): InviteService {
  const { db, clock } = deps;
  return {
    async create(tenantId, createdBy) {
      const token = randomToken(32);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000).toISOString();
      const id = newId();
      await db.kysely
        .insertInto('invites')
        .values({ id, token_hash: sha256(token), tenant_id: tenantId, created_by: createdBy, expires_at: expiresAt, used_at: null, created_at: now.toISOString() })
        .execute();
      return { id, token, expiresAt };
    },
    async find(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const row = await db.kysely
        .selectFrom('invites')
        .select(['id', 'tenant_id'])
        .where('token_hash', '=', sha256(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', clock.now().toISOString())
        .executeTakeFirst();
      return row && { id: row.id, tenantId: row.tenant_id };
    },
    async consume(inviteId) {
      const result = await db.kysely
        .updateTable('invites')
        .set({ used_at: clock.now().toISOString() })
        .where('id', '=', inviteId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

import type { Clock } from '../clock';
import type { Db, Executor } from '../db/db';
import { ConflictError } from '../errors';
import { newId } from '../util/ids';
import { randomToken, sha256 } from './tokens';
import { checkUsername } from './usernames';

export const INVITE_DAYS = 7;

export interface Invite {
  id: string;
  tenantId: string;
  username: string;
}

export interface InviteService {
  /**
   * The operator names the account, so the invitee cannot probe which names exist elsewhere; a name
   * that is taken, or held by an open invite, is refused here, to the operator. The raw token goes into
   * the link shown once to staff; only its hash is stored.
   */
  create(tenantId: string, createdBy: string, username: string): Promise<{ id: string; token: string; expiresAt: string }>;
  /** The invite while the token is unused and unexpired. */
  find(token: string): Promise<Invite | undefined>;
  /**
   * Marks the invite used, in the caller's transaction (the one that creates the account); false when
   * someone else used it first or it expired meanwhile, so one invite makes at most one account.
   */
  consume(trx: Executor, inviteId: string): Promise<boolean>;
}

export function createInviteService(deps: { db: Db; clock: Clock }): InviteService {
  const { db, clock } = deps;
  return {
    async create(tenantId, createdBy, rawUsername) {
      const username = rawUsername.trim().toLowerCase();
      checkUsername(username);
      const token = randomToken(32);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000).toISOString();
      const id = newId();
      await db.kysely.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
        const open = await trx
          .selectFrom('invites')
          .select('id')
          .where('username', '=', username)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now.toISOString())
          .executeTakeFirst();
        if (user || open) throw new ConflictError('That user name is taken or already invited; choose another', { pageTexts: [{ key: 'invite.taken' }] });
        await trx
          .insertInto('invites')
          .values({ id, token_hash: sha256(token), tenant_id: tenantId, created_by: createdBy, expires_at: expiresAt, used_at: null, created_at: now.toISOString(), username })
          .execute();
      });
      return { id, token, expiresAt };
    },
    async find(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const row = await db.kysely
        .selectFrom('invites')
        .select(['id', 'tenant_id', 'username'])
        .where('token_hash', '=', sha256(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', clock.now().toISOString())
        .executeTakeFirst();
      return row?.username ? { id: row.id, tenantId: row.tenant_id, username: row.username } : undefined;
    },
    async consume(trx, inviteId) {
      const now = clock.now().toISOString();
      const result = await trx
        .updateTable('invites')
        .set({ used_at: now })
        .where('id', '=', inviteId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

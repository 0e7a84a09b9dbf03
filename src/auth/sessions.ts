import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { randomToken, sha256 } from './tokens';

export interface SessionUser {
  id: string;
  role: 'staff' | 'admin';
  tenantId: string | null;
  username: string;
  /** The pages' language the account chose; null follows the browser. */
  language: string | null;
}

export interface Session {
  idHash: string;
  user: SessionUser;
  mfaPassed: boolean;
}

export interface SessionStore {
  /** Returns the raw ID for the cookie; only its SHA-256 is stored. */
  create(userId: string, mfaPassed: boolean): Promise<string>;
  /** The live session for a raw cookie value, touching its idle timer; undefined when expired or unknown. */
  resolve(rawId: string): Promise<Session | undefined>;
  destroy(rawId: string): Promise<void>;
  /** Every session of the user, except the one whose hash is `keepIdHash` when given. */
  destroyAllForUser(userId: string, keepIdHash?: string): Promise<number>;
}

export interface SessionTimeouts {
  idleMinutes: number;
  absoluteHours: number;
}

/** Idle-timer writes are skipped when the last one is this recent, so page loads stay read-only. */
const TOUCH_AFTER_MS = 60_000;

export function createSessionStore(deps: { db: Db; clock: Clock; timeouts: SessionTimeouts }): SessionStore {
  const { db, clock, timeouts } = deps;
  const idleMs = timeouts.idleMinutes * 60_000;

  return {
    async create(userId, mfaPassed) {
      const raw = randomToken(32);
      const now = clock.now();
      await db.kysely
        .insertInto('sessions')
        .values({
          id_hash: sha256(raw),
          user_id: userId,
          created_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: new Date(now.getTime() + timeouts.absoluteHours * 3_600_000).toISOString(),
          mfa_passed: mfaPassed ? 1 : 0,
        })
        .execute();
      return raw;
    },

    async resolve(raw) {
      if (raw.length < 20 || raw.length > 100) return undefined;
      const idHash = sha256(raw);
      const row = await db.kysely
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.last_seen_at', 'sessions.expires_at', 'sessions.mfa_passed'])
        .select(['users.id', 'users.role', 'users.tenant_id', 'users.username', 'users.disabled_at', 'users.language'])
        .where('sessions.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const now = clock.now();
      const idleExpired = new Date(row.last_seen_at).getTime() + idleMs <= now.getTime();
      if (idleExpired || row.expires_at <= now.toISOString() || row.disabled_at !== null) {
        await db.kysely.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
        return undefined;
      }
      if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_AFTER_MS) {
        await db.kysely
          .updateTable('sessions')
          .set({ last_seen_at: now.toISOString() })
          .where('id_hash', '=', idHash)
          .execute();
      }
      return {
        idHash,
        mfaPassed: row.mfa_passed === 1,
        user: { id: row.id, role: row.role === 'staff' ? 'staff' : 'admin', tenantId: row.tenant_id, username: row.username, language: row.language },
      };
    },

    async destroy(raw) {
      await db.kysely.deleteFrom('sessions').where('id_hash', '=', sha256(raw)).execute();
    },

    async destroyAllForUser(userId, keepIdHash) {
      let query = db.kysely.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepIdHash) query = query.where('id_hash', '<>', keepIdHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

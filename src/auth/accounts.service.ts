import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { newId } from '../util/ids';
import { createLoginThrottle } from './login-throttle';
import { checkPasswordPolicy, type PasswordHasher } from './passwords';
import type { SessionStore } from './sessions';
import { randomToken, sha256 } from './tokens';
import type { Client, Refusal, UsersService } from './users.service';

/** A reset link is a credential: short-lived and single use. */
export const RESET_MINUTES = 60;

export interface AdminAccount {
  id: string;
  username: string;
  disabled: boolean;
  twoStep: boolean;
  createdAt: string;
  /** Set when sign-in with this name is paused (lockout) from some address. */
  pausedUntil: string | null;
}

export interface AccountsService {
  /** The customer admins of one tenant, oldest first. */
  listAdmins(tenantId: string): Promise<AdminAccount[]>;
  /** The current password first; every other session of the user ends. */
  changePassword(input: { userId: string; current: string; next: string; source: Client; keepSessionHash: string }): Promise<{ ok: true; endedSessions: number } | Refusal>;
  /**
   * Disables or re-enables a customer admin of the tenant and ends its sessions. `keepOneActive`
   * (customer admins acting) refuses a change that would leave the tenant with no active admin.
   */
  setDisabled(input: { tenantId: string; userId: string; disabled: boolean; keepOneActive: boolean }): Promise<{ endedSessions: number }>;
  /** Deletes a customer admin of the tenant with its sessions and reset links; never the last active one. */
  remove(input: { tenantId: string; userId: string }): Promise<{ endedSessions: number }>;
  /**
   * An operator-issued reset link for a customer admin of the tenant: earlier links of the user stop
   * working and its sessions end now. The raw token is returned once; only its hash is stored.
   */
  issueReset(input: { tenantId: string; userId: string; issuedBy: string }): Promise<{ id: string; token: string; expiresAt: string; endedSessions: number }>;
  /** The open reset link's user, or undefined when it is unknown, used or expired. */
  findReset(token: string): Promise<{ id: string; userId: string; username: string } | undefined>;
  /** Sets the new password and uses the link up in one transaction; every session of the user ends. */
  useReset(token: string, password: string): Promise<{ resetId: string; userId: string; tenantId: string | null }>;
  /** Operator unlock: clears every sign-in count of the admin's user name. */
  unlock(input: { tenantId: string; userId: string }): Promise<void>;
}

const RESET_GONE = 'This reset link is not valid any more. Ask your operator for a new one.';
const LAST_ADMIN = 'The last active admin of a tenant cannot be disabled or removed. Invite or enable another admin first.';

export function createAccountsService(deps: {
  db: Db;
  clock: Clock;
  passwords: PasswordHasher;
  users: Pick<UsersService, 'reauthenticate'>;
  sessions: Pick<SessionStore, 'destroyAllForUser'>;
}): AccountsService {
  const { db, clock, passwords, users, sessions } = deps;
  const throttle = createLoginThrottle({ db, clock });
  const nowIso = (): string => clock.now().toISOString();

  async function tenantAdmin(tenantId: string, userId: string) {
    const user = await db.kysely.selectFrom('users').selectAll().where('id', '=', userId).where('tenant_id', '=', tenantId).where('role', '=', 'admin').executeTakeFirst();
    if (!user) throw new NotFoundError('No such admin in this tenant', { pageTexts: [{ key: 'error.adminNotFound' }] });
    return user;
  }

  /** Other active admins of the tenant, read in the statement that changes the row, so two admins cannot both go. */
  const othersActive = (tenantId: string, userId: string) =>
    sql<number>`(select count(*) from users o where o.tenant_id = ${tenantId} and o.role = 'admin' and o.disabled_at is null and o.id <> ${userId})`;

  const resetRow = (token: string) =>
    db.kysely
      .selectFrom('password_resets')
      .innerJoin('users', 'users.id', 'password_resets.user_id')
      .select(['password_resets.id', 'password_resets.user_id', 'users.username', 'users.tenant_id'])
      .where('password_resets.token_hash', '=', sha256(token))
      .where('password_resets.used_at', 'is', null)
      .where('password_resets.expires_at', '>', nowIso())
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();

  return {
    async listAdmins(tenantId) {
      const rows = await db.kysely.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('role', '=', 'admin').orderBy('created_at').orderBy('id').execute();
      return Promise.all(
        rows.map(async (u) => ({
          id: u.id,
          username: u.username,
          disabled: u.disabled_at !== null,
          twoStep: u.mfa_enabled === 1,
          createdAt: u.created_at,
          pausedUntil: await throttle.pausedUntil(u.username),
        })),
      );
    },

    async changePassword({ userId, current, next, source, keepSessionHash }) {
      const reauth = await users.reauthenticate(userId, current, source);
      if (!reauth.ok) return reauth;
      const user = await db.kysely.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirstOrThrow();
      checkPasswordPolicy(next, { username: user.username });
      if (current === next) throw new ValidationError('The password does not meet the requirements', ['Choose a password other than the current one.'], { pageTexts: [{ key: 'error.weakPassword' }], issueTexts: [{ key: 'password.same' }] });
      await db.kysely.updateTable('users').set({ password_hash: await passwords.hash(next) }).where('id', '=', userId).execute();
      return { ok: true, endedSessions: await sessions.destroyAllForUser(userId, keepSessionHash) };
    },

    async setDisabled({ tenantId, userId, disabled, keepOneActive }) {
      await tenantAdmin(tenantId, userId);
      let query = db.kysely.updateTable('users').set({ disabled_at: disabled ? nowIso() : null }).where('id', '=', userId);
      if (disabled && keepOneActive) query = query.where(othersActive(tenantId, userId), '>', 0);
      const result = await query.executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new ConflictError(LAST_ADMIN, { pageTexts: [{ key: 'users.lastAdmin' }] });
      return { endedSessions: disabled ? await sessions.destroyAllForUser(userId) : 0 };
    },

    async remove({ tenantId, userId }) {
      await tenantAdmin(tenantId, userId);
      const endedSessions = await db.kysely.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('users').where('id', '=', userId).where(othersActive(tenantId, userId), '>', 0).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw new ConflictError(LAST_ADMIN, { pageTexts: [{ key: 'users.lastAdmin' }] });
        await trx.deleteFrom('password_resets').where('user_id', '=', userId).execute();
        const ended = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
        return Number(ended.numDeletedRows);
      });
      return { endedSessions };
    },

    async issueReset({ tenantId, userId, issuedBy }) {
      await tenantAdmin(tenantId, userId);
      const token = randomToken(32);
      const now = clock.now();
      const id = newId();
      const expiresAt = new Date(now.getTime() + RESET_MINUTES * 60_000).toISOString();
      await db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('password_resets').set({ used_at: now.toISOString() }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
        await trx.insertInto('password_resets').values({ id, token_hash: sha256(token), user_id: userId, created_by: issuedBy, expires_at: expiresAt, used_at: null, created_at: now.toISOString() }).execute();
      });
      return { id, token, expiresAt, endedSessions: await sessions.destroyAllForUser(userId) };
    },

    async findReset(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const row = await resetRow(token);
      return row && { id: row.id, userId: row.user_id, username: row.username };
    },

    async useReset(token, password) {
      const reset = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await resetRow(token) : undefined;
      if (!reset) throw new NotFoundError(RESET_GONE, { pageTexts: [{ key: 'reset.gone' }] });
      checkPasswordPolicy(password, { username: reset.username });
      const passwordHash = await passwords.hash(password);
      await db.kysely.transaction().execute(async (trx) => {
        const used = await trx.updateTable('password_resets').set({ used_at: nowIso() }).where('id', '=', reset.id).where('used_at', 'is', null).where('expires_at', '>', nowIso()).executeTakeFirst();
        if (Number(used.numUpdatedRows) === 0) throw new NotFoundError(RESET_GONE, { pageTexts: [{ key: 'reset.gone' }] });
        await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', reset.user_id).execute();
      });
      await sessions.destroyAllForUser(reset.user_id);
      await throttle.clear(reset.username);
      return { resetId: reset.id, userId: reset.user_id, tenantId: reset.tenant_id };
    },

    async unlock({ tenantId, userId }) {
      const user = await tenantAdmin(tenantId, userId);
      await throttle.clear(user.username);
    },
  };
}

import type { Clock } from '../clock';
import type { CipherContext } from '../crypto/envelope';
import type { Db } from '../db/db';
import { ConflictError, ValidationError } from '../errors';
import { newId } from '../util/ids';
import { checkPasswordPolicy, type PasswordHasher } from './passwords';
import { randomToken } from './tokens';
import { newTotpEnrolment, totpStep, type TotpEnrolment } from './totp';

/** The part of the envelope used to keep TOTP secrets encrypted at rest. */
export interface SecretCipher {
  encrypt(ctx: CipherContext, plaintext: string): Promise<string>;
  decrypt(ctx: CipherContext, ciphertext: string): Promise<string>;
}

export type Role = 'staff' | 'admin';

export interface LoginUser {
  id: string;
  role: Role;
  tenantId: string | null;
}

export type LoginResult =
  | { ok: true; user: LoginUser; needsTotp: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: string };

export interface UsersService {
  /**
   * For the `create-staff` CLI: the TOTP enrolment and a generated initial password are returned once
   * (printed by main.ts) and never shown again.
   */
  createStaffUser(username: string): Promise<{ userId: string; enrolment: TotpEnrolment; initialPassword: string }>;
  createAdminUser(input: { tenantId: string; username: string; password: string }): Promise<{ userId: string }>;
  checkPassword(username: string, password: string): Promise<LoginResult>;
  checkTotp(userId: string, code: string): Promise<LoginResult>;
  setPassword(userId: string, password: string): Promise<void>;
  /** Whether a customer admin's sign-in asks for a TOTP code. */
  totpEnabled(userId: string): Promise<boolean>;
  /**
   * Starts (or restarts) a customer admin's enrolment: the secret is stored encrypted but stays inactive
   * until confirmTotp proves the authenticator produces codes for it. Returned once, for display.
   */
  startTotpEnrolment(userId: string): Promise<TotpEnrolment>;
  /** Turns TOTP on if the code matches the pending secret; a wrong code counts towards lockout. */
  confirmTotp(userId: string, code: string): Promise<LoginResult>;
  /** Turns TOTP off; needs the password and a current code, and failures count towards lockout. */
  disableTotp(userId: string, password: string, code: string): Promise<LoginResult>;
}

export const LOCKOUT = { maxFailures: 5, minutes: 15 };
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

const totpContext = (userId: string): CipherContext => ({
  tenantId: 'system',
  table: 'users',
  column: 'totp_secret_enc',
  rowId: userId,
});

export function createUsersService(deps: { db: Db; clock: Clock; cipher: SecretCipher; passwords: PasswordHasher }): UsersService {
  const { db, clock, cipher, passwords } = deps;
  const nowIso = (): string => clock.now().toISOString();

  function checkUsername(username: string): void {
    if (!USERNAME.test(username)) {
      // Rejecting '@' keeps email addresses out of the users table.
      throw new ValidationError('Invalid user name', [
        'Use 3–64 lowercase letters, digits, dots, dashes or underscores (not an email address).',
      ]);
    }
  }

  async function insertUser(row: { id: string; role: Role; tenantId: string | null; username: string; passwordHash: string | null; totpEnc: string | null }) {
    const exists = await db.kysely.selectFrom('users').select('id').where('username', '=', row.username).executeTakeFirst();
    if (exists) throw new ConflictError('That user name is taken');
    await db.kysely
      .insertInto('users')
      .values({
        id: row.id,
        role: row.role,
        tenant_id: row.tenantId,
        username: row.username,
        password_hash: row.passwordHash,
        totp_secret_enc: row.totpEnc,
        mfa_enabled: row.totpEnc ? 1 : 0,
        failed_logins: 0,
        locked_until: null,
        created_at: nowIso(),
        disabled_at: null,
      })
      .execute();
  }

  async function recordFailure(userId: string, failures: number): Promise<LoginResult> {
    if (failures + 1 >= LOCKOUT.maxFailures) {
      const lockedUntil = new Date(clock.now().getTime() + LOCKOUT.minutes * 60_000).toISOString();
      await db.kysely.updateTable('users').set({ failed_logins: 0, locked_until: lockedUntil }).where('id', '=', userId).execute();
      return { ok: false, reason: 'locked', lockedUntil };
    }
    await db.kysely.updateTable('users').set({ failed_logins: failures + 1 }).where('id', '=', userId).execute();
    return { ok: false, reason: 'invalid' };
  }

  async function loadActive(where: { id: string } | { username: string }) {
    const q = db.kysely.selectFrom('users').selectAll().where('disabled_at', 'is', null);
    return 'id' in where ? q.where('id', '=', where.id).executeTakeFirst() : q.where('username', '=', where.username).executeTakeFirst();
  }

  /** Staff MFA is mandatory, so self-service TOTP changes are for customer admins only. */
  async function loadAdmin(userId: string) {
    const user = await loadActive({ id: userId });
    if (!user || user.role !== 'admin') throw new ValidationError('Two-step sign-in is managed here only for customer admins');
    return user;
  }

  /**
   * Accepts a code at most once: its time step must be newer than the last accepted one, recorded by a
   * guarded update so two concurrent sign-ins with the same observed code cannot both pass.
   */
  async function useCode(user: { id: string; totp_secret_enc: string | null }, code: string): Promise<boolean> {
    if (!user.totp_secret_enc) return false;
    const step = totpStep(await cipher.decrypt(totpContext(user.id), user.totp_secret_enc), code.trim(), clock.now());
    if (step === null) return false;
    const result = await db.kysely
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  const lockedResult = (user: { locked_until: string | null }): LoginResult | null =>
    user.locked_until && user.locked_until > nowIso() ? { ok: false, reason: 'locked', lockedUntil: user.locked_until } : null;

  const toLoginUser = (u: { id: string; role: string; tenant_id: string | null }): LoginUser => ({
    id: u.id,
    role: u.role === 'staff' ? 'staff' : 'admin',
    tenantId: u.tenant_id,
  });

  return {
    async createStaffUser(username) {
      checkUsername(username);
      const userId = newId();
      const enrolment = newTotpEnrolment(username);
      const totpEnc = await cipher.encrypt(totpContext(userId), enrolment.secret);
      const initialPassword = randomToken(15);
      await insertUser({ id: userId, role: 'staff', tenantId: null, username, passwordHash: await passwords.hash(initialPassword), totpEnc });
      return { userId, enrolment, initialPassword };
    },

    async createAdminUser({ tenantId, username, password }) {
      checkUsername(username);
      checkPasswordPolicy(password, { username });
      const userId = newId();
      await insertUser({ id: userId, role: 'admin', tenantId, username, passwordHash: await passwords.hash(password), totpEnc: null });
      return { userId };
    },

    async checkPassword(username, password) {
      const user = await loadActive({ username: username.trim().toLowerCase() });
      if (!user) {
        // Same scrypt cost for unknown users, so timing does not reveal which names exist.
        await passwords.verify(password, await passwords.dummyHash());
        return { ok: false, reason: 'invalid' };
      }
      if (user.locked_until && user.locked_until > nowIso()) return { ok: false, reason: 'locked', lockedUntil: user.locked_until };
      const passwordOk = user.password_hash !== null && (await passwords.verify(password, user.password_hash));
      if (!passwordOk) return recordFailure(user.id, user.failed_logins);
      const needsTotp = user.role === 'staff' || user.mfa_enabled === 1;
      if (!needsTotp) await db.kysely.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp };
    },

    async checkTotp(userId, code) {
      const user = await loadActive({ id: userId });
      if (!user || !user.totp_secret_enc) return { ok: false, reason: 'invalid' };
      if (user.locked_until && user.locked_until > nowIso()) return { ok: false, reason: 'locked', lockedUntil: user.locked_until };
      if (!(await useCode(user, code))) return recordFailure(user.id, user.failed_logins);
      await db.kysely.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp: false };
    },

    async setPassword(userId, password) {
      const user = await loadActive({ id: userId });
      if (!user) throw new ValidationError('Unknown user');
      checkPasswordPolicy(password, { username: user.username });
      await db.kysely.updateTable('users').set({ password_hash: await passwords.hash(password) }).where('id', '=', userId).execute();
    },

    async totpEnabled(userId) {
      return (await loadActive({ id: userId }))?.mfa_enabled === 1;
    },

    async startTotpEnrolment(userId) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled === 1) throw new ConflictError('Two-step sign-in is already on; turn it off first to change the authenticator');
      const enrolment = newTotpEnrolment(user.username);
      const totpEnc = await cipher.encrypt(totpContext(user.id), enrolment.secret);
      await db.kysely.updateTable('users').set({ totp_secret_enc: totpEnc, mfa_enabled: 0 }).where('id', '=', user.id).execute();
      return enrolment;
    },

    async confirmTotp(userId, code) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled === 1) throw new ConflictError('Two-step sign-in is already on');
      const locked = lockedResult(user);
      if (locked) return locked;
      if (!(await useCode(user, code))) return recordFailure(user.id, user.failed_logins);
      await db.kysely.updateTable('users').set({ mfa_enabled: 1, failed_logins: 0 }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp: true };
    },

    async disableTotp(userId, password, code) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled !== 1) throw new ConflictError('Two-step sign-in is already off');
      const locked = lockedResult(user);
      if (locked) return locked;
      const passwordOk = user.password_hash !== null && (await passwords.verify(password, user.password_hash));
      if (!passwordOk || !(await useCode(user, code))) return recordFailure(user.id, user.failed_logins);
      await db.kysely.updateTable('users').set({ mfa_enabled: 0, totp_secret_enc: null, totp_last_step: null, failed_logins: 0 }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp: false };
    },
  };
}

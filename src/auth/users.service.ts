import type { Clock } from '../clock';
import type { CipherContext } from '../crypto/envelope';
import type { Db, Executor } from '../db/db';
import { ConflictError, ValidationError } from '../errors';
import { newId } from '../util/ids';
import { createLoginThrottle } from './login-throttle';
import { checkPasswordPolicy, type PasswordHasher } from './passwords';
import { hmac, randomToken, safeEqual } from './tokens';
import { checkUsername } from './usernames';
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

export type Refusal = { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; lockedUntil: string };

/** `device`: on a completed sign-in, the known-device cookie for this browser (with a device key). */
export type LoginResult = { ok: true; user: LoginUser; needsTotp: boolean; device?: string } | Refusal;

/** Who is trying: the client's address and, when the browser sent one, its known-device cookie. */
export interface Client {
  address: string;
  device?: string;
}

/**
 * Every check of a password or code takes the client and is counted by the login throttle, in-session
 * re-authentication included, so a stolen session is no password oracle.
 */
export interface UsersService {
  /**
   * For the `create-staff` CLI: the TOTP enrolment and a generated initial password are returned once
   * (printed by main.ts) and never shown again.
   */
  createStaffUser(username: string): Promise<{ userId: string; enrolment: TotpEnrolment; initialPassword: string }>;
  /**
   * `claim` runs in the same transaction as the insert, before it (an invite's single use): when it
   * throws, nothing is created.
   */
  createAdminUser(input: { tenantId: string; username: string; password: string; claim?: (trx: Executor) => Promise<void> }): Promise<{ userId: string }>;
  checkPassword(username: string, password: string, source: Client): Promise<LoginResult>;
  checkTotp(userId: string, code: string, source: Client): Promise<LoginResult>;
  /** The current password again, before a security change; counted like a sign-in. */
  reauthenticate(userId: string, password: string, source: Client): Promise<LoginResult>;
  setPassword(userId: string, password: string): Promise<void>;
  /** Whether a customer admin's sign-in asks for a TOTP code. */
  totpEnabled(userId: string): Promise<boolean>;
  /**
   * Starts (or restarts) a customer admin's enrolment after the current password: the secret is stored
   * encrypted but stays inactive until confirmTotp proves the authenticator produces codes for it.
   * Returned once, for display.
   */
  startTotpEnrolment(userId: string, password: string, source: Client): Promise<{ ok: true; enrolment: TotpEnrolment } | Refusal>;
  /** Turns TOTP on if the code matches the pending secret; a wrong code counts towards lockout. */
  confirmTotp(userId: string, code: string, source: Client): Promise<LoginResult>;
  /** Turns TOTP off; needs the password and a current code, and failures count towards lockout. */
  disableTotp(userId: string, password: string, code: string, source: Client): Promise<LoginResult>;
}

const totpContext = (userId: string): CipherContext => ({
  tenantId: 'system',
  table: 'users',
  column: 'totp_secret_enc',
  rowId: userId,
});

export function createUsersService(deps: {
  db: Db;
  clock: Clock;
  cipher: SecretCipher;
  passwords: PasswordHasher;
  /**
   * Keys known-device cookies. Without it no browser is known (the CLI, which signs nobody in); with
   * it, a completed sign-in returns the cookie and a browser that sends it back is counted on its own.
   */
  deviceKey?: Buffer;
}): UsersService {
  const { db, clock, cipher, passwords, deviceKey } = deps;
  const throttle = createLoginThrottle({ db, clock });
  const nowIso = (): string => clock.now().toISOString();

  async function insertUser(trx: Executor, row: { id: string; role: Role; tenantId: string | null; username: string; passwordHash: string | null; totpEnc: string | null }) {
    const exists = await trx.selectFrom('users').select('id').where('username', '=', row.username).executeTakeFirst();
    if (exists) throw new ConflictError('That user name is taken');
    await trx
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

  /**
   * Bound to the password hash, so a password change or reset forgets every known device at once;
   * bound to the user, so one account's cookie means nothing for another.
   */
  const deviceToken = (user: { id: string; password_hash: string | null }): string | undefined =>
    deviceKey && user.password_hash ? hmac(deviceKey, `device\n${user.id}\n${user.password_hash}`) : undefined;

  /** A known device of this account is counted on its own; anything else by address and account-wide. */
  function countedAs(user: { id: string; password_hash: string | null } | undefined, client: Client): { source: string; accountWide: boolean } {
    const known = user && deviceToken(user);
    if (known && client.device && safeEqual(client.device, known)) return { source: `device\n${client.device}`, accountWide: false };
    return { source: client.address, accountWide: true };
  }

  /**
   * One counted attempt: the check runs only when the throttle admits it; otherwise the dummy hash
   * runs instead, so a paused name costs the same work and answers in the same time as any other.
   */
  async function attempt(username: string, counted: { source: string; accountWide: boolean }, check: () => Promise<boolean>): Promise<{ ok: true } | Refusal> {
    const admission = await throttle.admit(username, counted.source, { accountWide: counted.accountWide });
    if (!admission.admitted) {
      await passwords.verify('', await passwords.dummyHash());
      return { ok: false, reason: 'locked', lockedUntil: admission.pausedUntil };
    }
    if (await check()) return { ok: true };
    return admission.pausedUntil ? { ok: false, reason: 'locked', lockedUntil: admission.pausedUntil } : { ok: false, reason: 'invalid' };
  }

  /** A check of this user's password or code, counted; a success clears the client's counts. */
  async function counted(user: { id: string; username: string; password_hash: string | null }, client: Client, check: () => Promise<boolean>): Promise<{ ok: true } | Refusal> {
    const as = countedAs(user, client);
    const result = await attempt(user.username, as, check);
    if (result.ok) await throttle.succeeded(user.username, as.source);
    return result;
  }

  const passwordMatches = (user: { password_hash: string | null } | undefined, password: string) => async () => {
    if (user?.password_hash) return passwords.verify(password, user.password_hash);
    // Unknown names verify against the dummy hash: the same scrypt cost, so timing tells nothing.
    await passwords.verify(password, await passwords.dummyHash());
    return false;
  };

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
      const passwordHash = await passwords.hash(initialPassword);
      await insertUser(db.kysely, { id: userId, role: 'staff', tenantId: null, username, passwordHash, totpEnc });
      return { userId, enrolment, initialPassword };
    },

    async createAdminUser({ tenantId, username, password, claim }) {
      checkUsername(username);
      checkPasswordPolicy(password, { username });
      const userId = newId();
      // Hashed before the transaction: the write lock is not held through the key stretching.
      const passwordHash = await passwords.hash(password);
      await db.kysely.transaction().execute(async (trx) => {
        await claim?.(trx);
        await insertUser(trx, { id: userId, role: 'admin', tenantId, username, passwordHash, totpEnc: null });
      });
      return { userId };
    },

    async checkPassword(username, password, source) {
      const name = username.trim().toLowerCase();
      const user = await loadActive({ username: name });
      const as = countedAs(user, source);
      const result = await attempt(name, as, passwordMatches(user, password));
      if (!result.ok) return result;
      if (!user) return { ok: false, reason: 'invalid' };
      const needsTotp = user.role === 'staff' || user.mfa_enabled === 1;
      // With a second step to come, the counts stay until the code is right too.
      if (needsTotp) return { ok: true, user: toLoginUser(user), needsTotp };
      await throttle.succeeded(name, as.source);
      return { ok: true, user: toLoginUser(user), needsTotp, device: deviceToken(user) };
    },

    async checkTotp(userId, code, source) {
      const user = await loadActive({ id: userId });
      if (!user || !user.totp_secret_enc) return { ok: false, reason: 'invalid' };
      const result = await counted(user, source, () => useCode(user, code));
      if (!result.ok) return result;
      return { ok: true, user: toLoginUser(user), needsTotp: false, device: deviceToken(user) };
    },

    async reauthenticate(userId, password, source) {
      const user = await loadActive({ id: userId });
      if (!user) return { ok: false, reason: 'invalid' };
      const result = await counted(user, source, passwordMatches(user, password));
      if (!result.ok) return result;
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

    async startTotpEnrolment(userId, password, source) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled === 1) throw new ConflictError('Two-step sign-in is already on; turn it off first to change the authenticator', { pageTexts: [{ key: 'users.totpAlreadyOnChange' }] });
      const reauth = await counted(user, source, passwordMatches(user, password));
      if (!reauth.ok) return reauth;
      const enrolment = newTotpEnrolment(user.username);
      const totpEnc = await cipher.encrypt(totpContext(user.id), enrolment.secret);
      await db.kysely.updateTable('users').set({ totp_secret_enc: totpEnc, mfa_enabled: 0 }).where('id', '=', user.id).execute();
      return { ok: true, enrolment };
    },

    async confirmTotp(userId, code, source) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled === 1) throw new ConflictError('Two-step sign-in is already on', { pageTexts: [{ key: 'users.totpAlreadyOn' }] });
      const result = await counted(user, source, () => useCode(user, code));
      if (!result.ok) return result;
      await db.kysely.updateTable('users').set({ mfa_enabled: 1 }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp: true };
    },

    async disableTotp(userId, password, code, source) {
      const user = await loadAdmin(userId);
      if (user.mfa_enabled !== 1) throw new ConflictError('Two-step sign-in is already off', { pageTexts: [{ key: 'users.totpAlreadyOff' }] });
      const both = passwordMatches(user, password);
      const result = await counted(user, source, async () => (await both()) && (await useCode(user, code)));
      if (!result.ok) return result;
      await db.kysely.updateTable('users').set({ mfa_enabled: 0, totp_secret_enc: null, totp_last_step: null }).where('id', '=', user.id).execute();
      return { ok: true, user: toLoginUser(user), needsTotp: false };
    },
  };
}

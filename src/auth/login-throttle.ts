import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { upsert } from '../db/upsert';
import { sha256 } from './tokens';

/**
 * Sign-in attempts are counted per user name and source, and per user name over every source. Each
 * count allows a few free attempts, then pauses with a doubling length. A pause from one address
 * does not stop the owner signing in from another, so a guesser cannot lock a user out at will; the
 * account-wide count stops a guesser spread over many addresses; a browser the account signed in
 * from before (a known-device cookie) is not held by that count, so such a guesser cannot keep the
 * owner out either. Names that do not exist are counted the same way, so the answers do not tell
 * which names exist.
 */
export const LOCKOUT = {
  perSource: 5,
  perAccount: 50,
  firstPauseMinutes: 1,
  maxPauseMinutes: 60,
  /** Counts are forgotten after a day without attempts. */
  forgetAfterHours: 24,
};

export type Admission = { admitted: true; pausedUntil: string | null } | { admitted: false; pausedUntil: string };

export interface LoginThrottle {
  /**
   * Counts one attempt before it is checked, atomically, so parallel attempts cannot all pass before
   * the count catches up. Refused while a count is paused; `pausedUntil` on an admitted attempt means
   * this attempt started a pause. `accountWide: false` (a known device of the account) counts the
   * source only, so a pause of the name for everyone does not stop its owner.
   */
  admit(username: string, source: string, options?: { accountWide: boolean }): Promise<Admission>;
  /** A successful sign-in from the source clears its counts. */
  succeeded(username: string, source: string): Promise<void>;
  /** The end of the latest pause on the user name from any source, or null. */
  pausedUntil(username: string): Promise<string | null>;
  /** Operator unlock: every count of the user name is cleared. */
  clear(username: string): Promise<number>;
}

const EVERY_SOURCE = '*';

/** Pause for the n-th attempt over the free limit (n = 0 for the first). */
export function pauseMinutes(overLimit: number): number {
  return Math.min(LOCKOUT.maxPauseMinutes, LOCKOUT.firstPauseMinutes * 2 ** Math.min(overLimit, 30));
}

class Paused extends Error {
  constructor(readonly until: string) {
    super('paused');
  }
}

const subjectOf = (username: string): string => sha256(`login\n${username.trim().toLowerCase()}`);
const sourceOf = (source: string): string => sha256(`source\n${source}`);

export function createLoginThrottle(deps: { db: Db; clock: Clock }): LoginThrottle {
  const { db, clock } = deps;

  return {
    async admit(username, source, options = { accountWide: true }) {
      const subject = subjectOf(username);
      const now = clock.now();
      const nowIso = now.toISOString();
      const staleIso = new Date(now.getTime() - LOCKOUT.forgetAfterHours * 3_600_000).toISOString();
      try {
        return await db.kysely.transaction().execute(async (trx) => {
          await trx
            .deleteFrom('login_throttle')
            .where('updated_at', '<', staleIso)
            .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
            .execute();
          let startedPause: string | null = null;
          const counts: [string, number][] = [[sourceOf(source), LOCKOUT.perSource]];
          if (options.accountWide) counts.push([EVERY_SOURCE, LOCKOUT.perAccount]);
          for (const [sourceHash, limit] of counts) {
            const key = { subject_hash: subject, source_hash: sourceHash };
            await upsert({ dialect: db.dialect, kysely: trx }, 'login_throttle', [{ ...key, failures: 0, locked_until: null, updated_at: nowIso }], ['subject_hash', 'source_hash'], []);
            const counted = await trx
              .updateTable('login_throttle')
              .set({ failures: sql`failures + 1`, updated_at: nowIso })
              .where('subject_hash', '=', subject)
              .where('source_hash', '=', sourceHash)
              .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
              .executeTakeFirst();
            const row = await trx.selectFrom('login_throttle').select(['failures', 'locked_until']).where('subject_hash', '=', subject).where('source_hash', '=', sourceHash).executeTakeFirstOrThrow();
            // Throwing rolls back the counts already made in this transaction: a refused attempt counts nowhere.
            if (Number(counted.numUpdatedRows) === 0) throw new Paused(row.locked_until ?? nowIso);
            if (row.failures >= limit) {
              const until = new Date(now.getTime() + pauseMinutes(row.failures - limit) * 60_000).toISOString();
              await trx.updateTable('login_throttle').set({ locked_until: until }).where('subject_hash', '=', subject).where('source_hash', '=', sourceHash).execute();
              if (!startedPause || until > startedPause) startedPause = until;
            }
          }
          return { admitted: true, pausedUntil: startedPause };
        });
      } catch (err) {
        if (err instanceof Paused) return { admitted: false, pausedUntil: err.until };
        throw err;
      }
    },

    async succeeded(username, source) {
      await db.kysely
        .deleteFrom('login_throttle')
        .where('subject_hash', '=', subjectOf(username))
        .where('source_hash', 'in', [sourceOf(source), EVERY_SOURCE])
        .execute();
    },

    async pausedUntil(username) {
      const row = await db.kysely
        .selectFrom('login_throttle')
        .select((eb) => eb.fn.max('locked_until').as('until'))
        .where('subject_hash', '=', subjectOf(username))
        .where('locked_until', '>', clock.now().toISOString())
        .executeTakeFirst();
      return row?.until ?? null;
    },

    async clear(username) {
      const result = await db.kysely.deleteFrom('login_throttle').where('subject_hash', '=', subjectOf(username)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

import type { Kysely } from 'kysely';
import { createLoginThrottle } from '../../src/auth/login-throttle';
import { fixedClock } from '../../src/clock';
import { accountLifecycleMigration } from '../../src/db/migrations/007-account-lifecycle';
import { createMssqlRecorder } from '../fakes/mssql-recorder';

const clock = fixedClock(new Date('2026-11-26T05:00:00.000Z'));

// SQL Server cannot run here: the lockout queries are compiled to T-SQL and checked for
// the forms that keep them atomic there (the recorder answers every query with no rows).
describe('sign-in lockout queries compiled for SQL Server', () => {
  it('creates the lockout and reset tables with SQL Server types', async () => {
    const db = createMssqlRecorder();
    await accountLifecycleMigration('mssql').up(db.kysely as unknown as Kysely<unknown>);
    const ddl = db.statements.map((s) => s.sql).join(';\n');
    expect(ddl).toContain('create table "login_throttle"');
    expect(ddl).toContain('constraint "login_throttle_pk" primary key ("subject_hash", "source_hash")');
    expect(ddl).toContain('alter table "invites" add "username" varchar(128)');
    expect(ddl).not.toMatch(/\btext\b/);
  });

  it('counts an attempt with an insert-if-missing MERGE and a guarded increment in one transaction', async () => {
    const db = createMssqlRecorder();
    // No row comes back from the recorder, so the attempt ends once the count has been read.
    await expect(createLoginThrottle({ db, clock }).admit('someone', '192.0.2.1')).rejects.toThrow();
    const sql = db.statements.map((s) => s.sql);
    expect(sql.some((s) => /^merge into "login_throttle" with \(holdlock\) as t/.test(s) && !s.includes('when matched'))).toBe(true);
    expect(sql).toContainEqual(expect.stringMatching(/^update "login_throttle" set "failures" = failures \+ 1, "updated_at" = @\d+ where .*"locked_until" is null or "locked_until" <= @\d+/));
  });
});

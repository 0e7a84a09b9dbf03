import { sql } from 'kysely';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { upsert } from '../../src/db/upsert';
import { ConfigError } from '../../src/errors';
import { absenceDaysQuery } from '../../src/sync/absence-sync';
import { insightSummaryQuery } from '../../src/web/read-models';

describe('SQLCipher database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a file with no plaintext and no SQLite header', async () => {
    const file = path.join(dir, 'x.db');
    const db = openSqlite({ file, key: 'correct horse battery staple 123456', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    await db.kysely
      .insertInto('audit_events')
      .values({ id: 'a1', at: '2026-11-26T00:00:00.000Z', actor_type: 'system', actor_id: null, tenant_id: 'tenant-PLAINTEXT-MARKER', action: 'test', object_type: null, object_id: null, ip: null, request_id: null, details_json: null })
      .execute();
    await db.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(4096);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toContain('SQLite format 3');
    expect(bytes.includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
    expect(bytes.includes(Buffer.from('audit_events'))).toBe(false);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('refuses a wrong key at open with an error naming the setting', async () => {
    const file = path.join(dir, 'x.db');
    const db = openSqlite({ file, key: 'the right key, long enough to count', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    await db.close();
    let caught: unknown;
    try {
      openSqlite({ file, key: 'a wrong key, also long enough to count', keySetting: 'DB_KEY' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).issues[0]).toMatch(/^DB_KEY: the database key does not open x\.db/);
  });

  it('migrates idempotently and upserts on the key', async () => {
    const db = openSqlite({ file: ':memory:', key: 'k'.repeat(32), keySetting: 'DB_KEY' });
    expect(await migrateToLatest(db)).toEqual(['001-initial', '002-totp-last-step', '004-email-suppressions', '005-calendar-and-flex', '006-drop-absences', '007-account-lifecycle', '008-staff-console', '009-forget-employee-ips', '010-account-language', '011-project-money', '012-insights-period-index', '013-absence-days-index']);
    expect(await migrateToLatest(db)).toEqual([]);
    const row = { tenant_id: 't', erp_project_id: 'p', manager_id: null, budget_minutes: 60, start_date: null, end_date: null, is_closed: 0 as const, updated_at: 'x' };
    await upsert(db, 'projects', [row], ['tenant_id', 'erp_project_id']);
    await upsert(db, 'projects', [{ ...row, budget_minutes: 120 }], ['tenant_id', 'erp_project_id']);
    const rows = await db.kysely.selectFrom('projects').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.budget_minutes).toBe(120);
    await db.close();
  });

  it('runs statements prepared once per text: the same answers as fresh ones, also past the cache bound and after a failed statement', async () => {
    const db = openSqlite({ file: path.join(dir, 'x.db'), key: 'correct horse battery staple 123456', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    const insert = (i: number) =>
      db.kysely
        .insertInto('audit_events')
        .values({ id: `a${i}`, at: '2026-11-26T00:00:00.000Z', actor_type: 'system', actor_id: null, tenant_id: `t${i % 7}`, action: 'test', object_type: null, object_id: null, ip: null, request_id: null, details_json: null })
        .executeTakeFirstOrThrow();
    const results = [];
    for (let i = 0; i < 50; i += 1) results.push(await insert(i));
    expect(results.map((r) => r.numInsertedOrUpdatedRows)).toEqual(Array(50).fill(BigInt(1)));
    const countFor = async (tenant: string) =>
      Number((await db.kysely.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant).executeTakeFirstOrThrow()).n);
    expect(await Promise.all(Array.from({ length: 7 }, (_, t) => countFor(`t${t}`)))).toEqual([8, 7, 7, 7, 7, 7, 7]);
    // More distinct texts than the cache keeps: the first text is prepared again and still answers.
    for (let k = 1; k <= 600; k += 1) await db.kysely.selectFrom('audit_events').select('id').where('id', '=', 'a1').limit(k).execute();
    expect(await countFor('t0')).toBe(8);
    // By shape, not toThrow: the native driver's error class may come from another test file's realm.
    await expect(insert(3)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    const deleted = await db.kysely.deleteFrom('audit_events').where('tenant_id', '=', 't1').executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(BigInt(7));
    expect(await countFor('t1')).toBe(0);
    await db.close();
  });

  it("answers the insights summary (latest period, counts by kind and severity) in one query, and a window's absence days, from indexes that hold nothing else", async () => {
    const db = openSqlite({ file: path.join(dir, 'x.db'), key: 'correct horse battery staple 123456', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    const plan = async (query: string) => (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(db.kysely)).rows.map((r) => r.detail).join(' | ');
    const absences = absenceDaysQuery(db.kysely, 't', { from: '2026-01-01', to: '2026-12-31' }).compile();
    expect(await plan(absences.sql.replace(/\?/g, () => "'x'"))).toBe('SEARCH daily_facts USING INDEX daily_facts_absence_days (tenant_id=? AND date>? AND date<?)');
    const query = insightSummaryQuery(db.kysely, 't').compile();
    const inline = query.sql.replace(/\?/g, () => "'t'");
    expect(query.parameters).toEqual(['t', 't']);
    const steps = await plan(inline);
    // The latest period from the index's end, then that period's (kind, severity) pairs in index order.
    expect(steps.match(/COVERING INDEX insights_tenant_period/g)).toHaveLength(2);
    expect(steps).not.toMatch(/SCAN insights\b(?! USING)|TEMP B-TREE/);
    await db.close();
  });
});

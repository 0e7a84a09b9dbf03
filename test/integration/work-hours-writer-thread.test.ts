import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ErpWorkHour } from '../../integrations/erp/erp-client';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite, type SqliteOptions } from '../../src/db/open-sqlite';
import { PurgeConflictError } from '../../src/retention/purge-runner';
import { openFence } from '../../src/scheduler/write-fence';
import { threadWriters } from '../../src/sync/work-hours-thread';
import type { WriterSession } from '../../src/sync/work-hours-writer';
import { createMemoryLogger } from '../fakes/memory-logger';

const TENANT = 'tenant-w';
const session: WriterSession = {
  tenantId: TENANT,
  stamp: '2026-11-26T05:00:00.000Z',
  window: { from: '2026-09-01', to: '2026-11-25' },
  contracts: new Map([['p1', [{ start: '2026-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }]]]),
  hourCosts: new Map(),
  calendar: { country: 'FI', timezone: 'Europe/Helsinki' },
};

const entry = (id: string, date: string, minutes: number): ErpWorkHour => ({ id, personId: 'p1', projectId: 'proj-1', date, minutes, billable: true, updatedAt: null });

describe('the work-hour writer thread (its own connection to a real SQLCipher file)', () => {
  let dir: string;
  let options: SqliteOptions;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-writer-'));
    options = { file: path.join(dir, 'w.db'), key: 'writer-test-key-writer-test-key-00', keySetting: 'DB_KEY' };
    db = openSqlite(options);
    await migrateToLatest(db);
  });

  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = async () =>
    (await db.kysely.selectFrom('work_entries').select(['erp_entry_id', 'minutes']).where('tenant_id', '=', TENANT).orderBy('erp_entry_id').execute()).map((r) => `${r.erp_entry_id}:${r.minutes}`);

  it('commits queued batches in order, with their daily facts, before close resolves', async () => {
    const writer = threadWriters(options, createMemoryLogger([]))(session, { check: openFence, spec: {} });
    const queued = [writer.write([entry('e1', '2026-11-02', 60)]), writer.write([entry('e1', '2026-11-02', 90), entry('e2', '2026-11-03', 30)])];
    await writer.close();
    expect((await Promise.all(queued)).map((c) => c.entries)).toEqual([2 - 1, 2]);
    expect(await stored()).toEqual(['e1:90', 'e2:30']);
    const facts = await db.kysely.selectFrom('daily_facts').select(['date', 'recorded_minutes']).where('tenant_id', '=', TENANT).orderBy('date').execute();
    expect(facts).toEqual([
      { date: '2026-11-02', recorded_minutes: 90 },
      { date: '2026-11-03', recorded_minutes: 30 },
    ]);
  });

  it("checks the run's fence inside its own transaction and, once refused, refuses every later batch with the same error", async () => {
    const writer = threadWriters(options, createMemoryLogger([]))(session, { check: openFence, spec: { purge: true } });
    await writer.write([entry('e1', '2026-11-02', 60)]);
    await db.kysely
      .insertInto('purge_records')
      .values({ id: 'pr1', tenant_id: TENANT, scope: 'tenant', subject_id: null, state: 'running', counts_json: '{}', reason: 'contract-ended', started_at: session.stamp, completed_at: null })
      .execute();
    const refused = writer.write([entry('e2', '2026-11-03', 30)]);
    await expect(refused).rejects.toBeInstanceOf(PurgeConflictError);
    // A later batch would be allowed by the fence now, but must not land after a refused one.
    await db.kysely.deleteFrom('purge_records').execute();
    await expect(writer.write([entry('e3', '2026-11-04', 15)])).rejects.toBeInstanceOf(PurgeConflictError);
    await writer.close();
    expect(await stored()).toEqual(['e1:60']);
  });

  it('reports a database it cannot open on the first write, naming the setting, and still closes', async () => {
    const logs: Parameters<typeof createMemoryLogger>[0] = [];
    const writer = threadWriters({ ...options, key: 'not-the-key-not-the-key-not-the-k' }, createMemoryLogger(logs))(session, { check: openFence, spec: {} });
    await expect(writer.write([entry('e1', '2026-11-02', 60)])).rejects.toThrow(/DB_KEY/);
    await writer.close();
    expect(JSON.stringify(logs)).not.toContain('not-the-key');
    expect(await stored()).toEqual([]);
  });

  it('counts an entry served twice in a complete read once in its week, and again in the next run that reads the week', async () => {
    const priced = (minutes: number): ErpWorkHour => ({ ...entry('e1', '2026-11-03', minutes), unitPrice: { amount: 60, currency: 'EUR' } });
    const money = async () =>
      db.kysely.selectFrom('project_money_weeks').select(['week', 'billable_minutes', 'value_cents', 'unpriced_minutes']).where('tenant_id', '=', TENANT).execute();
    const pass = async (stamp: string, pages: ErpWorkHour[][]) => {
      const writer = threadWriters(options, createMemoryLogger([]))({ ...session, stamp }, { check: openFence, spec: {} });
      await writer.beginPass({ from: '2026-11-02', to: '2026-11-08' });
      for (const page of pages) await writer.write(page);
      await writer.settlePass();
      await writer.close();
    };
    // Paging that shifts under an upstream insert serves the same row on two pages.
    await pass(session.stamp, [[priced(60)], [priced(60), entry('e2', '2026-11-04', 30)]]);
    expect(await money()).toEqual([{ week: '2026-W45', billable_minutes: 60, value_cents: 6000, unpriced_minutes: 30 }]);
    await pass('2026-11-27T05:00:00.000Z', [[priced(120)]]);
    expect(await money()).toEqual([{ week: '2026-W45', billable_minutes: 120, value_cents: 12000, unpriced_minutes: 0 }]);
  });
});

import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import type { Kysely } from 'kysely';
import { createAuditLog } from '../../src/audit/audit.service';
import { fixedClock } from '../../src/clock';
import { initialMigration } from '../../src/db/migrations/001-initial';
import { upsert } from '../../src/db/upsert';
import { createWorkCalendar } from '../../src/insights/calendar';
import { loadProjects, replaceInsights } from '../../src/insights/insights.repo';
import { recomputeFacts } from '../../src/sync/facts.repo';
import { createSyncStateRepo } from '../../src/sync/sync-state.repo';
import { createMssqlRecorder } from '../fakes/mssql-recorder';

const NOW = '2026-11-26T05:00:00.000Z';

// SQL Server cannot run here: these tests drive the repositories down their MSSQL branches and
// snapshot the T-SQL Kysely generates, so the production dialect is at least syntactically exercised.
describe('repository queries compiled for SQL Server', () => {
  it('creates the schema with SQL Server types', async () => {
    const db = createMssqlRecorder();
    await initialMigration('mssql').up(db.kysely as unknown as Kysely<unknown>);
    const ddl = db.statements.map((s) => s.sql).join(';\n');
    expect(ddl).toContain('create table "tenants"');
    expect(ddl).toContain('"settings_json" nvarchar(max) not null');
    expect(ddl).not.toMatch(/\btext\b/);
    expect(ddl).toMatchSnapshot();
  });

  it('upserts with MERGE … WITH (HOLDLOCK), matching on the key columns', async () => {
    const db = createMssqlRecorder();
    const row = { tenant_id: 't', erp_project_id: 'p', manager_id: null, budget_minutes: 60, start_date: null, end_date: null, is_closed: 0 as const, updated_at: NOW };
    await upsert(db, 'projects', [row, { ...row, erp_project_id: 'q' }], ['tenant_id', 'erp_project_id']);
    const [merge] = db.statements;
    expect(merge?.sql).toMatch(/^merge into "projects" with \(holdlock\) as t/);
    expect(merge?.sql).toContain('on "t"."tenant_id" = "s"."tenant_id" and "t"."erp_project_id" = "s"."erp_project_id"');
    expect(merge?.sql).toContain('when matched then update set "manager_id" = "s"."manager_id"');
    expect(merge?.sql.trim().endsWith(';')).toBe(true);
    expect(merge?.parameters).toHaveLength(16);
    expect(merge?.sql).toMatchSnapshot();
  });

  it('splits large upserts under the 2100-parameter limit', async () => {
    const db = createMssqlRecorder();
    const rows = Array.from({ length: 600 }, (_, i) => ({ tenant_id: 't', resource: `r${i}`, watermark: NOW, last_full_sync_at: null, updated_at: NOW }));
    await upsert(db, 'sync_state', rows, ['tenant_id', 'resource']);
    expect(db.statements.length).toBeGreaterThan(1);
    for (const s of db.statements) expect(s.parameters.length).toBeLessThanOrEqual(2000);
  });

  it('compiles the sync, insight and audit queries', async () => {
    const db = createMssqlRecorder();
    const clock = fixedClock(new Date(NOW));
    await db.kysely.transaction().execute(async (trx) => {
      await recomputeFacts(db, trx, { tenantId: 't', calendar: createWorkCalendar(), contracts: new Map(), stamp: NOW }, new Map([['p1', new Set(['2026-11-23'])]]));
    });
    await createSyncStateRepo(db).watermark('t', 'workhours');
    await createSyncStateRepo(db).advance('t', 'workhours', NOW, true, NOW);
    await loadProjects(db, 't', '2025-11-01', (d) => d);
    await replaceInsights(db, 't', '2026-W47', [], NOW);
    const audit = createAuditLog({ db, clock });
    await audit.record({ actor: { type: 'system', id: null }, tenantId: 't', action: 'test' });
    await audit.list({ tenantId: 't', limit: 50 });
    const sql = db.statements.map((s) => s.sql);
    expect(sql.some((s) => s.startsWith('select top(50) * from "audit_events"'))).toBe(true);
    expect(sql.filter((s) => /\blimit\b/.test(s))).toEqual([]);
    expect(sql).toMatchSnapshot();
  });

  it('compiles the delivery, retention and tenant queries', async () => {
    const { createDeliveryRepo } = await import('../../src/email/delivery.repo');
    const { deleteInBatches } = await import('../../src/retention/batch-delete');
    const { createTenantsService } = await import('../../src/tenants/tenants.service');
    const { sql } = await import('kysely');
    const db = createMssqlRecorder();
    const deliveries = createDeliveryRepo(db);
    const key = { tenantId: 't', personId: 'p', period: '2026-W47', kind: 'weekly' };
    await deliveries.ensurePending(key, NOW).catch(() => undefined);
    await deliveries.claimForSending('d1', ['pending'], NOW);
    await deliveries.markStaleSendingUnknown('t', NOW);
    await deleteInBatches(db, 'daily_facts', sql`tenant_id = ${'t'}`, 500, async () => undefined);
    await createTenantsService({ db, clock: fixedClock(new Date(NOW)), erp: createErpRegistry(erpAdapters) }).list();
    const sql_ = db.statements.map((s) => s.sql);
    const merge = sql_.find((s) => s.startsWith('merge into "deliveries"'));
    expect(merge).toBeDefined();
    expect(merge).not.toContain('when matched');
    expect(sql_).toContain('delete top (@1) from "daily_facts" where tenant_id = @2');
    expect(sql_.filter((s) => /\blimit\b|\bexcluded\b|on conflict/.test(s))).toEqual([]);
    expect(sql_).toMatchSnapshot();
  });
});

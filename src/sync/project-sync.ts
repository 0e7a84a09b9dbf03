import { upsert } from '../db/upsert';
import type { SyncRun } from './context';

/** Projects: budget, dates and the manager's ID. The customer is not kept, not even its ID. */
export async function syncProjects(run: SyncRun, changedSince: string | null): Promise<void> {
  for await (const page of run.erp.projects(changedSince ? { changedSince } : {})) {
    await run.db.kysely.transaction().execute(async (trx) => {
      await run.fence(trx, { tenantId: run.tenantId });
      await upsert(
        { kysely: trx, dialect: run.db.dialect },
        'projects',
        page.map((p) => ({
          tenant_id: run.tenantId,
          erp_project_id: p.id,
          manager_id: p.managerId,
          budget_minutes: p.budgetMinutes,
          start_date: p.start,
          end_date: p.end,
          is_closed: p.closed ? 1 : 0,
          updated_at: run.stamp,
        })),
        ['tenant_id', 'erp_project_id'],
      );
    });
    run.counters.projects += page.length;
  }
}

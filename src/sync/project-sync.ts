import type { ErpPhase } from '../../integrations/erp/erp-client';
import { upsert } from '../db/upsert';
import type { SyncRun } from './context';
import { projectBudgets } from './project-budgets';

/** Phases are asked for this many projects at a time, to keep the query string short. */
const PROJECTS_PER_PHASE_QUERY = 50;

/**
 * Projects: dates, closed flag and the manager's ID; the customer is not kept, not even its ID.
 * Budgets come from the phases (see projectBudgets). A full sync reads every phase; an incremental one
 * re-reads all phases of the projects whose project or any phase changed, since one changed phase
 * changes its project's sum.
 */
export async function syncProjects(run: SyncRun, changedSince: string | null): Promise<void> {
  const touched = new Set<string>();
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
          budget_minutes: null,
          start_date: p.start,
          end_date: p.end,
          is_closed: p.closed ? 1 : 0,
          updated_at: run.stamp,
        })),
        ['tenant_id', 'erp_project_id'],
        ['manager_id', 'start_date', 'end_date', 'is_closed', 'updated_at'],
      );
    });
    for (const p of page) touched.add(p.id);
    run.counters.projects += page.length;
  }

  let phases: ErpPhase[] = [];
  if (changedSince === null) {
    for await (const page of run.erp.phases()) phases = phases.concat(page);
  } else {
    for await (const page of run.erp.phases({ changedSince })) for (const p of page) touched.add(p.projectId);
    const ids = [...touched];
    for (let i = 0; i < ids.length; i += PROJECTS_PER_PHASE_QUERY) {
      for await (const page of run.erp.phases({ projectIds: ids.slice(i, i + PROJECTS_PER_PHASE_QUERY) })) phases = phases.concat(page);
    }
  }
  await writeBudgets(run, projectBudgets(phases), changedSince === null ? null : touched);
}

/** Sets the budgets; `only` limits the update to those projects, which get null when no phase has one. */
async function writeBudgets(run: SyncRun, budgets: Map<string, number | null>, only: Set<string> | null): Promise<void> {
  await run.db.kysely.transaction().execute(async (trx) => {
    await run.fence(trx, { tenantId: run.tenantId });
    const project = (id: string) => trx.updateTable('projects').where('tenant_id', '=', run.tenantId).where('erp_project_id', '=', id);
    if (only === null) await trx.updateTable('projects').set({ budget_minutes: null }).where('tenant_id', '=', run.tenantId).execute();
    for (const id of only ?? budgets.keys()) await project(id).set({ budget_minutes: budgets.get(id) ?? null }).execute();
  });
}

import { dailySlot } from '../src/scheduler/slots';
import type { JobDefinition } from '../src/scheduler/job-definition';
import { requireTenant, type PipelineDeps } from './pipeline-deps';

/** Nightly per-tenant sync; an interrupted run simply starts over — upserts and watermarks make that safe. */
export const syncJob: JobDefinition<PipelineDeps> = {
  name: 'sync',
  scope: 'tenant',
  schedule: () => '30 2 * * *',
  slotFor: dailySlot,
  async run(deps, ctx) {
    const tenant = await deps.tenants.get(requireTenant(ctx.tenantId));
    const erp = await deps.erpFor(tenant.id);
    const result = await deps.sync.syncTenant(
      { id: tenant.id, timezone: tenant.timezone, country: tenant.country, halfDayEves: false },
      erp,
    );
    ctx.count('requests', result.requests);
    ctx.count('retries', result.retries);
    ctx.count('people', result.people);
    ctx.count('entries', result.entries);
    ctx.count('rows', result.factsWritten);
  },
};

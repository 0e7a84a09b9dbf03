import { dailySlot } from '../src/scheduler/slots';
import type { JobDefinition } from '../src/scheduler/job-definition';
import { allFences } from '../src/scheduler/write-fence';
import { activeTenant, type PipelineDeps } from './pipeline-deps';

/**
 * Nightly per-tenant sync; an interrupted run simply starts over — upserts and watermarks make that
 * safe. Every write transaction of the sync is fenced: it stops once this run's lease is lost or a
 * purge of the tenant (or of a person in the write) has started.
 */
export const syncJob: JobDefinition<PipelineDeps> = {
  name: 'sync',
  scope: 'tenant',
  schedule: () => '30 2 * * *',
  slotFor: dailySlot,
  async run(deps, ctx) {
    const tenant = await activeTenant(deps, ctx);
    const erp = await deps.erpFor(tenant.id);
    const result = await deps.sync.syncTenant(
      { id: tenant.id, timezone: tenant.timezone, country: tenant.country, halfDayEves: tenant.settings.halfDayEves },
      erp,
      { fence: allFences(deps.purgeFence, ctx.leaseFence), spec: { purge: true, lease: ctx.lease }, signal: ctx.signal },
    );
    ctx.count('requests', result.requests);
    ctx.count('retries', result.retries);
    ctx.count('rateLimited', result.rateLimited);
    ctx.count('people', result.people);
    ctx.count('entries', result.entries);
    ctx.count('rows', result.factsWritten);
    for (const [kind, counts] of [['skipped', result.skipped], ['assumed', result.assumed]] as const) {
      for (const [resource, byReason] of Object.entries(counts)) {
        for (const [reason, n] of Object.entries(byReason)) ctx.count(`${kind}.${resource}.${reason}`, n);
      }
    }
  },
};

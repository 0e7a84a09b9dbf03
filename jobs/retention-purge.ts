import type { RetentionService } from '../src/retention/retention.service';
import type { JobDefinition } from '../src/scheduler/job-definition';
import { dailySlot } from '../src/scheduler/slots';

export interface RetentionPurgeDeps {
  retention: Pick<RetentionService, 'purgeDue'>;
}

/**
 * Daily, global. Needs no checkpoint of its own: purge records are the resume point, so a run that
 * dies midway is finished by the retry (or by tomorrow's run).
 */
export const retentionPurgeJob: JobDefinition<RetentionPurgeDeps> = {
  name: 'retention-purge',
  scope: 'global',
  schedule: () => '30 3 * * *',
  slotFor: dailySlot,
  async run({ retention }, ctx) {
    const summary = await retention.purgeDue({ signal: ctx.signal });
    ctx.count('purgesResumed', summary.resumed);
    ctx.count('tenantsPurged', summary.tenants.length);
    ctx.count('personsPurged', summary.persons.length);
    if (summary.leftovers > 0) ctx.count('leftoversDeleted', summary.leftovers);
    for (const [table, n] of Object.entries(summary.rolling)) ctx.count(`rolling.${table}`, n);
  },
};

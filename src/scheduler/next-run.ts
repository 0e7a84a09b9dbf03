import { CronExpressionParser } from 'cron-parser';
import type { JobRegistry, ScheduleTenant } from './job-definition';

/** The first firing of a cron expression after `after`, read in `timezone`; null for an invalid one. */
export function nextFiring(pattern: string, timezone: string, after: Date): Date | null {
  try {
    return CronExpressionParser.parse(pattern, { currentDate: after, tz: timezone }).next().toDate();
  } catch {
    return null;
  }
}

/** When each tenant job of the registry fires next for this tenant, as its schedule says. */
export function nextTenantRuns<D>(registry: Pick<JobRegistry<D>, 'all'>, tenant: ScheduleTenant, after: Date): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const job of registry.all().filter((j) => j.scope === 'tenant')) {
    out[job.name] = nextFiring(job.schedule(tenant), tenant.timezone, after)?.toISOString() ?? null;
  }
  return out;
}

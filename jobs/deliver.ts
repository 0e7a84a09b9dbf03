import { DateTime } from 'luxon';
import { deliveryTenant } from '../src/email/delivery-tenant';
import { lastCompletedWeek } from '../src/insights/dates';
import type { JobDefinition, ScheduleTenant } from '../src/scheduler/job-definition';
import { weeklySlot } from '../src/scheduler/slots';
import { activeTenant, type PipelineDeps } from './pipeline-deps';

const CRON_DAYS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** The tenant's digest day and time (default Monday 07:00) in its own zone. */
export function digestCron(tenant?: ScheduleTenant): string {
  const day = CRON_DAYS[String(tenant?.settings.scheduleDay ?? 'monday')] ?? 1;
  const [hour = '07', minute = '00'] = String(tenant?.settings.scheduleTime ?? '07:00').split(':');
  return `${Number(minute)} ${Number(hour)} * * ${day}`;
}

/**
 * The weekly digest: one email per person for the last completed week. A retry or a second run of the
 * slot sends nothing twice — the delivery rows are the idempotency keys.
 */
export const deliverJob: JobDefinition<PipelineDeps> = {
  name: 'deliver',
  scope: 'tenant',
  schedule: digestCron,
  slotFor: weeklySlot,
  async run(deps, ctx) {
    const tenant = await activeTenant(deps, ctx);
    const today = DateTime.fromJSDate(deps.clock.now(), { zone: tenant.timezone }).toISODate() as string;
    const period = lastCompletedWeek(today, tenant.timezone).week;
    const erp = await deps.erpFor(tenant.id);
    // Each email starts with its address lookup: once the lease is lost, no further email is sent
    // (the lookups fail and are skipped, to be sent by whoever owns the run now).
    const lookup = {
      recipient: (personId: string) => {
        ctx.signal.throwIfAborted();
        return erp.recipient(personId);
      },
    };
    const result = await deps.delivery.deliverPeriod({ tenant: deliveryTenant(tenant), period, erp: lookup });
    ctx.signal.throwIfAborted();
    ctx.count('emails', result.sent);
    ctx.count('failed', result.failed);
    ctx.count('unknown', result.unknown);
    for (const [reason, n] of Object.entries(result.skipped)) ctx.count(`skipped.${reason}`, n);
    const erpStats = erp.stats();
    ctx.count('requests', erpStats.requests);
    ctx.count('rateLimited', erpStats.rateLimited);
  },
};

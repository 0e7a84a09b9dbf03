import type { ErpClient } from '../integrations/erp/erp-client';
import { deliveryTenant } from './email/delivery-tenant';
import type { DeliveryService } from './email/delivery.service';
import type { RetentionService } from './retention/retention.service';
import type { JobControl } from './scheduler/job-control';
import type { JobRegistry } from './scheduler/job-definition';
import { nextTenantRuns } from './scheduler/next-run';
import type { TenantsService } from './tenants/tenants.service';
import type { EmailPreviewPort, JobsPort, PeopleSearchPort, RetentionPort } from './web/ports';

/** Adapters from the real services to the narrow ports the web layer declares; the runtime wires them. */
export function jobsPort<D>(
  jobControl: Pick<JobControl, 'enqueueNow' | 'retry' | 'cancel'>,
  schedules: { registry: Pick<JobRegistry<D>, 'all'>; enabled: boolean },
): JobsPort {
  return {
    enqueueNow: async (job, tenantId) => ({ runId: (await jobControl.enqueueNow(job, tenantId)).id }),
    retryDead: async (runId) => {
      await jobControl.retry(runId);
    },
    cancel: async (runId) => {
      await jobControl.cancel(runId);
    },
    // Without JOBS_ENABLED this process schedules nothing; another replica may, so say nothing rather than guess.
    nextRuns: (tenant, after) => (schedules.enabled ? nextTenantRuns(schedules.registry, { ...tenant, settings: { ...tenant.settings } }, after) : {}),
  };
}

export function retentionPort(retention: Pick<RetentionService, 'upcoming'>): RetentionPort {
  return {
    async upcoming({ withinDays }) {
      const due = await retention.upcoming(withinDays);
      return [
        ...due.tenants.map((t) => ({ tenantId: t.tenantId, scope: 'tenant' as const, subjectId: null, dueDate: t.dueDate })),
        ...due.persons.map((p) => ({ tenantId: p.tenantId, scope: 'person' as const, subjectId: p.personId, dueDate: p.dueDate })),
      ].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
    },
  };
}

export function emailPreviewPort(deps: {
  tenants: Pick<TenantsService, 'get'>;
  delivery: Pick<DeliveryService, 'preview'>;
  erpFor(tenantId: string): Promise<ErpClient>;
}): EmailPreviewPort {
  return {
    async preview(tenantId, personId) {
      const tenant = await deps.tenants.get(tenantId);
      return deps.delivery.preview({ tenant: deliveryTenant(tenant), personId, erp: await deps.erpFor(tenantId) });
    },
  };
}

/** How many names the person picker shows at most. */
export const PEOPLE_SEARCH_LIMIT = 20;

export function peopleSearchPort(deps: { erpFor(tenantId: string): Promise<ErpClient> }): PeopleSearchPort {
  return {
    async search(tenantId, text) {
      const erp = await deps.erpFor(tenantId);
      return erp.findPeople ? erp.findPeople(text, PEOPLE_SEARCH_LIMIT) : null;
    },
  };
}

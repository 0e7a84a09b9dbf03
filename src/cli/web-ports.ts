import { deliveryTenant } from '../email/delivery-tenant';
import type { Runtime } from '../runtime';
import { createErpVerifier } from '../tenants/erp-verifier';
import type { VerifyConnection } from '../tenants/erp-verifier';
import type { DsrPort, EmailPreviewPort, JobsPort, RetentionPort } from '../web/ports';

/** Adapters from the real services to the narrow ports the web layer declares. */
export function jobsPort(rt: Runtime): JobsPort {
  return {
    enqueueNow: async (job, tenantId) => ({ runId: (await rt.jobControl.enqueueNow(job, tenantId)).id }),
    retryDead: async (runId) => {
      await rt.jobControl.retry(runId);
    },
  };
}

export function retentionPort(rt: Runtime): RetentionPort {
  return {
    async upcoming({ withinDays }) {
      const due = await rt.retention.upcoming(withinDays);
      return [
        ...due.tenants.map((t) => ({ tenantId: t.tenantId, scope: 'tenant' as const, subjectId: null, dueDate: t.dueDate })),
        ...due.persons.map((p) => ({ tenantId: p.tenantId, scope: 'person' as const, subjectId: p.personId, dueDate: p.dueDate })),
      ].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
    },
  };
}

export function dsrPort(rt: Runtime): DsrPort {
  return {
    exportPerson: (tenantId, personId, by) => rt.dsr.exportPerson(tenantId, personId, by),
    erasePerson: (tenantId, personId, by) => rt.dsr.erasePerson(tenantId, personId, by),
    restrict: (tenantId, personId, restricted, by) => rt.dsr.restrict(tenantId, personId, restricted, by),
  };
}

export function emailPreviewPort(rt: Runtime): EmailPreviewPort {
  return {
    async preview(tenantId, personId) {
      const tenant = await rt.tenants.get(tenantId);
      return rt.delivery.preview({ tenant: deliveryTenant(tenant), personId, erp: await rt.erpFor(tenantId) });
    },
  };
}

export const createErpVerifierPort = (rt: Runtime): VerifyConnection =>
  createErpVerifier({ erp: rt.erp, ssrf: rt.ssrf, clock: rt.clock, logger: rt.logger, timeoutMs: rt.config.ERP_TIMEOUT_MS });

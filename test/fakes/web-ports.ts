import { allJobs } from '../../jobs';
import { NotFoundError } from '../../src/errors';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { nextTenantRuns } from '../../src/scheduler/next-run';
import type { VerifyConnection } from '../../src/tenants/erp-verifier';
import type { EmailPreviewPort, JobsPort, PeopleSearchPort, RetentionPort, UpcomingPurge } from '../../src/web/ports';

/** Records what the web layer asked of the scheduler, retention and email modules. */
export function createFakePorts() {
  const calls: string[] = [];
  let runCounter = 0;
  const jobs: JobsPort = {
    async enqueueNow(job, tenantId) {
      calls.push(`enqueue:${job}:${tenantId}`);
      runCounter += 1;
      return { runId: `run-${runCounter}` };
    },
    async retryDead(runId) {
      calls.push(`retry:${runId}`);
    },
    async cancel(runId) {
      calls.push(`cancel:${runId}`);
    },
    nextRuns: (tenant, after) => nextTenantRuns(createJobRegistry(allJobs), { ...tenant, settings: { ...tenant.settings } }, after),
  };
  const purges: UpcomingPurge[] = [];
  const retention: RetentionPort = { upcoming: async () => purges };
  const emailPreview: EmailPreviewPort = {
    async preview(tenantId, personId) {
      calls.push(`preview:${tenantId}:${personId}`);
      return { subject: `Your week (${personId})`, html: `<html><body><h1 style="color:#333">Hello ${personId}</h1><p>Preview body</p></body></html>`, text: `Hello ${personId}` };
    },
  };
  /** A tiny ERP directory: the picker's search reads it, as the real port reads the ERP. */
  const directory = [{ id: 'p-aino', name: 'Aino Mäkinen' }, { id: 'p-bo', name: 'Bo Åkerlund' }];
  const peopleSearch: PeopleSearchPort = {
    async search(tenantId, text) {
      calls.push(`people-search:${tenantId}`);
      const fold = (v: string) => v.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      return directory.filter((p) => fold(p.name).includes(fold(text)));
    },
  };
  const verifyConnection: VerifyConnection = async (_kind, { credentials }) => {
    if (credentials.clientSecret !== 'good-secret') throw new NotFoundError('The ERP refused the client ID and secret');
    return { usersSeen: 7 };
  };
  return { calls, purges, jobs, retention, emailPreview, peopleSearch, verifyConnection };
}

import { deliverJob } from '../../jobs/deliver';
import { insightsJob } from '../../jobs/insights';
import type { PipelineDeps } from '../../jobs/pipeline-deps';
import { syncJob } from '../../jobs/sync';
import { createSeveraClient } from '../../integrations/severa/severa-client';
import { deliveryTenant } from '../../src/email/delivery-tenant';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createFileOutbox } from '../../src/email/file-outbox';
import { createInsightEmailRenderer } from '../../src/email/render';
import { createInsightsService } from '../../src/insights/insights.service';
import { createPurgeFence } from '../../src/retention/purge-runner';
import { createJobControl } from '../../src/scheduler/job-control';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { createWorker } from '../../src/scheduler/worker';
import { nextTenantRuns } from '../../src/scheduler/next-run';
import { secretName } from '../../src/secrets/secret-store';
import { inlineWriters } from '../../src/sync/work-hours-writer';
import { createSyncService } from '../../src/sync/sync.service';
import type { EmailPreviewPort, JobsPort, PeopleSearchPort } from '../../src/web/ports';
import { peopleSearchPort } from '../../src/web-ports';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/create-logger';
import type { TestServerEnv } from './web-app';

/**
 * The real pipeline behind the web ports: "run now" goes through the job system and is worked off at
 * once (so a test sees the finished run), and the preview renders the person's real insights with
 * the first name fetched from the ERP.
 */
export function createRealPipelinePorts(env: TestServerEnv, outboxDir: string): { jobs: JobsPort; emailPreview: EmailPreviewPort; peopleSearch: PeopleSearchPort } {
  const { db, clock, secrets, envelope, signer, tenants } = env;
  // The real logger (its output discarded): a run's own lines reach the run page through it.
  const logger = createLogger({ level: 'info', format: 'json', clock, stream: new Writable({ write: (_chunk, _encoding, done) => done() }) });
  const erpFor = async (tenantId: string) => {
    const tenant = await tenants.get(tenantId);
    return createSeveraClient({
      baseUrl: tenant.erpBaseUrl ?? '',
      timezone: tenant.timezone,
      credentials: async () => JSON.parse((await secrets.get(secretName('erp', tenantId))) ?? '{}') as { clientId: string; clientSecret: string },
      clock: { now: () => new Date() },
      logger,
      requestsPerSecond: 1000,
    });
  };
  const delivery = createDeliveryService({
    db,
    clock,
    logger,
    renderer: createInsightEmailRenderer(),
    transport: createFileOutbox({ dir: outboxDir, clock }),
    signer,
    publicBaseUrl: 'http://127.0.0.1',
    concurrency: 2,
  });
  const deps: PipelineDeps = {
    tenants,
    sync: createSyncService({ db, envelope, clock, logger, writers: inlineWriters(db) }, { backfillMonths: 6, rereadDays: 28, personRetentionMonths: 6 }),
    insights: createInsightsService({ db, envelope, clock, logger }),
    delivery,
    clock,
    erpFor,
    purgeFence: createPurgeFence(db.dialect),
  };
  const registry = createJobRegistry<PipelineDeps>([syncJob, insightsJob, deliverJob]);
  const control = createJobControl({ db, clock, registry });
  const worker = createWorker({ db, clock, logger, jobs: registry, deps, concurrency: 1, leaseMs: 60_000, pollMs: 1000, maxAttempts: 1, workerId: 'web-test' });
  return {
    jobs: {
      async enqueueNow(job, tenantId) {
        const run = await control.enqueueNow(job, tenantId);
        await worker.runOnce();
        return { runId: run.id };
      },
      async retryDead(runId) {
        await control.retry(runId);
      },
      async cancel(runId) {
        await control.cancel(runId);
      },
      nextRuns: (tenant, after) => nextTenantRuns(registry, { ...tenant, settings: { ...tenant.settings } }, after),
    },
    peopleSearch: peopleSearchPort({ erpFor }),
    emailPreview: {
      async preview(tenantId, personId) {
        const tenant = await tenants.get(tenantId);
        return delivery.preview({ tenant: deliveryTenant(tenant), personId, erp: await erpFor(tenantId) });
      },
    },
  };
}

import type { Server } from 'node:http';
import { createApp } from '../app';
import { createErpVerifierPort, dsrPort, emailPreviewPort, jobsPort, retentionPort } from './web-ports';
import { createDbScheduleTenants, registerSchedules } from '../scheduler/cron';
import { onShutdown } from '../scheduler/worker';
import type { Runtime } from '../runtime';
import { generatedSecret } from '../secrets/generated-secret';
import { createProviderEvents } from '../email/provider-events';
import { createEmployeeRouter } from '../web/employee.routes';
import { sendgridEventsRoutes } from '../web/sendgrid-events.routes';

/**
 * `serve`: the web app, plus (with JOBS_ENABLED) the schedules and a worker. SIGTERM stops claiming
 * work, lets running jobs finish or hands their leases back, then closes the server and the database.
 */
export async function serve(rt: Runtime, workerId: string): Promise<{ server: Server; stopped: Promise<void> }> {
  const { config, logger } = rt;
  const app = createApp({
    db: rt.db,
    clock: rt.clock,
    logger,
    secrets: rt.secrets,
    audit: rt.audit,
    cipher: rt.envelope,
    passwords: rt.passwords,
    ssrf: rt.ssrf,
    erp: rt.erp,
    verifyConnection: createErpVerifierPort(rt),
    jobs: jobsPort(rt),
    retention: retentionPort(rt),
    dsr: dsrPort(rt),
    emailPreview: emailPreviewPort(rt),
    sendgridEvents: sendgridEventsRoutes({ publicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY, events: createProviderEvents({ db: rt.db, clock: rt.clock, logger }), logger }),
    employeePages: createEmployeeRouter({ signer: rt.signer, preferences: rt.preferences, logger, tokenTtlDays: config.UNSUBSCRIBE_TOKEN_DAYS, cacheTemplates: config.isProduction }),
    config,
    metricsRegistry: rt.metrics.registry,
    csrfSecret: Buffer.from(await generatedSecret(rt.secrets, 'csrf-signing-key'), 'base64'),
  });
  const worker = rt.createWorker(workerId);
  const schedules = await registerSchedules({
    registry: rt.jobs,
    db: rt.db,
    clock: rt.clock,
    logger,
    tenants: createDbScheduleTenants(rt.db),
    enabled: config.JOBS_ENABLED,
  });
  if (config.JOBS_ENABLED) worker.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const stopped = new Promise<void>((resolve) => {
    onShutdown(worker, config.SHUTDOWN_TIMEOUT_SECONDS * 1000, ({ released }) => {
      logger.info('shutting down', { released });
      void schedules
        .stop()
        .then(() => new Promise<void>((r) => server.close(() => r())))
        .then(resolve);
    });
  });
  return { server, stopped };
}

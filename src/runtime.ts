/**
 * The composition root: builds every service once, from the config, over the real implementations,
 * including the services and ports the web app receives (`web`). Only main.ts (and the benchmarks,
 * which measure the real thing) call this; everything else takes its dependencies as arguments.
 */
import { createKeyVaultSecretStore } from '../integrations/keyvault/keyvault-secret-store';
import type { ErpClient } from '../integrations/erp/erp-client';
import { erpAdapters } from '../integrations/erp-adapters';
import { createErpRegistry, type ErpRegistry } from '../integrations/erp/registry';
import { createPasswordHasher, type PasswordHasher } from './auth/passwords';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createKyselyDataKeyRepo } from './crypto/data-key-repo';
import { createEnvelope, type Envelope } from './crypto/envelope';
import { createSecretStoreKeyProvider } from './crypto/key-provider';
import type { Db } from './db/db';
import { migrateToLatest } from './db/migrate';
import { openDatabase, type OpenDatabaseOptions } from './db/open';
import { ValidationError } from './errors';
import { createInsightsService, type InsightsService } from './insights/insights.service';
import type { Logger } from './logging/logger';
import { createSsrfGuard, type SsrfGuard } from './net/ssrf-guard';
import { createLocalFileSecretStore } from './secrets/local-file-store';
import { loadOrCreateMasterKey } from './secrets/master-key';
import type { SecretStore } from './secrets/secret-store';
import { createSyncService, type SyncService } from './sync/sync.service';
import { threadWriters } from './sync/work-hours-thread';
import { inlineWriters } from './sync/work-hours-writer';
import { createErpClientFor } from './tenants/erp-clients';
import { createTenantsService, type TenantsService } from './tenants/tenants.service';
import { createSendGridTransport } from '../integrations/sendgrid/sendgrid-transport';
import { createDeliveryService, type DeliveryService } from './email/delivery.service';
import { createFileOutbox, type FileOutbox } from './email/file-outbox';
import { createSentMessageEraser } from './email/sent-message-eraser';
import { createInsightEmailRenderer } from './email/render';
import type { EmailTransport } from './email/transport';
import { createTokenSigner, type TokenSigner } from './email/unsubscribe-token';
import { generatedSecret } from './secrets/generated-secret';
import { allJobs, type JobDeps } from '../jobs';
import { createAuditLog, type AuditLog } from './audit/audit.service';
import { createDsrService, type DsrService } from './dsr/dsr.service';
import { createPreferencesService, type PreferencesService } from './email/preferences.service';
import { createPurgeFence } from './retention/purge-runner';
import { createRetentionService, type RetentionService } from './retention/retention.service';
import { createJobControl, type JobControl } from './scheduler/job-control';
import type { JobRegistry } from './scheduler/job-definition';
import { createJobRegistry } from './scheduler/job-registry';
import { createWorker, type Worker } from './scheduler/worker';
import { readMetricsToken } from './metrics/metrics-token';
import { createServiceMetrics, type ServiceMetrics } from './metrics/service-metrics';
import type { AppDeps } from './app';
import { createProviderEvents } from './email/provider-events';
import { createDbScheduleTenants, type ScheduleTenantSource } from './scheduler/cron';
import { createErpVerifier } from './tenants/erp-verifier';
import { createEmployeeRouter } from './web/employee.routes';
import { sendgridEventsRoutes } from './web/sendgrid-events.routes';
import { createWebServices } from './web/web-services';
import { emailPreviewPort, jobsPort, peopleSearchPort, retentionPort } from './web-ports';

export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  secrets: SecretStore;
  db: Db;
  envelope: Envelope;
  ssrf: SsrfGuard;
  passwords: PasswordHasher;
  erp: ErpRegistry;
  tenants: TenantsService;
  sync: SyncService;
  insights: InsightsService;
  signer: TokenSigner;
  delivery: DeliveryService;
  audit: AuditLog;
  retention: RetentionService;
  dsr: DsrService;
  preferences: PreferencesService;
  jobs: JobRegistry<JobDeps>;
  jobControl: JobControl;
  createWorker(workerId: string): Worker;
  metrics: ServiceMetrics;
  erpFor(tenantId: string): Promise<ErpClient>;
  /** The tenants the schedules run for, read from the database at each tick. */
  scheduleTenants: ScheduleTenantSource;
  /** Everything createApp receives. */
  web: AppDeps;
  close(): Promise<void>;
}

export function createSecretStore(config: Config, logger: Logger): SecretStore {
  if (config.SECRET_STORE === 'keyvault') return createKeyVaultSecretStore({ vaultUrl: config.KEY_VAULT_URL ?? '', logger });
  const masterKey = loadOrCreateMasterKey({ envValue: config.MASTER_KEY, file: config.MASTER_KEY_FILE, allowGenerate: !config.isProduction, encrypts: config.SECRETS_FILE });
  return createLocalFileSecretStore({ file: config.SECRETS_FILE, masterKey });
}

const emailSender = (config: Config) => ({ email: config.EMAIL_FROM, name: 'ERP Insights' });

async function createTransport(config: Config, secrets: SecretStore, logger: Logger, clock: Clock, outbox: FileOutbox): Promise<EmailTransport> {
  if (config.EMAIL_TRANSPORT === 'file') return outbox;
  const from = emailSender(config);
  const apiKey = await secrets.get(config.SENDGRID_API_KEY_SECRET);
  if (!apiKey) throw new ValidationError(`The secret store has no "${config.SENDGRID_API_KEY_SECRET}" entry (SENDGRID_API_KEY_SECRET)`);
  return createSendGridTransport({ apiKey, baseUrl: config.SENDGRID_BASE_URL, sandbox: config.SENDGRID_SANDBOX, from, logger, clock });
}

export async function createRuntime(config: Config, logger: Logger, clock: Clock = systemClock, dbOptions: OpenDatabaseOptions = {}): Promise<Runtime> {
  const secrets = createSecretStore(config, logger);
  const db = await openDatabase(config, secrets, dbOptions);
  await migrateToLatest(db);
  const dataKeys = createKyselyDataKeyRepo(db.kysely);
  const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: dataKeys, clock });
  const ssrf = createSsrfGuard({ mode: config.NODE_ENV });
  const metrics = createServiceMetrics({ db });
  const erp = createErpRegistry(erpAdapters);
  const tenants = createTenantsService({ db, clock, erp });
  const erpFor = createErpClientFor({
    tenants,
    secrets,
    ssrf,
    erp,
    clock,
    logger,
    options: {
      requestTimeoutMs: config.ERP_TIMEOUT_MS,
      maxRetries: config.ERP_MAX_RETRIES,
      requestsPerSecond: config.ERP_REQUESTS_PER_SECOND,
      onRequest: metrics.erpRequest,
    },
  });

  // Also with SendGrid: messages an earlier file-outbox setup left behind are still erased with their person.
  const outbox = createFileOutbox({ dir: config.OUTBOX_DIR, from: emailSender(config), clock, logger });
  const signer = createTokenSigner({ secret: await generatedSecret(secrets, 'email-token-signing-key'), clock });
  const delivery = createDeliveryService({
    db,
    clock,
    logger,
    renderer: createInsightEmailRenderer(),
    transport: await createTransport(config, secrets, logger, clock, outbox),
    signer,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    concurrency: config.EMAIL_CONCURRENCY,
    tokenTtlDays: config.UNSUBSCRIBE_TOKEN_DAYS,
    onSend: metrics.emailSend,
  });

  const audit = createAuditLog({ db, clock });
  const retention = createRetentionService({
    db,
    clock,
    envelope,
    secrets,
    logger,
    messages: createSentMessageEraser({ db, outbox }),
    config: {
      tenantMonths: config.TENANT_RETENTION_MONTHS,
      personMonths: config.PERSON_RETENTION_MONTHS,
      factsMonths: config.FACTS_RETENTION_MONTHS,
      insightsMonths: config.INSIGHTS_RETENTION_MONTHS,
      deliveriesMonths: config.DELIVERIES_RETENTION_MONTHS,
      jobRunsDays: config.JOB_RUNS_RETENTION_DAYS,
    },
  });
  const jobs = createJobRegistry<JobDeps>(allJobs);
  const sync = createSyncService(
    { db, envelope, clock, logger, writers: db.fileOptions ? threadWriters(db.fileOptions, logger) : inlineWriters(db) },
    { backfillMonths: config.SYNC_BACKFILL_MONTHS, rereadDays: config.SYNC_REREAD_DAYS, personRetentionMonths: config.PERSON_RETENTION_MONTHS },
  );
  const insights = createInsightsService({ db, envelope, clock, logger });
  const jobDeps: JobDeps = {
    tenants,
    sync,
    insights,
    delivery,
    clock,
    erpFor,
    purgeFence: createPurgeFence(db.dialect),
    retention,
    envelope,
    dataKeys,
    keyRotation: { dataKeyMaxAgeDays: 90 },
  };

  const dsr = createDsrService({ db, envelope, retention, audit, clock });
  const preferences = createPreferencesService({ db, clock, audit });
  const jobControl = createJobControl({ db, clock, registry: jobs });
  const passwords = createPasswordHasher();
  const web: AppDeps = {
    ...createWebServices({
      db,
      clock,
      secrets,
      audit,
      tenants,
      cipher: envelope,
      passwords,
      deviceKey: Buffer.from(await generatedSecret(secrets, 'device-cookie-key'), 'base64'),
      sessionTimeouts: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
      erp,
      ssrf,
      verifyConnection: createErpVerifier({ erp, ssrf, clock, logger, timeoutMs: config.ERP_TIMEOUT_MS }),
    }),
    db,
    secrets,
    clock,
    logger,
    jobs: jobsPort(jobControl, { registry: jobs, enabled: config.JOBS_ENABLED }),
    retention: retentionPort(retention),
    dsr,
    emailPreview: emailPreviewPort({ tenants, delivery, erpFor }),
    peopleSearch: peopleSearchPort({ erpFor }),
    sendgridEvents: sendgridEventsRoutes({ publicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY, events: createProviderEvents({ db, clock, logger }), logger }),
    employeePages: createEmployeeRouter({ signer, preferences, logger, tokenTtlDays: config.UNSUBSCRIBE_TOKEN_DAYS, cacheTemplates: config.isProduction }),
    config,
    metricsRegistry: metrics.registry,
    metricsToken: await readMetricsToken(secrets, config.METRICS_TOKEN_SECRET),
    csrfSecret: Buffer.from(await generatedSecret(secrets, 'csrf-signing-key'), 'base64'),
  };

  return {
    config,
    metrics,
    signer,
    audit,
    retention,
    dsr,
    preferences,
    jobs,
    jobControl,
    createWorker: (workerId) =>
      createWorker({
        db,
        clock,
        logger,
        jobs,
        deps: jobDeps,
        concurrency: config.JOB_CONCURRENCY,
        leaseMs: config.JOB_LEASE_SECONDS * 1000,
        pollMs: 2000,
        maxAttempts: config.JOB_MAX_ATTEMPTS,
        workerId,
        onRunFinished: metrics.jobRunFinished,
      }),
    delivery,
    logger,
    clock,
    secrets,
    db,
    envelope,
    ssrf,
    passwords,
    erp,
    tenants,
    sync,
    insights,
    erpFor,
    scheduleTenants: createDbScheduleTenants(db),
    web,
    close: () => db.close(),
  };
}

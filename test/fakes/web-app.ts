import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAuditLog } from '../../src/audit/audit.service';
import { createApp } from '../../src/app';
import { createPasswordHasher, type PasswordHasher } from '../../src/auth/passwords';
import type { SecretCipher } from '../../src/auth/users.service';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { createMemoryLogger } from './memory-logger';
import { createMemorySecretStore } from './memory-secret-store';
import { createTestDb } from './test-db';
import { createFakePorts } from './web-ports';
import { createPreferencesService } from '../../src/email/preferences.service';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { createEmployeeRouter } from '../../src/web/employee.routes';
import { createProviderEvents } from '../../src/email/provider-events';
import { sendgridEventsRoutes } from '../../src/web/sendgrid-events.routes';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { createDsrService } from '../../src/dsr/dsr.service';
import { createRetentionService } from '../../src/retention/retention.service';
import { createSsrfGuard, type SsrfGuard } from '../../src/net/ssrf-guard';
import type { EmailPreviewPort, JobsPort, PeopleSearchPort } from '../../src/web/ports';
import type { VerifyConnection } from '../../src/tenants/erp-verifier';
import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { createTenantsService, type TenantsService } from '../../src/tenants/tenants.service';
import { createWebServices } from '../../src/web/web-services';

/** Reversible stand-in for the envelope: tests of the web layer need storage, not cryptography. */
export const plainCipher: SecretCipher = {
  encrypt: async (ctx, plaintext) => `test:${ctx.rowId}:${Buffer.from(plaintext).toString('base64')}`,
  decrypt: async (ctx, ciphertext) => {
    const [, rowId, body] = ciphertext.split(':');
    if (rowId !== ctx.rowId) throw new Error('wrong row');
    return Buffer.from(body ?? '', 'base64').toString();
  },
};

/** Scrypt at a token cost: the web suites sign in often and test authorisation, not key stretching. */
export const testPasswords = createPasswordHasher({ cost: 16 });

export interface TestServer {
  url: string;
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  ports: ReturnType<typeof createFakePorts>;
  signer: ReturnType<typeof createTokenSigner>;
  secrets: ReturnType<typeof createMemorySecretStore>;
  close(): Promise<void>;
}

/** Loopback allowed (test mode); a host name never reaches DNS, so tests stay on this machine. */
export const createTestSsrfGuard = (): SsrfGuard => createSsrfGuard({ mode: 'test', lookup: async () => [] });

/**
 * The real app on 127.0.0.1 with an ephemeral port, in-memory DB and fake neighbours, except data subject
 * requests: those run the real DSR service, so audit tests see the one event it records per request.
 */
/** What a test may wire in place of the fake job and preview ports (e.g. the real pipeline). */
export interface TestServerEnv {
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  secrets: ReturnType<typeof createMemorySecretStore>;
  envelope: ReturnType<typeof createEnvelope>;
  signer: ReturnType<typeof createTokenSigner>;
  tenants: TenantsService;
}

export async function startTestServer(
  options: {
    isProduction?: boolean;
    loginLimit?: number;
    /** TRUST_PROXY as the config reads it: a hop count or the proxies' addresses and subnets. */
    trustProxy?: number | string[];
    ssrf?: SsrfGuard;
    verifyConnection?: VerifyConnection;
    jobs?: ReturnType<typeof createFakePorts>['jobs'];
    pipeline?: (env: TestServerEnv) => { jobs: JobsPort; emailPreview: EmailPreviewPort; peopleSearch?: PeopleSearchPort };
    /** Verification key of the SendGrid event webhook; without it the webhook answers 503, as in serve. */
    sendgridPublicKey?: string;
    /** In place of testPasswords, e.g. a wrapper that counts the hashes a request makes. */
    passwords?: PasswordHasher;
  } = {},
): Promise<TestServer> {
  const db = await createTestDb();
  const clock = fixedClock(new Date('2026-03-02T08:00:00.000Z'));
  const secrets = createMemorySecretStore();
  const ports = createFakePorts();
  const audit = createAuditLog({ db, clock });
  const signer = createTokenSigner({ secret: Buffer.alloc(32, 9), clock });
  const logger = createMemoryLogger();
  // The real guard in test mode: loopback (our simulator) is allowed, and no host name is ever resolved.
  const ssrf = options.ssrf ?? createTestSsrfGuard();
  const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
  const retention = createRetentionService({
    db, clock, envelope, secrets, logger,
    config: { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 },
  });
  const erp = createErpRegistry(erpAdapters);
  const tenants = createTenantsService({ db, clock, erp });
  const pipeline = options.pipeline?.({ db, clock, secrets, envelope, signer, tenants });
  const app = createApp({
    ...createWebServices({
      db,
      clock,
      secrets,
      audit,
      tenants,
      cipher: plainCipher,
      passwords: options.passwords ?? testPasswords,
      deviceKey: Buffer.alloc(32, 5),
      sessionTimeouts: { idleMinutes: 30, absoluteHours: 12 },
      erp,
      ssrf,
      verifyConnection: options.verifyConnection ?? ports.verifyConnection,
    }),
    db,
    clock,
    logger,
    secrets,
    employeePages: createEmployeeRouter({ signer, preferences: createPreferencesService({ db, clock, audit }) }),
    sendgridEvents: sendgridEventsRoutes({ publicKey: options.sendgridPublicKey, events: createProviderEvents({ db, clock, logger }), logger }),
    jobs: pipeline?.jobs ?? options.jobs ?? ports.jobs,
    retention: ports.retention,
    dsr: createDsrService({ db, envelope, retention, audit, clock }),
    emailPreview: pipeline?.emailPreview ?? ports.emailPreview,
    peopleSearch: pipeline?.peopleSearch ?? ports.peopleSearch,
    config: { isProduction: options.isProduction ?? false, PUBLIC_BASE_URL: 'http://127.0.0.1', TRUST_PROXY: options.trustProxy ?? 0 },
    csrfSecret: Buffer.alloc(32, 7),
    metricsToken: 'metrics-token-for-tests',
    loginRateLimit: { windowMs: 60_000, limit: options.loginLimit ?? 1000 },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    clock,
    ports,
    signer,
    secrets,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.close();
    },
  };
}

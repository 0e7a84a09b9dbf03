import express, { type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { createCsrf } from './auth/csrf';
import { authenticate, cookieNames, requireCsrf } from './auth/middleware';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Db } from './db/db';
import type { Logger } from './logging/logger';
import type { SecretStore } from './secrets/secret-store';
import { accountLanguageRoutes } from './web/account-language.routes';
import { adminDataRoutes } from './web/admin-data.routes';
import { accountRoutes } from './web/account.routes';
import { adminPeopleRoutes } from './web/admin-people.routes';
import { adminSecurityRoutes } from './web/admin-security.routes';
import { adminUsersRoutes } from './web/admin-users.routes';
import { adminRoutes } from './web/admin.routes';
import { apiAdminRoutes } from './web/api-admin.routes';
import { apiRoutes } from './web/api.routes';
import { authRoutes } from './web/auth.routes';
import { auditFor } from './web/context';
import { errorHandler, notFound } from './web/error-handler';
import { healthRoutes } from './web/health.routes';
import { createHttpMetrics } from './web/metrics';
import type { DsrPort, EmailPreviewPort, JobsPort, PeopleSearchPort, RetentionPort } from './web/ports';
import { pageLocale } from './web/page-locale';
import { requestId as requestIdMiddleware } from './web/request-id';
import { staffConsoleRoutes } from './web/staff-console.routes';
import { staffDeliveriesRoutes } from './web/staff-deliveries.routes';
import { staffOpsRoutes } from './web/staff-ops.routes';
import { staffUsersRoutes } from './web/staff-users.routes';
import { staffRoutes } from './web/staff.routes';
import { configureViews, PUBLIC_DIR } from './web/views';
import type { WebServices } from './web/web-services';

/** Services and ports only: the composition root (src/runtime.ts) builds them; createApp mounts routes over them. */
export interface AppDeps extends WebServices {
  /** Checked by /ready. */
  db: Db;
  secrets: SecretStore;
  clock: Clock;
  logger: Logger;
  jobs: JobsPort;
  retention: RetentionPort;
  dsr: DsrPort;
  emailPreview: EmailPreviewPort;
  /** The admin's person picker asks the tenant's ERP by name; nothing is stored. */
  peopleSearch: PeopleSearchPort;
  /** SendGrid's signed Event Webhook: authorised by its signature over the raw body, so mounted before the body parsers. */
  sendgridEvents?: RequestHandler;
  /** Unsubscribe and preferences pages: authorised by their signed link, so mounted before CSRF. */
  employeePages: RequestHandler;
  config: Pick<Config, 'isProduction' | 'PUBLIC_BASE_URL' | 'TRUST_PROXY'>;
  /** Keys CSRF tokens; shared by every replica (the runtime keeps it in the secret store). */
  csrfSecret: Buffer;
  /** Bearer token a metrics scraper may present; without it /metrics needs a staff session. */
  metricsToken?: string;
  metricsRegistry?: Registry;
  /** Per-IP login attempts per window (express-rate-limit); account lockout is separate. */
  loginRateLimit?: { windowMs: number; limit: number };
}

export const BODY_LIMIT = '100kb';

export function createApp(deps: AppDeps): Express {
  const { db, clock, logger, config, users, accounts, sessions, invites, apiKeys, tenants, connector, reads } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  configureViews(app, { cache: config.isProduction });

  const names = cookieNames(config.isProduction);
  const csrf = createCsrf({ secret: deps.csrfSecret });
  const audit = auditFor(deps.audit);
  const metrics = createHttpMetrics(deps.metricsRegistry);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          frameSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.isProduction,
      referrerPolicy: { policy: 'no-referrer' },
      // The sandboxed email-preview frame is an opaque origin; mixed keying only produces console warnings.
      originAgentCluster: false,
    }),
  );
  app.use(requestIdMiddleware);
  // Pages and answers carry personal data or show a secret once (a new API key, a TOTP secret, an
  // invite link, an export): no browser or proxy may keep them. Static assets set their own caching.
  app.use((req, res, next) => {
    if (!req.path.startsWith('/static/')) res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(metrics.middleware);
  if (deps.sendgridEvents) app.use(deps.sendgridEvents);
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: config.isProduction ? '1h' : 0 }));
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }));
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(cookieParser());
  app.use(authenticate({ sessions, apiKeys, csrf, names }));
  // The JSON API answers in English and renders no page: mounted before the page language and the
  // page routers, which every API request would otherwise walk through first.
  app.use(
    '/api/v1',
    requireCsrf(),
    apiRoutes({ tenants, invites, reads, jobs: deps.jobs, retention: deps.retention, auditLog: deps.audit, audit, publicBaseUrl: config.PUBLIC_BASE_URL }),
    apiAdminRoutes({ tenants, connector, reads, jobs: deps.jobs, dsr: deps.dsr, emailPreview: deps.emailPreview, apiKeys, audit }),
  );
  app.use((req, res, next) => {
    res.locals.user = req.auth?.kind === 'session' ? req.auth.session.user : undefined;
    res.locals.path = req.path;
    next();
  });
  app.use(pageLocale({ tenants }));

  app.use(healthRoutes({ db, secrets: deps.secrets, metrics, metricsToken: deps.metricsToken, logger }));
  app.use(deps.employeePages);
  app.use(requireCsrf());
  app.use(accountLanguageRoutes({ db, audit }));
  app.use(authRoutes({ users, sessions, invites, audit, names, clock, loginRateLimit: deps.loginRateLimit }));
  app.use(accountRoutes({ accounts, audit }));
  app.use('/staff', staffRoutes({ tenants, invites, audit, reads, publicBaseUrl: config.PUBLIC_BASE_URL }));
  app.use('/staff', staffConsoleRoutes({ tenants, reads: deps.consoleReads, jobs: deps.jobs, retention: deps.retention, auditFor: audit, clock }));
  app.use('/staff', staffOpsRoutes({ tenants, jobs: deps.jobs, retention: deps.retention, audit: deps.audit, auditFor: audit }));
  app.use('/staff', staffDeliveriesRoutes({ review: deps.deliveryReview, auditFor: audit, tenants }));
  app.use('/staff', staffUsersRoutes({ tenants, accounts, users, audit, publicBaseUrl: config.PUBLIC_BASE_URL }));
  app.use('/admin', adminRoutes({ tenants, connector, reads, jobs: deps.jobs, audit }));
  app.use('/admin', adminPeopleRoutes({ people: deps.peopleSearch, audit }));
  app.use('/admin', adminSecurityRoutes({ users, audit, sessions }));
  app.use('/admin', adminUsersRoutes({ accounts, users, audit }));
  app.use('/admin', adminDataRoutes({ tenants, reads, dsr: deps.dsr, emailPreview: deps.emailPreview, apiKeys, auditLog: deps.audit, audit }));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

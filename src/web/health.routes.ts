import { Router } from 'express';
import { sql } from 'kysely';
import type { Db } from '../db/db';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../secrets/secret-store';
import { safeEqual } from '../auth/tokens';
import { sessionUser } from '../auth/middleware';
import type { HttpMetrics } from './metrics';

/**
 * /metrics is not public: it answers a signed-in staff session, or a scraper presenting
 * `Authorization: Bearer <METRICS_TOKEN>` when the runtime configures one.
 */
export function healthRoutes(deps: { db: Db; secrets: SecretStore; metrics: HttpMetrics; metricsToken?: string; logger: Logger }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (req, res) => {
    const checks: Record<string, 'ok' | 'failed'> = {};
    await Promise.all([
      sql`select 1 as one`.execute(deps.db.kysely).then(() => (checks.database = 'ok'), () => (checks.database = 'failed')),
      deps.secrets.ping().then(() => (checks.secrets = 'ok'), () => (checks.secrets = 'failed')),
    ]);
    const ready = Object.values(checks).every((c) => c === 'ok');
    if (!ready) deps.logger.warn('not ready', { requestId: req.requestId, ...checks });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (req, res) => {
    const bearer = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const tokenOk = deps.metricsToken !== undefined && bearer !== undefined && safeEqual(bearer, deps.metricsToken);
    const user = sessionUser(req);
    if (!tokenOk) {
      if (!user) throw new UnauthorizedError('Metrics need a staff session or the metrics token');
      if (user.role !== 'staff') throw new ForbiddenError('Metrics are for operator staff');
    }
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}

import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC_PREFIX } from '../metrics/prefix';

export interface HttpMetrics {
  registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
}

/**
 * The client library's `nodejs_active_{handles,requests,resources}_total` are gauges with a counter's
 * suffix, which Prometheus' own lint refuses; the same figures by type remain
 * (`…nodejs_active_handles{type}`; sum them for the total).
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Labels use the matched route pattern, never the raw path, so IDs do not explode the series. */
export function createHttpMetrics(registry: Registry = new Registry(), withDefaults = true): HttpMetrics {
  if (withDefaults) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    for (const misnamed of MISNAMED_DEFAULTS) registry.removeSingleMetric(`${METRIC_PREFIX}${misnamed}`);
  }
  const requests = new Counter({ name: `${METRIC_PREFIX}http_requests_total`, help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.01, 0.05, 0.1, 0.3, 1, 3, 10],
    registers: [registry],
  });
  return {
    registry,
    middleware(req, res, next) {
      const end = duration.startTimer();
      res.on('finish', () => {
        const route = typeof req.route?.path === 'string' ? `${req.baseUrl}${req.route.path}` : 'unmatched';
        requests.inc({ method: req.method, route, status: String(res.statusCode) });
        end({ method: req.method, route });
      });
      next();
    },
  };
}

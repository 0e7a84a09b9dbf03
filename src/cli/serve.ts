import type { Server } from 'node:http';
import { createApp } from '../app';
import { registerSchedules } from '../scheduler/cron';
import { onShutdown } from '../scheduler/worker';
import type { Runtime } from '../runtime';

export interface Serving {
  server: Server;
  /** Settles once a shutdown (SIGTERM, SIGINT or `stop()`) has closed the server. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `serve`: the web app, plus (with JOBS_ENABLED) the schedules and a worker. SIGTERM stops claiming
 * work, lets running jobs finish or hands their leases back, then closes the server; the caller
 * closes the database.
 */
export async function serve(rt: Runtime, workerId: string): Promise<Serving> {
  const { config, logger } = rt;
  const app = createApp(rt.web);
  const worker = rt.createWorker(workerId);
  const schedules = await registerSchedules({
    registry: rt.jobs,
    db: rt.db,
    clock: rt.clock,
    logger,
    tenants: rt.scheduleTenants,
    enabled: config.JOBS_ENABLED,
  });
  if (config.JOBS_ENABLED) worker.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const shutDown = (): Promise<void> =>
    (stopping ??= (async () => {
      const { released } = await worker.stop(config.SHUTDOWN_TIMEOUT_SECONDS * 1000).catch(() => ({ released: 0 }));
      logger.info('shutting down', { released });
      await schedules.stop();
      await new Promise<void>((r) => server.close(() => r()));
      resolveStopped();
    })());
  const removeSignalHandlers = onShutdown(() => void shutDown());
  return {
    server,
    stopped,
    stop: () => {
      removeSignalHandlers();
      return shutDown();
    },
  };
}

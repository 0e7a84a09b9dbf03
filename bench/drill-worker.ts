/**
 * The worker process the crash drill kills: the real runtime from the environment (DATA_DIR, short
 * JOB_LEASE_SECONDS), working the job queue until SIGTERM. SIGKILL gives it no chance to clean up,
 * which is the point.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/create-logger';
import { createRuntime } from '../src/runtime';

const IDLE_POLL_MS = 100;

async function main(): Promise<void> {
  const workerId = process.argv[2];
  if (!workerId) throw new Error('usage: drill-worker <worker-id>');
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, format: 'json' });
  const rt = await createRuntime(config, logger);
  const worker = rt.createWorker(workerId);
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
  });
  while (!stopping) {
    await worker.runOnce();
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
  }
  await worker.stop(5000);
  await rt.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});

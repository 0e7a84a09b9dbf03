/**
 * The command line, and the only place that picks real implementations:
 *   serve | demo | migrate | run-job <name> [--tenant id] | simulate
 */
import dotenv from 'dotenv';
import { runSimulatorCli } from '../integrations/erp-simulator';
import { deliverJob } from '../jobs/deliver';
import { insightsJob } from '../jobs/insights';
import type { PipelineDeps } from '../jobs/pipeline-deps';
import { syncJob } from '../jobs/sync';
import { runDemo } from './cli/demo';
import { loadConfig, type Config } from './config';
import { ConfigError } from './errors';
import { createLogger } from './logging/create-logger';
import { createRuntime, type Runtime } from './runtime';
import type { JobDefinition } from './scheduler/job-definition';

function pipelineJobs(): JobDefinition<PipelineDeps>[] {
  return [syncJob, insightsJob, deliverJob];
}

function pipelineDeps(rt: Runtime): PipelineDeps {
  return { tenants: rt.tenants, sync: rt.sync, insights: rt.insights, delivery: rt.delivery, clock: rt.clock, erpFor: rt.erpFor };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function withRuntime(config: Config, fn: (rt: Runtime) => Promise<void>): Promise<void> {
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const rt = await createRuntime(config, logger);
  try {
    await fn(rt);
  } finally {
    await rt.close();
  }
}

const usage = 'usage: main <serve|demo|migrate|run-job <name> [--tenant id]|simulate> [options]';

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'simulate') return runSimulatorCli(args);
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env);
  switch (command) {
    case 'migrate':
      return withRuntime(config, async (rt) => {
        console.log(`Database is at the latest schema (${rt.db.dialect}).`);
      });
    case 'demo':
      // The simulator is local, so the demo may read it faster than the conservative default for real ERPs.
      return withRuntime({ ...config, ERP_REQUESTS_PER_SECOND: 200, LOG_LEVEL: args.includes('--verbose') ? config.LOG_LEVEL : 'warn' }, (rt) =>
        runDemo(rt, pipelineJobs(), pipelineDeps(rt), { employees: Number(flag(args, 'employees') ?? 50) }),
      );
    default:
      console.error(usage);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
  process.exitCode = 1;
});

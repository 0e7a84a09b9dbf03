/**
 * The command line; src/runtime.ts, the composition root, picks the real implementations:
 *   serve | demo [--serve] | migrate [--new-database] | run-job <name> [--tenant id] | create-staff --username <u> | metrics-token |
 *   purge-replay --since <time> --file <export> | simulate
 */
import { hostname } from 'node:os';
import dotenv from 'dotenv';
import { loadConfig, type Config } from './config';
import type { OpenDatabaseOptions } from './db/open';
import { ConfigError } from './errors';
import { createLogger } from './logging/create-logger';
import type { Runtime } from './runtime';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Commands load their modules on demand: `simulate` must not start the whole service's code. */
async function withRuntime(config: Config, fn: (rt: Runtime) => Promise<void>, dbOptions: OpenDatabaseOptions = {}): Promise<void> {
  const { createRuntime } = await import('./runtime');
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const rt = await createRuntime(config, logger, undefined, dbOptions);
  try {
    await fn(rt);
  } finally {
    await rt.close();
  }
}

async function serveUntilStopped(rt: Runtime): Promise<void> {
  const { serve } = await import('./cli/serve');
  const { stopped } = await serve(rt, `${hostname()}-${process.pid}`);
  rt.logger.info('listening', { url: rt.config.PUBLIC_BASE_URL, jobs: rt.config.JOBS_ENABLED });
  await stopped;
}

const usage =
  'usage: main <serve | demo [--serve] | migrate [--new-database] | run-job <name> [--tenant id] | create-staff --username <name> | metrics-token | purge-replay --since <time> --file <export> | simulate>';

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'simulate') return (await import('../integrations/erp-simulator')).runSimulatorCli(args);
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env);
  switch (command) {
    case 'migrate':
      return withRuntime(
        config,
        async (rt) => {
          console.log(`Database is at the latest schema (${rt.db.dialect}).`);
        },
        { allowNewDatabase: args.includes('--new-database') },
      );
    case 'serve':
      return withRuntime(config, serveUntilStopped);
    case 'demo': {
      const keepServing = args.includes('--serve');
      // The simulator is local, so the demo may read it faster than the conservative default for real ERPs.
      const demoConfig = { ...config, ERP_REQUESTS_PER_SECOND: 200, LOG_LEVEL: args.includes('--verbose') ? config.LOG_LEVEL : 'warn' };
      const { runDemo } = await import('./cli/demo');
      return withRuntime(demoConfig, async (rt) => {
        const { tenantId, closeSimulator } = await runDemo(rt, { employees: Number(flag(args, 'employees') ?? 50), keepSimulator: keepServing });
        if (!keepServing) return;
        const { demoAccounts } = await import('./cli/demo-accounts');
        const { staff, admin } = await demoAccounts(rt, tenantId);
        console.log(`\nServing ${rt.config.PUBLIC_BASE_URL} (Ctrl+C stops). Local demo accounts, new passwords each run:`);
        console.log(`  customer admin: ${admin.username} / ${admin.password}`);
        console.log(`  staff:          ${staff.username} / ${staff.password}  (TOTP secret ${staff.totpSecret ?? ''})`);
        await serveUntilStopped(rt);
        await closeSimulator();
      });
    }
    case 'run-job': {
      const job = args[0];
      if (!job || job.startsWith('--')) throw new ConfigError(['run-job: name the job, e.g. run-job sync --tenant <id>']);
      const { runJobNow } = await import('./cli/run-job');
      return withRuntime(config, (rt) => runJobNow(rt, job, flag(args, 'tenant') ?? null));
    }
    case 'create-staff': {
      const username = flag(args, 'username');
      if (!username) throw new ConfigError(['create-staff: --username is required']);
      return withRuntime(config, async (rt) => {
        const created = await rt.web.users.createStaffUser(username);
        await rt.audit.record({ actor: { type: 'system', id: null }, tenantId: null, action: 'staff.created', object: { type: 'user', id: created.userId } });
        console.log(`Staff account created. Shown once — store them now:`);
        console.log(`  initial password: ${created.initialPassword}`);
        console.log(`  TOTP secret:      ${created.enrolment.secret}`);
        console.log(`  TOTP URI:         ${created.enrolment.otpauthUri}`);
      });
    }
    case 'metrics-token': {
      // Prints the scraper's bearer token, creating a random one in the secret store on first use.
      const { createSecretStore } = await import('./runtime');
      const { generatedSecret } = await import('./secrets/generated-secret');
      const secrets = createSecretStore(config, createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }));
      console.log(await generatedSecret(secrets, config.METRICS_TOKEN_SECRET));
      return;
    }
    case 'purge-replay': {
      const since = flag(args, 'since');
      const file = flag(args, 'file');
      if (!since || !file) throw new ConfigError(['purge-replay: --since <ISO time> and --file <export.json> are required']);
      const { readFile } = await import('node:fs/promises');
      const { parsePurgeEvents, replayPersonPurges } = await import('./retention/purge-replay');
      const events = parsePurgeEvents(await readFile(file, 'utf8'), new Date(since).toISOString());
      return withRuntime(config, async (rt) => {
        const result = await replayPersonPurges({ db: rt.db, retention: rt.retention }, events);
        console.log(JSON.stringify({ events: events.length, ...result, note: 'tenant purges are re-applied by run-job retention-purge' }));
      });
    }
    default:
      console.error(usage);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});

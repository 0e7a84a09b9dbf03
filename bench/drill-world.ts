import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { generateCompany } from '../integrations/erp-simulator/generate-company';
import { startSimulator, type Simulator } from '../integrations/erp-simulator/server';
import type { SimCompany } from '../integrations/erp-simulator/types';
import { loadConfig, type Config } from '../src/config';
import { createLogger } from '../src/logging/create-logger';
import { createRuntime, createSecretStore, type Runtime } from '../src/runtime';
import { generatedSecret } from '../src/secrets/generated-secret';
import { onboardTenant } from '../src/tenants/onboarding';
import { STAFF_DELIVERIES_SHOWN } from '../src/web/staff-deliveries.routes';
import { startErpFront, type ErpFront } from './drill-erp-front';
import { expectedRecipients } from './drill-ground-truth';
import { readOutboxMessages } from './drill-outbox';
import { startSendGridReceiver, type SendGridReceiver } from './drill-sendgrid';
import { countExecutions, countRecipients, countRunsReportedTwice, drillFailures, type ReceivedMessage } from './drill-verify';

const ZONE = 'Europe/Helsinki';

export interface WorldOptions {
  seed: number;
  tenants: number;
  employees: number;
  months: number;
  transport: 'file' | 'sendgrid';
  /** Share of accepted SendGrid requests whose connection is reset instead of answered. */
  resetShare: number;
  random: () => number;
  /** Extra settings for the worker processes (lease, concurrency, attempts). */
  settings: Record<string, string>;
}

/** The outside world (ERP, mail receiver) in this process, and the product's data dir and config. */
export interface World {
  dir: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  rt: Runtime;
  tenantIds: string[];
  logFd: number;
  logFile: string;
  company: SimCompany;
  front: ErpFront;
  receiver: SendGridReceiver | undefined;
  close(): Promise<void>;
}

export async function setUpWorld(opts: WorldOptions): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-drill-'));
  const logFile = path.join(dir, 'drill.log');
  const logFd = fs.openSync(logFile, 'a');
  const endDate = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
  const company = generateCompany({ seed: opts.seed, employees: opts.employees, months: opts.months + 1, endDate });
  const clientSecret = randomBytes(18).toString('base64url');
  const sim: Simulator = await startSimulator({ company, clientId: 'drill-client', clientSecret });
  const front = await startErpFront(sim.url);
  const receiver = opts.transport === 'sendgrid' ? await startSendGridReceiver({ resetShare: opts.resetShare, random: opts.random }) : undefined;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    SQLITE_FILE: 'drill.db',
    DB_KIND: 'sqlite',
    SECRET_STORE: 'local',
    EMAIL_TRANSPORT: opts.transport,
    ...(receiver ? { SENDGRID_BASE_URL: receiver.baseUrl } : {}),
    MASTER_KEY: randomBytes(32).toString('base64'),
    DB_KEY: randomBytes(32).toString('hex'),
    // info: the workers' "Job run succeeded" lines are one of the drill's witnesses.
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ERP_REQUESTS_PER_SECOND: '100',
    SYNC_BACKFILL_MONTHS: String(opts.months),
    ...opts.settings,
  };
  const config = loadConfig(env);
  const logStream = fs.createWriteStream('', { fd: logFd, autoClose: false });
  const logger = createLogger({ level: 'warn', format: 'json', stream: logStream });
  if (receiver) await createSecretStore(config, logger).set(config.SENDGRID_API_KEY_SECRET, `SG.drill-${randomBytes(12).toString('hex')}`);
  const rt = await createRuntime(config, logger);
  // Created once here, so replicas starting together do not race to create it.
  await generatedSecret(rt.secrets, 'csrf-signing-key');
  const tenantIds: string[] = [];
  for (let i = 0; i < opts.tenants; i += 1) {
    const erp = { baseUrl: front.urlFor(`t${i + 1}`), credentials: { clientId: 'drill-client', clientSecret } };
    tenantIds.push((await onboardTenant(rt, { displayName: `Drill ${i + 1} Oy`, contractStart: '2024-01-01', timezone: ZONE }, erp)).id);
  }
  return {
    dir,
    env,
    config,
    rt,
    tenantIds,
    logFd,
    logFile,
    company,
    front,
    receiver,
    async close() {
      await rt.close();
      await receiver?.close();
      await front.close();
      await sim.close();
      await new Promise<void>((resolve) => logStream.end(resolve));
      fs.closeSync(logFd);
    },
  };
}

const countBy = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

/** Counts what reached the outside world once every worker has stopped, and why the drill fails. */
export async function collectFindings(world: World, run: { finished: boolean; crashes: number }) {
  const { rt } = world;
  const received: ReceivedMessage[] = world.receiver
    ? world.receiver.accepted.flatMap((m) => m.addresses.map((address) => ({ tenant: m.tenant, address })))
    : await readOutboxMessages(world.config.OUTBOX_DIR);
  // What the staff deliveries page lists: an unknown beyond its limit is not visible, so not reported.
  const visible = (await rt.web.deliveryReview.unknown(STAFF_DELIVERIES_SHOWN)).map((u) => ({ tenant: u.tenantId, personId: u.personId }));
  const recipients = countRecipients(expectedRecipients(world.company, world.tenantIds, new Date(), ZONE), received, visible);
  const executions = countExecutions(world.front.log);
  // Templated paths and hashed tokens only: what an operator needs to see which executions overlapped.
  await fs.promises.writeFile(path.join(world.dir, 'erp-requests.jsonl'), world.front.log.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const reports = countRunsReportedTwice((await fs.promises.readFile(world.logFile, 'utf8')).split('\n'));
  const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(rt.db.kysely)).rows.map((r) => r.integrity_check).join('; ');
  const runs = await rt.db.kysely.selectFrom('job_runs').select(['job', 'state']).execute();
  const deliveries = await rt.db.kysely.selectFrom('deliveries').select('state').execute();
  const failures = drillFailures({ recipients, executions, runsReportedTwice: reports.runs_reported_succeeded_twice,
    syncRunsSucceeded: runs.filter((r) => r.job === 'sync' && r.state === 'succeeded').length,
    pipelineFinished: run.finished, crashes: run.crashes, integrity });
  // Mail to someone the ground truth expects nothing for is worth reading, but is none of the drill's
  // failure classes (it comes from what the insights cover, not from faults).
  const warnings = recipients.unexpected_messages > 0 ? ['messages to addresses nobody expects'] : [];
  return {
    failures,
    warnings,
    figures: {
      ...recipients,
      ...executions,
      ...reports,
      erp_requests: world.front.log.length,
      receiver_resets: world.receiver?.resets() ?? null,
      runs: countBy(runs.map((r) => `${r.job}.${r.state}`)),
      deliveries: countBy(deliveries.map((d) => d.state)),
      integrity,
    },
  };
}

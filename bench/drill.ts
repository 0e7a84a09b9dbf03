/**
 * Crash drill (`npm run drill`): the sync → insights → deliver pipeline runs through the job system
 * on the ERP simulator while its worker process is SIGKILLed at seeded random moments and restarted.
 * Prints one JSON line (--keep leaves the temp DATA_DIR and drill.log behind); exits non-zero when a run or an email happened twice, a sent delivery does not
 * have exactly one message, the pipeline did not finish or the database fails its integrity check.
 *
 *   npm run drill -- --employees 40 --months 6 --kills 10 --tenants 1 --seed 1 --max-delay-ms 1500
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/create-logger';
import { createRuntime, type Runtime } from '../src/runtime';
import { numberArg } from './args';
import { verifyDrill } from './drill-verify';
import { startSimulatorProcess } from './simulator-process';
import { mulberry32 } from '../integrations/erp-simulator/prng';
import { onboardTenant } from '../src/tenants/onboarding';

const ZONE = 'Europe/Helsinki';
const PIPELINE = ['sync', 'insights', 'deliver'] as const;
const FINISHED = new Set(['succeeded', 'dead', 'cancelled']);
const POLL_MS = 25;
const MAX_ROUNDS = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Deadline {
  check(): void;
}

function deadlineIn(ms: number): Deadline {
  const end = performance.now() + ms;
  return {
    check() {
      if (performance.now() > end) throw new Error(`drill did not finish within ${Math.round(ms / 1000)} s`);
    },
  };
}

async function until<T>(deadline: Deadline, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    deadline.check();
    await sleep(POLL_MS);
  }
}

interface WorkerProcess {
  id: string;
  startedAt: string;
  child: ChildProcess;
  exited: Promise<void>;
}

function startWorker(id: string, env: NodeJS.ProcessEnv, logFd: number): WorkerProcess {
  const startedAt = new Date().toISOString();
  // The tsx CLI would run the script in a grandchild that outlives a SIGKILL of the CLI: load tsx's
  // hook into this one process instead, so the kill hits the worker itself.
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'drill-worker.ts'), id], {
    env,
    stdio: ['ignore', logFd, logFd],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { id, startedAt, child, exited };
}

async function lastDurationMs(rt: Runtime, job: string): Promise<number | undefined> {
  const row = await rt.db.kysely
    .selectFrom('job_runs')
    .select('duration_ms')
    .where('job', '=', job)
    .where('state', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .executeTakeFirst();
  return row?.duration_ms ?? undefined;
}

/**
 * Runs that failed for a reason other than the kills (they were retried): the run rows forget the
 * error once a retry succeeds, the workers' log does not.
 */
async function failuresInLog(file: string): Promise<Record<string, number>> {
  const byClass: Record<string, number> = {};
  for (const line of (await fs.promises.readFile(file, 'utf8')).split('\n')) {
    let entry: { message?: string; errorClass?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line cut short by a kill, or not a log line
    }
    if (entry.message !== 'Job run failed, will retry' && entry.message !== 'Job run dead') continue;
    const key = entry.errorClass ?? 'unknown';
    byClass[key] = (byClass[key] ?? 0) + 1;
  }
  return byClass;
}

/** One tenant's sync → insights → deliver, each enqueued once the previous run succeeded. */
async function runPipeline(rt: Runtime, tenantId: string, deadline: Deadline): Promise<boolean> {
  for (const job of PIPELINE) {
    const queued = await rt.jobControl.enqueueNow(job, tenantId);
    const state = await until(deadline, async () => {
      const run = await rt.jobControl.get(queued.id);
      return run && FINISHED.has(run.state) ? run.state : undefined;
    });
    if (state !== 'succeeded') return false;
  }
  return true;
}

async function setUpTenants(rt: Runtime, count: number, sim: { url: string; clientId: string; clientSecret: string }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const erp = { baseUrl: sim.url, credentials: { clientId: sim.clientId, clientSecret: sim.clientSecret } };
    const tenant = await onboardTenant(rt, { displayName: `Drill ${i + 1} Oy`, contractStart: '2024-01-01', timezone: ZONE }, erp);
    ids.push(tenant.id);
  }
  return ids;
}

async function main(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 40);
  const months = numberArg(args, 'months', 6);
  const kills = numberArg(args, 'kills', 10);
  const tenantCount = numberArg(args, 'tenants', 1);
  const seed = numberArg(args, 'seed', 1);
  const maxDelayMs = numberArg(args, 'max-delay-ms', 1500);
  const deadline = deadlineIn(numberArg(args, 'timeout-s', 480) * 1000);
  const keep = args.includes('--keep');
  const random = mulberry32(seed);
  const wallStart = performance.now();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-drill-'));
  const logFd = fs.openSync(path.join(dir, 'drill.log'), 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dir,
    SQLITE_FILE: 'drill.db',
    DB_KIND: 'sqlite',
    SECRET_STORE: 'local',
    EMAIL_TRANSPORT: 'file',
    MASTER_KEY: randomBytes(32).toString('base64'),
    DB_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ERP_REQUESTS_PER_SECOND: '100',
    SYNC_BACKFILL_MONTHS: String(months),
    // Short leases so a killed run is taken over within seconds; enough attempts that the kills alone
    // never exhaust a run (a dead run here would be a finding, not a consequence of the drill).
    JOB_LEASE_SECONDS: '10',
    JOB_MAX_ATTEMPTS: String(Math.min(20, kills + 2)),
  };
  const config = loadConfig(env);
  const endDate = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
  const sim = await startSimulatorProcess(['--employees', String(employees), '--months', String(months + 1), '--end-date', endDate]);
  const logStream = fs.createWriteStream('', { fd: logFd, autoClose: false });
  const rt = await createRuntime(config, createLogger({ level: 'warn', format: 'json', stream: logStream }));
  let worker: WorkerProcess | undefined;
  let ok = false;
  try {
    const tenantIds = await setUpTenants(rt, tenantCount, sim);
    let spawned = 0;
    worker = startWorker(`drill-${++spawned}`, env, logFd);

    let pipelineOver = false;
    let done = 0;
    const killedDuring: Record<string, number> = {};
    const killer = (async () => {
      while (done < kills) {
        const current: WorkerProcess = worker;
        // Each kill aims at a stage drawn at random, so the short insights and deliver runs are hit as
        // often as the long sync; it waits until this worker has claimed a run of it (killing a process
        // that idles until an expired lease frees the run would prove nothing).
        const target = PIPELINE[Math.floor(random() * PIPELINE.length)] ?? 'sync';
        const claimed = await until(deadline, async () => {
          if (pipelineOver) return false;
          const row = await rt.db.kysely
            .selectFrom('job_runs')
            .select('id')
            .where('job', '=', target)
            .where('started_at', '>=', current.startedAt)
            .executeTakeFirst();
          return row ? true : undefined;
        });
        if (!claimed) return;
        // A moment within the time this job took when it last succeeded.
        await sleep(Math.floor(random() * ((await lastDurationMs(rt, target)) ?? maxDelayMs)));
        const running = await rt.db.kysely
          .selectFrom('job_runs')
          .select('job')
          .where('state', '=', 'running')
          .where('lease_owner', 'like', `${current.id}/%`)
          .executeTakeFirst();
        current.child.kill('SIGKILL');
        await current.exited;
        done += 1;
        const hit = running?.job ?? 'between-runs';
        killedDuring[hit] = (killedDuring[hit] ?? 0) + 1;
        worker = startWorker(`drill-${++spawned}`, env, logFd);
      }
    })();

    let rounds = 0;
    let lastRoundOk = false;
    try {
      // Rounds repeat until every kill has landed; later rounds re-deliver a period already delivered,
      // which must send nothing new. The round running when the last kill lands is let finish.
      while (rounds < MAX_ROUNDS) {
        rounds += 1;
        const results = await Promise.all(tenantIds.map((id) => runPipeline(rt, id, deadline)));
        lastRoundOk = results.every(Boolean);
        if (!lastRoundOk || done >= kills) break;
      }
    } finally {
      pipelineOver = true;
      await killer;
    }

    worker.child.kill('SIGTERM');
    await Promise.race([worker.exited, sleep(15_000).then(() => worker?.child.kill('SIGKILL'))]);
    const findings = await verifyDrill(rt.db, config.OUTBOX_DIR);
    const retriedErrors = await failuresInLog(path.join(dir, 'drill.log'));
    const exactlyOne = findings.recipients > 0 && findings.emails_per_recipient_min === 1 && findings.emails_per_recipient_max === 1;
    ok = findings.duplicates === 0 && exactlyOne && findings.integrity === 'ok' && lastRoundOk && findings.orphan_emails === 0 && findings.unaccounted_emails === 0;
    console.log(
      JSON.stringify({
        drill: 'pipeline',
        ok,
        seed,
        tenants: tenantCount,
        employees,
        months,
        kills: done,
        killed_during: killedDuring,
        rounds,
        pipeline_finished: lastRoundOk,
        workers_started: spawned,
        ...findings,
        retried_errors: retriedErrors,
        wall_ms: Math.round(performance.now() - wallStart),
      }),
    );
  } finally {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await rt.close();
    await sim.stop();
    await new Promise<void>((resolve) => logStream.end(resolve));
    fs.closeSync(logFd);
    if (ok && !keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.error(`drill data and logs kept in ${dir}`);
  }
  if (!ok) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});

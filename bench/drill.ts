/**
 * Fault drill (`npm run drill`): the sync → insights → deliver pipeline runs through the job system on
 * the ERP simulator while its workers are killed, paused and stopped; then what reached the outside
 * world is counted against the simulator's ground truth (see drill-verify.ts). Prints one JSON line;
 * exits non-zero on a duplicate message, a recipient never emailed and never reported, a double
 * execution, an unfinished pipeline or a failed integrity check. --keep leaves DATA_DIR and drill.log.
 *
 *   npm run drill -- [pipeline] --kills 10 --tenants 1 --employees 40 --months 6 --seed 1 [--transport sendgrid --reset-share 0.05]
 *   npm run drill -- serve --faults 6 --replicas 2 --tenants 4 --concurrency 2 --employees 40 --months 6 --seed 1 [--transport file]
 */
import fs from 'node:fs';
import { mulberry32 } from '../integrations/erp-simulator/prng';
import { numberArg } from './args';
import { runPipelineMode } from './drill-pipeline';
import { deadlineIn } from './drill-procs';
import { runServeMode, type ServeFault } from './drill-serve';
import { collectFindings, setUpWorld } from './drill-world';

const LEASE_SECONDS = 10;
const SHUTDOWN_SECONDS = 5;

function choiceArg<T extends string>(args: string[], name: string, choices: readonly T[], fallback: T): T {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = choices.find((c) => c === args[i + 1]);
  if (!value) throw new Error(`--${name} must be one of ${choices.join(', ')}`);
  return value;
}

function shareArg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new Error(`--${name} needs a share in [0, 1)`);
  return value;
}

/** A count that may be 0: a drill without faults checks the oracle itself against a clean run. */
function countArg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number, 0 or more`);
  return value;
}

/** kill, stop and term in turn, the order of each three shuffled by the seed. */
function faultPlan(count: number, random: () => number): ServeFault[] {
  const plan: ServeFault[] = [];
  while (plan.length < count) {
    const three: ServeFault[] = ['kill', 'stop', 'term'];
    for (let i = three.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [three[i], three[j]] = [three[j] as ServeFault, three[i] as ServeFault];
    }
    plan.push(...three);
  }
  return plan.slice(0, count);
}

async function main(args: string[]): Promise<void> {
  const mode = args[0] === 'serve' ? 'serve' : 'pipeline';
  const serveMode = mode === 'serve';
  const seed = numberArg(args, 'seed', 1);
  const tenants = numberArg(args, 'tenants', serveMode ? 4 : 1);
  const employees = numberArg(args, 'employees', 40);
  const months = numberArg(args, 'months', 6);
  const maxDelayMs = numberArg(args, 'max-delay-ms', 1500);
  const transport = choiceArg(args, 'transport', ['file', 'sendgrid'] as const, serveMode ? 'sendgrid' : 'file');
  const resetShare = transport === 'sendgrid' ? shareArg(args, 'reset-share', serveMode ? 0.05 : 0) : 0;
  const deadline = deadlineIn(numberArg(args, 'timeout-s', serveMode ? 300 : 480) * 1000);
  const keep = args.includes('--keep');
  const random = mulberry32(seed);
  const kills = countArg(args, 'kills', 10);
  const faults = serveMode ? faultPlan(countArg(args, 'faults', 6), random) : [];
  const wallStart = performance.now();

  const world = await setUpWorld({
    seed,
    tenants,
    employees,
    months,
    transport,
    resetShare,
    random,
    settings: {
      // Short leases so a dead or paused worker's run is taken over within seconds; enough attempts
      // that the faults alone never exhaust a run (a dead run here would be a finding).
      JOB_LEASE_SECONDS: String(LEASE_SECONDS),
      JOB_MAX_ATTEMPTS: String(Math.min(20, (serveMode ? faults.length : kills) + 2)),
      JOB_CONCURRENCY: String(numberArg(args, 'concurrency', serveMode ? 2 : 4)),
      SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_SECONDS),
    },
  });
  let ok = false;
  try {
    const outcome = serveMode
      ? await runServeMode(world, { faults, replicas: numberArg(args, 'replicas', 2), random, maxDelayMs, leaseMs: LEASE_SECONDS * 1000, shutdownMs: SHUTDOWN_SECONDS * 1000, deadline })
      : await runPipelineMode(world, { kills, random, maxDelayMs, deadline });
    const { failures, warnings, figures } = await collectFindings(world, outcome);
    ok = failures.length === 0;
    const { finished, ...rest } = outcome;
    console.log(
      JSON.stringify({
        drill: mode,
        ok,
        failures,
        warnings,
        seed,
        tenants,
        employees,
        months,
        transport,
        reset_share: resetShare,
        ...rest,
        pipeline_finished: finished,
        ...figures,
        wall_ms: Math.round(performance.now() - wallStart),
      }),
    );
  } finally {
    await world.close();
    if (ok && !keep) fs.rmSync(world.dir, { recursive: true, force: true });
    else console.error(`drill data and logs kept in ${world.dir}`);
  }
  if (!ok) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});

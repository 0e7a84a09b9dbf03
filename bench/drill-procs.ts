import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Runtime } from '../src/runtime';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Deadline {
  expired(): boolean;
  /** Ends the drill early (it then reports what it has). */
  cancel(): void;
}

export function deadlineIn(ms: number): Deadline {
  let end = performance.now() + ms;
  return {
    expired: () => performance.now() > end,
    cancel: () => {
      end = 0;
    },
  };
}

const POLL_MS = 25;

/** Polls until probe answers; undefined once the deadline passed (the drill then reports, it does not hang). */
export async function until<T>(deadline: Deadline, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (deadline.expired()) return undefined;
    await sleep(POLL_MS);
  }
}

export interface Proc {
  /** What the process's runs carry in lease_owner. */
  ownerPattern: string;
  startedAt: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** Sends a signal and remembers that the drill ended it, so an exit after this is no crash. */
  signal(sig: NodeJS.Signals): void;
  endedByDrill(): boolean;
}

/**
 * Runs a TypeScript entry point with tsx's loader in this one process: the tsx CLI would run it in a
 * grandchild that outlives a signal to the CLI, and the drill's signals must hit the worker itself.
 */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv, logFd: number, ownerPattern: (pid: number) => string): Proc {
  const startedAt = new Date().toISOString();
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, script, ...args], { env, stdio: ['ignore', logFd, logFd] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ended = false;
  return {
    ownerPattern: ownerPattern(child.pid ?? 0),
    startedAt,
    child,
    exited,
    signal(sig) {
      if (sig === 'SIGKILL' || sig === 'SIGTERM') ended = true;
      child.kill(sig);
    },
    endedByDrill: () => ended,
  };
}

export const isAlive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

/** SIGTERM, then SIGKILL if it has not exited in time; true when it stopped by itself. */
export async function stopProc(p: Proc, graceMs: number): Promise<boolean> {
  if (!isAlive(p)) return true;
  p.signal('SIGCONT');
  p.signal('SIGTERM');
  const clean = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!clean) {
    p.signal('SIGKILL');
    await p.exited;
  }
  return clean;
}

export const PIPELINE = ['sync', 'insights', 'deliver'] as const;
const FINISHED = new Set(['succeeded', 'dead', 'cancelled']);

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

const MAX_ROUNDS = 20;

/**
 * Pipeline rounds for every tenant until the faults have all landed; later rounds re-deliver a period
 * already delivered, which must send nothing new. The round running when the last fault lands is let finish.
 */
export async function runRounds(rt: Runtime, tenantIds: string[], deadline: Deadline, faultsDone: () => boolean): Promise<{ rounds: number; finished: boolean }> {
  let rounds = 0;
  let finished = false;
  while (rounds < MAX_ROUNDS) {
    rounds += 1;
    finished = (await Promise.all(tenantIds.map((id) => runPipeline(rt, id, deadline)))).every(Boolean);
    if (!finished || faultsDone()) break;
  }
  return { rounds, finished };
}

export async function lastDurationMs(rt: Runtime, job: string): Promise<number | undefined> {
  const row = await rt.db.kysely
    .selectFrom('job_runs')
    .select('duration_ms')
    .where('job', '=', job)
    .where('state', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .executeTakeFirst();
  return row?.duration_ms ?? undefined;
}

/** The stage of the run `p` holds right now, if any. */
export async function runningStage(rt: Runtime, p: Proc, job?: string): Promise<string | undefined> {
  let q = rt.db.kysely.selectFrom('job_runs').select('job').where('state', '=', 'running').where('lease_owner', 'like', p.ownerPattern);
  if (job) q = q.where('job', '=', job);
  return (await q.executeTakeFirst())?.job;
}

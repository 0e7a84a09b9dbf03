import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import type { JobRun } from '../db/schema';
import type { Logger } from '../logging/logger';
import { redactString } from '../logging/redact';
import { withRunContext } from '../logging/run-context';
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from './backoff';
import { GLOBAL_TENANT, RunCancelledError, type JobContext, type JobRegistry } from './job-definition';
import { createJobRunRepo } from './job-run-repo';
import { createRunLogStore } from './run-log';
import { createWorkerPresence, PRESENCE_BEAT_MS } from './worker-presence';
import { LeaseLostError } from './write-fence';

/** The timers the worker uses, each returning its cancel function; tests drive them by hand. */
export interface WorkerTimers {
  setTimeout(fn: () => void, ms: number): () => void;
  /** Must not keep the process alive on its own (heartbeats). */
  setInterval(fn: () => void, ms: number): () => void;
}

export const nodeTimers: WorkerTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export interface WorkerOptions<D> {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobRegistry<D>;
  /** Passed to every job's run(). */
  deps: D;
  /** Runs this worker executes at once (JOB_CONCURRENCY). */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  /** Attempts before a run is marked dead (JOB_MAX_ATTEMPTS). */
  maxAttempts: number;
  workerId: string;
  backoff?: BackoffPolicy;
  random?: () => number;
  timers?: WorkerTimers;
  /** First wait before a failed run-record write is tried again; doubles each time. */
  bookkeepingRetryMs?: number;
  /** Told about every run this worker executed to its end (metrics). */
  onRunFinished?: (info: RunFinished) => void;
}

/** `lost`: the run ended, but its record was no longer this worker's to write (lease lost, purged). */
export type RunOutcome = 'succeeded' | 'retrying' | 'dead' | 'cancelled' | 'lost';

export interface RunFinished {
  job: string;
  outcome: RunOutcome;
  durationMs: number;
}

export interface Worker {
  readonly id: string;
  /** Polls for runnable runs every pollMs until stop(). */
  start(): void;
  /** Claims and runs until nothing is runnable now; resolves with how many runs it executed. */
  runOnce(): Promise<number>;
  /** Stops claiming, waits up to timeoutMs for running work, then hands the rest back. */
  stop(timeoutMs: number): Promise<{ released: number }>;
  activeCount(): number;
}

const MAX_ERROR_MESSAGE = 500;
/** SQLITE_FULL, ECONNRESET…: codes set by drivers and the OS, not our own error categories. */
const DRIVER_CODE = /^[A-Z][A-Z0-9_]+$/;

/**
 * error_message on the run record: redacted and short, because staff pages and logs show it. Errors
 * are recognised by shape, not instanceof: a native driver's errors may come from another realm. A
 * driver's error code leads the message when the message does not name it, since it names the cause.
 */
export function describeError(err: unknown): { errorClass: string; errorMessage: string } {
  const e = typeof err === 'object' && err !== null ? (err as { message?: unknown; code?: unknown }) : undefined;
  if (!e || typeof e.message !== 'string') return { errorClass: typeof err, errorMessage: redactString(String(err)).slice(0, MAX_ERROR_MESSAGE) };
  const errorClass = (err as object).constructor?.name ?? 'Error';
  const code = typeof e.code === 'string' && DRIVER_CODE.test(e.code) && !e.message.includes(e.code) ? `${e.code}: ` : '';
  return { errorClass, errorMessage: redactString(`${code}${e.message}`).slice(0, MAX_ERROR_MESSAGE) };
}

export function createWorker<D>(options: WorkerOptions<D>): Worker {
  const { db, clock, logger, jobs, deps, concurrency, leaseMs, pollMs, maxAttempts, workerId } = options;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  const timers = options.timers ?? nodeTimers;
  const bookkeepingRetryMs = options.bookkeepingRetryMs ?? 500;
  const repo = createJobRunRepo(db);
  const runLogs = createRunLogStore(db);
  const presence = createWorkerPresence(db);
  let stopPresence: (() => void) | undefined;
  const active = new Map<string, { done: Promise<void>; controller: AbortController; owner: string }>();
  let started = false;
  let stopping = false;
  let cancelPoll: (() => void) | undefined;
  let executed = 0;

  const iso = (offsetMs = 0): string => new Date(clock.now().getTime() + offsetMs).toISOString();
  const sleep = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));

  /**
   * A run-record write that throws (disk full, database unreachable) is tried again with growing
   * waits: giving up at once would leave the run 'running' until its lease expires. After about one
   * lease of waiting the error is passed on; by then the lease has run out and any worker may retry.
   */
  async function record(runLogger: Logger, write: () => Promise<boolean>): Promise<boolean> {
    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await write();
      } catch (err) {
        if (waited >= leaseMs) throw err;
        const delay = Math.min(bookkeepingRetryMs * 2 ** (attempt - 1), Math.max(1, Math.floor(leaseMs / 4)));
        runLogger.warn('Job run bookkeeping failed, will try again', { error: describeError(err).errorClass, attempt, delayMs: delay });
        await sleep(delay);
        waited += delay;
      }
    }
  }

  async function execute(run: JobRun, controller: AbortController): Promise<void> {
    const runLogger = logger.child({ job: run.job, tenantId: run.tenant_id, jobId: run.id, slot: run.slot, attempt: run.attempts });
    const startedAt = clock.now().getTime();
    const counters: Record<string, number> = {};
    // The claim's own token, not the worker ID: if this worker re-claims a run whose lease it let
    // expire, the stale execution must not be able to heartbeat or finish it.
    const owner = run.lease_owner ?? workerId;
    const finish = { id: run.id, owner };
    const summary = () => ({
      now: iso(),
      durationMs: Math.max(0, clock.now().getTime() - startedAt),
      countersJson: Object.keys(counters).length > 0 ? JSON.stringify(counters) : null,
    });
    const loseLease = (): LeaseLostError => {
      const lost = new LeaseLostError();
      if (!controller.signal.aborted) controller.abort(lost);
      return lost;
    };
    const job = jobs.get(run.job);
    if (!job || run.attempts > maxAttempts) {
      // A run whose lease kept expiring (the process died mid-run each time) ends here too.
      const reason = job ? 'Attempts exhausted after expired leases' : 'Job is not registered on this worker';
      await record(runLogger, () => repo.fail({ ...finish, ...summary(), state: 'dead', runAfter: run.run_after, errorClass: 'JobAbandoned', errorMessage: reason }));
      runLogger.error('Job run marked dead', { reason });
      return;
    }
    const stopHeartbeat = timers.setInterval(() => {
      repo
        .heartbeat(run.id, owner, iso(), iso(leaseMs))
        .then((ours) => {
          if (!ours) loseLease();
        })
        .catch((err: unknown) => runLogger.warn('Lease heartbeat failed', { error: describeError(err).errorClass }));
    }, Math.max(1, Math.floor(leaseMs / 3)));
    const ctx: JobContext = {
      runId: run.id,
      tenantId: run.tenant_id === GLOBAL_TENANT ? null : run.tenant_id,
      slot: run.slot,
      attempt: run.attempts,
      checkpoint: run.checkpoint_json ? (JSON.parse(run.checkpoint_json) as unknown) : null,
      saveCheckpoint: async (value) => {
        if (!(await repo.saveCheckpoint(run.id, owner, iso(), JSON.stringify(value)))) throw loseLease();
      },
      count: (name, n = 1) => {
        counters[name] = (counters[name] ?? 0) + n;
      },
      signal: controller.signal,
      leaseFence: async (trx) => {
        controller.signal.throwIfAborted();
        if (!(await repo.holdsLease(trx, run.id, owner))) throw loseLease();
      },
      lease: { runId: run.id, owner },
      logger: runLogger,
    };
    let outcome: { ok: true } | { ok: false; err: unknown };
    try {
      await job.run(deps, ctx);
      outcome = { ok: true };
    } catch (err) {
      outcome = { ok: false, err };
    } finally {
      stopHeartbeat();
    }
    const ended = (recorded: boolean, outcome: RunOutcome): void =>
      options.onRunFinished?.({ job: run.job, outcome: recorded ? outcome : 'lost', durationMs: summary().durationMs });
    if (outcome.ok) {
      const recorded = await record(runLogger, () => repo.succeed({ ...finish, ...summary() }));
      if (recorded) runLogger.info('Job run succeeded', { counters });
      else runLogger.warn('Job run finished, but the run is no longer ours (lease lost or record purged); nothing recorded', { counters });
      ended(recorded, 'succeeded');
      return;
    }
    const { errorClass, errorMessage } = describeError(outcome.err);
    if (outcome.err instanceof RunCancelledError) {
      const recorded = await record(runLogger, () => repo.fail({ ...finish, ...summary(), state: 'cancelled', runAfter: run.run_after, errorClass, errorMessage }));
      if (recorded) runLogger.warn('Job run cancelled', { errorClass, reason: errorMessage });
      else runLogger.warn('Job run stopped; the run is no longer ours (lease lost or record purged), nothing recorded', { errorClass });
      ended(recorded, 'cancelled');
      return;
    }
    const dead = run.attempts >= maxAttempts;
    const runAfter = dead ? run.run_after : iso(retryDelayMs(run.attempts, backoff, random));
    const recorded = await record(runLogger, () => repo.fail({ ...finish, ...summary(), state: dead ? 'dead' : 'retrying', runAfter, errorClass, errorMessage }));
    if (!recorded) runLogger.warn('Job run stopped; the run is no longer ours (lease lost or record purged), nothing recorded', { errorClass });
    else runLogger[dead ? 'error' : 'warn'](dead ? 'Job run dead' : 'Job run failed, will retry', { errorClass, runAfter });
    ended(recorded, dead ? 'dead' : 'retrying');
  }

  /** Runs the attempt with its log lines kept on the run; they are written before the attempt counts as done. */
  async function executeLogged(run: JobRun, controller: AbortController): Promise<void> {
    const lines = runLogs.forAttempt({ id: run.id, tenantId: run.tenant_id, attempt: run.attempts });
    const stopFlushing = timers.setInterval(() => void lines.flush(), Math.max(1, Math.floor(leaseMs / 3)));
    try {
      await withRunContext({ runId: run.id, sink: lines }, () => execute(run, controller));
    } finally {
      stopFlushing();
      await lines.flush();
    }
  }

  function launch(run: JobRun): void {
    const controller = new AbortController();
    const done = executeLogged(run, controller)
      .catch((err: unknown) => logger.error('Job run bookkeeping failed', { runId: run.id, error: describeError(err).errorClass }))
      .finally(() => {
        active.delete(run.id);
        executed += 1;
        if (started && !stopping) void fill().catch((err: unknown) => logger.error('Job claim failed', { error: describeError(err).errorClass }));
      });
    active.set(run.id, { done, controller, owner: run.lease_owner ?? workerId });
  }

  async function claimLoop(): Promise<void> {
    while (!stopping && active.size < concurrency) {
      const owner = `${workerId.slice(0, 40)}/${randomUUID().slice(0, 8)}`;
      const run = await repo.claim({ owner, now: iso(), leaseExpiresAt: iso(leaseMs), jobs: jobs.names() });
      if (!run) break;
      launch(run);
    }
  }

  let filling: Promise<void> | undefined;
  function fill(): Promise<void> {
    // One claim loop at a time, so concurrency is never exceeded by overlapping fills. The slot is
    // freed in a .finally callback, which always runs after the assignment below: a loop that ends
    // without awaiting (every slot busy) must not leave a settled promise behind as "filling".
    if (filling) return filling;
    const current = claimLoop().finally(() => {
      if (filling === current) filling = undefined;
    });
    filling = current;
    return current;
  }

  function schedulePoll(): void {
    cancelPoll = timers.setTimeout(() => {
      fill()
        .catch((err: unknown) => logger.error('Job claim failed', { error: describeError(err).errorClass }))
        .finally(() => {
          if (!stopping) schedulePoll();
        });
    }, pollMs);
  }

  return {
    id: workerId,
    start() {
      if (started || stopping) return;
      started = true;
      const presenceFailed = (err: unknown) => logger.warn('Worker heartbeat failed', { error: describeError(err).errorClass });
      presence.started({ id: workerId, now: iso(), concurrency, jobs: jobs.names() }).catch(presenceFailed);
      stopPresence = timers.setInterval(() => void presence.beat(workerId, iso(), active.size).catch(presenceFailed), PRESENCE_BEAT_MS);
      schedulePoll();
    },
    async runOnce() {
      const before = executed;
      for (;;) {
        await fill();
        if (active.size === 0) break;
        await Promise.race([...active.values()].map((a) => a.done));
      }
      return executed - before;
    },
    async stop(timeoutMs) {
      stopping = true;
      cancelPoll?.();
      let cancelTimeout: (() => void) | undefined;
      const timedOut = new Promise<void>((resolve) => {
        cancelTimeout = timers.setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...active.values()].map((a) => a.done)), timedOut]);
      cancelTimeout?.();
      let released = 0;
      for (const [id, a] of active) {
        a.controller.abort(new Error('Worker stopping'));
        if (await repo.release(id, a.owner, iso())) released += 1;
      }
      if (released > 0) logger.warn('Job runs handed back on shutdown', { released });
      if (stopPresence) {
        stopPresence();
        await presence.stopped(workerId, iso()).catch((err: unknown) => logger.warn('Worker stop not recorded', { error: describeError(err).errorClass }));
      }
      return { released };
    },
    activeCount: () => active.size,
  };
}

/** SIGTERM/SIGINT → `shutDown`, once; main.ts decides what happens after (exit code). Returns an unsubscribe. */
export function onShutdown(shutDown: () => void, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  let started = false;
  const handler = (): void => {
    if (started) return;
    started = true;
    shutDown();
  };
  for (const s of signals) process.once(s, handler);
  return () => {
    for (const s of signals) process.removeListener(s, handler);
  };
}

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import type { JobRun } from '../db/schema';
import type { Logger } from '../logging/logger';
import { redactString } from '../logging/redact';
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from './backoff';
import { GLOBAL_TENANT, type JobContext, type JobRegistry } from './job-definition';
import { createJobRunRepo } from './job-run-repo';

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

/** error_message on the run record: redacted and short, because staff pages and logs show it. */
export function describeError(err: unknown): { errorClass: string; errorMessage: string } {
  const errorClass = err instanceof Error ? err.constructor.name : typeof err;
  const raw = err instanceof Error ? err.message : String(err);
  return { errorClass, errorMessage: redactString(raw).slice(0, MAX_ERROR_MESSAGE) };
}

export function createWorker<D>(options: WorkerOptions<D>): Worker {
  const { db, clock, logger, jobs, deps, concurrency, leaseMs, pollMs, maxAttempts, workerId } = options;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  const repo = createJobRunRepo(db);
  const active = new Map<string, { done: Promise<void>; controller: AbortController; owner: string }>();
  let stopping = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let executed = 0;

  const iso = (offsetMs = 0): string => new Date(clock.now().getTime() + offsetMs).toISOString();

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
    const job = jobs.get(run.job);
    if (!job || run.attempts > maxAttempts) {
      // A run whose lease kept expiring (the process died mid-run each time) ends here too.
      const reason = job ? 'Attempts exhausted after expired leases' : 'Job is not registered on this worker';
      await repo.fail({ ...finish, ...summary(), state: 'dead', runAfter: run.run_after, errorClass: 'JobAbandoned', errorMessage: reason });
      runLogger.error('Job run marked dead', { reason });
      return;
    }
    const heartbeat = setInterval(() => {
      repo
        .heartbeat(run.id, owner, iso(), iso(leaseMs))
        .then((ours) => {
          if (!ours) controller.abort(new Error('Lease lost'));
        })
        .catch((err: unknown) => runLogger.warn('Lease heartbeat failed', { error: describeError(err).errorClass }));
    }, Math.max(1, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    const ctx: JobContext = {
      runId: run.id,
      tenantId: run.tenant_id === GLOBAL_TENANT ? null : run.tenant_id,
      slot: run.slot,
      attempt: run.attempts,
      checkpoint: run.checkpoint_json ? (JSON.parse(run.checkpoint_json) as unknown) : null,
      saveCheckpoint: async (value) => {
        if (!(await repo.saveCheckpoint(run.id, owner, iso(), JSON.stringify(value)))) controller.abort(new Error('Lease lost'));
      },
      count: (name, n = 1) => {
        counters[name] = (counters[name] ?? 0) + n;
      },
      signal: controller.signal,
      logger: runLogger,
    };
    try {
      await job.run(deps, ctx);
      await repo.succeed({ ...finish, ...summary() });
      runLogger.info('Job run succeeded', { counters });
    } catch (err) {
      const { errorClass, errorMessage } = describeError(err);
      const dead = run.attempts >= maxAttempts;
      const runAfter = dead ? run.run_after : iso(retryDelayMs(run.attempts, backoff, random));
      await repo.fail({ ...finish, ...summary(), state: dead ? 'dead' : 'retrying', runAfter, errorClass, errorMessage });
      runLogger[dead ? 'error' : 'warn'](dead ? 'Job run dead' : 'Job run failed, will retry', { errorClass, runAfter });
    } finally {
      clearInterval(heartbeat);
    }
  }

  function launch(run: JobRun): void {
    const controller = new AbortController();
    const done = execute(run, controller)
      .catch((err: unknown) => logger.error('Job run bookkeeping failed', { runId: run.id, error: describeError(err).errorClass }))
      .finally(() => {
        active.delete(run.id);
        executed += 1;
        if (pollTimer !== undefined && !stopping) void fill();
      });
    active.set(run.id, { done, controller, owner: run.lease_owner ?? workerId });
  }

  let filling: Promise<void> | undefined;
  function fill(): Promise<void> {
    // One claim loop at a time, so concurrency is never exceeded by overlapping fills.
    filling ??= (async () => {
      try {
        while (!stopping && active.size < concurrency) {
          const owner = `${workerId.slice(0, 40)}/${randomUUID().slice(0, 8)}`;
          const run = await repo.claim({ owner, now: iso(), leaseExpiresAt: iso(leaseMs), jobs: jobs.names() });
          if (!run) break;
          launch(run);
        }
      } finally {
        filling = undefined;
      }
    })();
    return filling;
  }

  function schedulePoll(): void {
    pollTimer = setTimeout(() => {
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
      if (pollTimer !== undefined || stopping) return;
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
      if (pollTimer !== undefined) clearTimeout(pollTimer);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...active.values()].map((a) => a.done)), timedOut]);
      clearTimeout(timer);
      let released = 0;
      for (const [id, a] of active) {
        a.controller.abort(new Error('Worker stopping'));
        if (await repo.release(id, a.owner, iso())) released += 1;
      }
      if (released > 0) logger.warn('Job runs handed back on shutdown', { released });
      return { released };
    },
    activeCount: () => active.size,
  };
}

/** SIGTERM/SIGINT → graceful stop; main.ts decides what happens after (exit code). Returns an unsubscribe. */
export function onShutdown(
  worker: Pick<Worker, 'stop'>,
  timeoutMs: number,
  then: (result: { released: number }) => void = () => undefined,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  let started = false;
  const handler = (): void => {
    if (started) return;
    started = true;
    void worker.stop(timeoutMs).then(then, () => then({ released: 0 }));
  };
  for (const s of signals) process.once(s, handler);
  return () => {
    for (const s of signals) process.removeListener(s, handler);
  };
}

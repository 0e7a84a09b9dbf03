import type { Logger } from '../logging/logger';
import type { WriteFence } from './write-fence';

/** The states of a job run; the finished ones never change again, so retention may delete them once old. */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'retrying', 'dead', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'dead', 'cancelled'];

/** What a tenant looks like to the scheduler: enough to pick a cron expression and a time zone. */
export interface ScheduleTenant {
  id: string;
  timezone: string;
  /** Parsed tenant settings; a job reads its own keys (e.g. the digest schedule) and ignores the rest. */
  settings: Record<string, unknown>;
}

/** Handed to a running job: its slot, resume point and a way to report progress. */
export interface JobContext {
  runId: string;
  /** null for global jobs. */
  tenantId: string | null;
  slot: string;
  /** 1 on the first try; a run resumed after an expired lease counts as another attempt. */
  attempt: number;
  /** What the previous attempt saved with saveCheckpoint, or null on a fresh start. */
  checkpoint: unknown;
  saveCheckpoint(value: unknown): Promise<void>;
  /** Adds n to a named counter kept on the run record (requests, rows, emails…). */
  count(name: string, n?: number): void;
  /** Aborted when the worker shuts down or loses the lease; long jobs should check it between steps. */
  signal: AbortSignal;
  /**
   * Call inside each write transaction of the job: throws LeaseLostError once another worker owns the
   * run (or the signal fired), so an execution that outlived its lease stops at its next write.
   */
  leaseFence: WriteFence;
  /** The lease as data, for a writer on another thread that checks it against its own connection. */
  lease: { runId: string; owner: string };
  logger: Logger;
}

/**
 * One job: when it runs (cron in the tenant's time zone), which slot a firing belongs to (so that
 * every replica's cron enqueues the same row), and the work itself.
 */
export interface JobDefinition<D> {
  name: string;
  scope: 'tenant' | 'global';
  /** Cron expression; tenant jobs get the tenant so it can honour per-tenant settings. */
  schedule(tenant?: ScheduleTenant): string;
  /** The slot key for a firing at `date`, e.g. '2026-11-30' (daily) or '2026-W49' (weekly). */
  slotFor(date: Date, timezone: string): string;
  run(deps: D, ctx: JobContext): Promise<void>;
}

export interface JobRegistry<D> {
  get(name: string): JobDefinition<D> | undefined;
  names(): string[];
  all(): JobDefinition<D>[];
}

export const GLOBAL_TENANT = '-';

/**
 * Thrown by a job whose run has nothing to do and must not be retried (its tenant is suspended, for
 * example): the run is recorded as cancelled with this message.
 */
export class RunCancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

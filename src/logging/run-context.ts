import { AsyncLocalStorage } from 'node:async_hooks';

/** One log line of a job run, after redaction. */
export interface RunLogLine {
  at: string;
  level: string;
  message: string;
  /** The line's own fields, without the run's context (job, tenant, run, slot, attempt). */
  meta: Record<string, unknown>;
}

/** Where a run's lines go while it executes; the scheduler keeps them with the run. */
export interface RunLogSink {
  write(line: RunLogLine): void;
}

interface RunContext {
  runId: string;
  sink: RunLogSink;
}

/**
 * The job run the current asynchronous call chain works for. Every line logged on that chain (by the
 * job, the sync, the ERP client…) carries the run's ID and reaches the run's sink, whichever logger
 * object wrote it.
 */
const storage = new AsyncLocalStorage<RunContext>();

export function withRunContext<T>(context: RunContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

export function currentRun(): RunContext | undefined {
  return storage.getStore();
}

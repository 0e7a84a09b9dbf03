import type { Runtime } from '../runtime';

/**
 * `run-job <name> [--tenant id]`: queues a run now and works the queue once. The run is then finished,
 * waiting for a retry, or still queued behind a run of the same job held by another process; the
 * printed state says which, and anything but success exits non-zero.
 */
export async function runJobNow(rt: Runtime, job: string, tenantId: string | null): Promise<void> {
  const queued = await rt.jobControl.enqueueNow(job, tenantId);
  await rt.createWorker(`cli-${process.pid}`).runOnce();
  const run = await rt.jobControl.get(queued.id);
  console.log(
    JSON.stringify({
      runId: queued.id,
      job,
      tenantId,
      state: run?.state,
      attempts: run?.attempts,
      runAfter: run?.state === 'retrying' ? run.run_after : undefined,
      counters: run?.counters_json ? JSON.parse(run.counters_json) : {},
      error: run?.error_message ?? null,
    }),
  );
  if (run?.state !== 'succeeded') process.exitCode = 1;
}

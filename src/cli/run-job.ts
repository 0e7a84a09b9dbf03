import type { Runtime } from '../runtime';

/** `run-job <name> [--tenant id]`: queues a run now and works the queue until that run is finished. */
export async function runJobNow(rt: Runtime, job: string, tenantId: string | null): Promise<void> {
  const queued = await rt.jobControl.enqueueNow(job, tenantId);
  const worker = rt.createWorker(`cli-${process.pid}`);
  for (;;) {
    await worker.runOnce();
    const run = await rt.jobControl.get(queued.id);
    if (!run || run.state !== 'queued' && run.state !== 'running' && run.state !== 'retrying') {
      console.log(JSON.stringify({ runId: queued.id, job, tenantId, state: run?.state, attempts: run?.attempts, counters: run?.counters_json ? JSON.parse(run.counters_json) : {}, error: run?.error_message ?? null }));
      if (run?.state !== 'succeeded') process.exitCode = 1;
      return;
    }
    if (run.state === 'retrying') {
      console.log(JSON.stringify({ runId: queued.id, job, state: 'retrying', runAfter: run.run_after, error: run.error_message }));
      process.exitCode = 1;
      return;
    }
  }
}

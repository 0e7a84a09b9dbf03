import path from 'node:path';
import { isAlive, lastDurationMs, PIPELINE, runningStage, runRounds, sleep, spawnTs, stopProc, until, type Deadline, type Proc } from './drill-procs';
import type { World } from './drill-world';

export interface ModeResult {
  rounds: number;
  finished: boolean;
  processesStarted: number;
  faults: Record<string, Record<string, number>>;
  /** Worker processes that exited without being told to (each replaced, up to MAX_CRASHES). */
  crashes: number;
}

export const MAX_CRASHES = 3;

/**
 * `pipeline` mode: one drill-worker process (the job worker alone, polled with runOnce) SIGKILLed
 * `kills` times at seeded random moments inside a randomly drawn stage, restarted after each kill.
 */
export async function runPipelineMode(world: World, opts: { kills: number; random: () => number; maxDelayMs: number; deadline: Deadline }): Promise<ModeResult> {
  const { rt } = world;
  let started = 0;
  let crashes = 0;
  let pipelineOver = false;
  const start = (): Proc => {
    started += 1;
    const id = `drill-${started}`;
    const proc = spawnTs(path.join(__dirname, 'drill-worker.ts'), [id], world.env, world.logFd, () => `${id}/%`);
    void proc.exited.then(() => {
      if (proc.endedByDrill() || pipelineOver) return;
      crashes += 1;
      if (crashes > MAX_CRASHES) opts.deadline.cancel();
      else worker = start();
    });
    return proc;
  };
  let worker: Proc = start();
  let done = 0;
  const killedDuring: Record<string, number> = {};
  const killer = (async () => {
    while (done < opts.kills) {
      const current = worker;
      // Each kill aims at a stage drawn at random, so the short insights and deliver runs are hit as
      // often as the long sync; it waits until this worker has claimed a run of it.
      const target = PIPELINE[Math.floor(opts.random() * PIPELINE.length)] ?? 'sync';
      const claimed = await until(opts.deadline, async () => {
        if (pipelineOver) return false;
        const row = await rt.db.kysely.selectFrom('job_runs').select('id').where('job', '=', target).where('started_at', '>=', current.startedAt).executeTakeFirst();
        return row ? true : undefined;
      });
      if (!claimed) return;
      await sleep(Math.floor(opts.random() * ((await lastDurationMs(rt, target)) ?? opts.maxDelayMs)));
      const hit = (await runningStage(rt, current)) ?? 'between-runs';
      current.signal('SIGKILL');
      await current.exited;
      done += 1;
      killedDuring[hit] = (killedDuring[hit] ?? 0) + 1;
      worker = start();
    }
  })();
  let result: { rounds: number; finished: boolean };
  try {
    result = await runRounds(rt, world.tenantIds, opts.deadline, () => done >= opts.kills);
  } finally {
    pipelineOver = true;
    await killer;
    if (isAlive(worker)) await stopProc(worker, 15_000);
  }
  return { ...result, processesStarted: started, faults: { kill: killedDuring }, crashes };
}

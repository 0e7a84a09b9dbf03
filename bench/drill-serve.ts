import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { isAlive, lastDurationMs, PIPELINE, runningStage, runRounds, sleep, spawnTs, stopProc, until, type Deadline, type Proc } from './drill-procs';
import { MAX_CRASHES, type ModeResult } from './drill-pipeline';
import type { World } from './drill-world';

export type ServeFault = 'kill' | 'stop' | 'term';

interface Replica {
  proc: Proc;
  port: number;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every `serve` answers GET /health while its worker does whatever it does. */
async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * `serve` mode: `replicas` long-running `serve` processes with JOBS_ENABLED=true (the production
 * path: schedules, the polling worker, HTTP) share the database. Each fault lands on the replica
 * holding a run of a randomly drawn stage: SIGKILL (then a fresh replica), SIGSTOP for longer than
 * the lease (another replica takes the run over) then SIGCONT, or SIGTERM (graceful stop, then a
 * fresh replica).
 */
export async function runServeMode(
  world: World,
  opts: { faults: ServeFault[]; replicas: number; random: () => number; maxDelayMs: number; leaseMs: number; shutdownMs: number; deadline: Deadline },
): Promise<ModeResult & { http_answering: number; http_checked: number; term_forced: number }> {
  const { rt } = world;
  let started = 0;
  const start = async (): Promise<Replica> => {
    started += 1;
    const port = await freePort();
    const env = { ...world.env, JOBS_ENABLED: 'true', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` };
    const proc = spawnTs(path.join(__dirname, '..', 'src', 'main.ts'), ['serve'], env, world.logFd, (pid) => `%-${pid}/%`);
    return { proc, port };
  };
  const replicas: Replica[] = [];
  let pipelineOver = false;
  let crashes = 0;
  // A replica that exits without being told to is a finding; it is replaced, unless it keeps dying.
  const watch = (r: Replica): Replica => {
    void r.proc.exited.then(async () => {
      if (r.proc.endedByDrill() || pipelineOver) return;
      crashes += 1;
      if (crashes > MAX_CRASHES) return opts.deadline.cancel();
      replicas[replicas.indexOf(r)] = watch(await start());
    });
    return r;
  };
  for (let i = 0; i < opts.replicas; i += 1) replicas.push(watch(await start()));

  let done = 0;
  let termForced = 0;
  const during: Record<string, Record<string, number>> = {};
  const faulter = (async () => {
    for (const fault of opts.faults) {
      // A pause is aimed at a sync, the long run whose takeover a resumed worker could duplicate.
      const target = fault === 'stop' ? 'sync' : (PIPELINE[Math.floor(opts.random() * PIPELINE.length)] ?? 'sync');
      const holder = await until(opts.deadline, async () => {
        if (pipelineOver) return null;
        for (const r of replicas) if (isAlive(r.proc) && (await runningStage(rt, r.proc, target))) return r;
        return undefined;
      });
      if (!holder) return;
      await sleep(Math.floor(opts.random() * ((await lastDurationMs(rt, target)) ?? opts.maxDelayMs)));
      const hit = (await runningStage(rt, holder.proc)) ?? 'between-runs';
      if (fault === 'stop') {
        holder.proc.signal('SIGSTOP');
        await sleep(opts.leaseMs + 5000);
        holder.proc.signal('SIGCONT');
      } else {
        holder.proc.signal(fault === 'kill' ? 'SIGKILL' : 'SIGTERM');
        const exited = await Promise.race([holder.proc.exited.then(() => true), sleep(opts.shutdownMs + 10_000).then(() => false)]);
        if (!exited) {
          termForced += 1;
          holder.proc.signal('SIGKILL');
          await holder.proc.exited;
        }
        replicas[replicas.indexOf(holder)] = watch(await start());
      }
      done += 1;
      const byStage = (during[fault] ??= {});
      byStage[hit] = (byStage[hit] ?? 0) + 1;
    }
  })();

  let result: { rounds: number; finished: boolean };
  let httpAnswering = 0;
  try {
    result = await runRounds(rt, world.tenantIds, opts.deadline, () => done >= opts.faults.length);
  } finally {
    pipelineOver = true;
    await faulter;
    for (const r of replicas) if (isAlive(r.proc) && (await answers(r.port))) httpAnswering += 1;
    for (const r of replicas) await stopProc(r.proc, opts.shutdownMs + 10_000);
  }
  return { ...result, processesStarted: started, faults: during, http_answering: httpAnswering, http_checked: replicas.length, term_forced: termForced, crashes };
}

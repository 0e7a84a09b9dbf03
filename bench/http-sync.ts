import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { serve } from '../src/cli/serve';
import { loadConfig } from '../src/config';
import type { JobRun } from '../src/db/schema';
import { createRuntime, type Runtime } from '../src/runtime';
import { onboardTenant } from '../src/tenants/onboarding';
import { numberArg } from './args';
import { load, logger, prepare, probe, publicTargets, ZONE, type Target } from './http';
import { startSimulatorProcess } from './simulator-process';

const LOOP_RESOLUTION_MS = 10;

type Load = Awaited<ReturnType<typeof load>>;

interface Window {
  loads: Load[];
  loopP99Ms: number;
  loopMaxMs: number;
}

/**
 * All targets loaded at once for the same seconds, so that the window's event-loop figures belong to
 * every target's latencies and all targets meet the same stretch of the sync.
 */
async function measure(base: string, targets: Target[], opts: { seconds: number; connections: number; rate: number }): Promise<Window> {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const loads = await Promise.all(targets.map((t) => load(base + t.path, t.headers, opts.seconds, opts.connections, opts.rate)));
  loop.disable();
  // The histogram holds whole timer intervals; the stall is what comes on top of the resolution.
  const stallMs = (ns: number) => Math.round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) * 10) / 10;
  return { loads, loopP99Ms: stallMs(loop.percentile(99)), loopMaxMs: stallMs(loop.max) };
}

function report(phase: 'idle' | 'during-sync', targets: Target[], w: Window, extra: Record<string, unknown>): void {
  targets.forEach((t, i) => {
    const r = w.loads[i];
    if (!r) return;
    const figures = { p99_ms: r.latency.p99, p50_ms: r.latency.p50, requests_per_s: Math.round(r.requests.average), non_2xx: r.non2xx, errors: r.errors };
    console.log(JSON.stringify({ bench: 'http-sync', target: t.target, phase, ...figures, ...extra }));
  });
  console.log(JSON.stringify({ bench: 'http-sync', target: 'event-loop', phase, delay_p99_ms: w.loopP99Ms, delay_max_ms: w.loopMaxMs, ...extra }));
}

async function waitWhile(rt: Runtime, runId: string, states: string[], timeoutMs: number): Promise<JobRun> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const run = await rt.jobControl.get(runId);
    if (!run) throw new Error(`sync run ${runId} vanished`);
    if (!states.includes(run.state)) return run;
    if (performance.now() > until) throw new Error(`sync run still ${run.state} after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** npm run bench -- http-sync [--seconds 10 --connections 4 --rate 50 --employees 1000 --months 12 --erp-rps 100] */
export async function run(args: string[]): Promise<void> {
  const opts = { seconds: numberArg(args, 'seconds', 10), connections: numberArg(args, 'connections', 4), rate: numberArg(args, 'rate', 50) };
  const employees = numberArg(args, 'employees', 1000);
  const months = numberArg(args, 'months', 12);
  // 100 is the highest pace ERP_REQUESTS_PER_SECOND allows a tenant, so the sync is as busy as the product lets it be.
  const erpRps = numberArg(args, 'erp-rps', 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-bench-http-sync-'));
  const env = { DATA_DIR: dir, MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' };
  const endDate = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
  try {
    const fixture = await prepare(env, 50);
    // The runtime is in development mode because the SSRF guard rightly refuses the loopback simulator in
    // production, and the sync must run in this process. The web front alone is told it is production, so
    // that pages come from the template cache as they do in production. JOBS_ENABLED: serve's own worker
    // (polling, leases, fences) runs the sync, not a separate one.
    const rt = await createRuntime(
      loadConfig({
        ...env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        JOBS_ENABLED: 'true',
        ERP_REQUESTS_PER_SECOND: String(erpRps),
        SYNC_BACKFILL_MONTHS: String(months),
      }),
      logger(),
    );
    const { server, stop } = await serve({ ...rt, web: { ...rt.web, config: { ...rt.web.config, isProduction: true } } }, 'bench-http-sync');
    // Started and onboarded before the idle phase, so that generating the company is not measured as idle.
    const sim = await startSimulatorProcess(['--employees', String(employees), '--months', String(months + 1), '--end-date', endDate]).catch(async (err: unknown) => {
      await stop();
      await rt.close();
      throw err;
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const targets = publicTargets(fixture);
      for (const t of targets) await probe(base, t);
      const big = await onboardTenant(
        rt,
        { displayName: 'Bench Backfill Oy', contractStart: '2025-01-01', timezone: ZONE },
        { baseUrl: sim.url, credentials: { clientId: sim.clientId, clientSecret: sim.clientSecret } },
      );
      // Unreported: the first requests of a fresh process also pay for JIT compilation, which is not idle cost.
      await measure(base, targets, { ...opts, seconds: 3 });
      const idle = await measure(base, targets, opts);
      report('idle', targets, idle, opts);
      const queued = await rt.jobControl.enqueueNow('sync', big.id);
      const started = await waitWhile(rt, queued.id, ['queued'], 30_000);
      if (started.state !== 'running') throw new Error(`sync run went ${started.state}: ${started.error_message ?? ''}`);
      // Window after window until the sync ends: it fetches contracts first and writes hours later, and a
      // single window would see only the first stretch. The ratio counts only windows that end with the sync
      // still running; the last window, which saw the sync's final writes and then a quiet server, is shown apart.
      const during: Window[] = [];
      let last: Window | undefined;
      for (let window = 1; !last; window += 1) {
        const w = await measure(base, targets, opts);
        const syncState = (await rt.jobControl.get(queued.id))?.state ?? 'missing';
        report('during-sync', targets, w, { window, sync_state_at_window_end: syncState, ...opts });
        if (syncState === 'running') during.push(w);
        else last = w;
      }
      const done = await waitWhile(rt, queued.id, ['queued', 'running'], 30 * 60_000);
      const counters = JSON.parse(done.counters_json ?? '{}') as Record<string, number>;
      const sync = {
        windows_while_running: during.length,
        ...(during.length === 0 ? { note: 'the sync finished before the first during-sync window ended' } : {}),
        sync_final_state: done.state,
        sync_wall_s: done.duration_ms === null ? null : Math.round(done.duration_ms / 100) / 10,
        sync_requests: counters.requests,
        sync_entries: counters.entries,
        employees,
        months,
        erp_requests_per_second: erpRps,
      };
      targets.forEach((t, i) => {
        const idleP99 = idle.loads[i]?.latency.p99 ?? 0;
        const worstP99 = Math.max(0, ...during.map((w) => w.loads[i]?.latency.p99 ?? 0));
        const ratio = idleP99 > 0 && during.length > 0 ? Math.round((worstP99 / idleP99) * 100) / 100 : null;
        const lastP99 = last.loads[i]?.latency.p99;
        console.log(JSON.stringify({ bench: 'http-sync', target: t.target, p99_ratio: ratio, idle_p99_ms: idleP99, during_p99_ms_worst_window: worstP99, last_window_p99_ms: lastP99, ...sync }));
      });
      const loopWorst = Math.max(0, ...during.map((w) => w.loopMaxMs));
      const loopFigures = { idle_delay_max_ms: idle.loopMaxMs, during_delay_max_ms: loopWorst, last_window_delay_max_ms: last.loopMaxMs };
      console.log(JSON.stringify({ bench: 'http-sync', target: 'event-loop', ...loopFigures, ...sync }));
    } finally {
      await stop();
      await sim.stop();
      await rt.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

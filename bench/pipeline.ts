import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/create-logger';
import { createRuntime, type Runtime } from '../src/runtime';
import { numberArg, rssPeakSampler } from './args';
import { startSimulatorProcess } from './simulator-process';
import { onboardTenant } from '../src/tenants/onboarding';

const JOBS = ['sync', 'insights', 'deliver'] as const;

/**
 * Counts every request the product sends to the ERP (sync pages, contract reads, send-time recipient
 * lookups, tokens) on the way to the simulator. It runs in this process, but forwarding a few
 * thousand loopback requests costs little next to the pipeline itself.
 */
async function startCountingProxy(target: string): Promise<{ origin: string; count(): number; close(): Promise<void> }> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    count: () => requests,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tenants made the way staff onboard them: a tenant row, its ERP URL, its credentials in the secret store. */
async function createTenants(rt: Runtime, count: number, erpUrl: string, credentials: { clientId: string; clientSecret: string }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const tenant = await onboardTenant(
      rt,
      { displayName: `Bench tenant ${i + 1}`, contractStart: '2025-01-01', timezone: rt.config.DEFAULT_TIMEZONE },
      { baseUrl: erpUrl, credentials },
    );
    ids.push(tenant.id);
  }
  return ids;
}

/**
 * One phase of the schedule: the cron fires the job for every tenant at once (sync 02:30, insights
 * 06:00, the digest on Monday 07:00), and the workers drain the queue. Past the deadline the workers
 * stop claiming and let running jobs finish, so an oversized run still ends and reports what it did.
 */
async function runPhase(rt: Runtime, job: string, tenantIds: string[], workerCount: number, deadline: number) {
  const runIds: string[] = [];
  for (const id of tenantIds) runIds.push((await rt.jobControl.enqueueNow(job, id)).id);
  const started = performance.now();
  const workers = Array.from({ length: workerCount }, (_, i) => rt.createWorker(`bench-${job}-${i + 1}`));
  const timer = setTimeout(() => void Promise.all(workers.map((w) => w.stop(3_600_000))), Math.max(0, deadline - started));
  await Promise.all(workers.map((w) => w.runOnce()));
  clearTimeout(timer);
  const ms = Math.round(performance.now() - started);
  const runs = await Promise.all(runIds.map((id) => rt.jobControl.get(id)));
  const counters = runs.map((r) => (r?.counters_json ? (JSON.parse(r.counters_json) as Record<string, number>) : {}));
  const sum = (name: string) => counters.reduce((n, c) => n + (c[name] ?? 0), 0);
  const failed = runs.filter((r) => r?.state === 'retrying' || r?.state === 'dead');
  return {
    ms,
    succeeded: runs.filter((r) => r?.state === 'succeeded').length,
    failed: failed.length,
    unfinished: runs.filter((r) => r?.state === 'queued' || r?.state === 'running').length,
    sum,
    firstError: failed.find((r) => r?.error_message)?.error_message ?? null,
  };
}

/**
 * npm run bench -- pipeline --tenants 50 --employees 200
 *   [--workers 1 --concurrency 4 --erp-rps 20 --months 13 --budget-minutes 30]
 */
export async function run(args: string[]): Promise<void> {
  const tenants = numberArg(args, 'tenants', 10);
  const employees = numberArg(args, 'employees', 200);
  const workerCount = numberArg(args, 'workers', 1);
  const concurrency = numberArg(args, 'concurrency', 4);
  const erpRps = numberArg(args, 'erp-rps', 20);
  const months = numberArg(args, 'months', 13);
  const budgetMs = numberArg(args, 'budget-minutes', 30) * 60_000;
  const zone = 'Europe/Helsinki';
  const endDate = DateTime.now().setZone(zone).minus({ days: 1 }).toISODate() as string;
  const sim = await startSimulatorProcess(['--employees', String(employees), '--months', String(months + 1), '--end-date', endDate]);
  const proxy = await startCountingProxy(sim.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-bench-pipeline-'));
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    MASTER_KEY: randomBytes(32).toString('base64'),
    EMAIL_TRANSPORT: 'file',
    ERP_REQUESTS_PER_SECOND: String(erpRps),
    JOB_CONCURRENCY: String(concurrency),
    SYNC_BACKFILL_MONTHS: String(months),
    DEFAULT_TIMEZONE: zone,
  });
  // Logs go to stderr so that stdout carries only the result line.
  const rt = await createRuntime(config, createLogger({ level: config.LOG_LEVEL, format: 'json', stream: process.stderr }));
  try {
    const erpUrl = proxy.origin + new URL(sim.url).pathname.replace(/\/$/, '');
    const tenantIds = await createTenants(rt, tenants, erpUrl, { clientId: sim.clientId, clientSecret: sim.clientSecret });
    const rss = rssPeakSampler(100);
    const wallStart = performance.now();
    const phases: Record<string, Awaited<ReturnType<typeof runPhase>>> = {};
    for (const job of JOBS) {
      if (performance.now() - wallStart >= budgetMs) break;
      phases[job] = await runPhase(rt, job, tenantIds, workerCount, wallStart + budgetMs);
    }
    const wallMs = performance.now() - wallStart;
    const rssPeak = rss.stop();
    const all = Object.values(phases);
    console.log(
      JSON.stringify({
        bench: 'pipeline',
        tenants,
        employees,
        runs: all.reduce((n, p) => n + p.succeeded + p.failed, 0),
        failed_runs: all.reduce((n, p) => n + p.failed, 0),
        unfinished_runs: tenants * JOBS.length - all.reduce((n, p) => n + p.succeeded + p.failed, 0),
        emails: phases.deliver?.sum('emails') ?? 0,
        wall_ms: Math.round(wallMs),
        // Tenants taken through the whole pipeline per hour; below `tenants` when the budget cut it short.
        tenants_per_hour: Math.round(((phases.deliver?.succeeded ?? 0) / wallMs) * 3_600_000),
        synced_tenants_per_hour: phases.sync ? Math.round((phases.sync.succeeded / phases.sync.ms) * 3_600_000) : 0,
        rss_peak_mb: rssPeak,
        erp_requests: proxy.count(),
        sync_requests: phases.sync?.sum('requests') ?? 0,
        entries: phases.sync?.sum('entries') ?? 0,
        phase_ms: Object.fromEntries(Object.entries(phases).map(([job, p]) => [job, p.ms])),
        first_error: all.find((p) => p.firstError)?.firstError ?? null,
        erp_requests_per_second: config.ERP_REQUESTS_PER_SECOND,
        job_concurrency: config.JOB_CONCURRENCY,
        workers: workerCount,
        backfill_months: months,
        budget_minutes: budgetMs / 60_000,
        note: 'first (backfill) sync; every tenant reads the same single simulated company with the same credentials',
      }),
    );
  } finally {
    await rt.close();
    await proxy.close();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

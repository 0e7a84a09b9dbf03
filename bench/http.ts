import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import { totpCode } from '../src/auth/totp';
import { serve } from '../src/cli/serve';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/create-logger';
import { createRuntime } from '../src/runtime';
import { numberArg } from './args';
import { startSimulatorProcess } from './simulator-process';
import { onboardTenant } from '../src/tenants/onboarding';

const run$ = promisify(execFile);
export const ZONE = 'Europe/Helsinki';
// Logs go to stderr so that stdout carries only the result lines.
export const logger = () => createLogger({ level: 'warn', format: 'json', stream: process.stderr });

export interface Fixture {
  tenantId: string;
  staff: { username: string; password: string; totpSecret: string };
  apiKey: string;
}

/** A tenant with a synced company and computed insights, a staff account and a read API key. */
export async function prepare(env: Record<string, string>, employees: number): Promise<Fixture> {
  const endDate = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
  const sim = await startSimulatorProcess(['--employees', String(employees), '--months', '14', '--end-date', endDate]);
  const rt = await createRuntime(loadConfig({ ...env, NODE_ENV: 'development', ERP_REQUESTS_PER_SECOND: '100' }), logger());
  try {
    const erp = { baseUrl: sim.url, credentials: { clientId: sim.clientId, clientSecret: sim.clientSecret } };
    const tenant = await onboardTenant(rt, { displayName: 'Bench Oy', contractStart: '2025-01-01', timezone: ZONE }, erp);
    const worker = rt.createWorker('bench-http-setup');
    for (const job of ['sync', 'insights']) {
      const queued = await rt.jobControl.enqueueNow(job, tenant.id);
      await worker.runOnce();
      const done = await rt.jobControl.get(queued.id);
      if (done?.state !== 'succeeded') throw new Error(`setup ${job} run ended ${done?.state ?? 'missing'}: ${done?.error_message ?? ''}`);
    }
    const username = 'bench-ops';
    const created = await rt.web.users.createStaffUser(username);
    const { key } = await rt.web.apiKeys.create(tenant.id, created.userId);
    return { tenantId: tenant.id, staff: { username, password: created.initialPassword, totpSecret: created.enrolment.secret }, apiKey: key };
  } finally {
    await rt.close();
    await sim.stop();
  }
}

export interface Target {
  target: string;
  path: string;
  headers: Record<string, string>;
}

/** The login page and the insights summary API: the targets that need no staff session. */
export function publicTargets(fixture: Fixture): [Target, Target] {
  return [
    { target: 'login-page', path: '/login', headers: {} },
    { target: 'api-insights-summary', path: `/api/v1/tenants/${fixture.tenantId}/insights/summary`, headers: { authorization: `Bearer ${fixture.apiKey}` } },
  ];
}

/** One request before the load run, so a refused target fails the bench instead of timing error pages; returns the body size. */
export async function probe(base: string, t: Target): Promise<number> {
  const res = await fetch(base + t.path, { headers: t.headers, redirect: 'manual' });
  if (res.status !== 200) throw new Error(`${t.target}: ${t.path} answered ${res.status} before the load run`);
  return (await res.arrayBuffer()).byteLength;
}

/** Password + TOTP sign-in over HTTP, as a browser does it; returns the Cookie header of the session. */
async function signIn(base: string, staff: Fixture['staff']): Promise<string> {
  const jar = new Map<string, string>();
  const request = async (method: string, url: string, form?: Record<string, string>): Promise<string> => {
    const res = await fetch(base + url, {
      method,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [name = '', ...rest] = (c.split(';')[0] ?? '').split('=');
      if (name) jar.set(name, rest.join('='));
    }
    if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}`);
    return res.text();
  };
  const csrf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const login = await request('GET', '/login');
  await request('POST', '/login', { _csrf: csrf(login), username: staff.username, password: staff.password });
  const totp = await request('GET', '/login/totp');
  await request('POST', '/login/totp', { _csrf: csrf(totp), code: totpCode(staff.totpSecret, new Date()) });
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/**
 * autocannon in its own process, so the load generator does not share the server's event loop. With
 * `rate` (requests/s over all connections) the server is not saturated and the latencies show stalls.
 */
export async function load(url: string, headers: Record<string, string>, seconds: number, connections: number, rate?: number) {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const rateArgs = rate ? ['-R', String(rate)] : [];
  const cli = require.resolve('autocannon/autocannon.js');
  const { stdout } = await run$(process.execPath, [cli, '-j', '-c', String(connections), '-d', String(seconds), ...rateArgs, ...headerArgs, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
}

/** The yardstick: a bare express JSON handler in the same process, measured in the same run. */
async function startBareExpress(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** npm run bench -- http [--seconds 10 --connections 10 --employees 50] */
export async function run(args: string[]): Promise<void> {
  const seconds = numberArg(args, 'seconds', 10);
  const connections = numberArg(args, 'connections', 10);
  const employees = numberArg(args, 'employees', 50);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-bench-http-'));
  const env = { DATA_DIR: dir, MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' };
  try {
    const fixture = await prepare(env, employees);
    // Production mode for the server (template cache on, secure cookie names); the setup above ran in
    // development mode only because the SSRF guard rightly refuses a loopback ERP in production.
    const config = loadConfig({
      ...env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_BASE_URL: 'https://insights.bench.invalid',
      ALLOW_FILE_OUTBOX_IN_PRODUCTION: 'true',
      JOBS_ENABLED: 'false',
    });
    const rt = await createRuntime(config, logger());
    const { server, stop } = await serve(rt, 'bench-http');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const cookie = await signIn(base, fixture.staff);
      const [loginPage, apiSummary] = publicTargets(fixture);
      const targets: Target[] = [loginPage, { target: 'staff-runs-page', path: '/staff/runs', headers: { cookie } }, apiSummary];
      const bare = await startBareExpress();
      const bareRun = await load(bare.url, {}, seconds, connections).finally(() => bare.close());
      const bareRps = Math.round(bareRun.requests.average);
      console.log(JSON.stringify({ bench: 'http', target: 'bare-express', requests_per_s: bareRps, p99_ms: bareRun.latency.p99, seconds, connections }));
      for (const t of targets) {
        const responseBytes = await probe(base, t);
        const r = await load(base + t.path, t.headers, seconds, connections);
        console.log(
          JSON.stringify({
            bench: 'http',
            target: t.target,
            requests_per_s: Math.round(r.requests.average),
            share_of_bare_express: Math.round((r.requests.average / bareRps) * 100) / 100,
            p99_ms: r.latency.p99,
            non_2xx: r.non2xx,
            errors: r.errors,
            response_bytes: responseBytes,
            seconds,
            connections,
            node_env: config.NODE_ENV,
          }),
        );
      }
    } finally {
      await stop();
      await rt.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

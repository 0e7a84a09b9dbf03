/**
 * A real scrape: the composition root on default config, one tenant on the ERP simulator, sync,
 * insights and deliver through the job worker, then /metrics read as Prometheus would (bearer token
 * from the secret store) and linted by Prometheus' own `promtool check metrics`. CI installs promtool
 * (.ci/run); where it is missing this test fails rather than passes unchecked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { serve, type Serving } from '../../src/cli/serve';
import { loadConfig } from '../../src/config';
import { createRuntime, createSecretStore, type Runtime } from '../../src/runtime';
import { onboardTenant } from '../../src/tenants/onboarding';
import { createMemoryLogger } from '../fakes/memory-logger';

const TOKEN = 'scraper-token-0123456789abcdef0123456789';

let dataDir: string;
let sim: Simulator;
let rt: Runtime;
let serving: Serving;
let baseUrl: string;
let tenantId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'metrics-scrape-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ERP_REQUESTS_PER_SECOND: '100', LOG_LEVEL: 'warn' });
  const logger = createMemoryLogger();
  await createSecretStore(config, logger).set(config.METRICS_TOKEN_SECRET, TOKEN);
  rt = await createRuntime(config, logger);
  const endDate = DateTime.fromJSDate(rt.clock.now(), { zone: 'Europe/Helsinki' }).minus({ days: 1 }).toISODate() ?? '';
  sim = await startSimulator({ company: generateCompany({ seed: 7, employees: 6, months: 2, endDate }), clientId: 'metrics-client', clientSecret: 'metrics-secret-of-the-simulator' });
  const tenant = await onboardTenant(
    rt,
    { displayName: 'Metrics Oy', contractStart: '2025-01-01', timezone: 'Europe/Helsinki' },
    { baseUrl: sim.url, credentials: { clientId: 'metrics-client', clientSecret: 'metrics-secret-of-the-simulator' } },
  );
  tenantId = tenant.id;
  const worker = rt.createWorker('metrics-test');
  for (const job of ['sync', 'insights', 'deliver']) {
    await rt.jobControl.enqueueNow(job, tenantId);
    await worker.runOnce();
  }
  serving = await serve(rt, 'metrics-test');
  baseUrl = `http://127.0.0.1:${(serving.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await serving?.stop();
  await rt?.close();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('/metrics as Prometheus scrapes it', () => {
  it('refuses a scraper without the token or with a wrong one', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
  });

  it('passes promtool check metrics', async () => {
    const text = await scrape();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ error: lint.error?.message, status: lint.status, stdout: lint.stdout, stderr: lint.stderr }).toEqual({ error: undefined, status: 0, stdout: '', stderr: '' });
  });

  it('shows what the pipeline just did: job durations, ERP latencies, email sends and last successes', async () => {
    const text = await scrape();
    for (const job of ['sync', 'insights', 'deliver']) {
      expect(text).toContain(`erp_insights_job_run_duration_seconds_count{job="${job}",outcome="succeeded"} 1`);
      expect(text).toMatch(new RegExp(`erp_insights_job_last_success_timestamp_seconds\\{job="${job}",tenant="${tenantId}"\\} \\d+`));
    }
    expect(text).toMatch(/erp_insights_erp_request_duration_seconds_count\{resource="\/v1\/users",status="200"\} [1-9]/);
    expect(text).toMatch(/erp_insights_erp_request_duration_seconds_count\{resource="\/v1\/users\/\{id\}\/workcontracts",status="200"\} [1-9]/);
    expect(text).toMatch(/erp_insights_email_send_duration_seconds_count\{outcome="sent"\} [1-9]/);
    expect(text).toContain('erp_insights_process_cpu_seconds_total');
    expect(text).toContain('erp_insights_http_requests_total');
    const names = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2] ?? '');
    expect(names.filter((n) => !n.startsWith('erp_insights_'))).toEqual([]);
  });
});

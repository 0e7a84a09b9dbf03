/**
 * The staff console through the real app: run now goes through the real job system against the ERP
 * simulator (with 429s and an impossible date injected), and the overview, run list and run page
 * show what happened, with the run's own log lines; retry and cancel change the run and are audited.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { secretName } from '../../src/secrets/secret-store';
import { createWorker } from '../../src/scheduler/worker';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { createManualTimers, settle } from '../fakes/manual-timers';
import { createMemoryLogger } from '../fakes/memory-logger';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInStaff, type WebClient } from '../fakes/web-client';
import { createRealPipelinePorts } from '../fakes/web-pipeline';

const CLIENT_ID = 'console-erp-client';
const SECRET = 'console-Erp-Secret-0123456789';
const company = generateCompany({ seed: 5, employees: 6, months: 1, endDate: '2026-02-27' });

let sim: Simulator;
let server: TestServer;
let staff: WebClient;
let tenantId: string;

beforeAll(async () => {
  sim = await startSimulator({
    company,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    faults: { rateLimitStorm: { every: 6, count: 1, retryAfterSeconds: 0 }, impossibleDate: { path: '/v1/workhours', page: 1 } },
  });
  const outbox = mkdtempSync(path.join(tmpdir(), 'console-outbox-'));
  server = await startTestServer({ pipeline: (env) => createRealPipelinePorts(env, outbox) });
  tenantId = await createTenant(server, 'Console Oy');
  await server.db.kysely.updateTable('tenants').set({ erp_base_url: sim.url }).where('id', '=', tenantId).execute();
  await server.secrets.set(secretName('erp', tenantId), JSON.stringify({ clientId: CLIENT_ID, clientSecret: SECRET }));
  staff = await signInStaff(server, 'ops-console');
});
afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const page = async (p: string) => {
  const res = await staff.get(p);
  expect(res.status).toBe(200);
  return res.text();
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

test('run now from a tenant runs the sync; its page shows timings, counters, skipped rows, 429s and its own log lines', async () => {
  const res = await staff.post(`/staff/tenants/${tenantId}/run/sync`);
  expect(res.status).toBe(303);
  const runPath = res.headers.get('location') ?? '';
  expect(runPath).toMatch(/^\/staff\/runs\/[0-9a-f-]{36}$/);
  const runId = runPath.split('/').pop() ?? '';

  const html = text(await page(runPath));
  expect(html).toContain('sync succeeded');
  expect(html).toContain('Console Oy');
  expect(html).toMatch(/Duration \d/);
  const counters = JSON.parse((await server.db.kysely.selectFrom('job_runs').select('counters_json').where('id', '=', runId).executeTakeFirstOrThrow()).counters_json ?? '{}') as Record<string, number>;
  expect(counters.rateLimited).toBeGreaterThan(0);
  expect(html).toContain(`rateLimited ${counters.rateLimited}`);
  expect(html).toContain(`requests ${counters.requests}`);
  expect(html).toContain('workhours.impossible-date 1');
  // Lines of the worker and of the ERP client below it, kept with the run.
  expect(html).toContain('Job run succeeded');
  expect(html).toContain('erp request retried');
  expect(html).toContain('status=429');
  for (const u of company.users) {
    expect(html).not.toContain(u.personal.email);
    expect(html).not.toContain(u.personal.lastName);
  }
  const lines = await server.db.kysely.selectFrom('job_run_logs').select(['tenant_id', 'attempt']).where('run_id', '=', runId).execute();
  expect(lines.length).toBeGreaterThan(2);
  expect(new Set(lines.map((l) => `${l.tenant_id}:${l.attempt}`))).toEqual(new Set([`${tenantId}:1`]));
});

test('the overview shows each tenant job’s last success, next run, failures, unknown deliveries and charts', async () => {
  await server.db.kysely
    .insertInto('job_runs')
    .values(['dead-1', 'dead-2'].map((id) => ({
      id, job: 'deliver', tenant_id: tenantId, slot: id, state: 'dead', attempts: 5, run_after: '2026-03-02T05:00:00.000Z', lease_owner: null, lease_expires_at: null,
      started_at: '2026-03-02T05:00:00.000Z', finished_at: '2026-03-02T05:01:00.000Z', duration_ms: 60_000, counters_json: null, checkpoint_json: null,
      error_class: 'UpstreamError', error_message: 'ERP answered 503', created_at: `2026-03-02T05:0${id.slice(-1)}:00.000Z`, updated_at: '2026-03-02T05:01:00.000Z',
    })))
    .execute();
  await server.db.kysely
    .insertInto('deliveries')
    .values({ id: 'del-unknown', tenant_id: tenantId, erp_person_id: 'p-1', period: '2026-W09', kind: 'digest', state: 'unknown', attempts: 1, provider_message_id: null, reason: null, created_at: '2026-03-02T05:00:00.000Z', updated_at: '2026-03-02T05:00:00.000Z', sent_at: null })
    .execute();
  server.ports.purges.push({ tenantId, scope: 'person', subjectId: 'p-9', dueDate: '2026-04-01' });

  const html = await page('/staff/overview');
  const row = text(/<tr>\s*<td><a href="\/staff\/tenants\/[^"]+">Console Oy[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '');
  // sync succeeded today; the schedule fires next at 02:30 Helsinki time (00:30 UTC); deliver failed twice.
  expect(row).toContain('last ok 2026-03-02');
  expect(row).toContain('next 2026-03-03 00:30 UTC');
  expect(row).toContain('2 failing');
  expect(row).toContain('next 2026-03-09 05:00 UTC');
  expect(row).toMatch(/ 1 2026-04-01 person/);
  expect(html).toMatch(/<svg class="chart"[^>]*aria-label="Runs per day: succeeded 1, failed 2, other 0; highest day 3"/);
  expect(html).toMatch(/aria-label="ERP requests per day: answered \d+, 429 Too Many Requests [1-9]\d*;/);
  // The staff account has no language of its own: the browser's choice words the charts.
  const finnish = await (await staff.get('/staff/overview', { 'accept-language': 'fi' })).text();
  expect(finnish).toMatch(/aria-label="Ajot päivittäin: onnistui 1, epäonnistui 2, muu 0; suurin päivä 3"/);
  expect(finnish).toContain('<title>2026-03-02: onnistui 1, epäonnistui 2, muu 0</title>');
});

test('the run list filters by tenant, job and state and pages through older runs', async () => {
  const other = await createTenant(server, 'Other Ab');
  const rows = Array.from({ length: 55 }, (_, i) => ({
    id: `old-${String(i).padStart(2, '0')}`, job: 'insights', tenant_id: other, slot: `s-${i}`, state: 'succeeded', attempts: 1,
    run_after: '2026-02-01T06:00:00.000Z', lease_owner: null, lease_expires_at: null, started_at: '2026-02-01T06:00:00.000Z', finished_at: '2026-02-01T06:00:01.000Z',
    duration_ms: 1000, counters_json: null, checkpoint_json: null, error_class: null, error_message: null,
    created_at: `2026-02-01T06:${String(i).padStart(2, '0')}:00.000Z`, updated_at: '2026-02-01T06:00:01.000Z',
  }));
  await server.db.kysely.insertInto('job_runs').values(rows).execute();

  const first = await page(`/staff/runs?tenant=${other}&job=insights&state=succeeded`);
  const ids = (html: string) => [...html.matchAll(/href="\/staff\/runs\/(old-\d\d)"/g)].map((m) => m[1]);
  expect(ids(first)).toHaveLength(50);
  expect(ids(first)[0]).toBe('old-54');
  const next = /href="(\/staff\/runs\?[^"]*before=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const second = await page(next);
  expect(ids(second)).toEqual(['old-04', 'old-03', 'old-02', 'old-01', 'old-00']);
  expect(second).not.toContain('Older runs');
  expect(await page(`/staff/runs?tenant=${other}&state=dead`)).toContain('No runs match.');
  expect(text(await page('/staff/runs?state=dead'))).toContain('deliver');
});

test('retry, cancel and run again change the run through the job system, each audited with the run ID', async () => {
  expect((await staff.post('/staff/runs/dead-1/cancel')).status).toBe(409);
  expect((await staff.post('/staff/runs/dead-1/retry')).status).toBe(303);
  const retried = await server.db.kysely.selectFrom('job_runs').select(['state', 'attempts']).where('id', '=', 'dead-1').executeTakeFirstOrThrow();
  expect(retried).toEqual({ state: 'queued', attempts: 0 });
  expect(text(await page('/staff/runs/dead-1'))).toContain('Cancel');
  expect((await staff.post('/staff/runs/dead-1/cancel')).status).toBe(303);
  expect((await server.db.kysely.selectFrom('job_runs').select('state').where('id', '=', 'dead-1').executeTakeFirstOrThrow()).state).toBe('cancelled');

  const again = await staff.post('/staff/runs/dead-2/run-now');
  expect(again.status).toBe(303);
  const newRun = again.headers.get('location')?.split('/').pop() ?? '';
  expect(newRun).not.toBe('dead-2');
  const events = await server.db.kysely.selectFrom('audit_events').select(['action', 'object_id', 'tenant_id', 'details_json']).where('action', 'like', 'job.%').execute();
  expect(events).toEqual(expect.arrayContaining([
    { action: 'job.retried', object_id: 'dead-1', tenant_id: tenantId, details_json: null },
    { action: 'job.cancelled', object_id: 'dead-1', tenant_id: tenantId, details_json: null },
    { action: 'job.enqueued', object_id: newRun, tenant_id: tenantId, details_json: JSON.stringify({ job: 'deliver', from: 'dead-2' }) },
  ]));
  // A form without the CSRF token changes nothing.
  expect((await staff.raw('POST', '/staff/runs/dead-2/retry', { form: {} })).status).toBe(403);
});

test('live workers appear with their heartbeat and capacity, and are shown as stopped after a graceful stop', async () => {
  const timers = createManualTimers();
  const worker = createWorker({ db: server.db, clock: server.clock, logger: createMemoryLogger(), jobs: createJobRegistry([]), deps: {}, concurrency: 3, leaseMs: 60_000, pollMs: 1000, maxAttempts: 1, workerId: 'console-host-4242', timers });
  worker.start();
  await settle();
  server.clock.advance(30_000);
  timers.fireIntervals();
  await settle();
  const alive = text(await page('/staff/overview'));
  expect(alive).toContain('console-host-4242 alive 2026-03-02 08:00 UTC 2026-03-02 08:00 UTC 0 / 3');
  await worker.stop(1000);
  const stopped = text(await page('/staff/overview'));
  expect(stopped).toContain('console-host-4242 stopped');
  server.clock.advance(-30_000);
});

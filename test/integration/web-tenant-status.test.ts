import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deliverJob } from '../../jobs/deliver';
import { insightsJob } from '../../jobs/insights';
import { syncJob } from '../../jobs/sync';
import { createDbScheduleTenants, registerSchedules, type CronScheduler } from '../../src/scheduler/cron';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { secretName } from '../../src/secrets/secret-store';
import { createMemoryLogger } from '../fakes/memory-logger';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';
import { createRealPipelinePorts } from '../fakes/web-pipeline';

/**
 * A suspended or ended tenant, through the real app, job system and schedules: its admins still sign
 * in, read status and export data; nothing syncs, sends or issues keys, and its API keys are refused
 * with a status that says why.
 */
let server: TestServer;
let outboxDir: string;
let staff: WebClient;

beforeAll(async () => {
  outboxDir = await mkdtemp(path.join(tmpdir(), 'tenant-status-'));
  server = await startTestServer({ pipeline: (env) => createRealPipelinePorts(env, outboxDir) });
  staff = await signInStaff(server, 'status-staff');
});
afterAll(async () => {
  await server.close();
  await rm(outboxDir, { recursive: true, force: true });
});

function fakeCron() {
  const tasks = new Map<string, () => Promise<void>>();
  const scheduler: CronScheduler = {
    schedule(_expr, fn, opts) {
      tasks.set(opts.name, fn);
      return { destroy: () => undefined };
    },
  };
  return { scheduler, tasks };
}

const errorCode = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(['suspended', 'ended'] as const)('a tenant that is %s', (status) => {
  let tenantId: string;
  let admin: WebClient;
  let apiKey: string;

  beforeAll(async () => {
    tenantId = await createTenant(server, `Paused ${status}`);
    admin = await signInAdmin(server, tenantId, `paused-${status}`);
    await server.db.kysely
      .insertInto('people')
      .values({ tenant_id: tenantId, erp_person_id: 'p-1', employment_start: null, employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, updated_at: '2026-03-01T00:00:00.000Z' })
      .execute();
    apiKey = ((await (await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).json()) as { key: string }).key;
    const changed = await staff.api('PATCH', `/api/v1/tenants/${tenantId}`, { status });
    expect(changed.status).toBe(200);
  });

  test('its admin still signs in, reads status and exports a person', async () => {
    const again = await signInAdmin(server, tenantId, `paused-${status}-2`);
    const page = await again.get('/admin/status');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(status === 'suspended' ? 'is suspended: nothing syncs or sends' : 'has ended: nothing syncs or sends');
    expect((await admin.get(`/api/v1/tenants/${tenantId}/status`)).status).toBe(200);
    expect((await admin.get(`/api/v1/tenants/${tenantId}/audit`)).status).toBe(200);
    const exported = await admin.api('POST', `/api/v1/tenants/${tenantId}/dsr/export`, { personId: 'p-1' });
    expect(exported.status).toBe(200);
    expect(await exported.json()).toMatchObject({ personId: 'p-1', data: { format: 'erp-insights.person-export.v1' } });
  });

  test('nothing syncs, previews through the ERP or issues keys: 403 with the tenant status', async () => {
    const code = `tenant_${status}`;
    const api = [
      await admin.api('POST', `/api/v1/tenants/${tenantId}/jobs/sync`),
      await staff.api('POST', `/api/v1/tenants/${tenantId}/jobs/deliver`),
      await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`),
      await admin.api('PUT', `/api/v1/tenants/${tenantId}/connector`, { baseUrl: 'http://127.0.0.1:9/rest-api', clientId: 'c', clientSecret: 'good-secret' }),
      await admin.get(`/api/v1/tenants/${tenantId}/people/p-1/email-preview`),
    ];
    expect(await Promise.all(api.map(async (r) => [r.status, await errorCode(r)]))).toEqual(api.map(() => [403, code]));
    const pages = [
      await admin.post('/admin/sync'),
      await admin.post('/admin/api-keys'),
      await admin.post('/admin/connector', { baseUrl: 'http://127.0.0.1:9/rest-api', clientId: 'c', clientSecret: 'good-secret' }),
      await admin.get('/admin/preview?person=p-1'),
      await admin.get('/admin/preview/p-1/frame'),
    ];
    expect(pages.map((r) => r.status)).toEqual(pages.map(() => 403));
    expect(await (await admin.post('/admin/sync')).text()).toContain('nothing syncs, sends or issues API keys');
    expect(await server.db.kysely.selectFrom('job_runs').select('id').where('tenant_id', '=', tenantId).execute()).toEqual([]);
    const keys = await server.db.kysely.selectFrom('api_keys').select('id').where('tenant_id', '=', tenantId).execute();
    expect(keys).toHaveLength(1);
    expect(await server.secrets.get(secretName('erp', tenantId))).toBeUndefined();
  });

  test('its API keys are refused with the tenant status', async () => {
    for (const p of ['status', 'runs', 'insights/summary']) {
      const res = await fetch(`${server.url}/api/v1/tenants/${tenantId}/${p}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect([p, res.status, await errorCode(res)]).toEqual([p, 403, `tenant_${status}`]);
    }
  });

  test('the schedules enqueue nothing for it once it is no longer active', async () => {
    const cron = fakeCron();
    const schedules = await registerSchedules({
      registry: createJobRegistry([syncJob, insightsJob, deliverJob]),
      db: server.db,
      clock: server.clock,
      logger: createMemoryLogger(),
      tenants: createDbScheduleTenants(server.db),
      enabled: true,
      scheduler: cron.scheduler,
    });
    expect(schedules.names().some((n) => n.endsWith(`:${tenantId}`))).toBe(false);
    // A replica that registered while the tenant was active still holds its tasks: they fire, and enqueue nothing.
    await server.db.kysely.updateTable('tenants').set({ status: 'active' }).where('id', '=', tenantId).execute();
    await schedules.refresh();
    await server.db.kysely.updateTable('tenants').set({ status }).where('id', '=', tenantId).execute();
    const fired = [...cron.tasks].filter(([name]) => name.endsWith(`:${tenantId}`));
    expect(fired.map(([name]) => name.split(':')[0]).sort()).toEqual(['deliver', 'insights', 'sync']);
    for (const [, fire] of fired) await fire();
    expect(await server.db.kysely.selectFrom('job_runs').select('id').where('tenant_id', '=', tenantId).execute()).toEqual([]);
    await schedules.stop();
  });

  test('made active again, it syncs and issues keys, and its keys read', async () => {
    expect((await staff.api('PATCH', `/api/v1/tenants/${tenantId}`, { status: 'active' })).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/tenants/${tenantId}/status`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).status).toBe(201);
    expect((await admin.api('POST', `/api/v1/tenants/${tenantId}/jobs/sync`)).status).toBe(202);
  });
});

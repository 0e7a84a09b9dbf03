import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff } from '../fakes/web-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

test('health, staff pages and admin pages render', async () => {
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  const ready = await fetch(`${server.url}/ready`);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', secrets: 'ok' } });
  const staff = await signInStaff(server);
  for (const p of ['/staff/overview', '/staff/tenants', '/staff/tenants/new', '/staff/runs', '/staff/purges', '/staff/audit']) {
    const res = await staff.get(p);
    expect([p, res.status]).toEqual([p, 200]);
  }
  const tenantId = await createTenant(server, 'Acme');
  expect((await staff.get(`/staff/tenants/${tenantId}`)).status).toBe(200);
  const admin = await signInAdmin(server, tenantId, 'acme-admin');
  for (const p of ['/admin/status', '/admin/connector', '/admin/settings', '/admin/preview', '/admin/dsr', '/admin/audit', '/admin/api-keys']) {
    const res = await admin.get(p);
    expect([p, res.status]).toEqual([p, 200]);
  }
});

test('one-click unsubscribe works through the full app without a session or CSRF token', async () => {
  const tenantId = await createTenant(server, 'Unsub Oy');
  await server.db.kysely
    .insertInto('people')
    .values({ tenant_id: tenantId, erp_person_id: 'p-1', employment_start: null, employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, updated_at: '2026-03-01T00:00:00.000Z' })
    .execute();
  const token = server.signer.sign({ tenantId, personId: 'p-1', purpose: 'unsubscribe', ttlDays: 30 });
  const res = await fetch(`${server.url}/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(res.status).toBe(200);
  const pref = await server.db.kysely.selectFrom('email_preferences').selectAll().where('erp_person_id', '=', 'p-1').executeTakeFirst();
  expect(pref?.frequency).toBe('off');
  const forged = await fetch(`${server.url}/u/${token.slice(0, -2)}xx`, { method: 'POST' });
  expect(forged.status).toBe(400);
});

test('the ERP web address for recording hours is an https URL, set through the settings page or the API', async () => {
  const tenantId = await createTenant(server, 'Linkki Oy');
  const admin = await signInAdmin(server, tenantId, 'linkki-admin');
  const form = { enabledInsights: 'missing-hours', scheduleDay: 'monday', scheduleTime: '07:00', utilisationTarget: '75', defaultLanguage: 'fi' };
  const refused = await admin.post('/admin/settings', { ...form, erpWebUrl: 'http://erp.example/hours' });
  expect(refused.status).toBe(400);
  expect(await refused.text()).toContain('expected an https:// address');
  expect((await admin.post('/admin/settings', { ...form, erpWebUrl: 'https://erp.example/hours' })).status).toBe(303);
  expect(await (await admin.get('/admin/settings')).text()).toContain('value="https://erp.example/hours"');

  const api = (body: Record<string, unknown>) => admin.api('PUT', `/api/v1/tenants/${tenantId}/settings`, { ...form, enabledInsights: ['missing-hours'], utilisationTarget: 0.75, teamView: false, ...body });
  expect((await api({ erpWebUrl: 'javascript:alert(1)' })).status).toBe(400);
  expect(((await (await api({ erpWebUrl: null })).json()) as { erpWebUrl: unknown }).erpWebUrl).toBeNull();
});

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

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
  for (const p of ['/staff/tenants', '/staff/tenants/new', '/staff/runs', '/staff/purges', '/staff/audit']) {
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

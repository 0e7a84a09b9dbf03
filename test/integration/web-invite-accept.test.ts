import { createInviteService } from '../../src/auth/invites';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, signInStaff } from '../fakes/web-client';

const PASSWORD = 'Quiet-Harbour-Lantern-42';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

test('five parallel accepts of one invite create exactly one account and one audit event; the others get a clear 4xx', async () => {
  const tenantId = await createTenant(server, 'Race Co');
  const { token } = await createInviteService({ db: server.db, clock: server.clock }).create(tenantId, 'staff-seed', 'racer');
  const clients = Array.from({ length: 5 }, () => createWebClient(server));
  // Every client holds its form token first, so the five accepts leave at once.
  const forms = await Promise.all(clients.map(async (c) => ({ _csrf: await c.csrf() })));
  const answers = await Promise.all(
    clients.map((c, i) => c.raw('POST', `/invite/${token}`, { form: { ...forms[i], password: `${PASSWORD}-${i}`, confirm: `${PASSWORD}-${i}` } })),
  );
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([303, 404, 404, 404, 404]);
  for (const a of answers.filter((x) => x.status !== 303)) expect(await a.text()).toContain('This invitation link is not valid any more');
  const accounts = await server.db.kysely.selectFrom('users').select('id').where('tenant_id', '=', tenantId).execute();
  expect(accounts).toHaveLength(1);
  const events = await server.db.kysely.selectFrom('audit_events').select(['actor_id', 'object_id']).where('action', '=', 'invite.accepted').where('tenant_id', '=', tenantId).execute();
  expect(events).toHaveLength(1);
  expect(events[0]?.actor_id).toBe(accounts[0]?.id);
});

test('the invitee cannot choose or probe user names: the form carries the name the operator gave', async () => {
  const tenantId = await createTenant(server, 'Named Co');
  const otherTenant = await createTenant(server, 'Elsewhere Co');
  await signInAdmin(server, otherTenant, 'taken-name');
  const { token } = await createInviteService({ db: server.db, clock: server.clock }).create(tenantId, 'staff-seed', 'named-admin');
  const client = createWebClient(server);
  expect(await (await client.get(`/invite/${token}`)).text()).toContain('value="named-admin"');
  const res = await client.post(`/invite/${token}`, { username: 'taken-name', password: PASSWORD, confirm: PASSWORD });
  expect(res.status).toBe(303);
  const rows = await server.db.kysely.selectFrom('users').select(['username', 'tenant_id']).where('tenant_id', 'in', [tenantId, otherTenant]).orderBy('username').execute();
  expect(rows).toEqual([{ username: 'named-admin', tenant_id: tenantId }, { username: 'taken-name', tenant_id: otherTenant }]);
});

test('the operator is told when a name is taken or already invited; nobody else is', async () => {
  const tenantId = await createTenant(server, 'Operator Co');
  const staff = await signInStaff(server, 'ops-inviter');
  await signInAdmin(server, tenantId, 'existing-admin');
  const taken = await staff.post(`/staff/tenants/${tenantId}/invites`, { username: 'existing-admin' });
  expect(taken.status).toBe(409);
  expect(await taken.text()).toContain('taken or already invited');
  expect((await staff.post(`/staff/tenants/${tenantId}/invites`, { username: 'fresh-admin' })).status).toBe(200);
  expect((await staff.api('POST', `/api/v1/tenants/${tenantId}/invites`, { username: 'fresh-admin' })).status).toBe(409);
  expect((await staff.api('POST', `/api/v1/tenants/${tenantId}/invites`, {})).status).toBe(400);
});

test('an invite made before operators named accounts is no longer accepted', async () => {
  const tenantId = await createTenant(server, 'Legacy Co');
  const { id, token } = await createInviteService({ db: server.db, clock: server.clock }).create(tenantId, 'staff-seed', 'legacy-admin');
  await server.db.kysely.updateTable('invites').set({ username: null }).where('id', '=', id).execute();
  expect((await createWebClient(server).get(`/invite/${token}`)).status).toBe(404);
});

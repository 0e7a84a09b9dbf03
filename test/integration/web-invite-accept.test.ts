import { createInviteService } from '../../src/auth/invites';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient } from '../fakes/web-client';

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

import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

/** The staff page for deliveries nobody knows the outcome of, and for suppressed people. */
let server: TestServer;
let staff: WebClient & { userId: string };
let admin: WebClient;
let tenant: string;
const TS = '2026-03-02T07:00:00.000Z';

async function delivery(id: string, personId: string, state: string) {
  await server.db.kysely
    .insertInto('deliveries')
    .values({ id, tenant_id: tenant, erp_person_id: personId, period: '2026-W09', kind: 'weekly', state, attempts: 1, provider_message_id: null, reason: state === 'unknown' ? 'no answer after sending (ECONNRESET)' : null, created_at: TS, updated_at: TS, sent_at: null })
    .execute();
}
const stateOf = async (id: string) => (await server.db.kysely.selectFrom('deliveries').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
const audit = (action: string) => server.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

beforeEach(async () => {
  server = await startTestServer();
  tenant = await createTenant(server, 'Alpha');
  await delivery('d-unknown-1', 'p1', 'unknown');
  await delivery('d-unknown-2', 'p2', 'unknown');
  await delivery('d-unknown-3', 'p3', 'unknown');
  await delivery('d-sent-4', 'p4', 'sent');
  await server.db.kysely.insertInto('email_suppressions').values({ tenant_id: tenant, erp_person_id: 'p5', reason: 'bounce', delivery_id: 'd-old-5', created_at: TS }).execute();
  staff = await signInStaff(server);
  admin = await signInAdmin(server, tenant, 'alpha-admin');
});
afterEach(async () => server.close());

test('only staff see the page; it lists the unknown deliveries and the suppressed people, nothing else', async () => {
  expect((await createWebClient(server).get('/staff/deliveries')).status).toBe(303);
  expect((await admin.get('/staff/deliveries')).status).toBe(403);
  const page = await staff.get('/staff/deliveries');
  expect(page.status).toBe(200);
  const html = await page.text();
  for (const id of ['d-unknown-1', 'd-unknown-2', 'd-unknown-3', 'no answer after sending (ECONNRESET)', 'p5', 'bounce']) expect(html).toContain(id);
  expect(html).not.toContain('d-sent-4');
  expect(html).toContain('action="/staff/deliveries/d-unknown-1/resolve"');
});

test('staff record what happened; each decision is audited, and only an unknown delivery can be settled', async () => {
  expect((await staff.post('/staff/deliveries/d-unknown-1/resolve', { resolution: 'sent' })).status).toBe(303);
  expect((await staff.post('/staff/deliveries/d-unknown-2/resolve', { resolution: 'resend' })).status).toBe(303);
  expect([await stateOf('d-unknown-1'), await stateOf('d-unknown-2')]).toEqual(['sent', 'failed-retryable']);

  expect((await staff.post('/staff/deliveries/d-unknown-3/resolve', { resolution: 'delivered' })).status).toBe(400);
  expect((await staff.post('/staff/deliveries/d-unknown-1/resolve', { resolution: 'failed' })).status).toBe(404);
  expect((await staff.post('/staff/deliveries/d-sent-4/resolve', { resolution: 'resend' })).status).toBe(404);
  expect((await admin.post('/staff/deliveries/d-unknown-3/resolve', { resolution: 'sent' })).status).toBe(403);
  expect([await stateOf('d-unknown-1'), await stateOf('d-unknown-3'), await stateOf('d-sent-4')]).toEqual(['sent', 'unknown', 'sent']);

  const events = await audit('delivery.resolved');
  expect(events.map((e) => [e.object_id, e.details_json, e.actor_type, e.actor_id, e.tenant_id])).toEqual([
    ['d-unknown-1', '{"resolution":"sent","state":"sent"}', 'staff', staff.userId, tenant],
    ['d-unknown-2', '{"resolution":"resend","state":"failed-retryable"}', 'staff', staff.userId, tenant],
  ]);
});

test('without the CSRF token nothing changes', async () => {
  const noToken = await staff.raw('POST', '/staff/deliveries/d-unknown-3/resolve', { form: { resolution: 'sent' } });
  expect(noToken.status).toBe(403);
  const lift = await staff.raw('POST', `/staff/suppressions/${tenant}/p5/lift`, { form: {} });
  expect(lift.status).toBe(403);
  expect(await stateOf('d-unknown-3')).toBe('unknown');
  expect(await server.db.kysely.selectFrom('email_suppressions').selectAll().execute()).toHaveLength(1);
  expect(await audit('delivery.resolved')).toEqual([]);
});

test('lifting a suppression lets the person be emailed again and is audited', async () => {
  expect((await admin.post(`/staff/suppressions/${tenant}/p5/lift`)).status).toBe(403);
  expect((await staff.post(`/staff/suppressions/${tenant}/p5/lift`)).status).toBe(303);
  expect(await server.db.kysely.selectFrom('email_suppressions').selectAll().execute()).toEqual([]);
  expect((await staff.post(`/staff/suppressions/${tenant}/p5/lift`)).status).toBe(404);
  expect((await audit('email.suppression_lifted')).map((e) => [e.object_type, e.object_id, e.actor_type])).toEqual([['person', 'p5', 'staff']]);
});

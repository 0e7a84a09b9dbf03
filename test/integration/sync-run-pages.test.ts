/**
 * What a sync run reports reaches the people who act on it: staff see the skipped-row counters on the
 * run page, a customer admin sees the ERP's own refusal (a missing scope) on the status page.
 */
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff } from '../fakes/web-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

const TS = '2026-11-30T02:40:00.000Z';

async function insertRun(tenantId: string, id: string, fields: { state: string; counters?: Record<string, number>; errorClass?: string; errorMessage?: string }) {
  await server.db.kysely
    .insertInto('job_runs')
    .values({
      id,
      job: 'sync',
      tenant_id: tenantId,
      slot: id,
      state: fields.state,
      attempts: 1,
      run_after: TS,
      lease_owner: null,
      lease_expires_at: null,
      started_at: TS,
      finished_at: TS,
      duration_ms: 1000,
      counters_json: fields.counters ? JSON.stringify(fields.counters) : null,
      checkpoint_json: null,
      error_class: fields.errorClass ?? null,
      error_message: fields.errorMessage ?? null,
      created_at: TS,
      updated_at: TS,
    })
    .execute();
}

test('the staff run page lists skipped rows per resource and reason', async () => {
  const tenantId = await createTenant(server, 'Counted Oy');
  await insertRun(tenantId, 'run-counted', {
    state: 'succeeded',
    counters: { requests: 120, 'skipped.workhours.impossible-date': 1, 'skipped.absences.unknown-user': 2 },
  });
  const staff = await signInStaff(server);

  const html = await (await staff.get('/staff/runs')).text();

  expect(html).toContain('skipped.workhours.impossible-date 1');
  expect(html).toContain('skipped.absences.unknown-user 2');
  expect(html).toContain('requests 120');
});

test("the admin status page shows the ERP's refusal as it was explained", async () => {
  const tenantId = await createTenant(server, 'Refused Oy');
  const message =
    'ERP refused /v1/workhours (403): the API client lacks a read scope or an add-on. The ERP said: "Forbidden: Scope hours:read is required".';
  await insertRun(tenantId, 'run-refused', { state: 'dead', errorClass: 'ErpRefusedError', errorMessage: message });
  const admin = await signInAdmin(server, tenantId, 'refused-admin');

  const html = await (await admin.get('/admin/status')).text();

  expect(html).toContain('Scope hours:read is required');
});

test('the admin status page says when public holidays stand in for the company calendar, and why', async () => {
  const tenantId = await createTenant(server, 'Calendar Oy');
  const admin = await signInAdmin(server, tenantId, 'calendar-admin');
  const calendars = server.db.kysely.insertInto('tenant_calendars');

  await calendars.values({ tenant_id: tenantId, source: 'public', reason: 'no-access', holidays_json: '[]', updated_at: TS }).execute();
  const html = await (await admin.get('/admin/status')).text();

  expect(html).toContain('public holidays of FI are used, because the API client may not read');
  expect(html).toContain('settings:read');

  await server.db.kysely.updateTable('tenant_calendars').set({ source: 'company', reason: null }).where('tenant_id', '=', tenantId).execute();
  expect(await (await admin.get('/admin/status')).text()).toContain('Holidays: the company calendar in Severa.');
});

test('whether eves are half days is a tenant setting the admin saves', async () => {
  const tenantId = await createTenant(server, 'Eves Oy');
  const admin = await signInAdmin(server, tenantId, 'eves-admin');
  const form = { enabledInsights: 'missing-hours', scheduleDay: 'monday', scheduleTime: '07:00', utilisationTarget: '75', defaultLanguage: 'fi' };

  expect((await admin.post('/admin/settings', { ...form, halfDayEves: 'on' })).status).toBe(303);
  const saved = await server.db.kysely.selectFrom('tenants').select('settings_json').where('id', '=', tenantId).executeTakeFirstOrThrow();

  expect(JSON.parse(saved.settings_json)).toMatchObject({ halfDayEves: true });
  expect(await (await admin.get('/admin/settings')).text()).toMatch(/name="halfDayEves" checked/);
});

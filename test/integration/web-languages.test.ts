/**
 * Admin and staff pages in the reader's language: the account's own choice, else the browser's
 * Accept-Language, else English; admins read times in the tenant's zone; settings speak in labels, not
 * identifiers; team view is one switch; the person picker asks the ERP by name and keeps nothing.
 */
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

let server: TestServer;
let tenantId: string;
let admin: WebClient;
const FI = { 'accept-language': 'fi-FI,fi;q=0.9,en;q=0.5' };
const SV = { 'accept-language': 'sv-SE,sv;q=0.9' };

beforeAll(async () => {
  server = await startTestServer();
  tenantId = await createTenant(server, 'Kieli Oy');
  admin = await signInAdmin(server, tenantId, 'kieli-admin');
  await server.db.kysely
    .insertInto('job_runs')
    .values({ id: 'run-lang', job: 'sync', tenant_id: tenantId, slot: 's', state: 'succeeded', attempts: 1, run_after: '2026-03-02T07:59:00.000Z', lease_owner: null, lease_expires_at: null, started_at: '2026-03-02T07:59:00.000Z', finished_at: '2026-03-02T08:00:00.000Z', duration_ms: 60_000, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: '2026-03-02T07:59:00.000Z', updated_at: '2026-03-02T08:00:00.000Z' })
    .execute();
});
afterAll(async () => server.close());

const html = async (client: WebClient, path: string, headers: Record<string, string> = {}) => {
  const res = await client.get(path, headers);
  expect(res.status).toBe(200);
  return res.text();
};

test('the browser picks the language when the account has not, and times are in the tenant zone', async () => {
  const fi = await html(admin, '/admin/status', FI);
  expect(fi).toContain('<html lang="fi">');
  expect(fi).toContain('Synkronoi nyt');
  expect(fi).toContain('Synkronointi ERP:stä');
  expect(fi).toContain('onnistui');
  // 08:00 UTC is 10:00 in Helsinki (EET, winter).
  expect(fi).toContain('2.3.2026 klo 10.00');
  expect(fi).toContain('Ajat aikavyöhykkeellä Europe/Helsinki');

  const sv = await html(admin, '/admin/status', SV);
  expect(sv).toContain('<html lang="sv">');
  expect(sv).toContain('Synkronisera nu');

  const en = await html(admin, '/admin/status');
  expect(en).toContain('<html lang="en">');
  expect(en).toContain('Run sync now');
  expect(en).toContain('2 Mar 2026, 10:00');
});

test('an account’s own choice wins over the browser, is audited, and can be given back to the browser', async () => {
  const res = await admin.post('/account/language', { language: 'sv', next: '/admin/settings' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/admin/settings');
  expect(await html(admin, '/admin/status', FI)).toContain('<html lang="sv">');
  const event = await server.db.kysely.selectFrom('audit_events').select(['details_json', 'tenant_id']).where('action', '=', 'account.language_changed').executeTakeFirstOrThrow();
  expect(event).toEqual({ details_json: JSON.stringify({ language: 'sv' }), tenant_id: tenantId });
  expect((await admin.post('/account/language', { language: 'de' })).status).toBe(400);

  await admin.post('/account/language', { language: '' });
  expect(await html(admin, '/admin/status', FI)).toContain('<html lang="fi">');
});

test('staff pages follow the language too', async () => {
  const staff = await signInStaff(server, 'ops-kieli');
  const fi = await html(staff, '/staff/overview', FI);
  expect(fi).toContain('Yleiskuva');
  expect(fi).toContain('Asiakkaat');
  const sv = await html(staff, '/staff/runs', SV);
  expect(sv).toContain('Körningar');
  expect(await html(staff, '/staff/runs/run-lang', FI)).toContain('Odotti työprosessia');
  expect(await html(staff, `/staff/tenants/${tenantId}/admins`, SV)).toContain('Administratörer för Kieli Oy');
  // Tenants by name, not by ID.
  server.ports.purges.push({ tenantId, scope: 'tenant', subjectId: null, dueDate: '2026-04-30' });
  const purges = await html(staff, '/staff/purges', SV);
  expect(purges).toContain('Kommande raderingar efter lagringstid (60 dagar)');
  expect(purges).toContain('<td>Kieli Oy</td>');
});

test('settings show labels in the reader’s language, and team view is one switch', async () => {
  const fi = await html(admin, '/admin/settings', FI);
  for (const label of ['Puuttuvat tunnit', 'Liukumasaldo', 'maanantai', 'sunnuntai', 'suomi', 'ruotsi', 'Tiiminäkymä esihenkilöille']) expect(fi).toContain(label);
  expect(fi).not.toMatch(/>\s*(missing-hours|monday|fi)\s*</);
  expect(fi).not.toContain('name="teamView"');

  const base = { scheduleDay: 'tuesday', scheduleTime: '08:30', utilisationTarget: '70', defaultLanguage: 'sv' };
  expect((await admin.post('/admin/settings', { ...base, enabledInsights: 'missing-hours' })).status).toBe(303);
  const off = JSON.parse((await server.db.kysely.selectFrom('tenants').select('settings_json').where('id', '=', tenantId).executeTakeFirstOrThrow()).settings_json) as { teamView: boolean; enabledInsights: string[] };
  expect(off).toMatchObject({ teamView: false, enabledInsights: ['missing-hours'] });

  // Two values of one field, as the browser sends two ticked boxes.
  const form = new URLSearchParams({ _csrf: await admin.csrf(), ...base });
  form.append('enabledInsights', 'missing-hours');
  form.append('enabledInsights', 'team-view');
  const cookie = [...admin.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const both = await fetch(`${server.url}/admin/settings`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(both.status).toBe(303);
  const on = JSON.parse((await server.db.kysely.selectFrom('tenants').select('settings_json').where('id', '=', tenantId).executeTakeFirstOrThrow()).settings_json) as { teamView: boolean };
  expect(on.teamView).toBe(true);
});

test('the API keys page shows the tenant ID every API path needs', async () => {
  const page = await html(admin, '/admin/api-keys', FI);
  expect(page).toContain(`<code class="tenant-id">${tenantId}</code>`);
  expect(page).toContain('Asiakastunnisteesi');
});

test('the person picker asks the ERP by name, lists the matches to choose from and keeps no name', async () => {
  const res = await admin.post('/admin/people/search', { q: 'maki', back: '/admin/preview' });
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain('Aino Mäkinen');
  expect(page).toContain('href="/admin/preview?person=p-aino"');
  expect(page).not.toContain('Bo Åkerlund');
  expect(server.ports.calls).toContain(`people-search:${tenantId}`);

  const dsr = await (await admin.post('/admin/people/search', { q: 'akerl', back: '/admin/dsr' })).text();
  expect(dsr).toContain('href="/admin/dsr?person=p-bo"');
  expect(await html(admin, '/admin/dsr?person=p-bo')).toContain('name="personId" value="p-bo"');

  expect((await admin.post('/admin/people/search', { q: 'x', back: '/admin/preview' })).status).toBe(400);
  expect((await admin.post('/admin/people/search', { q: 'maki', back: '/elsewhere' })).status).toBe(400);

  const events = await server.db.kysely.selectFrom('audit_events').select(['details_json']).where('action', '=', 'person.searched').execute();
  expect(events).toEqual([{ details_json: JSON.stringify({ matches: 1 }) }, { details_json: JSON.stringify({ matches: 1 }) }]);
  for (const table of ['audit_events', 'sessions', 'users', 'people'] as const) {
    const rows = JSON.stringify(await server.db.kysely.selectFrom(table).selectAll().execute());
    expect(rows).not.toMatch(/Mäkinen|Åkerlund|maki|akerl/);
  }
});

test('what a form says back is in the reader’s language too', async () => {
  await server.db.kysely.insertInto('people').values({ tenant_id: tenantId, erp_person_id: 'p-kieli', employment_start: '2024-01-01', employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, restricted: 0, updated_at: '2026-03-02T08:00:00.000Z' }).execute();
  const res = await admin.raw('POST', '/admin/dsr', { form: { _csrf: await admin.csrf(), action: 'restrict', personId: 'p-kieli' }, headers: FI });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('Henkilön p-kieli tietojen käsittely on rajoitettu.');
  expect(await html(admin, '/account/password', SV)).toContain('Byt lösenord');
  expect(await html(admin, '/admin/users', FI)).toContain('Pääkäyttäjätilit');
});

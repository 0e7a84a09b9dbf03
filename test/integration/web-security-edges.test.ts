import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

/**
 * The edges of the web app a penetration test probes: what browsers and proxies may keep, what a
 * malformed body answers, and what an API key's scope lets it do.
 */
let server: TestServer;
let tenantId: string;
let admin: WebClient;
let staff: WebClient;

beforeAll(async () => {
  server = await startTestServer();
  tenantId = await createTenant(server, 'Edge Oy');
  admin = await signInAdmin(server, tenantId, 'edge-admin');
  staff = await signInStaff(server, 'edge-staff');
  await server.db.kysely
    .insertInto('people')
    .values({ tenant_id: tenantId, erp_person_id: 'p-1', employment_start: null, employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, updated_at: '2026-03-01T00:00:00.000Z' })
    .execute();
});
afterAll(async () => server.close());

describe('Cache-Control', () => {
  test('pages and answers that show a secret once or personal data are no-store', async () => {
    const key = await admin.post('/admin/api-keys');
    expect(await key.text()).toContain('shown only once');
    const invite = await staff.api('POST', `/api/v1/tenants/${tenantId}/invites`, { username: 'cache-invitee' });
    expect(invite.status).toBe(201);
    const apiKey = await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`);
    expect(apiKey.status).toBe(201);
    const exported = await admin.api('POST', `/api/v1/tenants/${tenantId}/dsr/export`, { personId: 'p-1' });
    expect(exported.status).toBe(200);
    const exportForm = await admin.post('/admin/dsr', { action: 'export', personId: 'p-1' });
    expect(exportForm.headers.get('content-disposition')).toContain('attachment');
    const answers = [
      ['new API key page', key],
      ['invite URL', invite],
      ['new API key (API)', apiKey],
      ['person export (API)', exported],
      ['person export (form)', exportForm],
      ['TOTP enrolment page', await admin.get('/admin/security')],
      ['email preview', await admin.get('/admin/preview?person=p-1')],
      ['status page', await admin.get('/admin/status')],
      ['tenant status (API)', await admin.get(`/api/v1/tenants/${tenantId}/status`)],
      ['staff page', await staff.get('/staff/tenants')],
      ['sign-in page', await fetch(`${server.url}/login`)],
      ['API error', await fetch(`${server.url}/api/v1/tenants`)],
    ] as const;
    expect(answers.map(([what, res]) => [what, res.headers.get('cache-control')])).toEqual(answers.map(([what]) => [what, 'no-store']));
  });

  test('static assets keep their own caching', async () => {
    const css = await fetch(`${server.url}/static/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toMatch(/max-age=/);
  });
});

describe('malformed bodies answer 4xx, not 500', () => {
  const manyFields = Array.from({ length: 250 }, (_, i) => `f${i}=x`).join('&');

  test('a form with more fields than the limit: 413 page', async () => {
    const res = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: manyFields });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('too many fields');
  });

  test('the same on the API: 413 JSON', async () => {
    const res = await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: manyFields });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'too_large', message: 'The form has too many fields' } });
  });

  test('a body that claims gzip but does not inflate: 400 JSON, no zlib text', async () => {
    const res = await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'this is not gzip' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'bad_request', message: 'The request body could not be read' });
  });

  test('a gzip body cut short: 400 page', async () => {
    const whole = gzipSync(Buffer.from('username=a&password=b'));
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: whole.subarray(0, whole.length - 6),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('could not be read');
  });
});

describe('API key scope', () => {
  async function keyWithScope(scope: string): Promise<string> {
    const created = (await (await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).json()) as { id: string; key: string };
    await server.db.kysely.updateTable('api_keys').set({ scope }).where('id', '=', created.id).execute();
    return created.key;
  }
  const withKey = (key: string, path: string, method = 'GET') => fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });

  test('a read key reads every route open to keys, and no answer to a key sets a cookie', async () => {
    const key = await keyWithScope('read');
    for (const path of ['status', 'runs', 'insights/summary']) {
      const res = await withKey(key, `/api/v1/tenants/${tenantId}/${path}`);
      expect([path, res.status, res.headers.getSetCookie()]).toEqual([path, 200, []]);
    }
  });

  test.each(['', 'none', 'write', 'readonly'])('a key whose scope is %p gets 403 insufficient_scope on every route open to keys', async (scope) => {
    const key = await keyWithScope(scope);
    for (const path of ['status', 'runs', 'insights/summary']) {
      const res = await withKey(key, `/api/v1/tenants/${tenantId}/${path}`);
      expect([path, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([path, 403, 'insufficient_scope']);
    }
  });

  test('no key can write, whatever its scope says', async () => {
    const key = await keyWithScope('read write');
    const res = await withKey(key, `/api/v1/tenants/${tenantId}/jobs/sync`, 'POST');
    expect(res.status).toBe(403);
    expect(server.ports.calls.filter((c) => c.startsWith('enqueue'))).toEqual([]);
  });
});

describe('tenant time zone', () => {
  const tenant = { displayName: 'Zone Oy', contractStart: '2026-01-01' };

  test('an unknown zone is refused at create and at update with a 400 naming the field', async () => {
    const created = await staff.api('POST', '/api/v1/tenants', { ...tenant, timezone: 'Not/AZone' });
    expect(created.status).toBe(400);
    expect(await created.json()).toMatchObject({ error: { code: 'validation', issues: [expect.stringMatching(/^timezone: not a known IANA time zone/)] } });
    const updated = await staff.api('PATCH', `/api/v1/tenants/${tenantId}`, { timezone: 'Europe/Atlantis' });
    expect(updated.status).toBe(400);
    expect((await server.db.kysely.selectFrom('tenants').select('timezone').where('id', '=', tenantId).executeTakeFirstOrThrow()).timezone).toBe('Europe/Helsinki');
  });

  test('a known zone is stored, and a stored bad zone can be corrected', async () => {
    const created = await staff.api('POST', '/api/v1/tenants', { ...tenant, timezone: 'Europe/Stockholm' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await server.db.kysely.updateTable('tenants').set({ timezone: 'Not/AZone' }).where('id', '=', id).execute();
    const fixed = await staff.api('PATCH', `/api/v1/tenants/${id}`, { timezone: 'Europe/Helsinki' });
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ id, timezone: 'Europe/Helsinki' });
  });
});

test("an employee's one-click unsubscribe through the app is audited without their IP address", async () => {
  const unsubscribe = server.signer.sign({ tenantId, personId: 'p-1', purpose: 'unsubscribe', ttlDays: 30 });
  const res = await fetch(`${server.url}/u/${unsubscribe}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  expect(res.status).toBe(200);
  const events = await server.db.kysely.selectFrom('audit_events').select(['action', 'ip', 'request_id']).where('actor_type', '=', 'employee').execute();
  expect(events).toEqual([{ action: 'email.unsubscribe', ip: null, request_id: expect.any(String) }]);
});


import { subjectDigest } from '../../src/crypto/subject-digest';
import { API_OPERATIONS } from '../../src/web/openapi';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

type Who = 'anon' | 'staff' | 'adminB' | 'adminA';
const WHO: Who[] = ['anon', 'staff', 'adminB', 'adminA'];

interface Case {
  method: string;
  path: string;
  /** JSON body for /api, form fields for pages. */
  body?: Record<string, unknown>;
  expect: [number, number, number, number];
}

let server: TestServer;
let clients: Record<Who, WebClient>;
let A: string;
let runId: string;
let keyId: string;
let adminAId: string;

const person = async (tenantId: string, id: string) =>
  server.db.kysely.insertInto('people').values({ tenant_id: tenantId, erp_person_id: id, employment_start: '2024-01-01', employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, restricted: 0, updated_at: '2026-01-01T00:00:00.000Z' }).execute();

beforeAll(async () => {
  server = await startTestServer();
  A = await createTenant(server, 'Alpha');
  const B = await createTenant(server, 'Beta');
  await person(A, 'p-a1');
  await person(A, 'p-a2');
  await person(B, 'p-b1');
  runId = 'run-dead-a';
  await server.db.kysely.insertInto('job_runs').values({ id: runId, job: 'sync', tenant_id: A, slot: '2026-03-02', state: 'dead', attempts: 5, run_after: '2026-03-02T07:00:00.000Z', lease_owner: null, lease_expires_at: null, started_at: null, finished_at: '2026-03-02T07:05:00.000Z', duration_ms: 10, counters_json: null, checkpoint_json: null, error_class: 'UpstreamError', error_message: 'ERP answered 503', created_at: '2026-03-02T07:00:00.000Z', updated_at: '2026-03-02T07:05:00.000Z' }).execute();
  clients = { anon: createWebClient(server), staff: await signInStaff(server), adminB: await signInAdmin(server, B, 'beta-admin'), adminA: await signInAdmin(server, A, 'alpha-admin') };
  const created = await clients.adminA.api('POST', `/api/v1/tenants/${A}/api-keys`);
  keyId = ((await created.json()) as { id: string }).id;
  adminAId = (await server.db.kysely.selectFrom('users').select('id').where('username', '=', 'alpha-admin').executeTakeFirstOrThrow()).id;
});
afterAll(async () => server.close());

const t = (p: string) => p.replace('{A}', A).replace('{run}', runId).replace('{key}', keyId).replace('{adminA}', adminAId);
const connector = { baseUrl: 'http://127.0.0.1:9/rest-api', clientId: 'client-1', clientSecret: 'good-secret' };
const settings = { enabledInsights: ['missing-hours'], scheduleDay: 'monday', scheduleTime: '07:00', utilisationTarget: 0.8, defaultLanguage: 'en', teamView: false };

const API: Case[] = [
  { method: 'GET', path: '/me', expect: [401, 200, 200, 200] },
  { method: 'GET', path: '/tenants', expect: [401, 200, 403, 403] },
  { method: 'POST', path: '/tenants', body: { displayName: 'Gamma', contractStart: '2026-01-01' }, expect: [401, 201, 403, 403] },
  { method: 'GET', path: '/tenants/{A}', expect: [401, 200, 404, 200] },
  { method: 'PATCH', path: '/tenants/{A}', body: { status: 'active' }, expect: [401, 200, 403, 403] },
  { method: 'POST', path: '/tenants/{A}/invites', body: { username: 'api-invitee' }, expect: [401, 201, 403, 403] },
  { method: 'GET', path: '/runs', expect: [401, 200, 403, 403] },
  { method: 'POST', path: '/runs/{run}/retry', expect: [401, 202, 403, 403] },
  { method: 'GET', path: '/tenants/{A}/runs', expect: [401, 200, 404, 200] },
  { method: 'POST', path: '/tenants/{A}/jobs/sync', expect: [401, 202, 404, 202] },
  { method: 'GET', path: '/purges', expect: [401, 200, 403, 403] },
  { method: 'GET', path: '/audit', expect: [401, 200, 403, 403] },
  { method: 'GET', path: '/tenants/{A}/audit', expect: [401, 200, 404, 200] },
  { method: 'GET', path: '/tenants/{A}/status', expect: [401, 200, 404, 200] },
  { method: 'GET', path: '/tenants/{A}/insights/summary', expect: [401, 403, 404, 200] },
  { method: 'GET', path: '/tenants/{A}/connector', expect: [401, 403, 404, 200] },
  { method: 'PUT', path: '/tenants/{A}/connector', body: connector, expect: [401, 403, 404, 200] },
  { method: 'DELETE', path: '/tenants/{A}/connector', expect: [401, 403, 404, 204] },
  { method: 'GET', path: '/tenants/{A}/settings', expect: [401, 403, 404, 200] },
  { method: 'PUT', path: '/tenants/{A}/settings', body: settings, expect: [401, 403, 404, 200] },
  { method: 'GET', path: '/tenants/{A}/people/p-a1/email-preview', expect: [401, 403, 404, 200] },
  { method: 'POST', path: '/tenants/{A}/dsr/export', body: { personId: 'p-a1' }, expect: [401, 403, 404, 200] },
  { method: 'POST', path: '/tenants/{A}/dsr/restrict', body: { personId: 'p-a1', restricted: true }, expect: [401, 403, 404, 200] },
  // A person of its own: the erasure is real, and later cases still need p-a1.
  { method: 'POST', path: '/tenants/{A}/dsr/erase', body: { personId: 'p-a2' }, expect: [401, 403, 404, 200] },
  { method: 'GET', path: '/tenants/{A}/api-keys', expect: [401, 403, 404, 200] },
  { method: 'POST', path: '/tenants/{A}/api-keys', expect: [401, 403, 404, 201] },
  { method: 'DELETE', path: '/tenants/{A}/api-keys/{key}', expect: [401, 403, 404, 204] },
];

const PAGES: Case[] = [
  ...['/staff/overview', '/staff/tenants', '/staff/tenants/new', '/staff/runs', '/staff/runs/{run}', '/staff/deliveries', '/staff/purges', '/staff/audit', '/staff/tenants/{A}'].map((path): Case => ({ method: 'GET', path, expect: [303, 200, 403, 403] })),
  { method: 'POST', path: '/staff/tenants', body: { displayName: 'Delta', contractStart: '2026-02-01' }, expect: [303, 303, 403, 403] },
  { method: 'POST', path: '/staff/tenants/{A}', body: { status: 'active', contractStart: '2026-01-01' }, expect: [303, 303, 403, 403] },
  { method: 'POST', path: '/staff/tenants/{A}/invites', body: { username: 'page-invitee' }, expect: [303, 200, 403, 403] },
  { method: 'POST', path: '/staff/runs/{run}/retry', expect: [303, 303, 403, 403] },
  { method: 'POST', path: '/staff/runs/{run}/cancel', expect: [303, 409, 403, 403] },
  { method: 'POST', path: '/staff/runs/{run}/run-now', expect: [303, 303, 403, 403] },
  { method: 'POST', path: '/staff/tenants/{A}/run/sync', expect: [303, 303, 403, 403] },
  ...['/admin/status', '/admin/connector', '/admin/settings', '/admin/preview', '/admin/dsr', '/admin/audit', '/admin/api-keys'].map((path): Case => ({ method: 'GET', path, expect: [303, 403, 200, 200] })),
  { method: 'GET', path: '/admin/preview?person=p-a1', expect: [303, 403, 404, 200] },
  { method: 'GET', path: '/admin/preview/p-a1/frame', expect: [303, 403, 404, 200] },
  { method: 'POST', path: '/admin/dsr', body: { action: 'export', personId: 'p-a1' }, expect: [303, 403, 404, 200] },
  // Own account only: there is no object to reach across tenants, so both admins succeed on their own.
  { method: 'GET', path: '/admin/security', expect: [303, 403, 200, 200] },
  { method: 'POST', path: '/admin/security/totp/start', body: { password: 'Quiet-Harbour-Lantern-42' }, expect: [303, 403, 200, 200] },
  { method: 'POST', path: '/admin/security/totp/confirm', body: { code: 'nope' }, expect: [303, 403, 400, 400] },
  { method: 'POST', path: '/admin/security/totp/disable', body: { password: 'x', code: 'nope' }, expect: [303, 403, 409, 409] },
  { method: 'POST', path: '/admin/dsr', body: { action: 'restrict', personId: 'p-a1' }, expect: [303, 403, 404, 200] },
  { method: 'POST', path: '/admin/sync', expect: [303, 403, 303, 303] },
  { method: 'POST', path: '/admin/settings', body: { enabledInsights: 'utilisation', scheduleDay: 'friday', scheduleTime: '09:30', utilisationTarget: '70', defaultLanguage: 'sv' }, expect: [303, 403, 303, 303] },
  { method: 'POST', path: '/admin/connector', body: connector, expect: [303, 403, 200, 200] },
  { method: 'POST', path: '/admin/connector/revoke', expect: [303, 403, 303, 303] },
  { method: 'POST', path: '/admin/api-keys/{key}/revoke', expect: [303, 403, 404, 404] },
  // Account pages: own account for everyone signed in; a tenant's admins for its admins and staff only.
  { method: 'GET', path: '/account/password', expect: [303, 200, 200, 200] },
  { method: 'GET', path: '/admin/users', expect: [303, 403, 200, 200] },
  { method: 'POST', path: '/admin/users/{adminA}', body: { action: 'enable', password: 'Quiet-Harbour-Lantern-42' }, expect: [303, 403, 404, 303] },
  { method: 'GET', path: '/staff/tenants/{A}/admins', expect: [303, 200, 403, 403] },
  { method: 'POST', path: '/staff/tenants/{A}/admins/{adminA}', body: { action: 'unlock' }, expect: [303, 303, 403, 403] },
  { method: 'GET', path: '/metrics', expect: [401, 200, 403, 403] },
];

async function call(who: Who, c: Case, api: boolean): Promise<number> {
  const client = clients[who];
  const path = t(c.path);
  if (api) return (await client.api(c.method, `/api/v1${path}`, c.body)).status;
  if (c.method === 'GET') return (await client.get(path)).status;
  return (await client.post(path, (c.body ?? {}) as Record<string, string>)).status;
}

test('every API route × caller answers the expected status (cross-tenant → 404)', async () => {
  const got: string[] = [];
  const want: string[] = [];
  for (const c of API) for (const [i, who] of WHO.entries()) {
    got.push(`${c.method} ${c.path} ${who} ${await call(who, c, true)}`);
    want.push(`${c.method} ${c.path} ${who} ${c.expect[i]}`);
  }
  expect(got).toEqual(want);
});

test('every page route × caller answers the expected status', async () => {
  const got: string[] = [];
  const want: string[] = [];
  for (const c of PAGES) for (const [i, who] of WHO.entries()) {
    got.push(`${c.method} ${c.path} ${who} ${await call(who, c, false)}`);
    want.push(`${c.method} ${c.path} ${who} ${c.expect[i]}`);
  }
  expect(got).toEqual(want);
});

test('the matrix covers every operation of the OpenAPI document, and the document is served', async () => {
  const covered = new Set(API.map((c) => `${c.method.toLowerCase()} ${c.path.replace('{A}', '{tenantId}').replace('{run}', '{runId}').replace('{key}', '{keyId}').replace('/sync', '/{job}').replace('p-a1', '{personId}')}`));
  expect(API_OPERATIONS.map((o) => `${o.method} ${o.path}`).filter((k) => !covered.has(k))).toEqual([]);
  const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toHaveLength(new Set(API_OPERATIONS.map((o) => o.path)).size);
});

test('an API key reads only its own tenant and cannot write', async () => {
  const created = (await (await clients.adminA.api('POST', `/api/v1/tenants/${A}/api-keys`)).json()) as { key: string };
  const bearer = { authorization: `Bearer ${created.key}` };
  const anon = createWebClient(server);
  expect((await anon.raw('GET', `/api/v1/tenants/${A}/insights/summary`, { headers: bearer })).status).toBe(200);
  expect((await anon.raw('GET', `/api/v1/tenants/${A}/runs`, { headers: bearer })).status).toBe(200);
  expect((await anon.raw('GET', `/api/v1/tenants/someone-else/runs`, { headers: bearer })).status).toBe(404);
  expect((await anon.raw('GET', `/api/v1/tenants/${A}/settings`, { headers: bearer })).status).toBe(403);
  expect((await anon.raw('POST', `/api/v1/tenants/${A}/jobs/sync`, { headers: bearer })).status).toBe(403);
  const body = (await (await anon.raw('GET', '/api/v1/tenants', {})).json()) as { error: { code: string; requestId: string } };
  expect(body.error.code).toBe('unauthorized');
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
});

test('admin actions are audited with actor, tenant, IP and request ID and no personal data', async () => {
  const rows = await server.db.kysely.selectFrom('audit_events').selectAll().where('tenant_id', '=', A).execute();
  const actions = new Set(rows.map((r) => r.action));
  for (const a of ['connector.saved', 'connector.revoked', 'settings.updated', 'dsr.exported', 'dsr.erased', 'dsr.restricted', 'api-key.created', 'api-key.revoked', 'job.enqueued', 'email.previewed']) expect(actions).toContain(a);
  // One event per successful request (API + page for export and restrict, API for erase); refused calls leave none.
  const dsrEvents = rows.filter((r) => r.action.startsWith('dsr.'));
  expect(dsrEvents.map((r) => r.action).sort()).toEqual(['dsr.erased', 'dsr.exported', 'dsr.exported', 'dsr.restricted', 'dsr.restricted']);
  for (const e of dsrEvents) expect(e).toMatchObject({ actor_type: 'admin', tenant_id: A, object_type: 'person', ip: expect.stringContaining('127.0.0.1'), request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(new Set(dsrEvents.map((e) => e.request_id)).size).toBe(dsrEvents.length);
  const erased = dsrEvents.find((r) => r.action === 'dsr.erased');
  expect(erased?.object_id).toBe(subjectDigest(A, 'p-a2'));
  expect(JSON.stringify(erased)).not.toContain('p-a2');
  expect(JSON.stringify(rows)).not.toMatch(/alpha-admin|good-secret|@/);
});

/**
 * The served OpenAPI document against the real API: every operation is called as a caller allowed to
 * use it, and its status and body are validated with ajv against what the document says (JSON Schema
 * 2020-12, OpenAPI 3.1's dialect). The documented query parameters are the ones the code enforces.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { API_OPERATIONS } from '../../src/web/openapi';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

type Who = 'staff' | 'admin' | 'apiKey';

interface Call {
  who: Who;
  method: string;
  /** The documented path template, e.g. /tenants/{tenantId}. */
  template: string;
  /** The concrete path, with a query string where the operation takes one. */
  path: string;
  body?: Record<string, unknown>;
}

interface Doc {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: { 'application/json': { schema: object } } }> }>>;
}

let server: TestServer;
let doc: Doc;
let callers: Record<Who, WebClient | { key: string }>;
let tenantId: string;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const person = (id: string) =>
  server.db.kysely.insertInto('people').values({ tenant_id: tenantId, erp_person_id: id, employment_start: '2024-01-01', employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, restricted: 0, updated_at: '2026-01-01T00:00:00.000Z' }).execute();

beforeAll(async () => {
  server = await startTestServer();
  tenantId = await createTenant(server, 'Alpha');
  await person('p-1');
  await person('p-2');
  await server.db.kysely
    .insertInto('job_runs')
    .values({ id: 'run-dead', job: 'sync', tenant_id: tenantId, slot: '2026-03-02', state: 'dead', attempts: 5, run_after: '2026-03-02T07:00:00.000Z', lease_owner: null, lease_expires_at: null, started_at: '2026-03-02T07:00:01.000Z', finished_at: '2026-03-02T07:05:00.000Z', duration_ms: 299_000, counters_json: '{"requests":12,"skipped.users.missing-field":1}', checkpoint_json: null, error_class: 'UpstreamError', error_message: 'ERP answered 503', created_at: '2026-03-02T07:00:00.000Z', updated_at: '2026-03-02T07:05:00.000Z' })
    .execute();
  await server.db.kysely
    .insertInto('job_runs')
    .values({ id: 'run-ok', job: 'insights', tenant_id: tenantId, slot: '2026-03-02', state: 'succeeded', attempts: 1, run_after: '2026-03-02T06:00:00.000Z', lease_owner: null, lease_expires_at: null, started_at: '2026-03-02T06:00:01.000Z', finished_at: '2026-03-02T06:00:04.000Z', duration_ms: 3000, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: '2026-03-02T06:00:00.000Z', updated_at: '2026-03-02T06:00:04.000Z' })
    .execute();
  const staff = await signInStaff(server);
  const admin = await signInAdmin(server, tenantId, 'alpha-admin');
  const created = (await (await admin.api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).json()) as { key: string };
  callers = { staff, admin, apiKey: { key: created.key } };
  doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Doc;
});
afterAll(async () => server.close());

async function send(c: Call): Promise<{ status: number; body: unknown }> {
  const who = callers[c.who];
  const url = `/api/v1${c.path}`;
  const res = 'key' in who ? await fetch(`${server.url}${url}`, { method: c.method, headers: { authorization: `Bearer ${who.key}` } }) : await who.api(c.method, url, c.body);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Problems of one answer against the document: wrong status, a body where none is documented, or schema errors. */
function problems(c: Call, answer: { status: number; body: unknown }): string[] {
  const op = doc.paths[c.template]?.[c.method.toLowerCase()];
  if (!op) return [`${c.method} ${c.template}: not in the document`];
  const success = Object.keys(op.responses).find((s) => s.startsWith('2'));
  if (String(answer.status) !== success) return [`${c.method} ${c.path}: answered ${answer.status}, documented ${success}: ${JSON.stringify(answer.body)}`];
  const schema = op.responses[success]?.content?.['application/json'].schema;
  if (!schema) return answer.body === undefined ? [] : [`${c.method} ${c.template}: a body the document does not describe`];
  const validate = ajv.compile(schema);
  return validate(answer.body) ? [] : (validate.errors ?? []).map((e) => `${c.method} ${c.template}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const connector = { baseUrl: 'http://127.0.0.1:9/rest-api', clientId: 'client-1', clientSecret: 'good-secret' };
const settings = { enabledInsights: ['missing-hours'], scheduleDay: 'monday', scheduleTime: '07:00', utilisationTarget: 0.8, defaultLanguage: 'en', teamView: false };

function calls(keyId: string): Call[] {
  const T = tenantId;
  const c = (who: Who, method: string, template: string, path: string, body?: Record<string, unknown>): Call => ({ who, method, template, path, body });
  return [
    c('staff', 'GET', '/me', '/me'),
    c('admin', 'GET', '/me', '/me'),
    c('staff', 'GET', '/tenants', '/tenants'),
    c('staff', 'POST', '/tenants', '/tenants', { displayName: 'Gamma', contractStart: '2026-01-01' }),
    c('admin', 'GET', '/tenants/{tenantId}', `/tenants/${T}`),
    c('staff', 'PATCH', '/tenants/{tenantId}', `/tenants/${T}`, { status: 'active', contractEnd: '2027-12-31' }),
    c('staff', 'POST', '/tenants/{tenantId}/invites', `/tenants/${T}/invites`, { username: 'alpha-second' }),
    c('staff', 'GET', '/runs', '/runs?state=dead&limit=5'),
    c('staff', 'GET', '/runs', '/runs'),
    c('apiKey', 'GET', '/tenants/{tenantId}/runs', `/tenants/${T}/runs?limit=1`),
    c('admin', 'GET', '/tenants/{tenantId}/runs', `/tenants/${T}/runs?state=dead`),
    c('staff', 'POST', '/runs/{runId}/retry', '/runs/run-dead/retry'),
    c('staff', 'POST', '/tenants/{tenantId}/jobs/{job}', `/tenants/${T}/jobs/insights`),
    c('admin', 'POST', '/tenants/{tenantId}/jobs/{job}', `/tenants/${T}/jobs/sync`),
    c('staff', 'GET', '/purges', '/purges'),
    c('staff', 'GET', '/audit', '/audit?limit=2'),
    c('admin', 'GET', '/tenants/{tenantId}/audit', `/tenants/${T}/audit?before=2999-01-01T00:00:00.000Z&limit=3`),
    c('apiKey', 'GET', '/tenants/{tenantId}/status', `/tenants/${T}/status`),
    c('apiKey', 'GET', '/tenants/{tenantId}/insights/summary', `/tenants/${T}/insights/summary`),
    c('admin', 'GET', '/tenants/{tenantId}/connector', `/tenants/${T}/connector`),
    c('admin', 'PUT', '/tenants/{tenantId}/connector', `/tenants/${T}/connector`, connector),
    c('admin', 'GET', '/tenants/{tenantId}/connector', `/tenants/${T}/connector`),
    c('admin', 'DELETE', '/tenants/{tenantId}/connector', `/tenants/${T}/connector`),
    c('admin', 'GET', '/tenants/{tenantId}/settings', `/tenants/${T}/settings`),
    c('admin', 'PUT', '/tenants/{tenantId}/settings', `/tenants/${T}/settings`, settings),
    c('admin', 'GET', '/tenants/{tenantId}/people/{personId}/email-preview', `/tenants/${T}/people/p-1/email-preview`),
    c('admin', 'POST', '/tenants/{tenantId}/dsr/export', `/tenants/${T}/dsr/export`, { personId: 'p-1' }),
    c('admin', 'POST', '/tenants/{tenantId}/dsr/restrict', `/tenants/${T}/dsr/restrict`, { personId: 'p-1', restricted: true }),
    c('admin', 'POST', '/tenants/{tenantId}/dsr/erase', `/tenants/${T}/dsr/erase`, { personId: 'p-2' }),
    c('admin', 'GET', '/tenants/{tenantId}/api-keys', `/tenants/${T}/api-keys`),
    c('admin', 'POST', '/tenants/{tenantId}/api-keys', `/tenants/${T}/api-keys`),
    c('admin', 'DELETE', '/tenants/{tenantId}/api-keys/{keyId}', `/tenants/${T}/api-keys/${keyId}`),
  ];
}

test('every operation answers its documented status with a body the document describes', async () => {
  const keys = (await send({ who: 'admin', method: 'GET', template: '', path: `/tenants/${tenantId}/api-keys` })).body as { keys: { id: string }[] };
  const all = calls(keys.keys[0]?.id ?? 'none');
  const found: string[] = [];
  for (const c of all) found.push(...problems(c, await send(c)));
  expect(found).toEqual([]);
  const exercised = new Set(all.map((c) => `${c.method.toLowerCase()} ${c.template}`));
  expect(API_OPERATIONS.map((o) => `${o.method} ${o.path}`).filter((k) => !exercised.has(k))).toEqual([]);
});

test('every operation with a body documents it (only 204 answers have none)', () => {
  const undocumented = API_OPERATIONS.filter((o) => (o.status ?? 200) !== 204 && !doc.paths[o.path]?.[o.method]?.responses[String(o.status ?? 200)]?.content);
  expect(undocumented.map((o) => `${o.method} ${o.path}`)).toEqual([]);
});

test('the documented query parameters are the ones the code enforces', async () => {
  const runs = doc.paths['/runs']?.get?.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
  const audit = doc.paths['/audit']?.get?.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
  expect([runs, audit]).toEqual([
    ['state', 'limit'],
    ['before', 'limit'],
  ]);
  for (const path of ['/runs?limit=0', '/runs?limit=501', '/runs?state=bogus', '/audit?limit=x', `/audit?before=${'9'.repeat(41)}`]) {
    expect([path, (await send({ who: 'staff', method: 'GET', template: '', path })).status]).toEqual([path, 400]);
  }
  const limited = (await send({ who: 'staff', method: 'GET', template: '', path: '/audit?limit=1' })).body as { events: { at: string }[] };
  expect(limited.events).toHaveLength(1);
  const older = (await send({ who: 'staff', method: 'GET', template: '', path: `/audit?limit=500&before=${encodeURIComponent(limited.events[0]?.at ?? '')}` })).body as { events: { at: string }[] };
  expect(older.events.every((e) => e.at < (limited.events[0]?.at ?? ''))).toBe(true);
  const states = async (path: string) => ((await send({ who: 'staff', method: 'GET', template: '', path })).body as { runs: { state: string }[] }).runs.map((r) => r.state);
  expect(await states('/runs?state=dead')).toEqual(['dead']);
  expect((await states('/runs')).sort()).toEqual(['dead', 'succeeded']);
  expect(await states('/runs?limit=1')).toHaveLength(1);
});

test('the checks catch an answer the document does not describe', () => {
  const c: Call = { who: 'staff', method: 'GET', template: '/me', path: '/me' };
  expect(problems(c, { status: 200, body: { id: 'u', role: 'staff', tenantId: null, csrfToken: 't' } })).toEqual([]);
  expect(problems(c, { status: 200, body: { id: 'u', role: 'root', tenantId: null, csrfToken: 't', extra: 1 } }).length).toBeGreaterThanOrEqual(2);
  expect(problems(c, { status: 201, body: {} })).toHaveLength(1);
});

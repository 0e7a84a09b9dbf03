import { z } from 'zod';
import { inviteSchema } from '../auth/invites.schema';
import { createTenantSchema, tenantSettingsSchema, updateTenantSchema } from '../tenants/tenants.schema';
import { connectorSchema, dsrSchema, restrictSchema } from './api-admin.routes';
import * as api from './api.schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Caller = 'staff' | 'admin' | 'api-key';

interface Operation {
  method: Method;
  path: string;
  summary: string;
  callers: Caller[];
  body?: z.ZodType;
  /** Path parameters narrower than any string. */
  pathParams?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  /** The success body; none for 204. */
  response?: z.ZodType;
  status?: number;
}

/** The routes of /api/v1; a test requests every one of them, so this list cannot drift from the code. */
export const API_OPERATIONS: Operation[] = [
  { method: 'get', path: '/me', summary: 'The signed-in user and the CSRF token for write requests', callers: ['staff', 'admin'], response: api.meResponse },
  { method: 'get', path: '/tenants', summary: 'List tenants', callers: ['staff'], response: api.tenantsResponse },
  { method: 'post', path: '/tenants', summary: 'Create a tenant', callers: ['staff'], body: createTenantSchema, status: 201, response: api.tenantResponse },
  { method: 'get', path: '/tenants/{tenantId}', summary: 'Get a tenant', callers: ['staff', 'admin'], response: api.tenantResponse },
  { method: 'patch', path: '/tenants/{tenantId}', summary: 'Update status or contract dates', callers: ['staff'], body: updateTenantSchema, response: api.tenantResponse },
  { method: 'post', path: '/tenants/{tenantId}/invites', summary: 'Invite a customer admin (single-use link)', callers: ['staff'], body: inviteSchema, status: 201, response: api.inviteResponse },
  { method: 'get', path: '/runs', summary: 'Job runs across tenants and unknown deliveries', callers: ['staff'], query: api.runsQuerySchema, response: api.staffRunsResponse },
  { method: 'post', path: '/runs/{runId}/retry', summary: 'Retry a dead run', callers: ['staff'], status: 202, response: api.retryResponse },
  { method: 'get', path: '/tenants/{tenantId}/runs', summary: "A tenant's job runs", callers: ['staff', 'admin', 'api-key'], query: api.runsQuerySchema, response: api.tenantRunsResponse },
  { method: 'post', path: '/tenants/{tenantId}/jobs/{job}', summary: 'Run a job now (admins: sync only)', callers: ['staff', 'admin'], status: 202, pathParams: { job: api.jobParamSchema }, response: api.enqueueResponse },
  { method: 'get', path: '/purges', summary: 'Upcoming retention purges', callers: ['staff'], response: api.purgesResponse },
  { method: 'get', path: '/audit', summary: 'Audit log of every tenant', callers: ['staff'], query: api.auditQuerySchema, response: api.auditResponse },
  { method: 'get', path: '/tenants/{tenantId}/audit', summary: "A tenant's audit log", callers: ['staff', 'admin'], query: api.auditQuerySchema, response: api.auditResponse },
  { method: 'get', path: '/tenants/{tenantId}/status', summary: 'Last runs, counts and connection state', callers: ['staff', 'admin', 'api-key'], response: api.statusResponse },
  { method: 'get', path: '/tenants/{tenantId}/insights/summary', summary: 'Insight counts of the latest period', callers: ['admin', 'api-key'], response: api.insightSummaryResponse },
  { method: 'get', path: '/tenants/{tenantId}/connector', summary: 'ERP connector state (never the secret)', callers: ['admin'], response: api.connectorResponse },
  { method: 'put', path: '/tenants/{tenantId}/connector', summary: 'Verify and save ERP credentials', callers: ['admin'], body: connectorSchema, response: api.connectorSavedResponse },
  { method: 'delete', path: '/tenants/{tenantId}/connector', summary: 'Revoke the stored ERP credentials', callers: ['admin'], status: 204 },
  { method: 'get', path: '/tenants/{tenantId}/settings', summary: 'Insight settings', callers: ['admin'], response: tenantSettingsSchema },
  { method: 'put', path: '/tenants/{tenantId}/settings', summary: 'Replace insight settings', callers: ['admin'], body: tenantSettingsSchema, response: tenantSettingsSchema },
  { method: 'get', path: '/tenants/{tenantId}/people/{personId}/email-preview', summary: "Render a person's next email without sending", callers: ['admin'], response: api.emailPreviewResponse },
  { method: 'post', path: '/tenants/{tenantId}/dsr/export', summary: "Export a person's data", callers: ['admin'], body: dsrSchema, response: api.dsrExportResponse },
  { method: 'post', path: '/tenants/{tenantId}/dsr/erase', summary: "Erase a person's data", callers: ['admin'], body: dsrSchema, response: api.dsrEraseResponse },
  { method: 'post', path: '/tenants/{tenantId}/dsr/restrict', summary: "Restrict or lift restriction of a person's processing", callers: ['admin'], body: restrictSchema, response: api.dsrRestrictResponse },
  { method: 'get', path: '/tenants/{tenantId}/api-keys', summary: 'List API keys (prefixes only)', callers: ['admin'], response: api.apiKeysResponse },
  { method: 'post', path: '/tenants/{tenantId}/api-keys', summary: 'Create a read-only API key (shown once)', callers: ['admin'], status: 201, response: api.apiKeyCreatedResponse },
  { method: 'delete', path: '/tenants/{tenantId}/api-keys/{keyId}', summary: 'Revoke an API key', callers: ['admin'], status: 204 },
];

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, issues: { type: 'array', items: { type: 'string' } } },
      required: ['code', 'message', 'requestId'],
    },
  },
};

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, without the per-schema `$schema` key. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(op: Operation) {
  const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => {
    const name = m[1] ?? '';
    const schema = op.pathParams?.[name];
    return { name, in: 'path', required: true, schema: schema ? jsonSchema(schema, 'input') : { type: 'string' } };
  });
  const inQuery = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => {
    const { description, ...rest } = jsonSchema(schema as z.ZodType, 'input');
    return { name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest };
  });
  return [...inPath, ...inQuery];
}

function operation(op: Operation) {
  const params = parameters(op);
  const security = op.callers.includes('api-key') ? [{ session: [] }, { apiKey: [] }] : [{ session: [] }];
  const err = (d: string) => ({ description: d, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const success = op.response ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(op.response, 'output') } } } : { description: 'Success, no body' };
  return {
    summary: op.summary,
    description: `Callers: ${op.callers.join(', ')}.`,
    security,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
    responses: {
      [String(op.status ?? 200)]: success,
      '400': err('Invalid request (issues listed)'),
      '401': err('Not authenticated'),
      '403': err('Not allowed for this caller'),
      '404': err('Not found (including another tenant’s objects)'),
    },
  };
}

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: { title: 'ERP Insights API', version: '1.0.0', description: 'Session cookie (with X-CSRF-Token on writes, from GET /me) or a read-only tenant API key.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'eik_… tenant API key, read-only scope' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

export const openApiDocument = buildDocument();

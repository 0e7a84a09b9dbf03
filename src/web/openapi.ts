import { z } from 'zod';
import { inviteSchema } from '../auth/invites.schema';
import { createTenantSchema, tenantSettingsSchema, updateTenantSchema } from '../tenants/tenants.schema';
import { connectorSchema, dsrSchema, restrictSchema } from './api-admin.routes';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Caller = 'staff' | 'admin' | 'api-key';

interface Operation {
  method: Method;
  path: string;
  summary: string;
  callers: Caller[];
  body?: z.ZodType;
  status?: number;
}

/** The routes of /api/v1; a test requests every one of them, so this list cannot drift from the code. */
export const API_OPERATIONS: Operation[] = [
  { method: 'get', path: '/me', summary: 'The signed-in user and the CSRF token for write requests', callers: ['staff', 'admin'] },
  { method: 'get', path: '/tenants', summary: 'List tenants', callers: ['staff'] },
  { method: 'post', path: '/tenants', summary: 'Create a tenant', callers: ['staff'], body: createTenantSchema, status: 201 },
  { method: 'get', path: '/tenants/{tenantId}', summary: 'Get a tenant', callers: ['staff', 'admin'] },
  { method: 'patch', path: '/tenants/{tenantId}', summary: 'Update status or contract dates', callers: ['staff'], body: updateTenantSchema },
  { method: 'post', path: '/tenants/{tenantId}/invites', summary: 'Invite a customer admin (single-use link)', callers: ['staff'], body: inviteSchema, status: 201 },
  { method: 'get', path: '/runs', summary: 'Job runs across tenants and unknown deliveries', callers: ['staff'] },
  { method: 'post', path: '/runs/{runId}/retry', summary: 'Retry a dead run', callers: ['staff'], status: 202 },
  { method: 'get', path: '/tenants/{tenantId}/runs', summary: "A tenant's job runs", callers: ['staff', 'admin', 'api-key'] },
  { method: 'post', path: '/tenants/{tenantId}/jobs/{job}', summary: 'Run a job now (admins: sync only)', callers: ['staff', 'admin'], status: 202 },
  { method: 'get', path: '/purges', summary: 'Upcoming retention purges', callers: ['staff'] },
  { method: 'get', path: '/audit', summary: 'Audit log of every tenant', callers: ['staff'] },
  { method: 'get', path: '/tenants/{tenantId}/audit', summary: "A tenant's audit log", callers: ['staff', 'admin'] },
  { method: 'get', path: '/tenants/{tenantId}/status', summary: 'Last runs, counts and connection state', callers: ['staff', 'admin', 'api-key'] },
  { method: 'get', path: '/tenants/{tenantId}/insights/summary', summary: 'Insight counts of the latest period', callers: ['admin', 'api-key'] },
  { method: 'get', path: '/tenants/{tenantId}/connector', summary: 'ERP connector state (never the secret)', callers: ['admin'] },
  { method: 'put', path: '/tenants/{tenantId}/connector', summary: 'Verify and save ERP credentials', callers: ['admin'], body: connectorSchema },
  { method: 'delete', path: '/tenants/{tenantId}/connector', summary: 'Revoke the stored ERP credentials', callers: ['admin'], status: 204 },
  { method: 'get', path: '/tenants/{tenantId}/settings', summary: 'Insight settings', callers: ['admin'] },
  { method: 'put', path: '/tenants/{tenantId}/settings', summary: 'Replace insight settings', callers: ['admin'], body: tenantSettingsSchema },
  { method: 'get', path: '/tenants/{tenantId}/people/{personId}/email-preview', summary: "Render a person's next email without sending", callers: ['admin'] },
  { method: 'post', path: '/tenants/{tenantId}/dsr/export', summary: "Export a person's data", callers: ['admin'], body: dsrSchema },
  { method: 'post', path: '/tenants/{tenantId}/dsr/erase', summary: "Erase a person's data", callers: ['admin'], body: dsrSchema },
  { method: 'post', path: '/tenants/{tenantId}/dsr/restrict', summary: "Restrict or lift restriction of a person's processing", callers: ['admin'], body: restrictSchema },
  { method: 'get', path: '/tenants/{tenantId}/api-keys', summary: 'List API keys (prefixes only)', callers: ['admin'] },
  { method: 'post', path: '/tenants/{tenantId}/api-keys', summary: 'Create a read-only API key (shown once)', callers: ['admin'], status: 201 },
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

function operation(op: Operation) {
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const security = op.callers.includes('api-key') ? [{ session: [] }, { apiKey: [] }] : [{ session: [] }];
  const err = (d: string) => ({ description: d, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    summary: op.summary,
    description: `Callers: ${op.callers.join(', ')}.`,
    security,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body, { io: 'input' }) } } } } : {}),
    responses: {
      [String(op.status ?? 200)]: { description: 'Success' },
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

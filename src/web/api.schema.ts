/**
 * The JSON API's query parameters and success bodies as zod schemas. Routes parse their queries with
 * these, and the OpenAPI document (openapi.ts) is generated from the same schemas; a test checks
 * real answers of every operation against that document.
 */
import { z } from 'zod';
import { TENANT_STATUSES, tenantSettingsSchema } from '../tenants/tenants.schema';
import { JOB_STATES } from '../scheduler/job-definition';
import { JOBS } from './staff-ops.routes';

const time = z.string().describe('ISO 8601 time (UTC)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const counts = z.record(z.string(), z.number().int());

export const jobParamSchema = z.enum(JOBS);

export const runsQuerySchema = z.object({
  state: z.enum(JOB_STATES).optional().describe('Only runs in this state'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many runs, newest first'),
});
export const auditQuerySchema = z.object({
  before: z.string().max(40).optional().describe('Only events before this ISO time (the `at` of the last event of the previous page)'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many events, newest first'),
});

export const meResponse = z.object({
  id: z.string(),
  role: z.enum(['staff', 'admin']),
  tenantId: z.string().nullable(),
  csrfToken: z.string().describe('Send as X-CSRF-Token on write requests'),
});

export const tenantResponse = z.object({
  id: z.string(),
  displayName: z.string(),
  erpKind: z.string(),
  erpBaseUrl: z.string().nullable(),
  contractStart: date,
  contractEnd: date.nullable(),
  timezone: z.string(),
  country: z.string(),
  defaultLanguage: z.string(),
  status: z.enum(TENANT_STATUSES),
  settings: tenantSettingsSchema,
  createdAt: time,
  updatedAt: time,
});
export const tenantsResponse = z.object({ tenants: z.array(tenantResponse) });
export const inviteResponse = z.object({ id: z.string(), url: z.string().describe('Single-use sign-up link'), expiresAt: time });

export const runView = z.object({
  id: z.string(),
  job: z.string(),
  tenantId: z.string().describe('"-" for global jobs'),
  state: z.enum(JOB_STATES),
  attempts: z.number().int(),
  runAfter: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
  counters: counts.describe('What the run counted (requests, rows, skipped.<resource>.<reason> …)'),
});
export const staffRunsResponse = z.object({
  runs: z.array(runView),
  unknownDeliveries: z.array(z.object({ id: z.string(), tenantId: z.string(), personId: z.string(), period: z.string(), updatedAt: time })),
});
export const tenantRunsResponse = z.object({ runs: z.array(runView) });
export const retryResponse = z.object({ id: z.string() });
export const enqueueResponse = z.object({ runId: z.string() });

export const purgesResponse = z.object({
  purges: z.array(z.object({ tenantId: z.string(), scope: z.enum(['tenant', 'person']), subjectId: z.string().nullable(), dueDate: date })),
});

export const auditResponse = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      at: time,
      actorType: z.string(),
      actorId: z.string().nullable(),
      tenantId: z.string().nullable(),
      action: z.string(),
      objectType: z.string().nullable(),
      objectId: z.string().nullable(),
      ip: z.string().nullable(),
      requestId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

export const statusResponse = z.object({
  lastRuns: z.array(runView),
  people: z.number().int(),
  insights: z.number().int(),
  deliveries: counts.describe('Deliveries by state'),
  connected: z.boolean(),
  holidays: z.object({ source: z.string(), reason: z.string().nullable() }).nullable(),
});
export const insightSummaryResponse = z.object({ period: z.string().nullable(), byKind: counts, bySeverity: counts });

export const connectorResponse = z.object({
  erpKind: z.string(),
  erpLabel: z.string(),
  baseUrl: z.string().nullable(),
  baseUrlPlaceholder: z.string(),
  help: z.string(),
  fields: z.array(z.object({ name: z.string(), label: z.string(), secret: z.boolean(), maxLength: z.number().int() })),
  connected: z.boolean(),
  credentialHint: z.string().nullable(),
});
export const connectorSavedResponse = connectorResponse.extend({ verified: z.object({ usersSeen: z.number().int() }) });

export const emailPreviewResponse = z.object({ subject: z.string(), html: z.string(), text: z.string() });

const rows = z.array(z.record(z.string(), z.unknown()));
export const dsrExportResponse = z.object({
  personId: z.string(),
  data: z.object({
    format: z.literal('erp-insights.person-export.v1'),
    exportedAt: time,
    tenantId: z.string(),
    personId: z.string(),
    person: z.record(z.string(), z.unknown()),
    workContracts: rows,
    dailyFacts: rows,
    workEntries: rows,
    insights: rows,
    deliveries: rows,
    emailPreferences: z.record(z.string(), z.unknown()).nullable(),
    emailSuppression: z.record(z.string(), z.unknown()).nullable(),
    managedProjects: rows,
  }),
});
export const dsrEraseResponse = z.object({ personId: z.string(), purgeId: z.string(), counts: counts.describe('Rows deleted per table') });
export const dsrRestrictResponse = z.object({ personId: z.string(), restricted: z.boolean() });

export const apiKeysResponse = z.object({
  keys: z.array(z.object({ id: z.string(), prefix: z.string(), scope: z.string(), createdAt: time, revokedAt: time.nullable() })),
});
export const apiKeyCreatedResponse = z.object({ id: z.string(), key: z.string().describe('Shown once; only its hash is kept'), prefix: z.string() });

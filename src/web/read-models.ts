import type { Db } from '../db/db';
import type { JobRun } from '../db/schema';
import { NotFoundError } from '../errors';
import { secretName, type SecretStore } from '../secrets/secret-store';

export interface RunView {
  id: string;
  job: string;
  tenantId: string;
  state: string;
  attempts: number;
  runAfter: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  /** What the run counted (requests, rows, skipped.<resource>.<reason> …). */
  counters: Record<string, number>;
}

/** Plain-language reasons an admin can act on; the raw class stays in the staff view. */
const PLAIN_ERRORS: Record<string, string> = {
  UpstreamError: 'The ERP did not answer as expected. It may be down or the credentials may have been revoked.',
  UnauthorizedError: 'The ERP refused the credentials. Reconnect the ERP with a valid client ID and secret.',
  ValidationError: 'Some data from the ERP could not be used. Our staff have been notified.',
  KeyNotFoundError: 'An encryption key is missing. Our staff have been notified.',
  CryptoError: 'Stored data could not be decrypted. Our staff have been notified.',
};

export const plainError = (errorClass: string | null): string | null =>
  errorClass === null ? null : PLAIN_ERRORS[errorClass] ?? 'The run failed unexpectedly. Our staff have been notified.';

/** Errors whose message is written for the customer's admin (the ERP's refusal and what it said). */
const ADMIN_MESSAGES = new Set(['ErpRefusedError']);

export function parseCounters(json: string | null): Record<string, number> {
  if (!json) return {};
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

const toRun = (r: JobRun, detailed: boolean): RunView => ({
  id: r.id,
  job: r.job,
  tenantId: r.tenant_id,
  state: r.state,
  attempts: r.attempts,
  runAfter: r.run_after,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.duration_ms,
  error:
    detailed && r.error_class
      ? `${r.error_class}: ${r.error_message ?? ''}`
      : r.error_class && ADMIN_MESSAGES.has(r.error_class) && r.error_message
        ? r.error_message
        : plainError(r.error_class),
  counters: parseCounters(r.counters_json),
});

export interface TenantStatus {
  lastRuns: RunView[];
  people: number;
  insights: number;
  deliveries: Record<string, number>;
  connected: boolean;
  /** Where the last sync took holidays from; null before the first sync. */
  holidays: { source: string; reason: string | null } | null;
}

export interface ReadModels {
  runs(q: { tenantId?: string; state?: string; limit: number; detailed: boolean }): Promise<RunView[]>;
  /** NotFoundError unless the run exists (and belongs to tenantId when given). */
  run(id: string, tenantId?: string): Promise<RunView>;
  unknownDeliveries(limit: number): Promise<Array<{ id: string; tenantId: string; personId: string; period: string; updatedAt: string }>>;
  status(tenantId: string): Promise<TenantStatus>;
  personExists(tenantId: string, personId: string): Promise<boolean>;
  insightSummary(tenantId: string): Promise<{ period: string | null; byKind: Record<string, number>; bySeverity: Record<string, number> }>;
}

export function createReadModels(deps: { db: Db; secrets: SecretStore }): ReadModels {
  const k = deps.db.kysely;
  const countBy = async <T extends 'state' | 'kind' | 'severity'>(rows: Promise<Array<Record<T, string> & { n: number | string | bigint }>>, col: T) =>
    Object.fromEntries((await rows).map((r) => [r[col], Number(r.n)]));

  return {
    async runs({ tenantId, state, limit, detailed }) {
      let q = k.selectFrom('job_runs').selectAll();
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      if (state) q = q.where('state', '=', state);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map((r) => toRun(r, detailed));
    },
    async run(id, tenantId) {
      let q = k.selectFrom('job_runs').selectAll().where('id', '=', id);
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      const row = await q.executeTakeFirst();
      if (!row) throw new NotFoundError('Run not found');
      return toRun(row, tenantId === undefined);
    },
    async unknownDeliveries(limit) {
      const rows = await k.selectFrom('deliveries').select(['id', 'tenant_id', 'erp_person_id', 'period', 'updated_at']).where('state', '=', 'unknown').orderBy('updated_at', 'desc').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, personId: r.erp_person_id, period: r.period, updatedAt: r.updated_at }));
    },
    async status(tenantId) {
      const latest = await k.selectFrom('job_runs').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(50).execute();
      const lastRuns = ['sync', 'insights', 'deliver']
        .map((job) => latest.find((r) => r.job === job))
        .filter((r): r is JobRun => r !== undefined)
        .map((r) => toRun(r, false));
      const people = await k.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
      const insights = await k.selectFrom('insights').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
      const deliveries = await countBy(
        k.selectFrom('deliveries').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenantId).groupBy('state').execute(),
        'state',
      );
      const connected = (await deps.secrets.get(secretName('erp', tenantId))) !== undefined;
      const holidays = await k.selectFrom('tenant_calendars').select(['source', 'reason']).where('tenant_id', '=', tenantId).executeTakeFirst();
      return { lastRuns, people: Number(people?.n ?? 0), insights: Number(insights?.n ?? 0), deliveries, connected, holidays: holidays ?? null };
    },
    async personExists(tenantId, personId) {
      const row = await k.selectFrom('people').select('erp_person_id').where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
      return row !== undefined;
    },
    async insightSummary(tenantId) {
      const latest = await k.selectFrom('insights').select('period').where('tenant_id', '=', tenantId).orderBy('period', 'desc').limit(1).executeTakeFirst();
      if (!latest) return { period: null, byKind: {}, bySeverity: {} };
      const base = k.selectFrom('insights').where('tenant_id', '=', tenantId).where('period', '=', latest.period);
      const byKind = await countBy(base.select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute(), 'kind');
      const bySeverity = await countBy(base.select(['severity', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('severity').execute(), 'severity');
      return { period: latest.period, byKind, bySeverity };
    },
  };
}

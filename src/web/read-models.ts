import { erpRefusalTexts, parseErpRefusal } from '../../integrations/erp/refusal';
import type { Db } from '../db/db';
import type { Kysely } from 'kysely';
import type { Database, JobRun } from '../db/schema';
import { NotFoundError } from '../errors';
import { secretName, type SecretStore } from '../secrets/secret-store';
import { translator, type Translate, type WebMessageKey } from './i18n';

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
const PLAIN_ERRORS: Record<string, WebMessageKey> = {
  UpstreamError: 'run.upstream',
  UnauthorizedError: 'run.unauthorized',
  ValidationError: 'run.validation',
  KeyNotFoundError: 'run.keyMissing',
  CryptoError: 'run.crypto',
};

const ENGLISH = translator('en');

/**
 * What a customer admin reads about a failed run, in the page's language (English for the API). The ERP's
 * refusal is told by its kind, with what the ERP said quoted as it said it.
 */
export function adminRunError(errorClass: string | null, errorMessage: string | null, t: Translate = ENGLISH): string | null {
  if (errorClass === null) return null;
  if (errorClass === 'ErpRefusedError') {
    const refusal = parseErpRefusal(errorMessage ?? '');
    return refusal ? erpRefusalTexts(refusal).map((p) => t(p.key, p.params)).join(' ') : t('run.upstream');
  }
  return t(PLAIN_ERRORS[errorClass] ?? 'run.unexpected');
}

export function parseCounters(json: string | null): Record<string, number> {
  if (!json) return {};
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

const toRun = (r: JobRun, detailed: boolean, t?: Translate): RunView => ({
  id: r.id,
  job: r.job,
  tenantId: r.tenant_id,
  state: r.state,
  attempts: r.attempts,
  runAfter: r.run_after,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.duration_ms,
  error: detailed && r.error_class ? `${r.error_class}: ${r.error_message ?? ''}` : adminRunError(r.error_class, r.error_message, t),
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
  /** Run errors in the language of `t` (a page's), else in English. */
  status(tenantId: string, t?: Translate): Promise<TenantStatus>;
  personExists(tenantId: string, personId: string): Promise<boolean>;
  insightSummary(tenantId: string): Promise<{ period: string | null; byKind: Record<string, number>; bySeverity: Record<string, number> }>;
}

/** The latest period's insight counts per kind and severity: one read of the (tenant, period, kind, severity) index. */
export function insightSummaryQuery(k: Kysely<Database>, tenantId: string) {
  const latest = k.selectFrom('insights').select((eb) => eb.fn.max('period').as('period')).where('tenant_id', '=', tenantId);
  return k
    .selectFrom('insights')
    .select(['period', 'kind', 'severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('period', '=', latest)
    .groupBy(['period', 'kind', 'severity']);
}

export function createReadModels(deps: { db: Db; secrets: SecretStore }): ReadModels {
  const k = deps.db.kysely;

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
      if (!row) throw new NotFoundError('Run not found', { pageTexts: [{ key: 'error.runNotFound' }] });
      return toRun(row, tenantId === undefined);
    },
    async unknownDeliveries(limit) {
      const rows = await k.selectFrom('deliveries').select(['id', 'tenant_id', 'erp_person_id', 'period', 'updated_at']).where('state', '=', 'unknown').orderBy('updated_at', 'desc').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, personId: r.erp_person_id, period: r.period, updatedAt: r.updated_at }));
    },
    async status(tenantId, t) {
      const latest = await k.selectFrom('job_runs').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(50).execute();
      const lastRuns = ['sync', 'insights', 'deliver']
        .map((job) => latest.find((r) => r.job === job))
        .filter((r): r is JobRun => r !== undefined)
        .map((r) => toRun(r, false, t));
      const people = await k.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
      const insights = await k.selectFrom('insights').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
      const byState = await k.selectFrom('deliveries').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenantId).groupBy('state').execute();
      const deliveries = Object.fromEntries(byState.map((r) => [r.state, Number(r.n)]));
      const connected = (await deps.secrets.get(secretName('erp', tenantId))) !== undefined;
      const holidays = await k.selectFrom('tenant_calendars').select(['source', 'reason']).where('tenant_id', '=', tenantId).executeTakeFirst();
      return { lastRuns, people: Number(people?.n ?? 0), insights: Number(insights?.n ?? 0), deliveries, connected, holidays: holidays ?? null };
    },
    async personExists(tenantId, personId) {
      const row = await k.selectFrom('people').select('erp_person_id').where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
      return row !== undefined;
    },
    async insightSummary(tenantId) {
      const rows = await insightSummaryQuery(k, tenantId).execute();
      const byKind: Record<string, number> = {};
      const bySeverity: Record<string, number> = {};
      for (const r of rows) {
        byKind[r.kind] = (byKind[r.kind] ?? 0) + Number(r.n);
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + Number(r.n);
      }
      return { period: rows[0]?.period ?? null, byKind, bySeverity };
    },
  };
}

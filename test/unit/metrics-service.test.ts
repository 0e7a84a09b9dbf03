import { erpResource } from '../../src/metrics/erp-resource';
import { METRIC_PREFIX } from '../../src/metrics/prefix';
import { createServiceMetrics } from '../../src/metrics/service-metrics';
import type { Db } from '../../src/db/db';
import { createTestDb } from '../fakes/test-db';

const AT = '2026-11-26T00:00:00.000Z';

async function seedTenant(db: Db, id: string, status: string): Promise<void> {
  await db.kysely
    .insertInto('tenants')
    .values({
      id, display_name: `Customer ${id}`, erp_kind: 'severa', erp_base_url: 'https://erp.example.test', contract_start: '2024-01-01', contract_end: null,
      timezone: 'Europe/Helsinki', country: 'FI', default_language: 'fi', status, settings_json: '{}', created_at: AT, updated_at: AT,
    })
    .execute();
}

function run(id: string, job: string, tenantId: string, state: string, finishedAt: string | null) {
  return {
    id, job, tenant_id: tenantId, slot: id, state, attempts: 1, run_after: AT, lease_owner: null, lease_expires_at: null, started_at: AT,
    finished_at: finishedAt, duration_ms: 1000, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: AT, updated_at: AT,
  };
}

describe('service metrics', () => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(() => db.close());

  it('reads job runs by state, deliveries by state and the last success per job and active tenant from the database', async () => {
    await seedTenant(db, 'tenant-a', 'active');
    await seedTenant(db, 'tenant-b', 'suspended');
    await db.kysely
      .insertInto('job_runs')
      .values([
        run('r1', 'sync', 'tenant-a', 'succeeded', '2026-11-24T01:00:00.000Z'),
        run('r2', 'sync', 'tenant-a', 'succeeded', '2026-11-25T02:30:00.000Z'),
        run('r3', 'sync', 'tenant-a', 'dead', '2026-11-26T02:30:00.000Z'),
        run('r4', 'sync', 'tenant-b', 'succeeded', '2026-11-25T02:30:00.000Z'),
        run('r5', 'retention-purge', '-', 'succeeded', '2026-11-25T03:00:00.000Z'),
      ])
      .execute();
    await db.kysely
      .insertInto('deliveries')
      .values({ id: 'd1', tenant_id: 'tenant-a', erp_person_id: 'person-secret-id', period: '2026-W47', kind: 'weekly', state: 'unknown', attempts: 1, provider_message_id: null, reason: null, created_at: AT, updated_at: AT, sent_at: null })
      .execute();
    const text = await createServiceMetrics({ db }).registry.metrics();
    expect(text).toContain('erp_insights_job_runs{job="sync",state="succeeded"} 3');
    expect(text).toContain('erp_insights_job_runs{job="sync",state="dead"} 1');
    expect(text).toContain('erp_insights_email_deliveries{state="unknown"} 1');
    expect(text).toContain(`erp_insights_job_last_success_timestamp_seconds{job="sync",tenant="tenant-a"} ${Date.parse('2026-11-25T02:30:00.000Z') / 1000}`);
    expect(text).toContain(`erp_insights_job_last_success_timestamp_seconds{job="retention-purge",tenant="-"} ${Date.parse('2026-11-25T03:00:00.000Z') / 1000}`);
    // A suspended tenant's jobs do not run, so its last success must not set off "sync is late" alerts.
    expect(text).not.toContain('tenant="tenant-b"');
    expect(text).not.toContain('person-secret-id');
  });

  it('observes job, ERP and email latencies in histograms labelled without person IDs', async () => {
    const metrics = createServiceMetrics({ db });
    metrics.jobRunFinished({ job: 'sync', outcome: 'succeeded', durationMs: 42_000 });
    metrics.erpRequest({ path: '/v1/users/8f14e45f-ceea-467f-a0e6-1c2d3e4f5a6b/workcontracts', status: 429, retry: true, durationMs: 300 });
    metrics.erpRequest({ path: '/v1/workhours', status: 0, retry: false, durationMs: 30_000 });
    metrics.emailSend({ outcome: 'sent', durationMs: 120 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('erp_insights_job_run_duration_seconds_bucket{le="30",job="sync",outcome="succeeded"} 0');
    expect(text).toContain('erp_insights_job_run_duration_seconds_bucket{le="60",job="sync",outcome="succeeded"} 1');
    expect(text).toContain('erp_insights_job_run_duration_seconds_sum{job="sync",outcome="succeeded"} 42');
    expect(text).toContain('erp_insights_erp_request_duration_seconds_count{resource="/v1/users/{id}/workcontracts",status="429"} 1');
    expect(text).toContain('erp_insights_erp_request_duration_seconds_sum{resource="/v1/workhours",status="none"} 30');
    expect(text).toContain('erp_insights_erp_request_retries_total{status="429"} 1');
    expect(text).toContain('erp_insights_email_send_duration_seconds_bucket{le="0.25",outcome="sent"} 1');
    expect(text).not.toContain('8f14e45f');
  });

  it('names every metric with the project prefix', async () => {
    const metrics = createServiceMetrics({ db });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !n.startsWith(METRIC_PREFIX))).toEqual([]);
  });
});

describe('ERP resource label', () => {
  it('keeps API words and replaces identifiers, so the label has few values', () => {
    expect(erpResource('/v1/users/8f14e45f-ceea-467f-a0e6-1c2d3e4f5a6b/flextime')).toBe('/v1/users/{id}/flextime');
    expect(erpResource('/v1/users/abc%2Fdef')).toBe('/v1/users/{id}');
    expect(erpResource('/v1/workhours?changedSince=2026-01-01')).toBe('/v1/workhours');
    expect(erpResource('/v1/token')).toBe('/v1/token');
    expect(erpResource(`/v1/${'a'.repeat(41)}`)).toBe('/v1/{id}');
  });
});

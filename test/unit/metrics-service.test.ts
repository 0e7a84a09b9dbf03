import { createServiceMetrics } from '../../src/metrics/service-metrics';
import { createTestDb } from '../fakes/test-db';

describe('service metrics', () => {
  it('reports job runs, durations, deliveries and ERP requests without tenant or person labels', async () => {
    const db = await createTestDb();
    const at = '2026-11-26T00:00:00.000Z';
    const run = { job: 'sync', tenant_id: 'tenant-secret-id', attempts: 1, run_after: at, lease_owner: null, lease_expires_at: null, started_at: at, finished_at: at, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: at, updated_at: at };
    await db.kysely
      .insertInto('job_runs')
      .values([
        { ...run, id: 'r1', slot: 'a', state: 'succeeded', duration_ms: 2000 },
        { ...run, id: 'r2', slot: 'b', state: 'succeeded', duration_ms: 4000 },
        { ...run, id: 'r3', slot: 'c', state: 'dead', duration_ms: null },
      ])
      .execute();
    await db.kysely
      .insertInto('deliveries')
      .values({ id: 'd1', tenant_id: 't', erp_person_id: 'person-secret-id', period: '2026-W47', kind: 'weekly', state: 'unknown', attempts: 1, provider_message_id: null, reason: null, created_at: at, updated_at: at, sent_at: null })
      .execute();
    const metrics = createServiceMetrics({ db });
    metrics.erpRequest({ path: '/v1/users', status: 429, retry: true });
    const text = await metrics.registry.metrics();
    expect(text).toContain('job_runs{job="sync",state="succeeded"} 2');
    expect(text).toContain('job_runs{job="sync",state="dead"} 1');
    expect(text).toContain('job_run_duration_seconds_avg{job="sync"} 3');
    expect(text).toContain('email_deliveries{state="unknown"} 1');
    expect(text).toContain('erp_requests_total{status="429",retry="true"} 1');
    expect(text).not.toContain('secret-id');
    await db.close();
  });
});

import { DateTime } from 'luxon';
import { generateCompany, startSimulator } from '../../integrations/erp-simulator';
import type { Runtime } from '../runtime';
import { connectErp, onboardTenant } from '../tenants/onboarding';

const DEMO_TENANT_NAME = 'Demo Oy';
const DEMO_CLIENT_ID = 'demo-client';
const DEMO_CLIENT_SECRET = 'demo-secret-of-the-local-simulator';

/** Finds or creates the demo tenant and points it at this run's simulator. */
async function demoTenant(rt: Runtime, simulatorUrl: string): Promise<string> {
  const erp = { baseUrl: simulatorUrl, credentials: { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET } };
  const existing = (await rt.tenants.list()).find((t) => t.displayName === DEMO_TENANT_NAME);
  if (existing) {
    await connectErp(rt, existing.id, erp);
    return existing.id;
  }
  const created = await onboardTenant(rt, { displayName: DEMO_TENANT_NAME, contractStart: '2025-01-01', timezone: rt.config.DEFAULT_TIMEZONE }, erp);
  return created.id;
}

function table(rows: Record<string, string | number>[]): string {
  const first = rows[0];
  if (!first) return '(none)';
  const cols = Object.keys(first);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(width[i] ?? 0)).join('  ');
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

/**
 * `npm run demo`: the main pipeline end to end on embedded defaults — a simulated ERP on loopback, the
 * encrypted database under ./data, jobs run through the job system exactly as the scheduler would.
 */
export async function runDemo(
  rt: Runtime,
  options: { employees: number; keepSimulator: boolean },
): Promise<{ tenantId: string; closeSimulator(): Promise<void> }> {
  const endDate = DateTime.fromJSDate(rt.clock.now(), { zone: rt.config.DEFAULT_TIMEZONE }).minus({ days: 1 }).toISODate() as string;
  const company = generateCompany({ seed: 42, employees: options.employees, months: 13, endDate });
  const sim = await startSimulator({ company, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
  try {
    console.log(`ERP simulator: ${company.counts().users} employees, ${company.counts().entries} work-hour entries at ${sim.url}`);
    const tenantId = await demoTenant(rt, sim.url);
    console.log(`Demo tenant ${tenantId} (database ${rt.config.DB_KIND === 'sqlite' ? rt.config.SQLITE_FILE : rt.config.MSSQL_DATABASE})`);

    const worker = rt.createWorker('demo');
    const runIds: string[] = [];
    for (const job of ['sync', 'insights', 'deliver']) {
      runIds.push((await rt.jobControl.enqueueNow(job, tenantId)).id);
      await worker.runOnce();
    }
    const runs = await Promise.all(runIds.map((id) => rt.jobControl.get(id)));
    console.log('\nJob runs');
    console.log(
      table(
        runs.flatMap((r) =>
          r
            ? [{ job: r.job, state: r.state, attempts: r.attempts, ms: r.duration_ms ?? 0, counters: r.counters_json ?? '', error: r.error_message ?? '' }]
            : [],
        ),
      ),
    );
    const k = rt.db.kysely;
    const count = async (t: 'people' | 'work_entries' | 'daily_facts' | 'projects' | 'insights') =>
      Number((await k.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);
    console.log('\nStored for the demo tenant (technical IDs and numbers only)');
    console.log(
      table([
        { people: await count('people'), entries: await count('work_entries'), days: await count('daily_facts'), projects: await count('projects'), insights: await count('insights') },
      ]),
    );
    const synced = runs.find((r) => r?.job === 'sync');
    if (synced?.counters_json) {
      const skipped = Object.entries(JSON.parse(synced.counters_json) as Record<string, number>).filter(([k]) => k.startsWith('skipped.'));
      console.log(`\nERP rows the sync could not use: ${skipped.reduce((n, [, v]) => n + v, 0)}${skipped.length ? ` (${skipped.map(([k, v]) => `${k.slice(8)}: ${v}`).join(', ')})` : ''}`);
    }
    const deliver = runs.find((r) => r?.job === 'deliver');
    if (deliver?.counters_json) {
      const counters = JSON.parse(deliver.counters_json) as Record<string, number>;
      const skipped = Object.entries(counters).filter(([k]) => k.startsWith('skipped.'));
      console.log(`\nEmails: ${counters.emails ?? 0} sent, ${skipped.reduce((n, [, v]) => n + v, 0)} skipped${skipped.length ? ` (${skipped.map(([k, v]) => `${k.slice(8)}: ${v}`).join(', ')})` : ''}`);
      if (rt.config.EMAIL_TRANSPORT === 'file') console.log(`Outbox: ${rt.config.OUTBOX_DIR} (one .eml per message, index.jsonl lists them)`);
    }
    const failed = runs.filter((r) => r?.state !== 'succeeded');
    if (failed.length > 0) process.exitCode = 1;
    return { tenantId, closeSimulator: () => sim.close() };
  } finally {
    if (!options.keepSimulator) await sim.close();
  }
}

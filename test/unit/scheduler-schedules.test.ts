import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { registerSchedules, type CronScheduler } from '../../src/scheduler/cron';
import { createJobControl } from '../../src/scheduler/job-control';
import type { JobDefinition, ScheduleTenant } from '../../src/scheduler/job-definition';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { dailySlot, monthlySlot, weeklySlot } from '../../src/scheduler/slots';
import { ConflictError, NotFoundError, ValidationError } from '../../src/errors';
import { createManualTimers } from '../fakes/manual-timers';
import { createMemoryLogger } from '../fakes/memory-logger';
import { waitUntil } from '../fakes/wait-until';
import { createTestDb } from '../fakes/test-db';

const noop = async (): Promise<void> => undefined;
const digest: JobDefinition<unknown> = {
  name: 'deliver',
  scope: 'tenant',
  schedule: (t) => (typeof t?.settings.digestCron === 'string' ? t.settings.digestCron : '0 7 * * 1'),
  slotFor: weeklySlot,
  run: noop,
};
const purge: JobDefinition<unknown> = { name: 'retention-purge', scope: 'global', schedule: () => '30 3 * * *', slotFor: dailySlot, run: noop };

function fakeCron() {
  const tasks = new Map<string, { expr: string; timezone: string; fire: () => Promise<void>; destroyed: boolean }>();
  const scheduler: CronScheduler = {
    schedule(expr, fn, opts) {
      const task = { expr, timezone: opts.timezone, fire: fn, destroyed: false };
      tasks.set(opts.name, task);
      return { destroy: () => void (task.destroyed = true) };
    },
  };
  return { scheduler, tasks };
}

describe('slots', () => {
  it('are computed in the given time zone', () => {
    // 22:30 UTC on Sunday is already Monday in Helsinki.
    const at = new Date('2026-11-29T22:30:00.000Z');
    expect(dailySlot(at, 'Europe/Helsinki')).toBe('2026-11-30');
    expect(dailySlot(at, 'UTC')).toBe('2026-11-29');
    expect(weeklySlot(at, 'Europe/Helsinki')).toBe('2026-W49');
    expect(weeklySlot(new Date('2027-01-01T12:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(monthlySlot(at, 'UTC')).toBe('2026-11');
  });
});

describe('cron registration', () => {
  let db: Db;
  const clock = fixedClock(new Date('2026-11-30T05:00:00.000Z'));
  let tenants: ScheduleTenant[];
  let logger: ReturnType<typeof createMemoryLogger>;
  beforeEach(async () => {
    db = await createTestDb();
    logger = createMemoryLogger();
    tenants = [
      { id: 't1', timezone: 'Europe/Helsinki', settings: {} },
      { id: 't2', timezone: 'Europe/Stockholm', settings: { digestCron: '0 8 * * 5' } },
    ];
  });
  afterEach(() => db.close());
  const register = (scheduler: CronScheduler, enabled = true, timers = createManualTimers()) =>
    registerSchedules({
      timers,
      registry: createJobRegistry([digest, purge]),
      db,
      clock,
      tenants: { listActive: async () => tenants, isActive: async (id) => tenants.some((t) => t.id === id) },
      logger,
      enabled,
      scheduler,
    });

  it('schedules tenant jobs in each tenant zone and global jobs in UTC', async () => {
    const cron = fakeCron();
    const schedules = await register(cron.scheduler);
    expect(schedules.names()).toEqual(['deliver:t1', 'deliver:t2', 'retention-purge:-']);
    expect(cron.tasks.get('deliver:t1')).toMatchObject({ expr: '0 7 * * 1', timezone: 'Europe/Helsinki' });
    expect(cron.tasks.get('deliver:t2')).toMatchObject({ expr: '0 8 * * 5', timezone: 'Europe/Stockholm' });
    expect(cron.tasks.get('retention-purge:-')).toMatchObject({ timezone: 'UTC' });
  });

  it('a firing only enqueues its slot, once across replicas', async () => {
    const a = fakeCron();
    const b = fakeCron();
    await register(a.scheduler);
    await register(b.scheduler);
    await a.tasks.get('deliver:t1')!.fire();
    await b.tasks.get('deliver:t1')!.fire();
    await a.tasks.get('retention-purge:-')!.fire();
    const rows = await db.kysely.selectFrom('job_runs').select(['job', 'tenant_id', 'slot', 'state']).orderBy('job').execute();
    expect(rows).toEqual([
      { job: 'deliver', tenant_id: 't1', slot: '2026-W49', state: 'queued' },
      { job: 'retention-purge', tenant_id: '-', slot: '2026-11-30', state: 'queued' },
    ]);
  });

  it('a tenant made, changed or suspended after start is scheduled, moved or dropped at the next refresh', async () => {
    const cron = fakeCron();
    const timers = createManualTimers();
    const schedules = await register(cron.scheduler, true, timers);
    tenants.push({ id: 't3', timezone: 'Europe/Helsinki', settings: {} });
    tenants = tenants.filter((t) => t.id !== 't2');
    (tenants[0] as ScheduleTenant).settings = { digestCron: '0 9 * * 1' };

    expect(schedules.names()).toEqual(['deliver:t1', 'deliver:t2', 'retention-purge:-']);
    expect(timers.fireIntervals()).toBe(1);
    await waitUntil(() => cron.tasks.get('deliver:t2')?.destroyed === true, 'the timed refresh to drop the suspended tenant');

    expect(schedules.names()).toEqual(['deliver:t1', 'deliver:t3', 'retention-purge:-']);
    expect(cron.tasks.get('deliver:t1')).toMatchObject({ expr: '0 9 * * 1', destroyed: false });
    expect(cron.tasks.get('deliver:t2')?.destroyed).toBe(true);
    await schedules.stop();
    expect(timers.pending('interval')).toBe(0);
  });

  it('a task that fires after its tenant stopped being active enqueues nothing', async () => {
    const cron = fakeCron();
    await register(cron.scheduler);
    tenants = tenants.filter((t) => t.id !== 't1');
    await cron.tasks.get('deliver:t1')!.fire();
    await cron.tasks.get('deliver:t2')!.fire();
    const rows = await db.kysely.selectFrom('job_runs').select(['job', 'tenant_id']).execute();
    expect(rows).toEqual([{ job: 'deliver', tenant_id: 't2' }]);
  });

  it('a tenant whose stored zone is not an IANA zone is left out, and every other tenant is still scheduled', async () => {
    tenants.push({ id: 't9', timezone: 'Not/AZone', settings: {} });
    const cron = fakeCron();
    const schedules = await register(cron.scheduler);
    expect(schedules.names()).toEqual(['deliver:t1', 'deliver:t2', 'retention-purge:-']);
    expect(logger.records.filter((e) => e.level === 'error').map((e) => [e.message, e.meta.tenantId])).toEqual([['Tenant not scheduled: its time zone is not a known IANA zone', 't9']]);
  });

  it('refresh follows tenant changes; disabled registers nothing', async () => {
    const cron = fakeCron();
    const schedules = await register(cron.scheduler);
    tenants = [{ id: 't1', timezone: 'Europe/Helsinki', settings: { digestCron: '0 6 * * 1' } }, { id: 't3', timezone: 'UTC', settings: {} }];
    await schedules.refresh();
    expect(schedules.names()).toEqual(['deliver:t1', 'deliver:t3', 'retention-purge:-']);
    expect(cron.tasks.get('deliver:t2')!.destroyed).toBe(true);
    expect(cron.tasks.get('deliver:t1')).toMatchObject({ expr: '0 6 * * 1', destroyed: false });
    await schedules.stop();
    expect(schedules.names()).toEqual([]);

    const off = fakeCron();
    expect((await register(off.scheduler, false)).names()).toEqual([]);
    expect(off.tasks.size).toBe(0);
  });
});

describe('job control', () => {
  let db: Db;
  const clock = fixedClock(new Date('2026-11-30T05:00:00.000Z'));
  const TS = '2026-01-01T00:00:00.000Z';
  const addTenant = (id: string, status: string) =>
    db.kysely
      .insertInto('tenants')
      .values({ id, display_name: `Customer ${id}`, erp_kind: 'severa', erp_base_url: null, contract_start: '2026-01-01', contract_end: null, timezone: 'Europe/Helsinki', country: 'FI', default_language: 'fi', status, settings_json: '{}', created_at: TS, updated_at: TS })
      .execute();
  beforeEach(async () => {
    db = await createTestDb();
    await addTenant('t1', 'active');
  });
  afterEach(() => db.close());

  it('enqueueNow makes a manual run and checks the job scope', async () => {
    const control = createJobControl({ db, clock, registry: createJobRegistry([digest, purge]) });
    const run = await control.enqueueNow('deliver', 't1');
    expect(run).toMatchObject({ job: 'deliver', tenant_id: 't1', state: 'queued', run_after: clock.now().toISOString() });
    expect(run.slot).toMatch(/^manual-[0-9a-f-]{36}$/);
    expect((await control.enqueueNow('retention-purge', null)).tenant_id).toBe('-');
    await expect(control.enqueueNow('deliver', null)).rejects.toBeInstanceOf(ValidationError);
    await expect(control.enqueueNow('retention-purge', 't1')).rejects.toBeInstanceOf(ValidationError);
    await expect(control.enqueueNow('nope', 't1')).rejects.toBeInstanceOf(ValidationError);
    expect(await control.list({ limit: 10 })).toHaveLength(2);
  });

  it('enqueueNow refuses a suspended or ended tenant, and one that does not exist', async () => {
    await addTenant('t2', 'suspended');
    await addTenant('t3', 'ended');
    const control = createJobControl({ db, clock, registry: createJobRegistry([digest]) });
    await expect(control.enqueueNow('deliver', 't2')).rejects.toMatchObject({ status: 403, code: 'tenant_suspended' });
    await expect(control.enqueueNow('deliver', 't3')).rejects.toMatchObject({ status: 403, code: 'tenant_ended' });
    await expect(control.enqueueNow('deliver', 'missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(await control.list({ limit: 10 })).toEqual([]);
  });

  it('retry resets a dead run to queued with attempts 0; cancel only stops waiting runs', async () => {
    const control = createJobControl({ db, clock, registry: createJobRegistry([digest]) });
    const run = await control.enqueueNow('deliver', 't1');
    await expect(control.retry(run.id)).rejects.toBeInstanceOf(ConflictError);
    await db.kysely.updateTable('job_runs').set({ state: 'dead', attempts: 5, error_class: 'UpstreamError' }).execute();
    expect(await control.retry(run.id)).toMatchObject({ state: 'queued', attempts: 0, error_class: null });
    expect(await control.cancel(run.id)).toMatchObject({ state: 'cancelled' });
    await expect(control.cancel(run.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

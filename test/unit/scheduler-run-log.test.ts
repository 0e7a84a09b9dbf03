import { Writable } from 'node:stream';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { createLogger } from '../../src/logging/create-logger';
import { withRunContext } from '../../src/logging/run-context';
import { createRunLogStore, RUN_LOG_LINES_PER_ATTEMPT } from '../../src/scheduler/run-log';
import { createTestDb } from '../fakes/test-db';

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => db.close());

const discard = () => new Writable({ write: (_c, _e, done) => done() });

test('every line written during a run reaches the run, redacted, whichever logger wrote it', async () => {
  const clock = fixedClock(new Date('2026-03-02T08:00:00.000Z'));
  const logger = createLogger({ level: 'info', format: 'json', stream: discard(), clock });
  const store = createRunLogStore(db);
  const attempt = store.forAttempt({ id: 'run-1', tenantId: 't1', attempt: 2 });
  const erpClientLogger = logger.child({ component: 'severa-client' });

  await withRunContext({ runId: 'run-1', sink: attempt }, async () => {
    logger.child({ job: 'sync', jobId: 'run-1', tenantId: 't1' }).info('Job run started', { slot: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    erpClientLogger.warn('erp request retried', { status: 429, note: 'user maija@example.fi', clientSecret: 'abc' });
  });
  logger.info('not about the run');
  await attempt.flush();

  expect(await store.list('run-1')).toEqual([
    { attempt: 2, seq: 1, at: '2026-03-02T08:00:00.000Z', level: 'info', message: 'Job run started', meta: {} },
    { attempt: 2, seq: 2, at: '2026-03-02T08:00:00.000Z', level: 'warn', message: 'erp request retried', meta: { component: 'severa-client', status: 429, note: 'user [redacted]', clientSecret: '[redacted]' } },
  ]);
  expect(await db.kysely.selectFrom('job_run_logs').select('tenant_id').distinct().execute()).toEqual([{ tenant_id: 't1' }]);
});

test('an attempt keeps its first lines and a note, never more than the limit', async () => {
  const store = createRunLogStore(db);
  const attempt = store.forAttempt({ id: 'run-2', tenantId: 't1', attempt: 1 });
  for (let i = 1; i <= RUN_LOG_LINES_PER_ATTEMPT + 50; i += 1) attempt.write({ at: '2026-03-02T08:00:00.000Z', level: 'info', message: `line ${i}`, meta: { i } });
  await attempt.flush();
  const lines = await store.list('run-2');
  expect(lines).toHaveLength(RUN_LOG_LINES_PER_ATTEMPT + 1);
  expect(lines[RUN_LOG_LINES_PER_ATTEMPT - 1]?.message).toBe(`line ${RUN_LOG_LINES_PER_ATTEMPT}`);
  expect(lines[RUN_LOG_LINES_PER_ATTEMPT]).toMatchObject({ level: 'warn', message: `Later lines of this attempt are not kept (limit ${RUN_LOG_LINES_PER_ATTEMPT})` });
});

test('lines that cannot be written are dropped without failing the run', async () => {
  const store = createRunLogStore(db);
  const attempt = store.forAttempt({ id: 'run-3', tenantId: 't1', attempt: 1 });
  await db.kysely.schema.dropTable('job_run_logs').execute();
  attempt.write({ at: '2026-03-02T08:00:00.000Z', level: 'info', message: 'lost', meta: {} });
  await expect(attempt.flush()).resolves.toBeUndefined();
});

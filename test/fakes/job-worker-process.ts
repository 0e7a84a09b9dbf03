/**
 * Child-process entry for the multi-worker test: opens the shared SQLCipher file, prints "ready",
 * waits for "go" on stdin (so both workers start together), runs every runnable job once and prints
 * a JSON summary. Each fake job appends a row to job_results, which the test checks for duplicates.
 */
import { sql } from 'kysely';
import { systemClock } from '../../src/clock';
import { openSqlite } from '../../src/db/open-sqlite';
import type { JobDefinition } from '../../src/scheduler/job-definition';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { dailySlot } from '../../src/scheduler/slots';
import { createWorker } from '../../src/scheduler/worker';
import { createMemoryLogger } from './memory-logger';

async function main(): Promise<void> {
  const [file, key, workerId] = process.argv.slice(2);
  if (!file || !key || !workerId) throw new Error('usage: job-worker-process <dbFile> <key> <workerId>');
  const db = openSqlite({ file, key, keySetting: 'DB_KEY' });
  const job = (name: string): JobDefinition<unknown> => ({
    name,
    scope: 'tenant',
    schedule: () => '0 3 * * *',
    slotFor: dailySlot,
    async run(_deps, ctx) {
      // A little real work time so the two workers interleave instead of one draining the queue.
      await new Promise((resolve) => setTimeout(resolve, 3));
      await sql`insert into job_results (job, tenant_id, slot, worker) values (${name}, ${ctx.tenantId}, ${ctx.slot}, ${workerId})`.execute(db.kysely);
    },
  });
  const worker = createWorker({
    db,
    clock: systemClock,
    logger: createMemoryLogger(),
    jobs: createJobRegistry([job('sync'), job('insights'), job('deliver')]),
    deps: {},
    concurrency: 4,
    leaseMs: 30_000,
    pollMs: 20,
    maxAttempts: 3,
    workerId,
  });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const executed = await worker.runOnce();
  await db.close();
  process.stdout.write(`${JSON.stringify({ workerId, executed })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  },
);

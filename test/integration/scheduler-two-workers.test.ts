import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { createJobRunRepo } from '../../src/scheduler/job-run-repo';

const KEY = 'scheduler-two-workers-test-key';
const TENANTS = 50;
const JOBS = ['sync', 'insights', 'deliver'];
const SLOT = '2026-11-30';

function startWorker(dbFile: string, workerId: string) {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'test/fakes/job-worker-process.ts', dbFile, KEY, workerId], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`worker ${workerId} exited early (${code}): ${err}`)));
  });
  const done = new Promise<{ workerId: string; executed: number }>((resolve, reject) => {
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as { workerId: string; executed: number });
      else reject(new Error(`worker ${workerId} failed (${code}): ${err}`));
    });
  });
  done.catch(() => undefined);
  ready.catch(() => undefined);
  return { child, ready, done };
}

describe('two worker processes on one SQLCipher file', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scheduler-two-workers-'));
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every (job, tenant, slot) exactly once, shared between both workers', async () => {
    const dbFile = path.join(dir, 'jobs.db');
    const db = openSqlite({ file: dbFile, key: KEY, keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    await sql`create table job_results (job text not null, tenant_id text not null, slot text not null, worker text not null)`.execute(db.kysely);
    const repo = createJobRunRepo(db);
    // The slot's own cron time, not the machine's clock: the workers run in other processes, which
    // need not share this one's idea of now (faketime restarts each process at its start time).
    const now = new Date(`${SLOT}T03:00:00.000Z`);
    for (let t = 0; t < TENANTS; t += 1) {
      for (const job of JOBS) {
        await repo.enqueue(job, `tenant-${t}`, SLOT, now, now);
        // Every replica's cron fires too: the duplicates must collapse into the same row.
        await repo.enqueue(job, `tenant-${t}`, SLOT, now, now);
      }
    }
    await db.close();

    const workers = [startWorker(dbFile, 'worker-a'), startWorker(dbFile, 'worker-b')];
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin!.end('go\n');
    const summaries = await Promise.all(workers.map((w) => w.done));

    const check = openSqlite({ file: dbFile, key: KEY, keySetting: 'DB_KEY' });
    try {
      const results = await sql<{ job: string; tenant_id: string; slot: string; worker: string }>`select job, tenant_id, slot, worker from job_results`.execute(check.kysely);
      const keys = results.rows.map((r) => `${r.job}|${r.tenant_id}|${r.slot}`);
      expect(keys).toHaveLength(TENANTS * JOBS.length);
      expect(new Set(keys).size).toBe(TENANTS * JOBS.length);
      const byWorker = new Map<string, number>();
      for (const r of results.rows) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1);
      expect(byWorker.get('worker-a')).toBeGreaterThan(0);
      expect(byWorker.get('worker-b')).toBeGreaterThan(0);
      expect(summaries.reduce((n, s) => n + s.executed, 0)).toBe(TENANTS * JOBS.length);

      const runs = await check.kysely.selectFrom('job_runs').select(['state', 'attempts']).execute();
      expect(runs).toHaveLength(TENANTS * JOBS.length);
      expect(runs.every((r) => r.state === 'succeeded' && r.attempts === 1)).toBe(true);
    } finally {
      await check.close();
    }
  });
});

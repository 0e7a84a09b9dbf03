import type { Db } from '../db/db';
import { upsert } from '../db/upsert';

/** How often a polling worker says it is alive; three missed beats and it counts as gone. */
export const PRESENCE_BEAT_MS = 30_000;
export const LIVE_WITHIN_MS = 3 * PRESENCE_BEAT_MS;
/** Stopped workers and workers silent this long are forgotten when another one starts. */
const FORGET_AFTER_MS = 7 * 86_400_000;

export interface WorkerPresence {
  started(p: { id: string; now: string; concurrency: number; jobs: string[] }): Promise<void>;
  beat(id: string, now: string, active: number): Promise<void>;
  stopped(id: string, now: string): Promise<void>;
}

export interface WorkerView {
  id: string;
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
  concurrency: number;
  active: number;
  jobs: string[];
  /** Heartbeat recent enough and not stopped. */
  alive: boolean;
}

/** The workers table: each polling worker says it is alive, how busy it is and when it stops. */
export function createWorkerPresence(db: Db): WorkerPresence {
  const k = db.kysely;
  return {
    async started({ id, now, concurrency, jobs }) {
      const forgetBefore = new Date(new Date(now).getTime() - FORGET_AFTER_MS).toISOString();
      await k.deleteFrom('workers').where('heartbeat_at', '<', forgetBefore).execute();
      await upsert(db, 'workers', [{ id, started_at: now, heartbeat_at: now, stopped_at: null, concurrency, active: 0, jobs: jobs.join(',') }], ['id']);
    },
    async beat(id, now, active) {
      await k.updateTable('workers').set({ heartbeat_at: now, active }).where('id', '=', id).execute();
    },
    async stopped(id, now) {
      await k.updateTable('workers').set({ heartbeat_at: now, stopped_at: now, active: 0 }).where('id', '=', id).execute();
    },
  };
}

/** Workers seen in the last day, live ones first. */
export async function listWorkers(db: Db, now: Date, liveWithinMs = LIVE_WITHIN_MS): Promise<WorkerView[]> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const rows = await db.kysely.selectFrom('workers').selectAll().where('heartbeat_at', '>=', since).orderBy('heartbeat_at', 'desc').orderBy('id').execute();
  const liveSince = now.getTime() - liveWithinMs;
  return rows
    .map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      heartbeatAt: r.heartbeat_at,
      stoppedAt: r.stopped_at,
      concurrency: r.concurrency,
      active: r.active,
      jobs: r.jobs ? r.jobs.split(',') : [],
      alive: r.stopped_at === null && new Date(r.heartbeat_at).getTime() >= liveSince,
    }))
    .sort((a, b) => Number(b.alive) - Number(a.alive));
}

import type { Db } from '../db/db';
import type { RunLogLine, RunLogSink } from '../logging/run-context';

/** Lines kept per attempt of a run; a run that logs more keeps its first lines and a note. */
export const RUN_LOG_LINES_PER_ATTEMPT = 200;
/** Buffered lines written together; the rest wait for the next flush (heartbeat or run end). */
const BATCH = 50;
const MESSAGE_CHARS = 500;
const META_CHARS = 2000;

export interface StoredRunLogLine extends RunLogLine {
  attempt: number;
  seq: number;
}

/** One attempt's sink: lines are buffered, written by flush(), and never more than the limit. */
export interface AttemptLog extends RunLogSink {
  flush(): Promise<void>;
}

export interface RunLogStore {
  forAttempt(run: { id: string; tenantId: string; attempt: number }): AttemptLog;
  /** Oldest first, attempt by attempt. */
  list(runId: string): Promise<StoredRunLogLine[]>;
}

function metaJson(meta: Record<string, unknown>): string | null {
  if (Object.keys(meta).length === 0) return null;
  const json = JSON.stringify(meta);
  return json.length <= META_CHARS ? json : JSON.stringify({ truncated: json.slice(0, META_CHARS - 40) });
}

/**
 * A job run's own log lines in the database, so the staff run page can show what happened without a
 * log search. The logger has already redacted them; a line that cannot be written is dropped, never
 * retried into the log it came from.
 */
export function createRunLogStore(db: Db): RunLogStore {
  const k = db.kysely;
  return {
    forAttempt(run) {
      const pending: StoredRunLogLine[] = [];
      let seq = 0;
      let broken = false;
      let writing: Promise<void> = Promise.resolve();
      const writeBatch = async (): Promise<void> => {
        while (pending.length > 0 && !broken) {
          const batch = pending.splice(0, BATCH);
          try {
            await k
              .insertInto('job_run_logs')
              .values(
                batch.map((l) => ({
                  run_id: run.id,
                  attempt: l.attempt,
                  seq: l.seq,
                  tenant_id: run.tenantId,
                  at: l.at,
                  level: l.level.slice(0, 10),
                  message: l.message.slice(0, MESSAGE_CHARS),
                  meta_json: metaJson(l.meta),
                })),
              )
              .execute();
          } catch {
            broken = true;
          }
        }
      };
      const flush = (): Promise<void> => {
        writing = writing.then(writeBatch);
        return writing;
      };
      return {
        write(line) {
          if (broken || seq > RUN_LOG_LINES_PER_ATTEMPT) return;
          seq += 1;
          const kept =
            seq <= RUN_LOG_LINES_PER_ATTEMPT
              ? line
              : { at: line.at, level: 'warn', message: `Later lines of this attempt are not kept (limit ${RUN_LOG_LINES_PER_ATTEMPT})`, meta: {} };
          pending.push({ ...kept, attempt: run.attempt, seq });
          if (pending.length >= BATCH) void flush();
        },
        flush,
      };
    },
    async list(runId) {
      const rows = await k.selectFrom('job_run_logs').selectAll().where('run_id', '=', runId).orderBy('attempt').orderBy('seq').execute();
      return rows.map((r) => ({
        attempt: r.attempt,
        seq: r.seq,
        at: r.at,
        level: r.level,
        message: r.message,
        meta: r.meta_json ? (JSON.parse(r.meta_json) as Record<string, unknown>) : {},
      }));
    },
  };
}

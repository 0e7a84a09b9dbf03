/**
 * Pure figures of the staff console, computed from rows the read model fetched: each tenant job's
 * health (last success, failure streak) and the per-day counts the charts draw.
 */
export const CONSOLE_JOBS = ['sync', 'insights', 'deliver'] as const;

export interface RunFact {
  job: string;
  tenantId: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  counters: Record<string, number>;
}

export interface JobHealth {
  job: string;
  lastSuccessAt: string | null;
  lastState: string | null;
  /** Runs that ended dead or are failing (retrying) since the last success. */
  failureStreak: number;
  nextRunAt: string | null;
}

const FAILING = new Set(['dead', 'retrying']);

/** `runs` newest first, for one tenant. */
export function jobHealth(runs: RunFact[], nextRuns: Record<string, string | null>): JobHealth[] {
  return CONSOLE_JOBS.map((job) => {
    const mine = runs.filter((r) => r.job === job);
    const lastSuccess = mine.find((r) => r.state === 'succeeded');
    const sinceSuccess = lastSuccess ? mine.slice(0, mine.indexOf(lastSuccess)) : mine;
    return {
      job,
      lastSuccessAt: lastSuccess?.finishedAt ?? null,
      lastState: mine[0]?.state ?? null,
      failureStreak: sinceSuccess.filter((r) => FAILING.has(r.state)).length,
      nextRunAt: nextRuns[job] ?? null,
    };
  });
}

export interface DayFigures {
  /** 'YYYY-MM-DD' (UTC). */
  day: string;
  succeeded: number;
  failed: number;
  other: number;
  erpRequests: number;
  rateLimited: number;
}

/** The `days` UTC days ending with today's, each with its runs (by the day they were created) and ERP figures. */
export function dailyFigures(runs: RunFact[], today: Date, days: number): DayFigures[] {
  const out: DayFigures[] = [];
  const byDay = new Map<string, DayFigures>();
  for (let i = days - 1; i >= 0; i -= 1) {
    const day = new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    const figures = { day, succeeded: 0, failed: 0, other: 0, erpRequests: 0, rateLimited: 0 };
    out.push(figures);
    byDay.set(day, figures);
  }
  for (const r of runs) {
    const f = byDay.get(r.createdAt.slice(0, 10));
    if (!f) continue;
    if (r.state === 'succeeded') f.succeeded += 1;
    else if (FAILING.has(r.state)) f.failed += 1;
    else f.other += 1;
    f.erpRequests += r.counters.requests ?? 0;
    f.rateLimited += r.counters.rateLimited ?? 0;
  }
  return out;
}

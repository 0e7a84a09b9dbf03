import type { WorkerTimers } from '../../src/scheduler/worker';

interface Pending {
  kind: 'timeout' | 'interval';
  fn: () => void;
  ms: number;
}

/**
 * Worker timers that fire only when the test says so: a poll, a heartbeat or a retry wait happens at
 * the exact point the test needs it, and a heartbeat that never fires is a paused process.
 */
export function createManualTimers(): WorkerTimers & {
  /** Fires the pending one-shot timers (of that delay, if given) once each; returns how many fired. */
  fireTimeouts(ms?: number): number;
  /** Fires every registered interval once. */
  fireIntervals(): number;
  pending(kind: Pending['kind']): number;
} {
  const live = new Set<Pending>();
  const add = (kind: Pending['kind'], fn: () => void, ms: number) => {
    const entry = { kind, fn, ms };
    live.add(entry);
    return () => void live.delete(entry);
  };
  const fire = (kind: Pending['kind'], ms?: number): number => {
    const due = [...live].filter((e) => e.kind === kind && (ms === undefined || e.ms === ms));
    for (const e of due) {
      if (kind === 'timeout') live.delete(e);
      e.fn();
    }
    return due.length;
  };
  return {
    setTimeout: (fn, ms) => add('timeout', fn, ms),
    setInterval: (fn, ms) => add('interval', fn, ms),
    fireTimeouts: (ms) => fire('timeout', ms),
    fireIntervals: () => fire('interval'),
    pending: (kind) => [...live].filter((e) => e.kind === kind).length,
  };
}

/** Lets every promise callback and I/O completion queued so far run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

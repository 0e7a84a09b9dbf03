/**
 * A per-client token bucket driven by the injected clock and sleep, so tests can observe the waits
 * without real time passing. Reservations may push the balance below zero: each caller waits for its
 * own slot, which keeps concurrent callers fair without a queue.
 */
import type { Clock } from '../../src/clock';

export interface RateLimiter {
  /** Resolves when the caller may send one request. */
  take(): Promise<void>;
  /** The server said the budget is spent: no request before this many milliseconds from now. */
  pause(ms: number): void;
}

export function createRateLimiter(deps: {
  requestsPerSecond: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}): RateLimiter {
  const rate = deps.requestsPerSecond / 1000;
  const capacity = Math.max(1, deps.requestsPerSecond);
  let tokens = capacity;
  let last = deps.clock.now().getTime();
  let pausedUntil = 0;

  return {
    async take() {
      const now = deps.clock.now().getTime();
      tokens = Math.min(capacity, tokens + (now - last) * rate);
      last = now;
      tokens -= 1;
      const bucketWait = tokens < 0 ? Math.ceil(-tokens / rate) : 0;
      const wait = Math.max(bucketWait, pausedUntil - now);
      if (wait > 0) await deps.sleep(wait);
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, deps.clock.now().getTime() + ms);
    },
  };
}

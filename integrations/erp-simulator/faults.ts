/**
 * Deterministic fault injection and rate limiting for authenticated requests. Decisions depend only
 * on request counts, the seed and the clock, so a test can predict exactly which request fails.
 */
import { mixSeed, mulberry32 } from './prng';

export interface FaultOptions {
  /** Cycles of `every` good requests followed by `count` 429 answers. */
  rateLimitStorm?: { every: number; count: number; retryAfterSeconds: number };
  /** Share (0..1) of requests answered with a 5xx, drawn from the seed. */
  random5xxRate?: number;
  /** Every `every`-th request is answered after `delayMs`. */
  slowMs?: { every: number; delayMs: number };
  /** That page (1-based) of that list path always fails the wire schema. */
  malformedPage?: { path: string; page: number };
  /** After n authenticated requests every issued token is revoked once (the next request gets 401). */
  expireTokenAfterRequests?: number;
}

export interface LimitOptions {
  faults?: FaultOptions;
  rateLimitPerSecond?: number;
  dailyQuota?: number;
  seed: number;
}

export type FaultDecision =
  | { kind: 'pass'; delayMs: number; headers: Record<string, string> }
  | { kind: 'revoke-tokens' }
  | { kind: 'reject'; status: number; message: string; headers: Record<string, string> };

export interface FaultCounters {
  stormRejections: number;
  rateLimitRejections: number;
  quotaRejections: number;
  serverErrors: number;
  slowResponses: number;
  tokenRevocations: number;
}

export interface FaultGate {
  /** Called once per authenticated request, in arrival order. */
  decide(nowMs: number): FaultDecision;
  counters(): FaultCounters;
}

const DAY_S = 86_400;

export function createFaultGate(opts: LimitOptions): FaultGate {
  const faults = opts.faults ?? {};
  const rng = mulberry32(mixSeed(opts.seed, 0x5e5));
  const counters: FaultCounters = { stormRejections: 0, rateLimitRejections: 0, quotaRejections: 0, serverErrors: 0, slowResponses: 0, tokenRevocations: 0 };
  let authenticated = 0;
  let stormSeen = 0;
  let revoked = false;
  let second = -1;
  let inSecond = 0;
  let quotaDay = -1;
  let usedToday = 0;

  return {
    counters: () => ({ ...counters }),
    decide(nowMs): FaultDecision {
      authenticated += 1;
      const n = faults.expireTokenAfterRequests;
      if (n !== undefined && !revoked && authenticated > n) {
        revoked = true;
        counters.tokenRevocations += 1;
        return { kind: 'revoke-tokens' };
      }
      const headers: Record<string, string> = {};
      const perSecond = opts.rateLimitPerSecond;
      if (perSecond !== undefined) {
        // Per-second pacing follows real time: it protects the process, not the simulated calendar.
        const current = Math.floor(Date.now() / 1000);
        if (current !== second) {
          second = current;
          inSecond = 0;
        }
        Object.assign(headers, { 'X-RateLimit-Limit': String(perSecond), 'X-RateLimit-Reset': '1' });
        if (inSecond >= perSecond) {
          counters.rateLimitRejections += 1;
          return { kind: 'reject', status: 429, message: 'Rate limit exceeded', headers: { ...headers, 'Retry-After': '1', 'X-RateLimit-Remaining': '0' } };
        }
        inSecond += 1;
        headers['X-RateLimit-Remaining'] = String(perSecond - inSecond);
      }
      if (opts.dailyQuota !== undefined) {
        const nowS = Math.floor(nowMs / 1000);
        const day = Math.floor(nowS / DAY_S);
        if (day !== quotaDay) {
          quotaDay = day;
          usedToday = 0;
        }
        if (usedToday >= opts.dailyQuota) {
          counters.quotaRejections += 1;
          const untilMidnight = String((day + 1) * DAY_S - nowS);
          return {
            kind: 'reject',
            status: 429,
            message: 'Daily quota exceeded',
            headers: { 'Retry-After': untilMidnight, 'X-RateLimit-Limit': String(opts.dailyQuota), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': untilMidnight },
          };
        }
        usedToday += 1;
      }
      const storm = faults.rateLimitStorm;
      if (storm) {
        const position = stormSeen % (storm.every + storm.count);
        stormSeen += 1;
        if (position >= storm.every) {
          counters.stormRejections += 1;
          const retry = String(storm.retryAfterSeconds);
          return {
            kind: 'reject',
            status: 429,
            message: 'Too many requests',
            headers: { 'Retry-After': retry, 'X-RateLimit-Limit': String(storm.every), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': retry },
          };
        }
      }
      if (faults.random5xxRate !== undefined && rng() < faults.random5xxRate) {
        counters.serverErrors += 1;
        return { kind: 'reject', status: rng() < 0.5 ? 503 : 500, message: 'Internal server error', headers: {} };
      }
      const slow = faults.slowMs;
      const delayMs = slow && authenticated % slow.every === 0 ? slow.delayMs : 0;
      if (delayMs > 0) counters.slowResponses += 1;
      return { kind: 'pass', delayMs, headers };
    },
  };
}

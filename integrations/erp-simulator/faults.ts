/**
 * Deterministic fault injection and rate limiting for authenticated requests. Decisions depend only
 * on request counts, the seed and the clock, so a test can predict exactly which request fails.
 */
import { SEVERA_REQUESTS_PER_SECOND, quotaMessage } from './errors';
import { mixSeed, mulberry32 } from './prng';

export interface FaultOptions {
  /** Cycles of `every` good requests followed by `count` 429 answers; Retry-After only when given. */
  rateLimitStorm?: { every: number; count: number; retryAfterSeconds?: number };
  /** Share (0..1) of requests answered with a 5xx, drawn from the seed. */
  random5xxRate?: number;
  /** Every `every`-th request is answered after `delayMs`. */
  slowMs?: { every: number; delayMs: number };
  /** That page (1-based) of that list path always fails the wire schema. */
  malformedPage?: { path: string; page: number };
  /** After n authenticated requests every issued token is revoked once (the next request gets 401). */
  expireTokenAfterRequests?: number;
  /** The first row of that page (1-based) of that list carries an impossible calendar date (e.g. 2026-11-31). */
  impossibleDate?: { path: string; page: number };
  /**
   * That list never ends: past its last page it hands out a new NextPageToken on every answer,
   * repeating the last page's rows or answering empty pages.
   */
  endlessPaging?: { path: string; rows: 'repeat' | 'empty' };
  /** An empty list answers 404 Resource not found instead of [] (the published document allows both). */
  notFoundWhenEmpty?: boolean;
}

export interface LimitOptions {
  faults?: FaultOptions;
  rateLimitPerSecond?: number;
  dailyQuota?: number;
  seed: number;
}

export type FaultDecision =
  | { kind: 'pass'; delayMs: number }
  | { kind: 'revoke-tokens' }
  /** `plain`: the gateway's text body, otherwise an ExceptionModel with the message. */
  | { kind: 'reject'; status: number; message: string; plain: boolean; headers: Record<string, string> };

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
  const retryRng = mulberry32(mixSeed(opts.seed, 0x5e6));
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
      const perSecond = opts.rateLimitPerSecond;
      if (perSecond !== undefined) {
        // Per-second pacing follows real time: it protects the process, not the simulated calendar.
        const current = Math.floor(Date.now() / 1000);
        if (current !== second) {
          second = current;
          inSecond = 0;
        }
        if (inSecond >= perSecond) {
          counters.rateLimitRejections += 1;
          // The gateway sends Retry-After on some answers only; a client must cope without it.
          const retry: Record<string, string> = retryRng() < 0.5 ? { 'Retry-After': '1' } : {};
          return { kind: 'reject', status: 429, message: quotaMessage(perSecond, '1s'), plain: true, headers: retry };
        }
        inSecond += 1;
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
          return { kind: 'reject', status: 429, message: quotaMessage(opts.dailyQuota, '1d'), plain: true, headers: { 'Retry-After': untilMidnight } };
        }
        usedToday += 1;
      }
      const storm = faults.rateLimitStorm;
      if (storm) {
        const position = stormSeen % (storm.every + storm.count);
        stormSeen += 1;
        if (position >= storm.every) {
          counters.stormRejections += 1;
          const retry: Record<string, string> = storm.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(storm.retryAfterSeconds) };
          return { kind: 'reject', status: 429, message: quotaMessage(SEVERA_REQUESTS_PER_SECOND, '1s'), plain: true, headers: retry };
        }
      }
      if (faults.random5xxRate !== undefined && rng() < faults.random5xxRate) {
        counters.serverErrors += 1;
        const status = rng() < 0.5 ? 503 : 500;
        return { kind: 'reject', status, message: status === 503 ? 'Service unavailable' : 'Internal server error', plain: false, headers: {} };
      }
      const slow = faults.slowMs;
      const delayMs = slow && authenticated % slow.every === 0 ? slow.delayMs : 0;
      if (delayMs > 0) counters.slowResponses += 1;
      return { kind: 'pass', delayMs };
    },
  };
}

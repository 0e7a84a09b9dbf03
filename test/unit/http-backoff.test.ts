import { fullJitterDelay, parseRateLimitReset, parseRetryAfter } from '../../integrations/http/backoff';
import { fixedClock } from '../../src/clock';
import { createRateLimiter } from '../../integrations/http/rate-limiter';

const NOW = Date.parse('2025-03-03T08:00:00Z');

describe('full jitter backoff', () => {
  test('ceiling doubles per attempt and is capped', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3].map((a) => fullJitterDelay(a, top, { baseMs: 100, capMs: 10_000 }))).toEqual([99, 199, 399, 799]);
    expect(fullJitterDelay(20, top, { baseMs: 100, capMs: 10_000 })).toBe(9999);
    expect(fullJitterDelay(3, () => 0, { baseMs: 100, capMs: 10_000 })).toBe(0);
  });
});

describe('Retry-After', () => {
  test.each([
    ['5', 5000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Mon, 03 Mar 2025 08:00:30 GMT', 30_000],
    ['Mon, 03 Mar 2025 07:59:00 GMT', 0],
  ])('%p → %p ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  test.each([undefined, '', 'soon', '-3'])('%p is ignored', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('X-RateLimit-Reset', () => {
  test('small values are seconds from now, large ones a Unix time', () => {
    expect(parseRateLimitReset('30', NOW)).toBe(30_000);
    expect(parseRateLimitReset(String(NOW / 1000 + 45), NOW)).toBe(45_000);
    expect(parseRateLimitReset(String(NOW / 1000 - 45), NOW)).toBe(0);
    expect(parseRateLimitReset('later', NOW)).toBeUndefined();
    expect(parseRateLimitReset(undefined, NOW)).toBeUndefined();
  });
});

describe('per-client rate limiter', () => {
  function harness(requestsPerSecond: number) {
    const clock = fixedClock(new Date(NOW));
    const sleeps: number[] = [];
    const limiter = createRateLimiter({
      requestsPerSecond,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    });
    return { clock, sleeps, limiter };
  }

  test('a burst of the per-second budget passes, then requests are spaced at the rate', async () => {
    const { limiter, sleeps, clock } = harness(5);
    for (let i = 0; i < 10; i++) await limiter.take();
    expect(sleeps).toEqual([200, 200, 200, 200, 200]);
    expect(clock.now().getTime() - NOW).toBe(1000);
  });

  test('tokens refill with time, up to the burst size only', async () => {
    const { limiter, sleeps, clock } = harness(5);
    for (let i = 0; i < 5; i++) await limiter.take();
    clock.advance(60_000);
    for (let i = 0; i < 6; i++) await limiter.take();
    expect(sleeps).toEqual([200]);
  });

  test('a server-requested pause holds the next request', async () => {
    const { limiter, sleeps } = harness(5);
    await limiter.take();
    limiter.pause(4000);
    await limiter.take();
    expect(sleeps).toEqual([4000]);
  });
});

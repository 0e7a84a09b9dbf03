import { generateCompany, startSimulator, type FaultOptions, type Simulator } from '../../integrations/erp-simulator';
import { paths, workHourSchema } from '../../integrations/severa/wire';

const CLIENT_ID = 'fault-client';
const CLIENT_SECRET = 'fault-secret-not-real';
const company = generateCompany({ seed: 5, employees: 6, months: 2, endDate: '2024-11-30' });
const open: Simulator[] = [];

async function start(extra: { faults?: FaultOptions; rateLimitPerSecond?: number; dailyQuota?: number }) {
  const sim = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...extra });
  open.push(sim);
  const newToken = async () => {
    const res = await fetch(`${sim.url}${paths.token}`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'hours:read' }) });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  let token = await newToken();
  const get = (path: string = paths.users, init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, client_id: CLIENT_ID } });
  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) out.push((await get()).status);
    return out;
  };
  return { sim, get, statuses, renew: async () => (token = await newToken()) };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('erp simulator faults and limits', () => {
  it('rateLimitStorm answers 429 with Retry-After and X-RateLimit headers in a fixed cycle', async () => {
    const { get, statuses } = await start({ faults: { rateLimitStorm: { every: 3, count: 2, retryAfterSeconds: 7 } } });
    expect(await statuses(10)).toEqual([200, 200, 200, 429, 429, 200, 200, 200, 429, 429]);
    const res = await get();
    await statuses(2);
    const limited = await get();
    expect(res.status).toBe(200);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('7');
    expect(limited.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(limited.headers.get('X-RateLimit-Limit')).toBe('3');
    expect(limited.headers.get('X-RateLimit-Reset')).toBe('7');
  });

  it('random5xxRate fails a seeded share of requests, identically on every run', async () => {
    const first = await (await start({ faults: { random5xxRate: 0.3 } })).statuses(60);
    const second = await (await start({ faults: { random5xxRate: 0.3 } })).statuses(60);
    expect(second).toEqual(first);
    const failures = first.filter((s) => s >= 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(first.filter((s) => s !== 200 && s < 500)).toEqual([]);
  });

  it('slowMs holds every n-th response while others are answered', async () => {
    const { sim, get } = await start({ faults: { slowMs: { every: 2, delayMs: 60_000 } } });
    expect((await get()).status).toBe(200);
    const abort = new AbortController();
    let slowSettled = false;
    const slow = get(paths.users, { signal: abort.signal }).finally(() => (slowSettled = true));
    expect((await get()).status).toBe(200);
    expect(slowSettled).toBe(false);
    expect(sim.stats().slowResponses).toBe(1);
    abort.abort();
    await expect(slow).rejects.toThrow();
  });

  it('malformedPage breaks the wire schema on that page only, every time it is asked for', async () => {
    const { get } = await start({ faults: { malformedPage: { path: paths.workHours, page: 2 } } });
    const page1 = await get(`${paths.workHours}?rowCount=10`);
    const token2 = page1.headers.get('NextPageToken') ?? '';
    expect(((await page1.json()) as unknown[]).every((r) => workHourSchema.safeParse(r).success)).toBe(true);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const page2 = await get(`${paths.workHours}?rowCount=10&pageToken=${encodeURIComponent(token2)}`);
      const rows = (await page2.json()) as Array<{ quantity: unknown }>;
      expect(rows.length).toBe(10);
      expect(rows.some((r) => workHourSchema.safeParse(r).success)).toBe(false);
      expect(typeof rows[0]?.quantity).toBe('string');
      const page3 = await get(`${paths.workHours}?rowCount=10&pageToken=${encodeURIComponent(page2.headers.get('NextPageToken') ?? '')}`);
      expect(((await page3.json()) as unknown[]).every((r) => workHourSchema.safeParse(r).success)).toBe(true);
    }
  });

  it('expireTokenAfterRequests revokes the token once; a new token works', async () => {
    const { statuses, renew, sim } = await start({ faults: { expireTokenAfterRequests: 3 } });
    expect(await statuses(5)).toEqual([200, 200, 200, 401, 401]);
    await renew();
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.stats().tokenRevocations).toBe(1);
  });

  it('rateLimitPerSecond answers 429 with Retry-After once the second is used up', async () => {
    const { get, sim } = await start({ rateLimitPerSecond: 5 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => get()));
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get('Retry-After')).toBe('1');
    expect(responses.find((r) => r.status === 200)?.headers.get('X-RateLimit-Limit')).toBe('5');
    expect(sim.stats().rateLimitRejections).toBe(limited.length);
  });

  it('dailyQuota refuses calls beyond the quota until the next UTC day', async () => {
    const { statuses, get, sim } = await start({ dailyQuota: 4 });
    sim.mutate.setNow('2025-01-10T23:00:00Z');
    expect(await statuses(4)).toEqual([200, 200, 200, 200]);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('3600');
    sim.mutate.setNow('2025-01-11T00:00:01Z');
    expect(await statuses(1)).toEqual([200]);
  });
});

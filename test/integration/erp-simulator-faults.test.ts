import { SEVERA_REQUESTS_PER_SECOND, generateCompany, startSimulator, type FaultOptions, type Simulator } from '../../integrations/erp-simulator';
import { openSession } from '../contract/sim-session';

const CREDENTIALS = { clientId: 'fault-client', clientSecret: 'fault-secret-not-real' };
const QUOTA_BODY = `API calls quota exceeded! maximum admitted ${SEVERA_REQUESTS_PER_SECOND} per 1s.`;
const company = generateCompany({ seed: 5, employees: 6, months: 2, endDate: '2024-11-30' });
const open: Simulator[] = [];

async function start(extra: { faults?: FaultOptions; rateLimitPerSecond?: number; dailyQuota?: number }) {
  const sim = await startSimulator({ company, ...CREDENTIALS, ...extra });
  open.push(sim);
  let session = await openSession(sim, CREDENTIALS);
  const get = (path = '/v1/users', init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, { ...init, headers: { Authorization: `Bearer ${session.token}`, Client_Id: CREDENTIALS.clientId } });
  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) out.push((await get()).status);
    return out;
  };
  return { sim, get, statuses, renew: async () => (session = await openSession(sim, CREDENTIALS)) };
}

async function pagesOf(get: (path: string) => Promise<Response>, path: string, limit: number) {
  const pages: Array<{ rows: Array<{ guid: string }>; next: string | null }> = [];
  let next: string | null = null;
  do {
    const res = await get(`${path}?rowCount=100${next ? `&pageToken=${encodeURIComponent(next)}` : ''}`);
    next = res.headers.get('NextPageToken');
    pages.push({ rows: (await res.json()) as Array<{ guid: string }>, next });
  } while (next && pages.length < limit);
  return pages;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('erp simulator faults and limits', () => {
  it('rateLimitStorm answers 429 with the gateway text in a fixed cycle, Retry-After only when configured', async () => {
    const { get, statuses } = await start({ faults: { rateLimitStorm: { every: 3, count: 2, retryAfterSeconds: 7 } } });
    expect(await statuses(10)).toEqual([200, 200, 200, 429, 429, 200, 200, 200, 429, 429]);
    await statuses(3);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('7');
    expect(limited.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await limited.text()).toBe(QUOTA_BODY);
    expect([...limited.headers.keys()].filter((k) => k.startsWith('x-ratelimit'))).toEqual([]);
    const bare = await start({ faults: { rateLimitStorm: { every: 1, count: 1 } } });
    await bare.statuses(1);
    expect((await bare.get()).headers.get('Retry-After')).toBeNull();
  });

  it('random5xxRate fails a seeded share of requests, identically on every run', async () => {
    const first = await (await start({ faults: { random5xxRate: 0.3 } })).statuses(60);
    const second = await start({ faults: { random5xxRate: 0.3 } });
    expect(await second.statuses(60)).toEqual(first);
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
    const slow = get('/v1/users', { signal: abort.signal }).finally(() => (slowSettled = true));
    expect((await get()).status).toBe(200);
    expect(slowSettled).toBe(false);
    expect(sim.stats().slowResponses).toBe(1);
    abort.abort();
    await expect(slow).rejects.toThrow();
  });

  it('malformedPage breaks the published types on that page only, every time it is asked for', async () => {
    const { get } = await start({ faults: { malformedPage: { path: '/v1/workhours', page: 2 } } });
    const page1 = await get('/v1/workhours?rowCount=10');
    const token2 = page1.headers.get('NextPageToken') ?? '';
    expect(((await page1.json()) as Array<{ quantity: unknown }>).every((r) => typeof r.quantity === 'number')).toBe(true);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const page2 = await get(`/v1/workhours?rowCount=10&pageToken=${encodeURIComponent(token2)}`);
      const rows = (await page2.json()) as Array<{ quantity: unknown }>;
      expect(rows.map((r) => typeof r.quantity)).toEqual(Array(10).fill('string'));
      const page3 = await get(`/v1/workhours?rowCount=10&pageToken=${encodeURIComponent(page2.headers.get('NextPageToken') ?? '')}`);
      expect(((await page3.json()) as Array<{ quantity: unknown }>).every((r) => typeof r.quantity === 'number')).toBe(true);
    }
  });

  it('impossibleDate puts a 31 November (or the like) in the first row of that page, the rest intact', async () => {
    const { get } = await start({ faults: { impossibleDate: { path: '/v1/workhours', page: 2 } } });
    const [page1, page2] = await pagesOf(get, '/v1/workhours', 2);
    const dates = (page2?.rows ?? []).map((r) => String((r as unknown as { eventDate: string }).eventDate).slice(0, 10));
    expect(dates[0]).toMatch(/^\d{4}-(02-30|(04|06|09|11)-31)$/);
    expect(dates.slice(1).every((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d))).toBe(true);
    expect(page1?.rows.length).toBe(100);
  });

  it('endlessPaging hands out a new NextPageToken on every page, repeating the last rows or answering empty pages', async () => {
    const total = Math.ceil(company.counts().users / 100);
    const repeat = await start({ faults: { endlessPaging: { path: '/v1/users', rows: 'repeat' } } });
    const repeated = await pagesOf(repeat.get, '/v1/users', total + 4);
    expect(repeated).toHaveLength(total + 4);
    expect(new Set(repeated.map((p) => p.next)).size).toBe(total + 4);
    expect(repeated.map((p) => p.rows.map((r) => r.guid).join())).toEqual(Array(total + 4).fill(repeated[0]?.rows.map((r) => r.guid).join()));
    const empty = await start({ faults: { endlessPaging: { path: '/v1/users', rows: 'empty' } } });
    const emptied = await pagesOf(empty.get, '/v1/users', total + 3);
    expect(emptied.map((p) => p.rows.length)).toEqual([company.counts().users, 0, 0, 0]);
    expect(emptied.every((p) => p.next !== null)).toBe(true);
  });

  it('notFoundWhenEmpty answers an empty list with 404 Resource not found', async () => {
    const { get } = await start({ faults: { notFoundWhenEmpty: true } });
    const res = await get('/v1/workhours?eventDateStart=2030-01-01');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ httpStatusCode: 404, details: [expect.objectContaining({ message: 'Resource not found' })] }) });
    expect((await get('/v1/workhours?eventDateStart=2024-11-01&rowCount=1')).status).toBe(200);
  });

  it('expireTokenAfterRequests revokes the token once; a new token works', async () => {
    const { statuses, renew, sim } = await start({ faults: { expireTokenAfterRequests: 3 } });
    expect(await statuses(5)).toEqual([200, 200, 200, 401, 401]);
    await renew();
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.stats().tokenRevocations).toBe(1);
  });

  it('rateLimitPerSecond answers the real 429 once the second is used up, with Retry-After only sometimes', async () => {
    const { get, sim } = await start({ rateLimitPerSecond: 5 });
    const responses = await Promise.all(Array.from({ length: 60 }, () => get()));
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(40);
    expect(await limited[0]?.text()).toBe('API calls quota exceeded! maximum admitted 5 per 1s.');
    const retry = new Set(limited.map((r) => r.headers.get('Retry-After')));
    expect(retry).toEqual(new Set(['1', null]));
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

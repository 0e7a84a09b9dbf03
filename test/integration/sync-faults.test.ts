import { UpstreamError } from '../../src/errors';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';

const entryCount = async (h: SyncHarness) =>
  Number((await h.db.kysely.selectFrom('work_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('sync under injected ERP faults', () => {
  let h: SyncHarness;
  afterEach(async () => h?.close());

  it('survives 429 storms, random 5xx and a token revoked mid-sync with the same result as a clean run', async () => {
    const clean = await createSyncHarness();
    const expected = (await clean.sync.syncTenant(clean.tenant, clean.client())).entries;
    await clean.close();

    h = await createSyncHarness({
      faults: { rateLimitStorm: { every: 15, count: 2, retryAfterSeconds: 1 }, random5xxRate: 0.05, expireTokenAfterRequests: 20 },
    });
    const result = await h.sync.syncTenant(h.tenant, h.client({ maxRetries: 8 }));
    expect(result.entries).toBe(expected);
    expect(await entryCount(h)).toBe(expected);
    expect(result.retries).toBeGreaterThan(0);
    const stats = h.sim.stats();
    expect(stats.stormRejections).toBeGreaterThan(0);
    expect(stats.tokenRevocations).toBeGreaterThan(0);
  });

  it('reports a malformed page as an upstream error naming it, writes no part of it, and moves no watermark', async () => {
    h = await createSyncHarness({ faults: { malformedPage: { path: '/v1/workhours', page: 3 } } });
    let caught: unknown;
    try {
      await h.sync.syncTenant(h.tenant, h.client());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect((caught as Error).message).toMatch(/work ?hours/i);
    expect((caught as Error).message).toMatch(/page 3/);
    // Pages 1 and 2 (100 rows each) are committed whole; nothing of page 3 is.
    expect(await entryCount(h)).toBe(200);
    const state = await h.db.kysely.selectFrom('sync_state').selectAll().execute();
    expect(state).toEqual([]);
  });

  it('retries requests that time out on slow answers and ends with the same data as a clean run', async () => {
    const clean = await createSyncHarness();
    const expected = (await clean.sync.syncTenant(clean.tenant, clean.client())).entries;
    await clean.close();

    h = await createSyncHarness({ faults: { slowMs: { every: 25, delayMs: 1500 } } });
    const result = await h.sync.syncTenant(h.tenant, h.client({ requestTimeoutMs: 300, maxRetries: 4 }));
    expect(result.entries).toBe(expected);
    expect(await entryCount(h)).toBe(expected);
    expect(result.retries).toBeGreaterThan(0);
    expect(h.sim.stats().slowResponses).toBeGreaterThan(0);
  });

  it('reports an ERP that keeps failing as a retryable upstream error', async () => {
    h = await createSyncHarness({ faults: { random5xxRate: 1 } });
    await expect(h.sync.syncTenant(h.tenant, h.client({ maxRetries: 2 }))).rejects.toMatchObject({ name: 'UpstreamError', retryable: true });
  });
});

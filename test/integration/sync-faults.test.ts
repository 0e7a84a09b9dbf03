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

  it('skips and counts the rows of a page with broken types, writes every other row, and moves the watermark', async () => {
    const clean = await createSyncHarness();
    const expected = (await clean.sync.syncTenant(clean.tenant, clean.client())).entries;
    await clean.close();

    h = await createSyncHarness({ faults: { malformedPage: { path: '/v1/workhours', page: 3 }, impossibleDate: { path: '/v1/workhours', page: 5 } } });
    const result = await h.sync.syncTenant(h.tenant, h.client());

    expect(result.skipped).toEqual({ workhours: { 'invalid-field': 100, 'impossible-date': 1 } });
    expect(result.entries).toBe(expected - 101);
    expect(await entryCount(h)).toBe(expected - 101);
    const state = await h.db.kysely.selectFrom('sync_state').select('resource').orderBy('resource').execute();
    expect(state.map((s) => s.resource)).toEqual(['absences', 'projects', 'workhours']);
    const logged = h.logs.filter((r) => r.message === 'erp row skipped');
    expect(logged).toHaveLength(101);
    expect(logged.find((r) => r.meta.reason === 'impossible-date')?.meta).toMatchObject({ resource: 'workhours', field: 'eventDate' });
  });

  it('fails a sync whose ERP pages forever, naming the resource, and keeps the pages read before', async () => {
    h = await createSyncHarness({ faults: { endlessPaging: { path: '/v1/workhours', rows: 'empty' } } });

    await expect(h.sync.syncTenant(h.tenant, h.client())).rejects.toThrow(/^ERP paging of workhours does not end/);
    expect(await entryCount(h)).toBeGreaterThan(0);
    expect(await h.db.kysely.selectFrom('sync_state').selectAll().execute()).toEqual([]);
  });

  it('reads empty lists answered with 404 as empty', async () => {
    h = await createSyncHarness({ faults: { notFoundWhenEmpty: true } });
    const result = await h.sync.syncTenant(h.tenant, h.client());
    expect(result.entries).toBeGreaterThan(0);
    expect(result.mode).toBe('full');
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

import { UpstreamError } from '../../src/errors';
import { clientFor, collectPages, wireUser, wireWorkHour } from '../fakes/severa-client-harness';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';

let fake: FakeSevera;
beforeEach(async () => {
  fake = await startFakeSevera();
});
afterEach(async () => {
  await fake.close();
});

/** Serves `total` rows in pages of rowCount, with opaque NextPageToken values. */
function pagedRoute<T>(rows: T[]) {
  return (req: { query: URLSearchParams }) => {
    const size = Number(req.query.get('rowCount'));
    const start = Number(req.query.get('pageToken')?.replace('p', '') ?? 0);
    const next = start + size < rows.length ? { NextPageToken: `p${start + size}` } : undefined;
    return { json: rows.slice(start, start + size), headers: next };
  };
}

test('users are read page by page with rowCount=100 and NextPageToken, mapped to domain records', async () => {
  const rows = Array.from({ length: 250 }, (_, i) => wireUser(i + 1));
  fake.route('GET', '/v1/users', pagedRoute(rows));
  const { client } = clientFor(fake);

  const pages = await collectPages(client.users());

  expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
  const reads = fake.requests.filter((r) => r.path === '/v1/users');
  expect(reads.map((r) => r.query.get('rowCount'))).toEqual(['100', '100', '100']);
  expect(reads.map((r) => r.query.get('pageToken'))).toEqual([null, 'p100', 'p200']);
  expect(pages[0]?.[6]).toEqual({
    id: 'user-7',
    active: false,
    language: 'fi',
    country: 'FI',
    countryId: 'country-fi',
    timezone: 'Europe/Helsinki',
    managerId: 'user-0',
    currentContract: null,
    updatedAt: null,
  });
  expect(JSON.stringify(pages)).not.toMatch(/Maija|Matti|example\.com|\+358/);
  expect(client.stats()).toEqual({ requests: 4, retries: 0, pages: 3, rateLimited: 0, skipped: {}, assumed: {} });
});

test('work hours pass the date window and watermark, and quantities become whole minutes', async () => {
  fake.route('GET', '/v1/workhours', () => ({
    json: [wireWorkHour(1), wireWorkHour(2, { quantity: 0.33, project: null, isBillable: false })],
  }));
  const { client } = clientFor(fake);

  const [page] = await collectPages(
    client.workHours({ from: '2025-02-01', to: '2025-02-28', changedSince: '2025-02-20T00:00:00Z' }),
  );

  const q = fake.requests.find((r) => r.path === '/v1/workhours')?.query;
  expect(q?.get('eventDateStart')).toBe('2025-02-01');
  expect(q?.get('eventDateEnd')).toBe('2025-02-28');
  expect(q?.get('changedSince')).toBe('2025-02-20T00:00:00Z');
  expect(page).toEqual([
    {
      id: 'wh-1',
      personId: 'user-1',
      projectId: 'project-1',
      date: '2025-02-24',
      minutes: 450,
      billable: true,
      unitPrice: null,
      unitCost: null,
      updatedAt: '2025-02-24T16:00:00+02:00',
    },
    expect.objectContaining({ id: 'wh-2', minutes: 20, projectId: null, billable: false }),
  ]);
  expect(JSON.stringify(page)).not.toMatch(/Matti|Maija/);
});

test('incremental reads pass changedSince and deletedSince; phases can be asked for a set of projects', async () => {
  fake.route('GET', '/v1/users', () => ({ json: [] }));
  fake.route('GET', '/v1/deletedworkhours', () => ({ json: [] }));
  fake.route('GET', '/v1/phases', () => ({ json: [] }));
  const { client } = clientFor(fake);

  await collectPages(client.users({ changedSince: '2025-02-20T00:00:00Z' }));
  await collectPages(client.deletedWorkHours({ deletedSince: '2025-02-20T00:00:00Z' }));
  await collectPages(client.phases({ projectIds: ['pr-1', 'pr-2'] }));

  const query = (path: string) => fake.requests.find((r) => r.path === path)?.query;
  expect(query('/v1/users')?.get('changedSince')).toBe('2025-02-20T00:00:00Z');
  expect(query('/v1/deletedworkhours')?.get('deletedSince')).toBe('2025-02-20T00:00:00Z');
  expect(query('/v1/phases')?.get('projectGuids')).toBe('pr-1,pr-2');
  expect(query('/v1/phases')?.get('changedSince')).toBeNull();
});

test('a bad row is skipped and counted without its values; the rest of its page is used', async () => {
  fake.route('GET', '/v1/users', (req) => {
    if (!req.query.get('pageToken')) return { json: [wireUser(1)], headers: { NextPageToken: 'second' } };
    return { json: [wireUser(2), wireUser(3, { isActive: 'Maija Secretname' }), wireUser(4, { guid: 42 })] };
  });
  const { client, logger } = clientFor(fake);

  const pages = await collectPages(client.users());

  expect(pages.map((p) => p.map((u) => u.id))).toEqual([['user-1'], ['user-2']]);
  expect(client.stats().skipped).toEqual({ users: { 'invalid-field': 2 } });
  const skips = logger.records.filter((r) => r.message === 'erp row skipped');
  expect(skips.map((r) => [r.meta.erpId, r.meta.field])).toEqual([
    ['user-3', 'isActive'],
    [null, 'guid'],
  ]);
  expect(JSON.stringify(logger.records)).not.toMatch(/Maija|Secretname|42/);
});

test('a body that is not a list still fails the page, naming the resource and page', async () => {
  fake.route('GET', '/v1/users', (req) => {
    if (!req.query.get('pageToken')) return { json: [wireUser(1)], headers: { NextPageToken: 'second' } };
    return { json: { rows: [wireUser(2)] } };
  });
  const { client } = clientFor(fake);
  const yielded: unknown[][] = [];

  const error = await (async () => {
    try {
      for await (const page of client.users()) yielded.push(page);
    } catch (err) {
      return err as UpstreamError;
    }
    throw new Error('expected a failure');
  })();

  expect(error).toBeInstanceOf(UpstreamError);
  expect(error.retryable).toBe(false);
  expect(error.message).toBe('ERP returned a malformed users page 2: not a list');
  expect(yielded).toHaveLength(1);
});

test('an answer that is not JSON fails clearly', async () => {
  fake.route('GET', '/v1/projects', () => ({ body: '<html>maintenance</html>' }));
  const { client } = clientFor(fake);

  await expect(collectPages(client.projects())).rejects.toThrow('malformed projects page 1: not JSON');
});

/** Pages yielded before the paging failure, and the failure. */
async function pagesUntilFailure<T>(it: AsyncIterable<T[]>): Promise<{ pages: T[][]; error: Error }> {
  const pages: T[][] = [];
  try {
    for await (const page of it) pages.push(page);
  } catch (err) {
    return { pages, error: err as Error };
  }
  throw new Error('expected paging to fail');
}

test('paging always ends: a repeated token, a repeated page of rows, too many pages', async () => {
  fake.route('GET', '/v1/deletedworkhours', (req) => ({
    json: [{ guid: `d-${req.query.get('pageToken') ?? 'first'}` }],
    headers: { NextPageToken: 'same' },
  }));
  // A fresh token on every page, the same rows every time (the drill's endless ERP).
  fake.route('GET', '/v1/projects', (_req, call) => ({ json: [{ guid: 'pr-1' }], headers: { NextPageToken: `t${call}` } }));
  // Fresh tokens and fresh rows forever.
  fake.route('GET', '/v1/users', (_req, call) => ({ json: [wireUser(call)], headers: { NextPageToken: `t${call}` } }));
  const { client } = clientFor(fake);

  const deleted = await pagesUntilFailure(client.deletedWorkHours({ deletedSince: '2025-01-01T00:00:00Z' }));
  expect(deleted.error.message).toBe('ERP paging of deletedworkhours does not end: page 2 repeated an earlier page token');
  expect(deleted.pages).toHaveLength(2);

  const projects = await pagesUntilFailure(client.projects());
  expect(projects.error.message).toBe("ERP paging of projects does not end: page 2 repeated an earlier page's rows");
  expect(projects.pages).toHaveLength(2);

  const users = await pagesUntilFailure(client.users());
  expect(users.error.message).toBe('ERP paging of users does not end: more than 1000 pages, more than users can plausibly have');
  expect(users.pages).toHaveLength(1000);
  expect(users.error).toBeInstanceOf(UpstreamError);
});

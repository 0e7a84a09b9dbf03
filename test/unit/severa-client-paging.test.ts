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
    timezone: 'Europe/Helsinki',
    managerId: 'user-0',
  });
  expect(JSON.stringify(pages)).not.toMatch(/Maija|example\.com|\+358/);
  expect(client.stats()).toEqual({ requests: 4, retries: 0, pages: 3 });
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
      updatedAt: '2025-02-24T16:00:00+02:00',
    },
    expect.objectContaining({ id: 'wh-2', minutes: 20, projectId: null, billable: false }),
  ]);
  expect(JSON.stringify(page)).not.toMatch(/Matti|Maija/);
});

test('contracts, absences, deleted hours and projects map to their domain shapes', async () => {
  fake.route('GET', '/v1/users/user-1/workcontracts', () => ({
    json: [{ guid: 'wc-1', startDate: '2024-01-01', endDate: null, dailyHours: 7.5, workWeek: [5, 1, 2, 3, 4, 1] }],
  }));
  fake.route('GET', '/v1/activities', () => ({
    json: [
      {
        guid: 'ab-1',
        owner: { guid: 'user-1' },
        startDateTime: '2025-02-10T08:00:00+02:00',
        endDateTime: '2025-02-10T12:00:00+02:00',
        isAllDay: false,
        lastUpdatedDateTime: '2025-02-01T10:00:00+02:00',
        name: 'Doctor visit',
      },
    ],
  }));
  fake.route('GET', '/v1/deletedworkhours', () => ({ json: [{ guid: 'wh-9', deletedDateTime: '2025-02-25T09:00:00Z' }] }));
  fake.route('GET', '/v1/projects', () => ({
    json: [
      {
        guid: 'pr-1',
        isClosed: false,
        startDate: '2025-01-01',
        deadline: null,
        projectOwner: { guid: 'user-0' },
        customer: { guid: 'cu-1', name: 'Acme Oy' },
        expectedHours: 120.25,
        lastUpdatedDateTime: '2025-02-01T10:00:00Z',
      },
    ],
  }));
  const { client } = clientFor(fake);

  expect(await client.workContracts('user-1')).toEqual([
    { id: 'wc-1', start: '2024-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] },
  ]);
  const [absences] = await collectPages(client.absences({ from: '2025-02-01T00:00:00+02:00', to: '2025-03-01T00:00:00+02:00' }));
  expect(absences).toEqual([
    {
      id: 'ab-1',
      personId: 'user-1',
      start: '2025-02-10T08:00:00+02:00',
      end: '2025-02-10T12:00:00+02:00',
      allDay: false,
      updatedAt: '2025-02-01T10:00:00+02:00',
    },
  ]);
  const activitiesQuery = fake.requests.find((r) => r.path === '/v1/activities')?.query;
  expect(activitiesQuery?.get('activityCategories')).toBe('Absences');
  expect(activitiesQuery?.get('changedSince')).toBeNull();
  const [deleted] = await collectPages(client.deletedWorkHours({ deletedSince: '2025-02-20T00:00:00Z' }));
  expect(deleted).toEqual([{ id: 'wh-9', deletedAt: '2025-02-25T09:00:00Z' }]);
  expect(fake.requests.find((r) => r.path === '/v1/deletedworkhours')?.query.get('deletedSince')).toBe('2025-02-20T00:00:00Z');
  const [projects] = await collectPages(client.projects());
  expect(projects).toEqual([
    {
      id: 'pr-1',
      managerId: 'user-0',
      customerId: 'cu-1',
      budgetMinutes: 7215,
      start: '2025-01-01',
      end: null,
      closed: false,
      updatedAt: '2025-02-01T10:00:00Z',
    },
  ]);
});

test('a malformed page fails naming the resource, page and field paths, never the values', async () => {
  fake.route('GET', '/v1/users', (req) => {
    if (!req.query.get('pageToken')) return { json: [wireUser(1)], headers: { NextPageToken: 'second' } };
    return { json: [wireUser(2), wireUser(3, { isActive: 'Maija Secretname', guid: 42 })] };
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
  expect(error.message).toContain('users page 2');
  expect(error.message).toContain('1.isActive');
  expect(error.message).toContain('1.guid');
  expect(error.message).not.toMatch(/Maija|Secretname|42/);
  expect(yielded).toHaveLength(1);
});

test('an answer that is not JSON, and a page token that repeats, both fail clearly', async () => {
  fake.route('GET', '/v1/projects', () => ({ body: '<html>maintenance</html>' }));
  fake.route('GET', '/v1/deletedworkhours', () => ({ json: [], headers: { NextPageToken: 'same' } }));
  const { client } = clientFor(fake);

  await expect(collectPages(client.projects())).rejects.toThrow('malformed projects page 1: not JSON');
  await expect(collectPages(client.deletedWorkHours({ deletedSince: '2025-01-01T00:00:00Z' }))).rejects.toThrow(
    'repeated a page token for deleted work hours after page 2',
  );
});

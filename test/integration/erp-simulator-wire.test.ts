import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { isoDate, parseIsoDate } from '../../integrations/erp-simulator/calendar';
import { openSession, postJson, type SimSession } from '../contract/sim-session';

const CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret-not-real' };
const company = generateCompany({ seed: 11, employees: 12, months: 4, endDate: '2024-12-31' });
type Row = Record<string, unknown>;

let sim: Simulator;
let s: SimSession;

const json = async (res: Response | Promise<Response>) => (await res).json() as Promise<Row[]>;
const guids = (rows: unknown[]) => (rows as Row[]).map((r) => r.guid);
const dayOf = (value: unknown) => parseIsoDate(String(value).slice(0, 10)) ?? NaN;

beforeAll(async () => {
  sim = await startSimulator({ company, ...CREDENTIALS, tokenTtlSeconds: 600 });
  sim.mutate.setNow('2025-01-01T06:00:00Z');
  s = await openSession(sim, CREDENTIALS);
});

afterAll(() => sim.close());

describe('erp simulator endpoints', () => {
  it('listens on loopback under /rest-api, v1.0 paths too', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rest-api$/);
    expect((await s.get('/v1.0/users')).status).toBe(200);
  });

  it('serves every work hour once, with the personal fields a real ERP sends', async () => {
    const users = await s.crawl('/v1/users');
    expect(users.rows).toHaveLength(12);
    expect(users.rows[0]).toEqual(expect.objectContaining({ socialSecurityNumber: expect.any(String), bankAccountNumber: expect.stringMatching(/^FI\d{16}$/), address: expect.any(String) }));
    const hours = await s.crawl('/v1/workhours');
    expect(hours.rows).toHaveLength(company.counts().entries);
    expect(hours.pages).toBe(Math.ceil(company.counts().entries / 100));
    expect(new Set(guids(hours.rows)).size).toBe(hours.rows.length);
    const first = hours.rows[0] as Row;
    expect(first.user).toEqual(expect.objectContaining({ firstName: company.users[0]?.personal.firstName, lastName: company.users[0]?.personal.lastName }));
    expect((hours.rows as Row[]).some((r) => String(r.description).includes(': '))).toBe(true);
    const customers = new Set((hours.rows as Row[]).map((r) => (r.customer as Row | undefined)?.name));
    expect([...customers].some((n) => String(n).startsWith('Tmi '))).toBe(true);
  });

  it('serves absences as activities with ownerUser, recurring series day by day, covering the generated days', async () => {
    const { rows } = await s.crawl('/v1/activities', { query: 'activityCategories=Absences' });
    const days = (owner: string, list: Row[]) =>
      new Set(list.filter((a) => (a.ownerUser as Row).guid === owner).flatMap((a) => Array.from({ length: dayOf(a.endDateTime) - dayOf(a.startDateTime) + 1 }, (_, k) => dayOf(a.startDateTime) + k)));
    for (const user of company.users) {
      const expected = new Set(company.absences.filter((a) => a.userIndex === user.index).flatMap((a) => Array.from({ length: a.endDay - a.startDay + 1 }, (_, k) => a.startDay + k)));
      expect(days(user.guid, rows as Row[])).toEqual(expected);
    }
    const recurring = (rows as Row[]).filter((a) => a.recurrenceType === 'Daily');
    expect(recurring.length).toBeGreaterThan(0);
    expect(String(recurring[0]?.guid)).toMatch(/^[0-9a-f-]{36};[0-9a-f-]{36}$/);
    expect((await s.crawl('/v1/activities', { query: 'activityCategories=Projects' })).rows).toEqual([]);
  });

  it('keeps budgets on phases: the root carries the project budget and its children add up to it', async () => {
    const projects = (await s.crawl('/v1/projects')).rows as Row[];
    const phases = (await s.crawl('/v1/phases')).rows as Row[];
    expect(projects.every((p) => !('expectedHours' in p))).toBe(true);
    for (const project of company.projects.filter((p) => !p.isInternal)) {
      const own = phases.filter((p) => (p.project as Row).guid === project.guid);
      const root = own.find((p) => !p.parentPhase);
      const children = own.filter((p) => p.parentPhase);
      expect(root?.workHoursEstimate).toBe(project.expectedHours);
      expect(children.reduce((n, p) => n + Number(p.workHoursEstimate), 0)).toBe(project.expectedHours);
      expect((projects.find((p) => p.guid === project.guid)?.rootPhase as Row).guid).toBe(root?.guid);
    }
    const one = company.projects[1]?.guid ?? '';
    expect(new Set(((await s.crawl('/v1/phases', { query: `projectGuids=${one}` })).rows as Row[]).map((p) => (p.project as Row).guid))).toEqual(new Set([one]));
  });

  it('serves one user, the current contract on the user list and the contract history', async () => {
    const user = company.users.find((u) => u.contracts.length === 2) ?? company.users[0];
    const body = await (await s.get(`/v1/users/${user?.guid}`)).json();
    expect(body).toEqual(expect.objectContaining({ email: user?.personal.email, firstName: user?.personal.firstName, country: expect.objectContaining({ code3: 'FIN' }) }));
    expect((body as Row).timezone).toEqual(expect.objectContaining({ ianaName: 'Europe/Helsinki' }));
    const history = await json(s.get(`/v1/users/${user?.guid}/workcontracts`));
    expect(guids(history)).toEqual(user?.contracts.map((c) => c.guid));
    expect(((body as Row).workContract as Row).guid).toBe(user?.contracts[user.contracts.length - 1]?.guid);
    expect((await s.get('/v1/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await s.get('/v1/users/nope/workcontracts')).status).toBe(404);
    const own = await s.crawl(`/v1/users/${user?.guid}/workhours`, { query: 'eventDateStart=2024-12-01' });
    expect(own.rows.length).toBeGreaterThan(0);
    expect(new Set((own.rows as Row[]).map((r) => (r.user as Row).guid))).toEqual(new Set([user?.guid]));
  });

  it('serves the company calendar: the days the generator kept free, eves not public', async () => {
    const holidays = await json(s.get('/v1/holidays?year=2024'));
    const inPeriod = holidays.filter((h) => dayOf(h.date) >= company.startDay && dayOf(h.date) <= company.endDay);
    expect(new Set(inPeriod.map((h) => dayOf(h.date)))).toEqual(company.holidays);
    expect(holidays.find((h) => String(h.date).startsWith('2024-12-24'))).toEqual(expect.objectContaining({ isPublicHoliday: false, name: 'jouluaatto' }));
    expect(await json(s.get('/v1/holidays?year=2024&countryGuid=00000000-0000-4000-8000-000000000000'))).toEqual([]);
    expect((await s.get('/v1/holidays')).status).toBe(400);
  });

  it('pages with rowCount (default 20) and NextPageToken, the last page without one', async () => {
    const first = await s.get('/v1/users');
    expect(await first.json()).toHaveLength(12);
    expect(first.headers.get('NextPageToken')).toBeNull();
    const page1 = await s.get('/v1/users?rowCount=5');
    const page2 = await s.get(`/v1/users?rowCount=5&pageToken=${encodeURIComponent(page1.headers.get('NextPageToken') ?? '')}`);
    const page3 = await s.get(`/v1/users?rowCount=5&pageToken=${encodeURIComponent(page2.headers.get('NextPageToken') ?? '')}`);
    expect(await page3.json()).toHaveLength(2);
    expect(page3.headers.get('NextPageToken')).toBeNull();
    expect([...guids(await json(page1)), ...guids(await json(page2))]).toEqual(company.users.slice(0, 10).map((u) => u.guid));
  });

  it('rejects rowCount above 100, bad filters and foreign page tokens with 400 and an ExceptionModel', async () => {
    for (const path of ['/v1/users?rowCount=101', '/v1/users?rowCount=0', '/v1/users?pageToken=garbage', '/v1/workhours?eventDateStart=2024-13-01', '/v1/users?isActive=maybe']) {
      const res = await s.get(path);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { httpStatusCode: number } }).error.httpStatusCode).toBe(400);
    }
    const next = (await s.get('/v1/workhours?rowCount=3&eventDateStart=2024-10-01')).headers.get('NextPageToken') ?? '';
    expect((await s.get(`/v1/workhours?rowCount=3&eventDateStart=2024-10-01&pageToken=${encodeURIComponent(next)}`)).status).toBe(200);
    expect((await s.get(`/v1/workhours?rowCount=3&eventDateStart=2024-11-01&pageToken=${encodeURIComponent(next)}`)).status).toBe(400);
  });

  it('filters work hours by date, user and project; users by isActive and changedSince (greater or equal)', async () => {
    const week = (await s.crawl('/v1/workhours', { query: 'eventDateStart=2024-12-02&eventDateEnd=2024-12-08' })).rows as Row[];
    expect([...new Set(week.map((r) => isoDate(dayOf(r.eventDate))))].sort()).toEqual(['2024-12-02', '2024-12-03', '2024-12-04', '2024-12-05']);
    const [a, b] = company.users;
    const two = (await s.crawl('/v1/workhours', { query: `userGuids=${a?.guid},${b?.guid}&projectGuids=${company.projects[0]?.guid}` })).rows as Row[];
    expect(new Set(two.map((r) => (r.user as Row).guid))).toEqual(new Set([a?.guid, b?.guid]));
    expect(new Set(two.map((r) => (r.project as Row).guid))).toEqual(new Set([company.projects[0]?.guid]));
    expect((await s.crawl('/v1/users', { query: 'isActive=false' })).rows).toHaveLength(company.users.filter((u) => !u.isActive).length);
    const cutoff = Math.max(...company.users.map((u) => u.updatedAt));
    const changed = (await s.crawl('/v1/users', { query: `changedSince=${new Date(cutoff * 1000).toISOString()}` })).rows;
    expect(guids(changed)).toEqual(company.users.filter((u) => u.updatedAt >= cutoff).map((u) => u.guid));
  });

  it('reads the activity window as "ends after" start and "starts before or on" end', async () => {
    const absence = company.absences.find((a) => a.startDay > company.startDay + 7) ?? company.absences[0];
    const day = isoDate(absence?.startDay ?? 0);
    const owner = company.users[absence?.userIndex ?? 0]?.guid;
    const window = async (end: string) =>
      ((await s.crawl('/v1/activities', { query: `activityCategories=Absences&userGuids=${owner}&startDateTime=${encodeURIComponent(`${day}T00:00:00+02:00`)}&endDateTime=${encodeURIComponent(end)}` })).rows as Row[]).length;
    expect(await window(`${day}T23:59:59+02:00`)).toBeGreaterThan(0);
    // A bare date is midnight UTC: an absence starting at 08:00 that day is not "on or before" it.
    expect(await window(day)).toBe(0);
  });

  it('needs a valid bearer token, the Client_Id header and the scope of the resource', async () => {
    expect((await postJson(sim, '/v1/token', { client_id: CREDENTIALS.clientId, client_secret: 'wrong' })).status).toBe(401);
    expect((await s.get('/v1/users', {})).status).toBe(401);
    expect((await s.get('/v1/users', { Authorization: 'Bearer made-up', Client_Id: CREDENTIALS.clientId })).status).toBe(401);
    expect((await s.get('/v1/users', { Authorization: `Bearer ${s.token}` })).status).toBe(401);
    expect((await s.get('/v1/users', { Authorization: `Bearer ${s.token}`, client_id: CREDENTIALS.clientId })).status).toBe(200);
    const narrow = await openSession(sim, CREDENTIALS, 'users:read hours:read');
    expect([(await narrow.get('/v1/users')).status, (await narrow.get('/v1/projects')).status, (await narrow.get('/v1/holidays?year=2024')).status]).toEqual([200, 403, 403]);
  });

  it('grants only the scopes the API client has in Severa; flextime answers 403 without the add-on', async () => {
    const limited = await startSimulator({ company, ...CREDENTIALS, grantedScopes: ['users:read'] });
    try {
      const res = await postJson(limited, '/v1/token', { Client_Id: CREDENTIALS.clientId, client_secret: CREDENTIALS.clientSecret, scope: 'users:read,settings:read' });
      expect(((await res.json()) as { scope: string }).scope).toBe('users:read');
    } finally {
      await limited.close();
    }
    const flex = await s.get(`/v1/users/${company.users[0]?.guid}/flextime?eventDate=2024-12-01`);
    expect(flex.status).toBe(403);
    expect(JSON.stringify(await flex.json())).toContain('Addon required');
  });

  it('expires tokens after their ttl on the simulator clock; a refresh token gives a new one once', async () => {
    const short = await startSimulator({ company, ...CREDENTIALS, tokenTtlSeconds: 60 });
    try {
      short.mutate.setNow('2025-01-10T08:00:00Z');
      const body = (await (await postJson(short, '/v1/token', { client_id: CREDENTIALS.clientId, client_secret: CREDENTIALS.clientSecret })).json()) as Row;
      expect(body).toEqual(expect.objectContaining({ access_token_type: 'Bearer', access_token_expires_in: 60, access_token_expires_utc: '2025-01-10T08:01:00.000Z' }));
      const call = (token: unknown) => fetch(`${short.url}/v1/users`, { headers: { Authorization: `Bearer ${String(token)}`, Client_Id: CREDENTIALS.clientId } });
      short.mutate.advanceSeconds(59);
      expect((await call(body.access_token)).status).toBe(200);
      short.mutate.advanceSeconds(1);
      expect((await call(body.access_token)).status).toBe(401);
      const renewed = (await (await postJson(short, '/v1/refreshtoken', body.refresh_token)).json()) as Row;
      expect((await call(renewed.access_token)).status).toBe(200);
      expect((await postJson(short, '/v1/refreshtoken', { refresh_token: body.refresh_token })).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('counts requests per path template', () => {
    const stats = sim.stats();
    expect(stats.byPath['/v1/users/{guid}/workcontracts']).toBe(2);
    expect(stats.byPath['/v1/token']).toBeGreaterThanOrEqual(3);
    expect(stats.byStatus['401']).toBeGreaterThanOrEqual(4);
  });
});

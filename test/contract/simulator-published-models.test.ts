/**
 * The simulator's answers, every endpoint and several pages, in the fault-free and the nullable
 * variant, checked against the hand-written description of Severa's published models.
 */
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { type Model, loadPublishedModels, violations } from './published-models';
import { openSession, postJson, type SimSession } from './sim-session';

const CREDENTIALS = { clientId: 'contract-client', clientSecret: 'contract-secret-not-real' };
const model = loadPublishedModels();

interface Sample {
  byModel: Map<Model, unknown[]>;
  pages: number;
}

async function sampleEverything(sim: Simulator, s: SimSession): Promise<Sample> {
  const byModel = new Map<Model, unknown[]>();
  const add = (m: Model, rows: unknown[]) => byModel.set(m, [...(byModel.get(m) ?? []), ...rows]);
  let pages = 0;
  const crawl = async (m: Model, path: string, query = '', rowCount = 100) => {
    const result = await s.crawl(path, { query, rowCount });
    pages += result.pages;
    add(m, result.rows);
  };
  await crawl('user', '/v1/users', '', 5);
  await crawl('work-hour', '/v1/workhours');
  await crawl('activity', '/v1/activities', 'activityCategories=Absences', 20);
  await crawl('project', '/v1/projects', '', 2);
  await crawl('phase', '/v1/phases', '', 7);
  const someone = sim.company.users[4]?.guid ?? '';
  await crawl('work-hour', `/v1/users/${someone}/workhours`, 'eventDateStart=2026-10-01', 25);
  sim.mutate.deleteWorkHour(((await (await s.get('/v1/workhours?rowCount=1')).json()) as Array<{ guid: string }>)[0]?.guid ?? '');
  await crawl('deleted-work-hour', '/v1/deletedworkhours', 'deletedSince=2020-01-01T00:00:00Z');
  for (const user of sim.company.users) add('work-contract', (await (await s.get(`/v1/users/${user.guid}/workcontracts`)).json()) as unknown[]);
  add('user', [await (await s.get(`/v1/users/${someone}`)).json()]);
  add('holiday', (await (await s.get('/v1/holidays?year=2026')).json()) as unknown[]);
  add('flextime', [await (await s.get(`/v1/users/${someone}/flextime?eventDate=2026-11-20`)).json()]);
  return { byModel, pages };
}

describe.each([
  { variant: 'fault-free', nulls: false },
  { variant: 'nullable', nulls: true },
])('simulator answers in the published models ($variant)', ({ nulls }) => {
  let sim: Simulator;
  let sample: Sample;

  beforeAll(async () => {
    const company = generateCompany({ seed: 7, employees: 14, months: 3, endDate: '2026-11-25' });
    sim = await startSimulator({ company, ...CREDENTIALS, nulls, flextimeAddon: true });
    sample = await sampleEverything(sim, await openSession(sim, CREDENTIALS));
  });
  afterAll(() => sim.close());

  it.each<Model>(['user', 'work-contract', 'work-hour', 'deleted-work-hour', 'activity', 'project', 'phase', 'holiday', 'flextime'])('%s rows fit the model', (m) => {
    const rows = sample.byModel.get(m) ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(violations(model(m), rows)).toEqual([]);
  });

  it('sampled many pages of every list', () => {
    expect(sample.pages).toBeGreaterThan(20);
    expect(sample.byModel.get('work-hour')?.length).toBeGreaterThan(1000);
    expect(sample.byModel.get('user')?.length).toBe(15);
  });

  it('covers the forms real tenants send', () => {
    const rows = (m: Model) => (sample.byModel.get(m) ?? []) as Array<Record<string, unknown>>;
    const hours = rows('work-hour');
    const weeks = rows('work-contract').map((c) => c.workWeek);
    expect(weeks).toContain(null);
    expect(weeks.some((w) => Array.isArray(w) && w.includes('Monday'))).toBe(true);
    expect(rows('activity').some((a) => typeof a.guid === 'string' && a.guid.length === 73)).toBe(true);
    expect(hours.some((h) => String(h.eventDate).endsWith('T00:00:00'))).toBe(true);
    const stamps = hours.map((h) => h.lastUpdatedDateTime).filter((t): t is string => typeof t === 'string');
    expect(stamps.some((t) => t.endsWith('Z'))).toBe(true);
    expect(stamps.some((t) => /[+-]\d{2}:\d{2}$/.test(t))).toBe(true);
    expect(stamps.some((t) => /T[\d:.]+$/.test(t))).toBe(true);
    const codes = new Set(rows('user').map((u) => (u.language as { code?: string } | null)?.code));
    expect(codes).toContain('fi');
    expect([...codes].some((c) => c?.includes('-'))).toBe(true);
    expect(rows('project').some((p) => 'expectedHours' in p)).toBe(false);
    expect(rows('phase').some((p) => typeof p.workHoursEstimate === 'number')).toBe(true);
    const nullsIn = (list: Array<Record<string, unknown>>, field: string) => list.filter((r) => r[field] === null).length;
    const meaningful = [nullsIn(hours, 'quantity'), nullsIn(hours, 'isBillable'), nullsIn(hours, 'lastUpdatedDateTime'), nullsIn(rows('activity'), 'endDateTime')];
    if (nulls) expect(meaningful.every((n) => n > 0)).toBe(true);
    else expect(meaningful).toEqual([0, 0, 0, 0]);
  });

  it('token answers fit PublicAuthenticationOutputModel, for a token and a refreshed one', async () => {
    const first = await postJson(sim, '/v1/token', { Client_Id: CREDENTIALS.clientId, client_secret: CREDENTIALS.clientSecret, scope: 'users:read' });
    const body = (await first.json()) as { refresh_token: string };
    const refreshed = await postJson(sim, '/v1/refreshtoken', body.refresh_token);
    expect(violations(model('token'), [body, await refreshed.json()])).toEqual([]);
  });

  it('error answers fit the ExceptionModel', async () => {
    const s = await openSession(sim, CREDENTIALS, 'users:read');
    const answers = await Promise.all([
      s.get('/v1/users?rowCount=101'),
      s.get('/v1/users', {}),
      s.get('/v1/holidays?year=2026'),
      s.get('/v1/users/00000000-0000-4000-8000-000000000000'),
      postJson(sim, '/v1/token', { client_id: CREDENTIALS.clientId, client_secret: 'wrong' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([400, 401, 403, 404, 401]);
    expect(violations(model('exception'), await Promise.all(answers.map((r) => r.json())))).toEqual([]);
  });
});

describe('the description of the published models', () => {
  const valid = (m: Model, row: unknown) => violations(model(m), [row]).length === 0;

  it('rejects the shapes an earlier reading of the API wrongly assumed', () => {
    const contract = { title: 'Työsopimus', startDate: '2026-01-01' };
    expect(valid('work-contract', { ...contract, workWeek: ['Monday', 'Friday'] })).toBe(true);
    expect(valid('work-contract', { ...contract, workWeek: [1, 2, 3, 4, 5] })).toBe(false);
    expect(valid('user', { firstName: 'A', lastName: 'B', timezone: { ianaName: 'Europe/Helsinki' } })).toBe(true);
    expect(valid('user', { firstName: 'A', lastName: 'B', timezone: 'Europe/Helsinki' })).toBe(false);
    expect(valid('user', { firstName: 'A', lastName: 'B', languageCode: 'fi' })).toBe(false);
    const owner = { guid: '3c6a4e1f-2b1d-4f0e-9a51-0000000000f1' };
    const activity = { name: 'Loma', startDateTime: '2026-11-02T08:00:00', activityType: owner };
    expect(valid('activity', { ...activity, ownerUser: owner })).toBe(true);
    expect(valid('activity', { ...activity, owner })).toBe(false);
    expect(valid('project', { name: 'P', expectedHours: 100 })).toBe(false);
  });

  it('accepts both date forms and every date-time form, but no impossible calendar day', () => {
    const hour = (eventDate: string, lastUpdatedDateTime: string) => valid('work-hour', { eventDate, lastUpdatedDateTime });
    expect(hour('2026-11-02', '2026-11-02T10:15:00Z')).toBe(true);
    expect(hour('2026-11-02T00:00:00', '2026-11-02T12:15:00.1234567')).toBe(true);
    expect(hour('2026-11-02', '2026-11-02T12:15:00.000+02:00')).toBe(true);
    expect(hour('2026-11-31', '2026-11-02T10:15:00Z')).toBe(false);
    expect(hour('2026-11-02', '2026-11-02 10:15')).toBe(false);
  });
});

import type { z } from 'zod';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import {
  SCOPES,
  absenceSchema,
  paths,
  projectSchema,
  tokenResponseSchema,
  userContactSchema,
  userSchema,
  workContractSchema,
  workHourSchema,
} from '../../integrations/severa/wire';

const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'test-secret-not-real';
const company = generateCompany({ seed: 11, employees: 12, months: 4, endDate: '2024-12-31' });

let sim: Simulator;
let token: string;

async function getToken(secret = CLIENT_SECRET): Promise<Response> {
  return fetch(`${sim.url}${paths.token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: secret, scope: SCOPES.join(',') }),
  });
}

function get(path: string, headers: Record<string, string> = { Authorization: `Bearer ${token}`, client_id: CLIENT_ID }): Promise<Response> {
  return fetch(`${sim.url}${path}`, { headers });
}

async function crawl(path: string, query = '', rowCount = 100): Promise<{ rows: unknown[]; pages: number }> {
  const rows: unknown[] = [];
  let pageToken: string | null = null;
  let pages = 0;
  do {
    const sep = query ? `${query}&` : '';
    const tokenPart: string = pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : '';
    const res = await get(`${path}?${sep}rowCount=${rowCount}${tokenPart}`);
    expect(res.status).toBe(200);
    rows.push(...((await res.json()) as unknown[]));
    pageToken = res.headers.get('NextPageToken');
    pages += 1;
  } while (pageToken);
  return { rows, pages };
}

function allParse(schema: z.ZodType, rows: unknown[]): void {
  const failures = rows.map((r) => schema.safeParse(r)).filter((r) => !r.success);
  expect(failures).toEqual([]);
}

beforeAll(async () => {
  sim = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenTtlSeconds: 600 });
  const body = tokenResponseSchema.parse(await (await getToken()).json());
  token = body.access_token;
});

afterAll(() => sim.close());

describe('erp simulator wire format', () => {
  it('listens on loopback under /rest-api', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rest-api$/);
  });

  it('serves every list page in the wire schema, with the personal extras a real ERP sends', async () => {
    const users = await crawl(paths.users);
    expect(users.rows).toHaveLength(12);
    allParse(userSchema, users.rows);
    expect(users.rows[0]).toEqual(expect.objectContaining({ firstName: expect.any(String), lastName: expect.any(String), socialSecurityNumber: expect.any(String), bankAccountNumber: expect.stringMatching(/^FI\d{16}$/) }));

    const hours = await crawl(paths.workHours);
    expect(hours.rows).toHaveLength(company.counts().entries);
    expect(hours.pages).toBe(Math.ceil(company.counts().entries / 100));
    allParse(workHourSchema, hours.rows);
    expect(hours.rows[0]).toEqual(expect.objectContaining({ description: expect.any(String), userName: expect.any(String) }));

    const absences = await crawl(paths.activities, 'activityCategories=Absences');
    expect(absences.rows).toHaveLength(company.absences.length);
    allParse(absenceSchema, absences.rows);

    const projects = await crawl(paths.projects);
    expect(projects.rows).toHaveLength(company.projects.length);
    allParse(projectSchema, projects.rows);

    const contracts = await Promise.all(company.users.map(async (u) => (await get(paths.workContracts(u.guid))).json() as Promise<unknown[]>));
    allParse(workContractSchema, contracts.flat());
    expect(contracts.flat()).toHaveLength(company.counts().contracts);
  });

  it('serves one user with contact fields and own work hours, 404 for an unknown guid, 403 for the flextime add-on', async () => {
    const user = company.users[2];
    const res = await get(paths.user(user?.guid ?? ''));
    const body = userContactSchema.parse(await res.json());
    expect(body.email).toBe(user?.personal.email);
    expect(body.firstName).toBe(user?.personal.firstName);
    expect((await get(paths.user('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await get(paths.workContracts('nope'))).status).toBe(404);
    expect((await get(`${paths.user(user?.guid ?? '')}/flextime?eventDate=2024-12-01`)).status).toBe(403);
    const own = await crawl(`${paths.user(user?.guid ?? '')}/workhours`, 'eventDateStart=2024-12-01');
    allParse(workHourSchema, own.rows);
    expect(own.rows.length).toBeGreaterThan(0);
    expect(new Set((own.rows as Array<{ user: { guid: string } }>).map((r) => r.user.guid))).toEqual(new Set([user?.guid]));
  });

  it('pages with rowCount (default 20) and NextPageToken, the last page without one', async () => {
    const first = await get(paths.users);
    expect((await first.json()) as unknown[]).toHaveLength(12);
    expect(first.headers.get('NextPageToken')).toBeNull();
    const page1 = await get(`${paths.users}?rowCount=5`);
    const next = page1.headers.get('NextPageToken');
    expect(next).toBeTruthy();
    const page2 = await get(`${paths.users}?rowCount=5&pageToken=${encodeURIComponent(next ?? '')}`);
    const page3 = await get(`${paths.users}?rowCount=5&pageToken=${encodeURIComponent(page2.headers.get('NextPageToken') ?? '')}`);
    expect((await page3.json()) as unknown[]).toHaveLength(2);
    expect(page3.headers.get('NextPageToken')).toBeNull();
    const guids = [...((await page1.json()) as Array<{ guid: string }>), ...((await page2.json()) as Array<{ guid: string }>)].map((u) => u.guid);
    expect(guids).toEqual(company.users.slice(0, 10).map((u) => u.guid));
  });

  it('rejects rowCount above 100 and invalid or foreign page tokens with 400', async () => {
    expect((await get(`${paths.users}?rowCount=101`)).status).toBe(400);
    expect((await get(`${paths.users}?rowCount=0`)).status).toBe(400);
    expect((await get(`${paths.users}?pageToken=garbage`)).status).toBe(400);
    const next = (await get(`${paths.workHours}?rowCount=3&eventDateStart=2024-10-01`)).headers.get('NextPageToken') ?? '';
    expect((await get(`${paths.workHours}?rowCount=3&eventDateStart=2024-10-01&pageToken=${encodeURIComponent(next)}`)).status).toBe(200);
    expect((await get(`${paths.workHours}?rowCount=3&eventDateStart=2024-11-01&pageToken=${encodeURIComponent(next)}`)).status).toBe(400);
    expect((await get(`${paths.projects}?pageToken=${encodeURIComponent(next)}`)).status).toBe(400);
    expect((await get(`${paths.workHours}?eventDateStart=2024-13-01`)).status).toBe(400);
  });

  it('filters work hours by event date, absences by overlap and projects by changedSince', async () => {
    const { rows } = await crawl(paths.workHours, 'eventDateStart=2024-12-02&eventDateEnd=2024-12-08');
    const dates = new Set((rows as Array<{ eventDate: string }>).map((r) => r.eventDate));
    expect([...dates].sort()).toEqual(['2024-12-02', '2024-12-03', '2024-12-04', '2024-12-05']);
    const inDecember = await crawl(paths.activities, 'activityCategories=Absences&startDateTime=2024-12-01T00:00:00Z&endDateTime=2024-12-31T23:59:59Z');
    const expected = company.absences.filter((a) => a.endDay >= Date.UTC(2024, 11, 1) / 86_400_000);
    expect(inDecember.rows).toHaveLength(expected.length);
    expect((await crawl(paths.activities, 'activityCategories=Projects')).rows).toHaveLength(0);
    const cutoff = Math.max(...company.projects.map((p) => p.updatedAt));
    const recent = await crawl(paths.projects, `changedSince=${encodeURIComponent(new Date(cutoff * 1000).toISOString())}`);
    expect(recent.rows.map((p) => (p as { guid: string }).guid)).toEqual(company.projects.filter((p) => p.updatedAt >= cutoff).map((p) => p.guid));
    expect(recent.rows.length).toBeLessThan(company.projects.length);
  });

  it('requires a valid bearer token and client_id header', async () => {
    expect((await getToken('wrong')).status).toBe(401);
    expect((await get(paths.users, {})).status).toBe(401);
    expect((await get(paths.users, { Authorization: 'Bearer made-up', client_id: CLIENT_ID })).status).toBe(401);
    expect((await get(paths.users, { Authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await get(paths.users)).status).toBe(200);
  });

  it('expires tokens after their ttl on the simulator clock', async () => {
    const short = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenTtlSeconds: 60 });
    try {
      short.mutate.setNow('2025-01-10T08:00:00Z');
      const res = await fetch(`${short.url}${paths.token}`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'users:read' }) });
      const body = tokenResponseSchema.parse(await res.json());
      expect(body).toEqual(expect.objectContaining({ access_token_expires_in: 60, access_token_expires_utc: '2025-01-10T08:01:00.000Z' }));
      const call = () => fetch(`${short.url}${paths.users}`, { headers: { Authorization: `Bearer ${body.access_token}`, client_id: CLIENT_ID } });
      short.mutate.advanceSeconds(59);
      expect((await call()).status).toBe(200);
      short.mutate.advanceSeconds(1);
      expect((await call()).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('counts requests per path template', () => {
    const stats = sim.stats();
    expect(stats.byPath['/v1/users/{guid}/workcontracts']).toBe(13);
    expect(stats.byPath['/v1/token']).toBeGreaterThanOrEqual(2);
    expect(stats.requests).toBeGreaterThan(stats.byPath['/v1/users/{guid}/workcontracts'] ?? 0);
    expect(stats.byStatus['401']).toBeGreaterThanOrEqual(4);
  });
});

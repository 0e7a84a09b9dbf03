import { systemClock } from '../../src/clock';
import { UpstreamError } from '../../src/errors';
import { createSsrfGuard } from '../../src/net/ssrf-guard';
import { createSeveraClient } from '../../integrations/severa/severa-client';
import { generateCompany, startSimulator, type FaultOptions, type Simulator } from '../../integrations/erp-simulator';
import { createMemoryLogger } from '../fakes/memory-logger';

const CLIENT_ID = 'sim-client';
const CLIENT_SECRET = 'sim-Secret-0123456789abcdef';
const company = generateCompany({ seed: 42, employees: 40, months: 2, endDate: '2025-02-28' });

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(faults?: FaultOptions) {
  sim = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, faults });
  const guard = createSsrfGuard({ mode: 'test' });
  await guard.checkUrl(sim.url);
  const logger = createMemoryLogger();
  const sleeps: number[] = [];
  const client = createSeveraClient({
    baseUrl: sim.url,
    timezone: 'Europe/Helsinki',
    credentials: async () => ({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    clock: systemClock,
    logger,
    agent: { http: guard.httpAgent, https: guard.httpsAgent },
    requestsPerSecond: 10_000,
    maxRetries: 8,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { client, logger, sleeps };
}

function expectedHours() {
  let rows = 0;
  let minutes = 0;
  for (let i = 0; i < company.hours.length; i++) {
    if (company.hours.isDeleted(i)) continue;
    rows++;
    minutes += Math.round((company.hours.get(i).centiHours / 100) * 60);
  }
  return { rows, minutes };
}

test('syncs users and work hours from the simulator through rate-limit storms, 5xx and a token revocation', async () => {
  const { client, logger, sleeps } = await start({
    rateLimitStorm: { every: 20, count: 2, retryAfterSeconds: 1 },
    random5xxRate: 0.05,
    expireTokenAfterRequests: 15,
  });
  const truth = company.groundTruth();

  const userIds: string[] = [];
  for await (const page of client.users()) userIds.push(...page.map((u) => u.id));
  let rows = 0;
  let minutes = 0;
  const ids = new Set<string>();
  for await (const page of client.workHours({ from: truth.startDate, to: truth.endDate })) {
    expect(page.length).toBeLessThanOrEqual(100);
    for (const h of page) {
      ids.add(h.id);
      rows++;
      minutes += h.minutes;
    }
  }

  expect(userIds.sort()).toEqual(company.users.map((u) => u.guid).sort());
  expect({ rows, minutes }).toEqual(expectedHours());
  expect(ids.size).toBe(rows);
  const simStats = sim!.stats();
  expect(simStats.stormRejections).toBeGreaterThan(0);
  expect(simStats.tokenRevocations).toBe(1);
  expect(simStats.tokensIssued).toBe(2);
  expect(sleeps).toContain(1000);
  const stats = client.stats();
  expect(stats.pages).toBe(Math.ceil(company.users.length / 100) + Math.ceil(rows / 100));
  expect(stats.retries).toBe(simStats.stormRejections + simStats.serverErrors + simStats.tokenRevocations);

  const logged = JSON.stringify(logger.records);
  for (const user of company.users.slice(0, 10)) {
    expect(logged).not.toContain(user.personal.email);
    expect(logged).not.toContain(user.personal.lastName);
  }
  expect(logged).not.toContain(CLIENT_SECRET);
});

test('a simulator page of rows with broken types costs those rows only, counted; the other pages are used', async () => {
  const { client } = await start({ malformedPage: { path: '/v1/workhours', page: 2 } });
  const truth = company.groundTruth();
  let rows = 0;

  for await (const page of client.workHours({ from: truth.startDate, to: truth.endDate })) rows += page.length;

  expect(client.stats().skipped).toEqual({ workhours: { 'invalid-field': 100 } });
  expect(rows).toBe(expectedHours().rows - 100);
});

test('endless paging from the simulator ends in a clear error naming the resource', async () => {
  for (const rows of ['repeat', 'empty'] as const) {
    const { client } = await start({ endlessPaging: { path: '/v1/projects', rows } });
    let pages = 0;
    const error = await (async () => {
      for await (const _page of client.projects()) pages++;
    })().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error?.message).toMatch(/^ERP paging of projects does not end: page \d+ repeated an earlier page's rows$/);
    expect(pages).toBeGreaterThan(1);
    await sim?.close();
    sim = undefined;
  }
});

test('recipient lookup reads one person at send time', async () => {
  const { client } = await start();
  const user = company.users[3]!;

  const recipient = await client.recipient(user.guid);

  expect(recipient).toEqual({ firstName: user.personal.firstName, email: user.personal.email, language: user.languageCode });
  expect(await client.recipient('no-such-user')).toBeNull();
  const contracts = await client.workContracts(user.guid);
  expect(contracts.map((c) => c.id)).toEqual(user.contracts.map((c) => c.guid));
});

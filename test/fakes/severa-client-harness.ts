/** Builds a Severa client wired to a fake server with a fixed clock, recorded sleeps and logs. */
import fs from 'node:fs';
import path from 'node:path';
import { fixedClock } from '../../src/clock';
import { createSsrfGuard } from '../../src/net/ssrf-guard';
import { createSeveraClient, type SeveraClientDeps } from '../../integrations/severa/severa-client';
import { createMemoryLogger } from './memory-logger';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeSevera } from './severa-fake-server';

export function clientFor(fake: FakeSevera, overrides: Partial<SeveraClientDeps> = {}) {
  const clock = fixedClock(new Date('2025-03-03T08:00:00Z'));
  const logger = createMemoryLogger();
  const sleeps: number[] = [];
  const requestsSeen: Array<{ path: string; status: number; retry: boolean }> = [];
  const guard = createSsrfGuard({ mode: 'test' });
  const client = createSeveraClient({
    baseUrl: fake.baseUrl,
    timezone: 'Europe/Helsinki',
    credentials: async () => ({ clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET }),
    clock,
    logger,
    agent: { http: guard.httpAgent, https: guard.httpsAgent },
    requestsPerSecond: 1000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    onRequest: (info) => requestsSeen.push(info),
    ...overrides,
  });
  return { client, clock, logger, sleeps, requestsSeen };
}

export async function collectPages<T>(it: AsyncIterable<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for await (const page of it) pages.push(page);
  return pages;
}

/** A wire user in the published shape, personal fields included (the client must drop them). */
export function wireUser(i: number, extra: Record<string, unknown> = {}) {
  return {
    guid: `user-${i}`,
    isActive: i % 7 !== 0,
    language: { code: 'fi', name: 'suomi', guid: 'lang-fi', englishName: 'Finnish' },
    country: { code3: 'FIN', name: 'Suomi', guid: 'country-fi', englishName: 'Finland' },
    timezone: { name: '(UTC+02:00) Helsinki', guid: 'tz-1', systemName: 'FLE Standard Time', ianaName: 'Europe/Helsinki' },
    superiorUser: { guid: 'user-0', name: 'Matti Virtanen' },
    businessUnit: { guid: 'bu-1', name: 'Helsinki' },
    firstName: 'Maija',
    lastName: 'Meikäläinen',
    email: 'maija.meikalainen@example.com',
    phone: '+358 40 123 4567',
    ...extra,
  };
}

export function wireWorkHour(i: number, extra: Record<string, unknown> = {}) {
  return {
    guid: `wh-${i}`,
    eventDate: '2025-02-24',
    quantity: 7.5,
    isBillable: true,
    isProductive: true,
    user: { guid: 'user-1', name: 'Maija Meikäläinen' },
    project: { guid: 'project-1', name: 'Web shop' },
    description: 'Customer meeting with Matti',
    lastUpdatedDateTime: '2025-02-24T16:00:00+02:00',
    ...extra,
  };
}

/** Reads a hand-written page in the published shapes from test/fixtures/severa. */
export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'severa', name), 'utf8'));
}

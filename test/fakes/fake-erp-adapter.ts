/**
 * A second ERP kind that exists only in tests: it shows that an ERP is one adapter (client factory,
 * connection check, credentials schema, form fields) and that the sync, insights and email need nothing
 * else. It speaks to test/fakes/fake-erp-server.ts over loopback through the shared HTTP transport.
 */
import { z } from 'zod';
import type { ErpAdapter, ErpClientOptions } from '../../integrations/erp/adapter';
import type { ErpClient, ErpUser, ErpWorkContract, ErpWorkHour } from '../../integrations/erp/erp-client';
import { sendRequest } from '../../integrations/http/http-transport';
import { UpstreamError } from '../../src/errors';

export const FAKE_ERP_KIND = 'fake-ledger';
const UPSTREAM = FAKE_ERP_KIND;
export const FAKE_ERP_REFUSED = 'The fake ledger did not accept this API key.';

const credentialsSchema = z.object({ apiKey: z.string().min(8, 'API key is required (8 characters or more).').max(100) });

function createFakeErpClient(options: ErpClientOptions): ErpClient {
  const counters = { requests: 0, retries: 0, pages: 0, rateLimited: 0 };
  async function get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const { apiKey } = credentialsSchema.parse(await options.credentials());
    const url = new URL(`${options.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    counters.requests += 1;
    const sentAt = options.clock.now().getTime();
    const res = await sendRequest({
      url,
      method: 'GET',
      headers: { 'x-api-key': apiKey, accept: 'application/json' },
      agent: url.protocol === 'https:' ? options.agent?.https : options.agent?.http,
      timeoutMs: options.requestTimeoutMs ?? 5_000,
      maxBytes: 1024 * 1024,
    });
    options.onRequest?.({ path, status: res.status, retry: false, durationMs: options.clock.now().getTime() - sentAt });
    if (res.status === 401) throw new UpstreamError(FAKE_ERP_REFUSED, UPSTREAM, false);
    if (res.status !== 200) throw new UpstreamError(`The fake ledger answered ${res.status}`, UPSTREAM, res.status >= 500);
    counters.pages += 1;
    return JSON.parse(res.body) as T;
  }
  async function* once<T>(page: () => Promise<T[]>): AsyncIterable<T[]> {
    yield await page();
  }
  return {
    users: () => once(() => get<ErpUser[]>('/api/people')),
    workContracts: (userId) => get<ErpWorkContract[]>(`/api/people/${encodeURIComponent(userId)}/contracts`),
    workHours: ({ from, to }) => once(() => get<ErpWorkHour[]>('/api/hours', { from, to })),
    deletedWorkHours: () => once(async () => []),
    absences: () => once(async () => []),
    projects: () => once(async () => []),
    phases: () => once(async () => []),
    holidays: async () => null,
    flextime: async () => ({ kind: 'no-addon' }),
    recipient: async () => null,
    verify: async () => {
      await get('/api/people');
    },
    stats: () => ({ ...counters, skipped: {}, assumed: {} }),
  };
}

export const fakeErpAdapter: ErpAdapter = {
  kind: FAKE_ERP_KIND,
  label: { en: 'Fake Ledger', fi: 'Testikirjanpito', sv: 'Testbokföring' },
  baseUrlPlaceholder: 'https://ledger.example.test',
  help: { en: 'Copy the API key from the fake ledger.', fi: 'Kopioi API-avain testikirjanpidosta.', sv: 'Kopiera API-nyckeln från testbokföringen.' },
  fields: [{ name: 'apiKey', label: { en: 'API key', fi: 'API-avain', sv: 'API-nyckel' }, secret: true, maxLength: 100 }],
  credentialsSchema,
  credentialHint: () => null,
  createClient: createFakeErpClient,
  async checkConnection(options) {
    const client = createFakeErpClient({ ...options, timezone: 'UTC', credentials: async () => options.credentials, requestTimeoutMs: options.timeoutMs });
    await client.verify();
    for await (const page of client.users()) return { usersSeen: page.length };
    return { usersSeen: 0 };
  },
};

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { MAX_ROW_COUNT } from '../../integrations/severa/wire';
import { systemClock } from '../../src/clock';
import { UpstreamError, ValidationError } from '../../src/errors';
import { createSsrfGuard } from '../../src/net/ssrf-guard';
import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { VERIFY_MESSAGES } from '../../integrations/severa/connection-check';
import { createErpVerifier } from '../../src/tenants/erp-verifier';
import { createMemoryLogger } from '../fakes/memory-logger';

const CLIENT_ID = 'verifier-client';
const CLIENT_SECRET = 'verifier-Secret-0123456789';
const company = generateCompany({ seed: 7, employees: 130, months: 1, endDate: '2025-02-28' });

let sim: Simulator;
const servers: Server[] = [];
beforeAll(async () => {
  sim = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
});
afterAll(async () => {
  await sim.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server answering whatever the case needs, for failures the simulator does not stage. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest-api`;
}

const json = (status: number, body: unknown): RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function verifier(mode: 'test' | 'production' = 'test') {
  const logger = createMemoryLogger();
  const check = createErpVerifier({ erp: createErpRegistry(erpAdapters), ssrf: createSsrfGuard({ mode }), clock: systemClock, logger, timeoutMs: 5_000 });
  const verify = ({ baseUrl, ...credentials }: { baseUrl: string; clientId: string; clientSecret: string }) => check('severa', { baseUrl, credentials });
  return { logger, verify };
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const err: unknown = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

test('right credentials: a token, the verify read and exactly the first page of users', async () => {
  expect(company.users.length).toBeGreaterThan(MAX_ROW_COUNT);
  const before = sim.stats();
  const { verify, logger } = verifier();
  expect(await verify({ baseUrl: sim.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })).toEqual({ usersSeen: MAX_ROW_COUNT });
  const after = sim.stats();
  expect(after.tokensIssued - before.tokensIssued).toBe(1);
  expect((after.byPath['/v1/users'] ?? 0) - (before.byPath['/v1/users'] ?? 0)).toBe(2);
  expect(JSON.stringify(logger.records)).not.toContain(CLIENT_SECRET);
});

test('a wrong secret or client ID is reported as wrong credentials, without echoing the secret', async () => {
  const { verify, logger } = verifier();
  for (const creds of [{ clientId: CLIENT_ID, clientSecret: 'not-the-secret-at-all' }, { clientId: 'someone-else', clientSecret: CLIENT_SECRET }]) {
    const err = await failure(verify({ baseUrl: sim.url, ...creds }));
    expect(err.message).toBe(`${VERIFY_MESSAGES.credentials} The ERP said: "Unauthorized: Invalid client credentials".`);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(creds.clientSecret);
  }
  expect(JSON.stringify(logger.records)).not.toMatch(/not-the-secret|verifier-Secret/);
  expect(logger.records.filter((r) => r.message === 'erp connection check failed').map((r) => r.meta.failure)).toEqual(['credentials', 'credentials']);
});

test('nothing listening is reported as unreachable and worth retrying', async () => {
  const url = await serve(json(200, {}));
  const server = servers.pop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  const err = await failure(verifier().verify({ baseUrl: url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
  expect(err.message).toBe(VERIFY_MESSAGES.unreachable);
  expect(err.retryable).toBe(true);
});

test('an address that answers but is not a Severa API says so', async () => {
  const withoutApiPath = sim.url.replace(/\/rest-api$/, '');
  expect((await failure(verifier().verify({ baseUrl: withoutApiPath, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }))).message).toBe(VERIFY_MESSAGES['not-severa']);
  const html = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Welcome</body></html>');
  });
  expect((await failure(verifier().verify({ baseUrl: html, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }))).message).toBe(VERIFY_MESSAGES['not-severa']);
});

test('a busy ERP and missing read access are told apart from wrong credentials', async () => {
  const busy = await failure(verifier().verify({ baseUrl: await serve(json(503, { error: 'down' })), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
  expect(busy.message).toBe(VERIFY_MESSAGES.busy);
  expect(busy.retryable).toBe(true);
  const noScope = await serve((req, res) => {
    if (req.url?.endsWith('/v1/token')) return json(200, { access_token: 'tok', access_token_expires_in: 3600 })(req, res);
    json(403, { error: 'forbidden' })(req, res);
  });
  expect((await failure(verifier().verify({ baseUrl: noScope, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }))).message).toBe(VERIFY_MESSAGES.permission);
});

test("an API client without users:read is told so, with Severa's own explanation", async () => {
  const scoped = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, grantedScopes: ['hours:read', 'projects:read'] });
  try {
    const err = await failure(verifier().verify({ baseUrl: scoped.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
    expect(err.message.startsWith(`${VERIFY_MESSAGES.permission} The ERP said: "`)).toBe(true);
    expect(err.message).toContain('users:read');
  } finally {
    await scoped.close();
  }
});

test('the SSRF guard decides before any request: loopback is refused in production mode', async () => {
  const before = sim.stats().requests;
  await expect(verifier('production').verify({ baseUrl: sim.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })).rejects.toBeInstanceOf(ValidationError);
  expect(sim.stats().requests).toBe(before);
});

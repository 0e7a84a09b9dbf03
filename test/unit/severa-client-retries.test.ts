import { UpstreamError } from '../../src/errors';
import { createSsrfGuard } from '../../src/net/ssrf-guard';
import { clientFor, collectPages, wireUser } from '../fakes/severa-client-harness';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';

let fake: FakeSevera;
beforeEach(async () => {
  fake = await startFakeSevera();
});
afterEach(async () => {
  await fake.close();
});

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error('expected an UpstreamError');
}

test('429 with Retry-After in seconds waits exactly that long, then succeeds', async () => {
  fake.route('GET', '/v1/users', (_req, call) =>
    call === 1 ? { status: 429, headers: { 'Retry-After': '7' }, json: {} } : { json: [wireUser(1)] },
  );
  const { client, sleeps, requestsSeen } = clientFor(fake);

  const pages = await collectPages(client.users());

  expect(pages).toHaveLength(1);
  expect(sleeps).toEqual([7000]);
  expect(requestsSeen.filter((r) => r.path === '/v1/users')).toEqual([
    { path: '/v1/users', status: 429, retry: true, durationMs: 0 },
    { path: '/v1/users', status: 200, retry: false, durationMs: 0 },
  ]);
  expect(client.stats().retries).toBe(1);
  expect(client.stats().rateLimited).toBe(1);
});

test('Retry-After as an HTTP date and X-RateLimit-Reset are honoured by the injected clock', async () => {
  fake.route('GET', '/v1/projects', (_req, call) => {
    if (call === 1) return { status: 503, headers: { 'Retry-After': 'Mon, 03 Mar 2025 08:00:12 GMT' }, json: {} };
    if (call === 2) return { status: 429, headers: { 'X-RateLimit-Reset': '3' }, json: {} };
    return { json: [] };
  });
  const { client, sleeps } = clientFor(fake);

  await collectPages(client.projects());

  expect(sleeps).toEqual([12_000, 3000]);
});

test('5xx answers are retried with full-jitter backoff, then succeed', async () => {
  fake.route('GET', '/v1/users', (_req, call) => (call <= 2 ? { status: call === 1 ? 500 : 502, json: {} } : { json: [] }));
  const { client, sleeps } = clientFor(fake, { random: () => 0.5 });

  await collectPages(client.users());

  // base 500 ms doubling per attempt, half of the ceiling with random() = 0.5
  expect(sleeps).toEqual([250, 500]);
});

test('gives up after maxRetries with a retryable error', async () => {
  fake.route('GET', '/v1/users', () => ({ status: 503, json: {} }));
  const { client, sleeps } = clientFor(fake, { maxRetries: 3, random: () => 1 });

  const error = await failure(collectPages(client.users()));

  expect(error.retryable).toBe(true);
  expect(error.message).toContain('after 3 retries (status 503)');
  expect(sleeps).toEqual([500, 1000, 2000]);
  expect(fake.requests.filter((r) => r.path === '/v1/users')).toHaveLength(4);
});

test('a server asking for a very long wait fails the run as retryable instead of sleeping', async () => {
  fake.route('GET', '/v1/users', () => ({ status: 429, headers: { 'Retry-After': '3600' }, json: {} }));
  const { client, sleeps } = clientFor(fake);

  const error = await failure(collectPages(client.users()));

  expect(error.retryable).toBe(true);
  expect(error.message).toContain('asked to wait 3600 s');
  expect(sleeps).toEqual([]);
});

test('a request that times out is retried', async () => {
  fake.route('GET', '/v1/users', (_req, call) => (call === 1 ? 'hang' : { json: [wireUser(1)] }));
  const { client, requestsSeen } = clientFor(fake, { requestTimeoutMs: 150 });

  const pages = await collectPages(client.users());

  expect(pages[0]).toHaveLength(1);
  expect(requestsSeen.filter((r) => r.path === '/v1/users')).toEqual([
    { path: '/v1/users', status: 0, retry: true, durationMs: 0 },
    { path: '/v1/users', status: 200, retry: false, durationMs: 0 },
  ]);
});

test('a reset connection is retried', async () => {
  fake.route('GET', '/v1/users', (_req, call) => (call === 1 ? 'reset' : { json: [] }));
  const { client, sleeps, requestsSeen } = clientFor(fake);

  await collectPages(client.users());

  expect(sleeps).toHaveLength(1);
  expect(requestsSeen.filter((r) => r.path === '/v1/users').map((r) => r.status)).toEqual([0, 200]);
  expect(client.stats().retries).toBe(1);
});

test.each([
  [403, 'lacks a read scope or an add-on'],
  [400, 'unexpected status 400'],
])('%d is not retried', async (status, message) => {
  fake.route('GET', '/v1/projects', () => ({ status, json: { message: 'Addon required' } }));
  const { client, sleeps } = clientFor(fake);

  const error = await failure(collectPages(client.projects()));

  expect(error.retryable).toBe(false);
  expect(error.message).toContain(message);
  expect(sleeps).toEqual([]);
});

test('a 404 on a list is an empty list, but a 404 on the connection check is an error', async () => {
  fake.route('GET', '/v1/projects', () => ({ status: 404, json: { error: { httpStatusCode: 404, type: 'NotFound', details: [] } } }));
  const { client, sleeps } = clientFor(fake);

  expect(await collectPages(client.projects())).toEqual([]);
  expect(await client.workContracts('user-1')).toEqual([]);
  const error = await failure(client.verify());

  expect(error.message).toContain('resource not found: /v1/users');
  expect(sleeps).toEqual([]);
});

test('a redirect to a private address is refused without following it', async () => {
  fake.route('GET', '/v1/users', () => ({ status: 302, headers: { Location: 'http://10.0.0.1/rest-api/v1/users' }, json: {} }));
  const { client } = clientFor(fake);

  const error = await failure(collectPages(client.users()));

  expect(error.retryable).toBe(false);
  expect(error.message).toContain('redirect (302)');
  expect(error.message).toContain('not followed');
  // Only our loopback server was ever asked; and the target would have been refused anyway.
  expect(fake.requests.map((r) => r.path)).toEqual(['/v1/token', '/v1/users']);
  const guard = createSsrfGuard({ mode: 'test', lookup: async () => [] });
  await expect(guard.checkUrl('http://10.0.0.1/rest-api/v1/users')).rejects.toThrow('non-public address (private');
});

test('a production-mode agent refuses the loopback server at connect time, without a retry loop', async () => {
  const guard = createSsrfGuard({ mode: 'production' });
  const { client, sleeps } = clientFor(fake, { agent: { http: guard.httpAgent, https: guard.httpsAgent } });

  const error = await failure(client.verify());

  expect(error.retryable).toBe(false);
  expect(error.message).toContain('refused by the SSRF guard');
  expect(fake.requests).toHaveLength(0);
  expect(sleeps).toEqual([]);
});

test('requests are paced at requestsPerSecond per client, token request included', async () => {
  fake.route('GET', '/v1/users', (req) => {
    const page = Number(req.query.get('pageToken')?.slice(1) ?? 0);
    return { json: [wireUser(page + 1)], headers: page === 3 ? undefined : { NextPageToken: `p${page + 1}` } };
  });
  const { client, sleeps } = clientFor(fake, { requestsPerSecond: 2 });

  await collectPages(client.users());

  expect(client.stats()).toEqual({ requests: 5, retries: 0, pages: 4, rateLimited: 0, skipped: {}, assumed: {} });
  expect(sleeps).toEqual([500, 500, 500]);
});

test('X-RateLimit-Remaining: 0 holds the next request until the reset', async () => {
  fake.route('GET', '/v1/users', (req) =>
    req.query.get('pageToken')
      ? { json: [] }
      : { json: [], headers: { NextPageToken: 'next', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '10' } },
  );
  const { client, sleeps } = clientFor(fake);

  await collectPages(client.users());

  expect(sleeps).toEqual([10_000]);
});

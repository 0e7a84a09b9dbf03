import { UpstreamError } from '../../src/errors';
import { clientFor, collectPages, wireUser } from '../fakes/severa-client-harness';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';

let fake: FakeSevera;
beforeEach(async () => {
  fake = await startFakeSevera({ tokenLifetimeSeconds: 3600 });
  fake.route('GET', '/v1/users', () => ({ json: [wireUser(1)] }));
});
afterEach(async () => {
  await fake.close();
});

const tokenRequests = () => fake.requests.filter((r) => r.path === '/v1/token');

test('the token request posts the client credentials and scopes as JSON; reads carry bearer and client_id', async () => {
  const { client } = clientFor(fake);

  await collectPages(client.users());

  const [tokenRequest] = tokenRequests();
  expect(tokenRequest?.method).toBe('POST');
  expect(tokenRequest?.headers['content-type']).toBe('application/json');
  expect(JSON.parse(tokenRequest?.body ?? '{}')).toEqual({
    client_id: FAKE_CLIENT_ID,
    client_secret: FAKE_CLIENT_SECRET,
    scope: 'users:read,hours:read,activities:read,projects:read,settings:read',
  });
  const read = fake.requests.find((r) => r.path === '/v1/users');
  expect(read?.headers.authorization).toBe('Bearer token-1');
  expect(read?.headers.client_id).toBe(FAKE_CLIENT_ID);
  expect(read?.query.toString()).not.toContain(FAKE_CLIENT_SECRET);
});

test('the token is cached until shortly before it expires, by the injected clock', async () => {
  const { client, clock } = clientFor(fake);

  for (let i = 0; i < 5; i++) await collectPages(client.users());
  expect(tokenRequests()).toHaveLength(1);

  clock.advance(58 * 60_000);
  await collectPages(client.users());
  expect(tokenRequests()).toHaveLength(1);

  clock.advance(60_000 + 1);
  await collectPages(client.users());
  expect(tokenRequests()).toHaveLength(2);
  expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer token-2');
});

test('a 401 gets one fresh token and one retry', async () => {
  const { client } = clientFor(fake);
  await collectPages(client.users());
  fake.revoke('token-1');

  const pages = await collectPages(client.users());

  expect(pages).toHaveLength(1);
  expect(fake.issuedTokens).toEqual(['token-1', 'token-2']);
  expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer token-2');
});

test('a second 401 fails clearly and is not retried', async () => {
  fake.route('GET', '/v1/projects', () => ({ status: 401, json: { error: 'insufficient' } }));
  const { client, sleeps } = clientFor(fake);

  const error = await collectPages(client.projects()).then(
    () => new Error('expected a failure'),
    (err: unknown) => err as UpstreamError,
  );

  expect(error).toBeInstanceOf(UpstreamError);
  if (!(error instanceof UpstreamError)) return;
  expect(error.message).toBe('ERP rejected the credentials (client ID and secret).');
  expect(error.retryable).toBe(false);
  expect(fake.requests.filter((r) => r.path === '/v1/projects')).toHaveLength(2);
  expect(tokenRequests()).toHaveLength(2);
  expect(sleeps).toEqual([]);
});

test('wrong client credentials fail verify() clearly', async () => {
  const { client } = clientFor(fake, {
    credentials: async () => ({ clientId: FAKE_CLIENT_ID, clientSecret: 'wrong-secret-value' }),
  });

  await expect(client.verify()).rejects.toThrow('ERP rejected the credentials');
  expect(tokenRequests()).toHaveLength(1);
});

test('verify() asks for a fresh token and reads one user', async () => {
  const { client } = clientFor(fake);
  await client.verify();
  await client.verify();

  expect(tokenRequests()).toHaveLength(2);
  const reads = fake.requests.filter((r) => r.path === '/v1/users');
  expect(reads.map((r) => r.query.get('rowCount'))).toEqual(['1', '1']);
});

test('recipient() reads one person at send time and answers null for an unknown person', async () => {
  fake.route('GET', '/v1/users/user-1', () => ({ json: { ...wireUser(1), firstName: 'Maija', email: 'maija@example.com' } }));
  const { client } = clientFor(fake);

  expect(await client.recipient('user-1')).toEqual({ firstName: 'Maija', email: 'maija@example.com', language: 'fi' });
  expect(await client.recipient('user-gone')).toBeNull();
});

test('the secret, the token and personal data never reach log lines or error messages', async () => {
  fake.route('GET', '/v1/users/user-1', () => ({ json: { ...wireUser(1), firstName: 'Maija', email: 'maija@example.com' } }));
  fake.route('GET', '/v1/projects', (_req, call) => (call === 1 ? { status: 500, json: {} } : { status: 401, json: {} }));
  fake.route('GET', '/v1/workhours', () => ({ json: [{ guid: 'wh-1', quantity: 'maija@example.com' }] }));
  const { client, logger } = clientFor(fake);
  const errors: string[] = [];

  await client.recipient('user-1');
  await collectPages(client.users());
  for (const run of [
    () => collectPages(client.projects()),
    () => collectPages(client.workHours({ from: '2025-02-01', to: '2025-02-28' })),
  ]) {
    await run().catch((err: Error) => errors.push(`${err.message} ${String(err.cause ?? '')}`));
  }
  const badClient = clientFor(fake, {
    credentials: async () => ({ clientId: FAKE_CLIENT_ID, clientSecret: `${FAKE_CLIENT_SECRET}-old` }),
    logger,
  }).client;
  await badClient.verify().catch((err: Error) => errors.push(err.message));

  // The unusable work hour is skipped (and logged by id and field), not an error.
  expect(errors).toHaveLength(2);
  expect(client.stats().skipped).toEqual({ workhours: { 'missing-field': 1 } });
  expect(logger.records.length).toBeGreaterThan(3);
  const everything = JSON.stringify(logger.records) + errors.join('\n');
  for (const forbidden of [FAKE_CLIENT_SECRET, 'token-1', 'token-2', 'Bearer', 'maija', 'Maija', 'eventDateStart=']) {
    expect(everything).not.toContain(forbidden);
  }
});

test('the secret store is asked for the credentials only when a token is requested', async () => {
  let reads = 0;
  const { client } = clientFor(fake, {
    credentials: async () => {
      reads++;
      return { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET };
    },
  });

  for (let i = 0; i < 4; i++) await collectPages(client.users());

  expect(reads).toBe(1);
  expect(fake.requests.filter((r) => r.path === '/v1/users').every((r) => r.headers.client_id === FAKE_CLIENT_ID)).toBe(true);
});

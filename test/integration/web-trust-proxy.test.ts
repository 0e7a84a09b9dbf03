import { startTestServer, type TestServer } from '../fakes/web-app';
import { createWebClient } from '../fakes/web-client';

/**
 * The sign-in rate limit is keyed by the client address the app believes. Which X-Forwarded-For
 * entries it believes is TRUST_PROXY: a client must not get a fresh budget by sending a new header.
 */
const LIMIT = 3;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** LIMIT + 1 wrong sign-ins, each claiming to be forwarded for another address; the statuses and the audited IPs. */
async function rotatingSignIns(forwardedFor: (i: number) => string): Promise<{ statuses: number[]; ips: (string | null)[] }> {
  if (!server) throw new Error('no server');
  const client = createWebClient(server);
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i += 1) {
    const csrf = await client.csrf();
    const res = await client.raw('POST', '/login', { form: { _csrf: csrf, username: 'nobody', password: 'wrong-password-123' }, headers: { 'x-forwarded-for': forwardedFor(i) } });
    statuses.push(res.status);
  }
  const rows = await server.db.kysely.selectFrom('audit_events').select('ip').where('action', '=', 'auth.login-failed').execute();
  return { statuses, ips: [...new Set(rows.map((r) => r.ip))] };
}

const blocked = [...Array.from({ length: LIMIT }, () => 401), 429];

test('a proxy list that does not include the sender: forwarded headers are ignored and the limit holds', async () => {
  server = await startTestServer({ loginLimit: LIMIT, trustProxy: ['10.40.0.0/23'] });
  const { statuses, ips } = await rotatingSignIns((i) => `198.51.100.${i + 1}`);
  expect(statuses).toEqual(blocked);
  expect(ips).toEqual(['127.0.0.1']);
});

test('behind a listed proxy: the address the proxy appended counts, whatever the client put before it', async () => {
  server = await startTestServer({ loginLimit: LIMIT, trustProxy: ['loopback'] });
  const { statuses, ips } = await rotatingSignIns((i) => `198.51.100.${i + 1}, 203.0.113.9`);
  expect(statuses).toEqual(blocked);
  expect(ips).toEqual(['203.0.113.9']);
});

test('a hop count behind one proxy: the same', async () => {
  server = await startTestServer({ loginLimit: LIMIT, trustProxy: 1 });
  const { statuses, ips } = await rotatingSignIns((i) => `198.51.100.${i + 1}, 203.0.113.9`);
  expect(statuses).toEqual(blocked);
  expect(ips).toEqual(['203.0.113.9']);
});

import { request } from 'node:http';
import { LOCKOUT } from '../../src/auth/login-throttle';
import type { PasswordHasher } from '../../src/auth/passwords';
import { startTestServer, testPasswords, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin } from '../fakes/web-client';

const PASSWORD = 'Quiet-Harbour-Lantern-42';

/** testPasswords, recording which stored hash every verification ran against. */
const verified: string[] = [];
const countingPasswords: PasswordHasher = {
  hash: (p) => testPasswords.hash(p),
  verify: (p, stored) => {
    verified.push(stored);
    return testPasswords.verify(p, stored);
  },
  dummyHash: () => testPasswords.dummyHash(),
};

let server: TestServer;
let tenantId: string;
beforeAll(async () => {
  server = await startTestServer({ passwords: countingPasswords });
  tenantId = await createTenant(server, 'Lockout Co');
});
afterAll(async () => server.close());

const hashOf = async (username: string) =>
  (await server.db.kysely.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow()).password_hash ?? '';

/** A sign-in from another loopback address (127.0.0.0/8 is all loopback): another source to the server. */
async function signInFrom(localAddress: string, username: string, password: string): Promise<number> {
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; cookies: string[]; text: string }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method, headers, localAddress }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const page = await send('GET', '/login', {});
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const form = new URLSearchParams({ _csrf: csrf, username, password }).toString();
  return (await send('POST', '/login', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, form)).status;
}

test(`10 parallel wrong passwords: ${LOCKOUT.perSource} are checked, then the name pauses; the owner still signs in from another address`, async () => {
  await signInAdmin(server, tenantId, 'parallel-admin');
  const stored = await hashOf('parallel-admin');
  verified.length = 0;
  const clients = Array.from({ length: 10 }, () => createWebClient(server));
  const forms = await Promise.all(clients.map(async (c) => ({ _csrf: await c.csrf(), username: 'parallel-admin', password: 'wrong-password-123' })));
  const answers = await Promise.all(clients.map((c, i) => c.raw('POST', '/login', { form: forms[i] })));
  expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 401, 401, 423, 423, 423, 423, 423, 423]);
  // Every attempt cost one hash; only the admitted ones ran against the account's own.
  expect(verified).toHaveLength(10);
  expect(verified.filter((h) => h === stored)).toHaveLength(LOCKOUT.perSource);

  const sameSource = createWebClient(server);
  expect((await sameSource.post('/login', { username: 'parallel-admin', password: PASSWORD })).status).toBe(423);
  expect(await signInFrom('127.0.0.2', 'parallel-admin', PASSWORD)).toBe(303);
});

test('an unknown name answers exactly like an existing one, wrong or paused, with one hash per attempt', async () => {
  await signInAdmin(server, tenantId, 'known-admin');
  const client = createWebClient(server);
  const attempt = async (username: string) => {
    verified.length = 0;
    const res = await client.post('/login', { username, password: 'wrong-password-123' });
    expect(verified).toHaveLength(1);
    return `${res.status} ${await res.text()}`;
  };
  const known: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < LOCKOUT.perSource + 1; i += 1) {
    known.push(await attempt('known-admin'));
    unknown.push(await attempt('nobody-here'));
  }
  expect(unknown).toEqual(known);
  expect(known[0]).toMatch(/^401 /);
  expect(known[LOCKOUT.perSource - 1]).toMatch(/^423 [\s\S]*paused until/);
  expect(known[LOCKOUT.perSource]).toMatch(/^423 /);
});

test('pauses double with each attempt after one ends, and the right password ends the count', async () => {
  await signInAdmin(server, tenantId, 'backoff-admin');
  const client = createWebClient(server);
  const wrong = () => client.post('/login', { username: 'backoff-admin', password: 'wrong-password-123' });
  const pausedFor = async (res: Response) => {
    const hhmm = /paused until (\d\d):(\d\d) UTC/.exec(await res.text());
    const now = server.clock.now();
    return Number(hhmm?.[1]) * 60 + Number(hhmm?.[2]) - (now.getUTCHours() * 60 + now.getUTCMinutes());
  };
  for (let i = 0; i < LOCKOUT.perSource - 1; i += 1) expect((await wrong()).status).toBe(401);
  expect(await pausedFor(await wrong())).toBe(LOCKOUT.firstPauseMinutes);
  server.clock.advance(LOCKOUT.firstPauseMinutes * 60_000);
  expect(await pausedFor(await wrong())).toBe(2 * LOCKOUT.firstPauseMinutes);
  server.clock.advance(2 * LOCKOUT.firstPauseMinutes * 60_000);
  expect((await client.post('/login', { username: 'backoff-admin', password: PASSWORD })).status).toBe(303);
  expect((await createWebClient(server).post('/login', { username: 'backoff-admin', password: 'wrong-password-123' })).status).toBe(401);
});

test(`guesses from many addresses pause the name for everyone after ${LOCKOUT.perAccount}, except the browser its owner signed in from`, async () => {
  await signInAdmin(server, tenantId, 'spread-admin');
  const owner = createWebClient(server);
  expect((await owner.post('/login', { username: 'spread-admin', password: PASSWORD })).status).toBe(303);
  expect(owner.jar.get('dev')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const addresses = Array.from({ length: LOCKOUT.perAccount / LOCKOUT.perSource }, (_, i) => `127.0.1.${i + 1}`);
  for (const address of addresses) for (let i = 0; i < LOCKOUT.perSource; i += 1) await signInFrom(address, 'spread-admin', 'wrong-password-123');
  expect(await signInFrom('127.0.2.1', 'spread-admin', PASSWORD)).toBe(423);
  expect((await owner.post('/login', { username: 'spread-admin', password: PASSWORD })).status).toBe(303);
  // The cookie belongs to that account: for another paused account it counts for nothing.
  await signInAdmin(server, tenantId, 'other-admin');
  for (const address of addresses.map((a) => a.replace('127.0.1.', '127.0.3.'))) for (let i = 0; i < LOCKOUT.perSource; i += 1) await signInFrom(address, 'other-admin', 'wrong-password-123');
  const borrowed = createWebClient(server);
  borrowed.jar.set('dev', owner.jar.get('dev') ?? '');
  expect((await borrowed.post('/login', { username: 'other-admin', password: PASSWORD })).status).toBe(423);
});

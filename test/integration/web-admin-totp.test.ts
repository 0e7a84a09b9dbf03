import { createLoginThrottle } from '../../src/auth/login-throttle';
import { totpCode } from '../../src/auth/totp';
import { TOTP_AUDIT_ACTIONS } from '../../src/web/admin-security.routes';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, type WebClient } from '../fakes/web-client';

const PASSWORD = 'Quiet-Harbour-Lantern-42';
const USERNAME = 'totp-admin';

let server: TestServer;
let admin: WebClient;
let tenantId: string;
beforeAll(async () => {
  server = await startTestServer();
  tenantId = await createTenant(server, 'Totp Co');
  admin = await signInAdmin(server, tenantId, USERNAME);
});
afterAll(async () => server.close());

const userRow = () => server.db.kysely.selectFrom('users').selectAll().where('username', '=', USERNAME).executeTakeFirstOrThrow();
const code = (secret: string) => totpCode(secret, server.clock.now());
const wrongCode = (secret: string) => (code(secret) === '000000' ? '111111' : '000000');

/** Signs in with the password only; answers where the server sent the browser next. */
async function passwordStep(): Promise<{ client: WebClient; location: string | null }> {
  const client = createWebClient(server);
  const res = await client.post('/login', { username: USERNAME, password: PASSWORD, next: '/admin/status' });
  return { client, location: res.headers.get('location') };
}

test('enrolling shows the key once, keeps it encrypted and inactive until a current code confirms it; then login asks for the code', async () => {
  expect(await (await admin.get('/admin/security')).text()).toContain('Two-step sign-in is off');

  const page = await (await admin.post('/admin/security/totp/start', { password: PASSWORD })).text();
  const secret = /<code class="secret">([A-Z2-7]{16,})<\/code>/.exec(page)?.[1] ?? '';
  expect(secret).not.toBe('');
  expect(page).toContain(`otpauth://totp/ERP%20Insights:${USERNAME}?secret=${secret}`);
  const pending = await userRow();
  expect(pending.mfa_enabled).toBe(0);
  expect(pending.totp_secret_enc).not.toBeNull();
  expect(pending.totp_secret_enc).not.toContain(secret);
  // A pending key does not change sign-in yet.
  expect((await passwordStep()).location).toBe('/admin/status');

  const wrong = await admin.post('/admin/security/totp/confirm', { code: wrongCode(secret) });
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).not.toContain(secret);
  expect((await userRow()).mfa_enabled).toBe(0);

  // A second session of the same admin, opened before two-step sign-in was turned on.
  const older = (await passwordStep()).client;
  expect((await older.get('/admin/status')).status).toBe(200);
  const confirmed = await admin.post('/admin/security/totp/confirm', { code: code(secret) });
  expect(confirmed.status).toBe(200);
  expect((await older.get('/admin/status')).status).toBe(303);
  expect((await admin.get('/admin/status')).status).toBe(200);
  expect((await userRow()).mfa_enabled).toBe(1);
  const after = await (await admin.get('/admin/security')).text();
  expect(after).toContain('Two-step sign-in is on');
  expect(after).not.toContain(secret);

  // Each code works once; the next sign-in needs the next 30-second code.
  server.clock.advance(30_000);
  const { client, location } = await passwordStep();
  expect(location).toMatch(/^\/login\/totp/);
  // Password alone is not a session: admin pages still send the browser to the login page.
  expect((await client.get('/admin/status')).status).toBe(303);
  expect((await client.post('/login/totp', { code: wrongCode(secret), next: '/admin/status' })).status).toBe(401);
  const done = await client.post('/login/totp', { code: code(secret), next: '/admin/status' });
  expect(done.headers.get('location')).toBe('/admin/status');
  expect((await client.get('/admin/status')).status).toBe(200);
  const replay = (await passwordStep()).client;
  expect((await replay.post('/login/totp', { code: code(secret), next: '/admin/status' })).status).toBe(401);
  server.clock.advance(30_000);

  // Turning it off needs both the password and a current code.
  expect((await admin.post('/admin/security/totp/disable', { password: 'not-the-password', code: code(secret) })).status).toBe(400);
  expect((await admin.post('/admin/security/totp/disable', { password: PASSWORD, code: '' })).status).toBe(400);
  expect((await userRow()).mfa_enabled).toBe(1);
  const off = await admin.post('/admin/security/totp/disable', { password: PASSWORD, code: code(secret) });
  expect(off.status).toBe(200);
  expect(await userRow()).toMatchObject({ mfa_enabled: 0, totp_secret_enc: null });
  expect((await passwordStep()).location).toBe('/admin/status');
});

test('enabling and disabling are audited once each with actor, IP and request ID and no personal data', async () => {
  const rows = await server.db.kysely.selectFrom('audit_events').selectAll().where('action', 'like', 'auth.totp-%').execute();
  const user = await userRow();
  expect(rows.map((r) => r.action).sort()).toEqual([TOTP_AUDIT_ACTIONS.disabled, TOTP_AUDIT_ACTIONS.enabled]);
  for (const r of rows) {
    expect(r).toMatchObject({ actor_type: 'admin', actor_id: user.id, tenant_id: tenantId, object_type: 'user', object_id: user.id, ip: expect.stringContaining('127.0.0.1') });
    expect(r.request_id).toMatch(/^[0-9a-f-]{36}$/);
  }
  expect(JSON.stringify(rows)).not.toContain(USERNAME);
});

test('wrong confirmation codes count towards the lockout', async () => {
  const other = await signInAdmin(server, tenantId, 'totp-locker');
  const page = await (await other.post('/admin/security/totp/start', { password: PASSWORD })).text();
  const secret = /<code class="secret">([A-Z2-7]{16,})<\/code>/.exec(page)?.[1] ?? '';
  const bad = wrongCode(secret);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i += 1) statuses.push((await other.post('/admin/security/totp/confirm', { code: bad })).status);
  expect(statuses).toEqual([400, 400, 400, 400, 423]);
  expect((await other.post('/admin/security/totp/confirm', { code: code(secret) })).status).toBe(423);
  const locked = await server.db.kysely.selectFrom('users').select('mfa_enabled').where('username', '=', 'totp-locker').executeTakeFirstOrThrow();
  expect(locked.mfa_enabled).toBe(0);
  expect(await createLoginThrottle({ db: server.db, clock: server.clock }).pausedUntil('totp-locker')).not.toBeNull();
});

test('a session without the current password cannot bind an authenticator', async () => {
  const victim = await signInAdmin(server, tenantId, 'totp-victim');
  const refused = await victim.post('/admin/security/totp/start', { password: 'not-the-password' });
  expect(refused.status).toBe(400);
  const page = await refused.text();
  expect(page).toContain('The password is not right');
  expect(page).not.toMatch(/<code class="secret">/);
  const bare = await victim.post('/admin/security/totp/start');
  expect(bare.status).toBe(400);
  expect(await bare.text()).not.toMatch(/<code class="secret">/);
  const row = await server.db.kysely.selectFrom('users').select(['mfa_enabled', 'totp_secret_enc']).where('username', '=', 'totp-victim').executeTakeFirstOrThrow();
  expect(row).toEqual({ mfa_enabled: 0, totp_secret_enc: null });
  expect((await victim.post('/admin/security/totp/confirm', { code: '123456' })).status).toBe(400);
  expect((await createWebClient(server).post('/login', { username: 'totp-victim', password: PASSWORD })).headers.get('location')).toBe('/');
});

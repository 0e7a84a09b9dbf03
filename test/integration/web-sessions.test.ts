import { LOCKOUT } from '../../src/auth/login-throttle';
import { createUsersService } from '../../src/auth/users.service';
import { sha256 } from '../../src/auth/tokens';
import { startTestServer, plainCipher, testPasswords, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, signInStaff } from '../fakes/web-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

test('session cookie is HttpOnly, SameSite=Lax, path /, and its ID is stored only as a hash', async () => {
  const tenantId = await createTenant(server, 'Cookie Co');
  const admin = await signInAdmin(server, tenantId, 'cookie-admin');
  const raw = admin.jar.get('sid');
  expect(raw).toBeDefined();
  const rows = await server.db.kysely.selectFrom('sessions').select('id_hash').execute();
  expect(rows.map((r) => r.id_hash)).toContain(sha256(raw ?? ''));
  expect(rows.map((r) => r.id_hash)).not.toContain(raw);
  const fresh = createWebClient(server);
  const csrf = await fresh.csrf();
  const res = await fresh.raw('POST', '/login', { form: { _csrf: csrf, username: 'cookie-admin', password: 'Quiet-Harbour-Lantern-42' } });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Lax/);
  expect(cookie).toMatch(/Path=\//);
  expect(cookie).not.toMatch(/Secure/);
});

test('the session ID changes at login and after the TOTP step; logout ends it', async () => {
  const staff = await signInStaff(server, 'rotator');
  const signedIn = staff.jar.get('sid');
  expect((await staff.get('/staff/tenants')).status).toBe(200);
  // A planted (pre-login) session is replaced, not reused.
  const users = createUsersService({ db: server.db, clock: server.clock, cipher: plainCipher, passwords: testPasswords });
  await users.createAdminUser({ tenantId: await createTenant(server, 'Rot'), username: 'rot-admin', password: 'Quiet-Harbour-Lantern-42' });
  const client = createWebClient(server);
  await client.post('/login', { username: 'rot-admin', password: 'Quiet-Harbour-Lantern-42' });
  const first = client.jar.get('sid');
  await client.post('/login', { username: 'rot-admin', password: 'Quiet-Harbour-Lantern-42' });
  expect(client.jar.get('sid')).not.toBe(first);
  expect(signedIn).not.toBe(first);
  await staff.post('/logout');
  const again = createWebClient(server);
  again.jar.set('sid', signedIn ?? '');
  expect((await again.get('/staff/tenants')).status).toBe(303);
});

test('idle timeout ends the session (injected clock); activity keeps it alive', async () => {
  const staff = await signInStaff(server, 'idler');
  server.clock.advance(20 * 60_000);
  expect((await staff.get('/staff/runs')).status).toBe(200);
  server.clock.advance(20 * 60_000);
  expect((await staff.get('/staff/runs')).status).toBe(200);
  server.clock.advance(31 * 60_000);
  const res = await staff.get('/staff/runs');
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
});

test('logout everywhere ends every session of the user', async () => {
  const tenantId = await createTenant(server, 'Everywhere');
  const one = await signInAdmin(server, tenantId, 'every-admin');
  const two = createWebClient(server);
  await two.post('/login', { username: 'every-admin', password: 'Quiet-Harbour-Lantern-42' });
  expect((await two.get('/admin/status')).status).toBe(200);
  await one.post('/logout-everywhere');
  expect((await two.get('/admin/status')).status).toBe(303);
});

test('a form without the CSRF token, or with another session’s token, is refused', async () => {
  const tenantId = await createTenant(server, 'Csrf Co');
  const admin = await signInAdmin(server, tenantId, 'csrf-admin');
  const other = await signInAdmin(server, tenantId, 'csrf-other');
  expect((await admin.raw('POST', '/admin/sync', { form: {} })).status).toBe(403);
  expect((await admin.raw('POST', '/admin/sync', { form: { _csrf: await other.csrf() } })).status).toBe(403);
  expect((await admin.raw('POST', '/api/v1/tenants/' + tenantId + '/jobs/sync', { json: {} })).status).toBe(403);
  expect((await admin.post('/admin/sync')).status).toBe(303);
});

test(`after ${LOCKOUT.perSource} wrong passwords the user name is paused with a clear message, then signs in again`, async () => {
  const tenantId = await createTenant(server, 'Lock Co');
  await signInAdmin(server, tenantId, 'lock-admin');
  const client = createWebClient(server);
  for (let i = 0; i < LOCKOUT.perSource - 1; i += 1) expect((await client.post('/login', { username: 'lock-admin', password: 'wrong-password-123' })).status).toBe(401);
  const locked = await client.post('/login', { username: 'lock-admin', password: 'wrong-password-123' });
  expect(locked.status).toBe(423);
  expect(await locked.text()).toContain('paused until');
  expect((await client.post('/login', { username: 'lock-admin', password: 'Quiet-Harbour-Lantern-42' })).status).toBe(423);
  server.clock.advance(LOCKOUT.firstPauseMinutes * 60_000);
  expect((await client.post('/login', { username: 'lock-admin', password: 'Quiet-Harbour-Lantern-42' })).status).toBe(303);
});

test('a staff member without the TOTP code is not signed in', async () => {
  const users = createUsersService({ db: server.db, clock: server.clock, cipher: plainCipher, passwords: testPasswords });
  const { initialPassword } = await users.createStaffUser('half-way');
  const client = createWebClient(server);
  const res = await client.post('/login', { username: 'half-way', password: initialPassword });
  expect(res.headers.get('location')).toMatch(/^\/login\/totp/);
  expect((await client.get('/staff/tenants')).status).toBe(303);
  expect((await client.post('/login/totp', { code: '000000' })).status).toBe(401);
});

test('security headers: strict CSP, request ID, body size limit, JSON 404 for the API', async () => {
  const res = await fetch(`${server.url}/login`);
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const big = await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'a'.repeat(200_000) }) });
  expect(big.status).toBe(413);
  const missing = await fetch(`${server.url}/api/v1/nothing-here`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  const page = await fetch(`${server.url}/nothing-here`);
  expect(page.status).toBe(404);
  expect(await page.text()).toContain('Not found');
});

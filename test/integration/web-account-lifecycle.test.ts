import { RESET_MINUTES } from '../../src/auth/accounts.service';
import { LOCKOUT } from '../../src/auth/login-throttle';
import { sha256 } from '../../src/auth/tokens';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, createWebClient, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

const PASSWORD = 'Quiet-Harbour-Lantern-42';
const NEW_PASSWORD = 'Amber-Orchard-Compass-77';

let server: TestServer;
let staff: Awaited<ReturnType<typeof signInStaff>>;
beforeAll(async () => {
  server = await startTestServer();
  staff = await signInStaff(server, 'ops-lifecycle');
});
afterAll(async () => server.close());

const userId = async (username: string) => (await server.db.kysely.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const signIn = async (username: string, password: string) => (await createWebClient(server).post('/login', { username, password })).status;
const auditOf = (action: string) => server.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
/** A signed-in client still reaches its admin pages; a dead session is sent to the sign-in page. */
const alive = async (client: WebClient) => (await client.get('/admin/status')).status === 200;

test('an admin changes the password with the current one; other sessions end, this one stays', async () => {
  const tenantId = await createTenant(server, 'Change Co');
  const admin = await signInAdmin(server, tenantId, 'change-admin');
  const other = createWebClient(server);
  await other.post('/login', { username: 'change-admin', password: PASSWORD });
  expect(await alive(other)).toBe(true);

  const wrong = await admin.post('/account/password', { current: 'not-the-password', password: NEW_PASSWORD, confirm: NEW_PASSWORD });
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).toContain('current password is not right');
  const weak = await admin.post('/account/password', { current: PASSWORD, password: 'password1234', confirm: 'password1234' });
  expect(weak.status).toBe(400);
  expect(await weak.text()).toContain('too common');
  expect(await signIn('change-admin', PASSWORD)).toBe(303);

  const done = await admin.post('/account/password', { current: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
  expect(done.status).toBe(200);
  expect(await alive(admin)).toBe(true);
  expect(await alive(other)).toBe(false);
  expect(await signIn('change-admin', PASSWORD)).toBe(401);
  expect(await signIn('change-admin', NEW_PASSWORD)).toBe(303);
  const [event] = await auditOf('auth.password-changed');
  expect(event).toMatchObject({ actor_type: 'admin', actor_id: await userId('change-admin'), tenant_id: tenantId, object_id: await userId('change-admin') });
});

test('staff change their own password the same way', async () => {
  expect((await staff.get('/account/password')).status).toBe(200);
  expect((await staff.post('/account/password', { current: 'wrong-one-entirely', password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(400);
  expect((await staff.post('/account/password', { current: staff.password, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(200);
  const next = await createWebClient(server).post('/login', { username: 'ops-lifecycle', password: NEW_PASSWORD });
  expect(next.headers.get('location')).toMatch(/^\/login\/totp/);
  staff.password = NEW_PASSWORD;
});

test('an admin disables and re-enables another admin with the password; the disabled one is signed out and cannot sign in', async () => {
  const tenantId = await createTenant(server, 'Disable Co');
  const first = await signInAdmin(server, tenantId, 'first-admin');
  const second = await signInAdmin(server, tenantId, 'second-admin');
  const target = await userId('second-admin');
  expect(await (await first.get('/admin/users')).text()).toContain('second-admin');

  expect((await first.post(`/admin/users/${target}`, { action: 'disable', password: 'not-the-password' })).status).toBe(400);
  expect(await alive(second)).toBe(true);
  expect((await first.post(`/admin/users/${target}`, { action: 'disable', password: PASSWORD })).status).toBe(303);
  expect(await alive(second)).toBe(false);
  // A disabled account answers like an unknown name.
  expect(await signIn('second-admin', PASSWORD)).toBe(401);
  expect((await first.post(`/admin/users/${target}`, { action: 'enable', password: PASSWORD })).status).toBe(303);
  expect(await signIn('second-admin', PASSWORD)).toBe(303);
  expect((await auditOf('user.disabled')).filter((e) => e.object_id === target)).toHaveLength(1);
  expect((await auditOf('user.enabled')).filter((e) => e.object_id === target)).toHaveLength(1);
});

test('the last active admin cannot disable or remove itself; another admin can be removed and its session ends', async () => {
  const tenantId = await createTenant(server, 'Last Co');
  const keeper = await signInAdmin(server, tenantId, 'keeper-admin');
  const leaver = await signInAdmin(server, tenantId, 'leaver-admin');
  const leaverId = await userId('leaver-admin');
  const keeperId = await userId('keeper-admin');

  expect((await keeper.post(`/admin/users/${leaverId}`, { action: 'remove', password: PASSWORD })).status).toBe(303);
  expect(await alive(leaver)).toBe(false);
  expect(await server.db.kysely.selectFrom('users').select('id').where('id', '=', leaverId).executeTakeFirst()).toBeUndefined();

  for (const action of ['disable', 'remove']) {
    const refused = await keeper.post(`/admin/users/${keeperId}`, { action, password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('last active admin');
  }
  expect(await alive(keeper)).toBe(true);
  expect(await auditOf('user.removed')).toEqual([expect.objectContaining({ actor_id: keeperId, object_id: leaverId, tenant_id: tenantId })]);
});

test('two admins removing each other at the same moment leave one of them', async () => {
  const tenantId = await createTenant(server, 'Duel Co');
  const one = await signInAdmin(server, tenantId, 'duel-one');
  const two = await signInAdmin(server, tenantId, 'duel-two');
  const [oneId, twoId] = [await userId('duel-one'), await userId('duel-two')];
  const forms = await Promise.all([one.csrf(), two.csrf()]);
  const answers = await Promise.all([
    one.raw('POST', `/admin/users/${twoId}`, { form: { _csrf: forms[0], action: 'remove', password: PASSWORD } }),
    two.raw('POST', `/admin/users/${oneId}`, { form: { _csrf: forms[1], action: 'remove', password: PASSWORD } }),
  ]);
  // The loser may have lost its own account (and session) first, or been refused as the last admin.
  expect(answers.filter((a) => a.status === 303 && a.headers.get('location') === '/admin/users')).toHaveLength(1);
  expect(await server.db.kysely.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('disabled_at', 'is', null).execute()).toHaveLength(1);
});

test("an admin cannot reach another tenant's admins", async () => {
  const tenantA = await createTenant(server, 'Tenant A');
  const tenantB = await createTenant(server, 'Tenant B');
  await signInAdmin(server, tenantA, 'alpha-one');
  const beta = await signInAdmin(server, tenantB, 'beta-one');
  const alphaId = await userId('alpha-one');
  expect(await (await beta.get('/admin/users')).text()).not.toContain('alpha-one');
  expect((await beta.post(`/admin/users/${alphaId}`, { action: 'disable', password: PASSWORD })).status).toBe(404);
  expect(await signIn('alpha-one', PASSWORD)).toBe(303);
});

test('an operator-issued reset link: shown once, stored hashed, ends sessions at once, works once, expires', async () => {
  const tenantId = await createTenant(server, 'Reset Co');
  const admin = await signInAdmin(server, tenantId, 'reset-admin');
  const target = await userId('reset-admin');
  const staffPassword = staff.password;

  expect((await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'reset', password: 'not-the-password' })).status).toBe(400);
  expect(await alive(admin)).toBe(true);
  const issued = await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'reset', password: staffPassword });
  expect(issued.status).toBe(200);
  const url = /<code class="secret">([^<]+)<\/code>/.exec(await issued.text())?.[1] ?? '';
  const token = url.split('/reset/')[1] ?? '';
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await alive(admin)).toBe(false);
  const stored = await server.db.kysely.selectFrom('password_resets').selectAll().where('user_id', '=', target).execute();
  expect(stored.map((r) => r.token_hash)).toEqual([sha256(token)]);
  expect(await (await staff.get(`/staff/tenants/${tenantId}/admins`)).text()).not.toContain(token);

  const user = createWebClient(server);
  expect(await (await user.get(`/reset/${token}`)).text()).toContain('value="reset-admin"');
  expect((await user.post(`/reset/${token}`, { password: 'password1234', confirm: 'password1234' })).status).toBe(400);
  const done = await user.post(`/reset/${token}`, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe('/login');
  expect(await signIn('reset-admin', PASSWORD)).toBe(401);
  expect(await signIn('reset-admin', NEW_PASSWORD)).toBe(303);
  expect((await user.get(`/reset/${token}`)).status).toBe(404);
  expect((await user.post(`/reset/${token}`, { password: PASSWORD, confirm: PASSWORD })).status).toBe(404);

  const again = await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'reset', password: staffPassword });
  const late = (/<code class="secret">[^<]*\/reset\/([^<]+)<\/code>/.exec(await again.text())?.[1]) ?? '';
  server.clock.advance((RESET_MINUTES + 1) * 60_000);
  expect((await createWebClient(server).get(`/reset/${late}`)).status).toBe(404);

  const issuedEvents = await auditOf('auth.password-reset-issued');
  expect(issuedEvents.filter((e) => e.object_id === target)).toHaveLength(2);
  expect(issuedEvents[0]).toMatchObject({ actor_type: 'staff', actor_id: await userId('ops-lifecycle'), tenant_id: tenantId });
  expect(await auditOf('auth.password-reset')).toEqual([expect.objectContaining({ actor_id: target, tenant_id: tenantId, object_type: 'password_reset' })]);
  expect(JSON.stringify([...issuedEvents, ...(await auditOf('auth.password-reset'))])).not.toMatch(/reset-admin|ops-lifecycle/);
  // The hour also ended the operator's idle session: the next tests sign in afresh.
  staff = await signInStaff(server, 'ops-lifecycle-later');
});

test('an operator unlocks a paused user name; the admin signs in at once', async () => {
  const tenantId = await createTenant(server, 'Unlock Co');
  await signInAdmin(server, tenantId, 'paused-admin');
  const target = await userId('paused-admin');
  for (let i = 0; i < LOCKOUT.perSource; i += 1) await signIn('paused-admin', 'wrong-password-123');
  expect(await signIn('paused-admin', PASSWORD)).toBe(423);
  expect(await (await staff.get(`/staff/tenants/${tenantId}/admins`)).text()).toContain('paused until');
  expect((await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'unlock' })).status).toBe(303);
  expect(await signIn('paused-admin', PASSWORD)).toBe(303);
  expect(await auditOf('auth.unlocked')).toEqual([expect.objectContaining({ actor_id: staff.userId, object_id: target, tenant_id: tenantId })]);
});

test('an operator disables an admin, whose session ends, and enables it again', async () => {
  const tenantId = await createTenant(server, 'Staff Disable Co');
  const admin = await signInAdmin(server, tenantId, 'solo-admin');
  const target = await userId('solo-admin');
  const { password } = staff;
  expect((await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'disable', password })).status).toBe(303);
  expect(await alive(admin)).toBe(false);
  expect(await signIn('solo-admin', PASSWORD)).toBe(401);
  expect((await staff.post(`/staff/tenants/${tenantId}/admins/${target}`, { action: 'enable', password })).status).toBe(303);
  expect(await signIn('solo-admin', PASSWORD)).toBe(303);
});

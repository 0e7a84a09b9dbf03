import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../../src/auth/totp';
import { createUsersService } from '../../src/auth/users.service';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { systemClock } from '../../src/clock';
import { secretName } from '../../src/secrets/secret-store';
import { createErpVerifier } from '../../src/tenants/erp-verifier';
import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { launchChromium } from '../fakes/chromium';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createTestSsrfGuard, plainCipher, startTestServer, testPasswords, type TestServer } from '../fakes/web-app';
import { createRealPipelinePorts } from '../fakes/web-pipeline';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'web');

const ERP_CLIENT_ID = 'browser-erp-client';
const ERP_SECRET = 'browser-Erp-Secret-0123456789';
const company = generateCompany({ seed: 11, employees: 24, months: 1, endDate: '2026-02-27' });

let sim: Simulator;
let server: TestServer;
let browser: Browser;
let pipeline: ReturnType<typeof createRealPipelinePorts>;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = await startSimulator({ company, clientId: ERP_CLIENT_ID, clientSecret: ERP_SECRET });
  // The connector page verifies against the real simulator through the real guard and verifier.
  const ssrf = createTestSsrfGuard();
  server = await startTestServer({
    ssrf,
    verifyConnection: createErpVerifier({ erp: createErpRegistry(erpAdapters), ssrf, clock: systemClock, logger: createMemoryLogger(), timeoutMs: 5_000 }),
    // "Run sync now" and the email preview go through the real job system, sync, insights and renderer.
    pipeline: (env) => (pipeline = createRealPipelinePorts(env, path.join(ARTIFACTS, 'outbox'))),
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sim?.close();
});

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

test('staff creates a tenant and invites an admin; the admin connects the ERP, syncs and previews an email', async () => {
  const users = createUsersService({ db: server.db, clock: server.clock, cipher: plainCipher, passwords: testPasswords });
  const { enrolment, initialPassword } = await users.createStaffUser('ops-browser');

  const staff = await newPage();
  await staff.goto(`${server.url}/login`);
  await shot(staff, '01-login');
  await staff.fill('input[name=username]', 'ops-browser');
  await staff.fill('input[name=password]', initialPassword);
  await staff.click('button:has-text("Continue")');
  await staff.fill('input[name=code]', totpCode(enrolment.secret, server.clock.now()));
  await staff.click('button:has-text("Sign in")');
  await staff.waitForURL(/\/staff\/tenants$/);
  await staff.click('text=New tenant');
  await staff.fill('input[name=displayName]', 'Browser Oy');
  await staff.fill('input[name=contractStart]', '2026-01-01');
  await shot(staff, '02-tenant-new');
  await staff.click('button:has-text("Create tenant")');
  await staff.waitForURL(/\/staff\/tenants\/[0-9a-f-]{36}$/);
  const tenantId = staff.url().split('/').pop() ?? '';
  await staff.fill('input[name=username]', 'browser-admin');
  await staff.click('button:has-text("Invite an admin")');
  const inviteUrl = ((await staff.textContent('code.secret')) ?? '').trim();
  expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await shot(staff, '03-tenant-invite');

  const person = company.users[0];
  if (!person) throw new Error('the simulated company has no users');

  const admin = await newPage();
  await admin.goto(inviteUrl.replace('http://127.0.0.1', server.url));
  expect(await admin.inputValue('input[name=username]')).toBe('browser-admin');
  await admin.fill('input[name=password]', 'password1234');
  await admin.fill('input[name=confirm]', 'password1234');
  await admin.click('button:has-text("Create account")');
  expect(await admin.textContent('.alert.error')).toContain('too common');
  // The refused form answers 400 on purpose; chromium logs that as a failed resource.
  expect(problems.splice(0)).toEqual([expect.stringContaining('status of 400')]);
  await admin.fill('input[name=password]', 'Quiet-Harbour-Lantern-42');
  await admin.fill('input[name=confirm]', 'Quiet-Harbour-Lantern-42');
  await admin.click('button:has-text("Create account")');
  await admin.waitForURL(/\/admin\/status$/);
  await shot(admin, '04-admin-status-empty');

  await admin.click('nav >> text=ERP connector');
  await admin.fill('input[name=baseUrl]', sim.url);
  await admin.fill('input[name=clientId]', ERP_CLIENT_ID);
  await admin.fill('input[name=clientSecret]', 'not-the-erp-secret');
  await admin.click('button:has-text("Test and save")');
  expect(await admin.textContent('.alert.error')).toContain('did not accept this client ID and secret');
  expect(problems.splice(0)).toEqual([expect.stringContaining('status of 400')]);
  await shot(admin, '05-admin-connector-refused');
  await admin.fill('input[name=clientSecret]', ERP_SECRET);
  await admin.click('button:has-text("Test and save")');
  expect(await admin.textContent('.alert.ok')).toContain(`verified (${company.users.length} users readable)`);
  expect(await admin.content()).not.toContain(ERP_SECRET);
  expect(JSON.parse((await server.secrets.get(secretName('erp', tenantId))) ?? '{}')).toEqual({ clientId: ERP_CLIENT_ID, clientSecret: ERP_SECRET });
  await shot(admin, '05-admin-connector');

  await admin.click('nav >> text=Status');
  await admin.click('button:has-text("Run sync now")');
  // The POST answers with a redirect; reloading before it has landed races the navigation.
  await admin.waitForURL('**/admin/status?queued=1', { waitUntil: 'load' });
  const runs = await server.db.kysely.selectFrom('job_runs').select(['job', 'state']).where('tenant_id', '=', tenantId).execute();
  expect(runs).toEqual([{ job: 'sync', state: 'succeeded' }]);
  expect(await server.db.kysely.selectFrom('people').select('erp_person_id').where('erp_person_id', '=', person.guid).executeTakeFirst()).toBeDefined();
  // The scheduled insights job has no button; it runs as the schedule would.
  await pipeline.jobs.enqueueNow('insights', tenantId);
  await admin.reload();
  expect(await admin.textContent('table')).toContain('succeeded');
  await shot(admin, '06-admin-status-run');

  await admin.click('nav >> text=Settings');
  await shot(admin, '07-admin-settings');
  await admin.click('button:has-text("Save settings")');
  expect(await admin.textContent('.alert.ok')).toContain('saved');

  await admin.click('nav >> text=Email preview');
  await admin.fill('input[name=person]', person.guid);
  await admin.click('button:has-text("Preview")');
  const frame = admin.frameLocator('iframe.preview');
  // The real email: the first name comes from the ERP at preview time, in the person's language.
  expect(await frame.locator('body').textContent()).toContain(person.personal.firstName);
  expect(await admin.textContent('body')).not.toContain(person.personal.email);
  await shot(admin, '08-admin-preview');

  await admin.click('nav >> text=Security');
  await admin.fill('form[action="/admin/security/totp/start"] input[name=password]', 'Quiet-Harbour-Lantern-42');
  await admin.click('button:has-text("Set up two-step sign-in")');
  const totpSecret = ((await admin.locator('code.secret').first().textContent()) ?? '').trim();
  await admin.fill('input[name=code]', totpCode(totpSecret, server.clock.now()));
  await shot(admin, '09-admin-security-enrol');
  await admin.click('button:has-text("Turn on two-step sign-in")');
  expect(await admin.textContent('.alert.ok')).toContain('Two-step sign-in is on');

  await staff.click('nav >> text=Job runs');
  await shot(staff, '10-staff-runs');
  // The sync the admin started: its page shows what the worker and the ERP client logged during it.
  await staff.click(`a[href^="/staff/runs/"]:text-is("sync")`);
  await staff.waitForURL(/\/staff\/runs\/[0-9a-f-]{36}$/);
  expect(await staff.textContent('table.log')).toContain('Job run succeeded');
  expect(await staff.textContent('table.log')).not.toContain(person.personal.email);
  await shot(staff, '10-staff-run');
  await staff.click('nav >> text=Overview');
  expect(await staff.textContent('table.health')).toContain('Browser Oy');
  expect(await staff.locator('svg.chart').count()).toBe(2);
  await shot(staff, '10-staff-overview');
  await staff.click('nav >> text=Audit log');
  await shot(staff, '11-staff-audit');

  const audit = await server.db.kysely.selectFrom('audit_events').selectAll().execute();
  const actions = audit.map((a) => a.action);
  for (const a of ['auth.login', 'tenant.created', 'invite.created', 'invite.accepted', 'connector.rejected', 'connector.saved', 'job.enqueued', 'settings.updated', 'email.previewed', 'auth.totp-enabled']) expect(actions).toContain(a);
  expect(audit.find((a) => a.action === 'connector.saved')?.details_json).toBe(JSON.stringify({ usersSeen: company.users.length }));
  const auditText = JSON.stringify(audit);
  expect(auditText).not.toMatch(/browser-admin|ops-browser|@/);
  expect(auditText).not.toContain(ERP_SECRET);
  expect(auditText).not.toContain('not-the-erp-secret');
  for (const u of company.users) for (const v of [`${u.personal.firstName} ${u.personal.lastName}`, u.personal.lastName, u.personal.email]) expect(auditText).not.toContain(v);
  expect(problems).toEqual([]);
});

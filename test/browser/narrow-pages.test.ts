/**
 * Every admin and staff page at a phone's width (390 CSS px): the page itself never scrolls sideways.
 * Wide tables scroll inside their own container. Pages are found from the navigation, so a page added
 * to the menu is checked too, plus the detail pages the menu does not list.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../fakes/chromium';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'narrow');
const WIDTH = 390;
const LONG_ID = 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

let server: TestServer;
let browser: Browser;
let tenantId: string;
let staff: WebClient;
let admin: WebClient;
const problems: string[] = [];

async function seed(): Promise<void> {
  const k = server.db.kysely;
  const at = '2026-03-02T07:00:00.000Z';
  await k.insertInto('people').values({ tenant_id: tenantId, erp_person_id: LONG_ID, employment_start: '2024-01-01', employment_end: '2026-03-31', language: 'fi', country: 'FI', manager_id: null, is_active: 1, restricted: 0, updated_at: at }).execute();
  const counters = { requests: 1234, retries: 12, rateLimited: 3, people: 240, entries: 51234, rows: 7000, 'skipped.workhours.impossible-date': 2, 'skipped.absences.unknown-user': 4, 'assumed.workcontracts.default-workweek': 9 };
  await k.insertInto('job_runs').values(['succeeded', 'dead', 'retrying'].map((state, i) => ({
    id: `${LONG_ID.slice(0, 30)}-run${i}`, job: 'sync', tenant_id: tenantId, slot: `2026-03-0${i + 1}`, state, attempts: i + 1, run_after: at, lease_owner: null, lease_expires_at: null,
    started_at: at, finished_at: state === 'retrying' ? null : at, duration_ms: 123_456, counters_json: JSON.stringify(counters), checkpoint_json: null,
    error_class: state === 'succeeded' ? null : 'ErpRefusedError', error_message: state === 'succeeded' ? null : 'ERP refused /v1/workhours (403): the API client lacks a read scope or an add-on. The ERP said: "Forbidden: Scope hours:read is required".',
    created_at: `2026-03-02T07:0${i}:00.000Z`, updated_at: at,
  }))).execute();
  await k.insertInto('job_run_logs').values({ run_id: `${LONG_ID.slice(0, 30)}-run1`, attempt: 1, seq: 1, tenant_id: tenantId, at, level: 'warn', message: 'erp request retried', meta_json: JSON.stringify({ component: 'severa-client', path: `/v1/users/${LONG_ID}/workcontracts`, status: 429, waitMs: 1200 }) }).execute();
  await k.insertInto('deliveries').values({ id: `${LONG_ID}-d`, tenant_id: tenantId, erp_person_id: LONG_ID, period: '2026-W09', kind: 'digest', state: 'unknown', attempts: 1, provider_message_id: null, reason: 'connection reset after the request was sent', created_at: at, updated_at: at, sent_at: null }).execute();
  await k.insertInto('email_suppressions').values({ tenant_id: tenantId, erp_person_id: LONG_ID, reason: 'bounce', delivery_id: `${LONG_ID}-d`, created_at: at }).execute();
  await k.insertInto('workers').values({ id: 'worker-host-with-a-long-name-7f9c2b-12345', started_at: at, heartbeat_at: at, stopped_at: null, concurrency: 4, active: 1, jobs: 'sync,insights,deliver' }).execute();
  await k.insertInto('tenant_calendars').values({ tenant_id: tenantId, source: 'public', reason: 'no-access', holidays_json: '[]', updated_at: at }).execute();
  server.ports.purges.push({ tenantId, scope: 'person', subjectId: LONG_ID, dueDate: '2026-09-30' });
  await admin.post('/admin/api-keys');
}

/** A browser context signed in with the session a web client holds. */
async function contextFor(client: WebClient, locale = 'en-GB'): Promise<BrowserContext> {
  // The locale sets Accept-Language: Finnish words are longer than English ones.
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 1, locale });
  await context.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: server.url })));
  return context;
}

async function navLinks(context: BrowserContext, start: string): Promise<string[]> {
  const page = await context.newPage();
  await page.goto(server.url + start);
  const hrefs = await page.$$eval('header nav a', (links) => links.map((a) => a.getAttribute('href') ?? ''));
  await page.close();
  return hrefs;
}

/** The page's own width, and the widest element that does not sit inside a scroll container. */
async function measure(context: BrowserContext, pathname: string): Promise<{ scrollWidth: number; status: number; culprit: string }> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${pathname}: ${m.text()}`);
  });
  const res = await page.goto(server.url + pathname);
  const locale = await page.$eval('html', (html) => html.lang);
  await page.screenshot({ path: path.join(ARTIFACTS, `${locale}${pathname.replace(/[^a-z0-9]+/gi, '_')}.png`), fullPage: true });
  const scrollWidth = await page.$eval('html', (html) => html.scrollWidth);
  const culprit = await page.$$eval(
    'body *',
    (elements, width) => {
      const wide = elements.filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.table-scroll'));
      const innermost = wide[wide.length - 1];
      return innermost ? `${innermost.tagName.toLowerCase()}.${innermost.className}` : '';
    },
    WIDTH,
  );
  await page.close();
  return { scrollWidth, culprit, status: res?.status() ?? 0 };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startTestServer();
  tenantId = await createTenant(server, 'Pohjoisen Rakennus- ja Kiinteistöpalvelut Oy');
  staff = await signInStaff(server, 'ops-narrow');
  admin = await signInAdmin(server, tenantId, 'narrow-admin');
  await seed();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test.each(['en-GB', 'fi-FI', 'sv-FI'])('every staff page fits 390 px (%s)', async (locale) => {
  const context = await contextFor(staff, locale);
  const pages = [...new Set([...(await navLinks(context, '/staff/overview')), '/staff/tenants/new', `/staff/tenants/${tenantId}`, `/staff/runs/${LONG_ID.slice(0, 30)}-run1`, `/staff/tenants/${tenantId}/admins`, '/account/password'])];
  expect(pages).toEqual(expect.arrayContaining(['/staff/overview', '/staff/runs', '/staff/tenants', '/staff/deliveries', '/staff/purges', '/staff/audit']));
  const results = await Promise.all(pages.map(async (p) => [p, await measure(context, p)] as const));
  expect(results.filter(([, r]) => r.status !== 200 || r.scrollWidth > WIDTH).map(([p, r]) => `${p}: ${r.status}, ${r.scrollWidth} px wide (${r.culprit})`)).toEqual([]);
  expect(problems).toEqual([]);
});

test.each(['en-GB', 'fi-FI', 'sv-FI'])('every admin page fits 390 px (%s)', async (locale) => {
  const context = await contextFor(admin, locale);
  const pages = [...new Set([...(await navLinks(context, '/admin/status')), `/admin/preview?person=${LONG_ID}`, '/admin/users', '/account/password'])];
  expect(pages).toEqual(expect.arrayContaining(['/admin/status', '/admin/connector', '/admin/settings', '/admin/preview', '/admin/dsr', '/admin/api-keys', '/admin/audit', '/admin/security']));
  const results = await Promise.all(pages.map(async (p) => [p, await measure(context, p)] as const));
  expect(results.filter(([, r]) => r.status !== 200 || r.scrollWidth > WIDTH).map(([p, r]) => `${p}: ${r.status}, ${r.scrollWidth} px wide (${r.culprit})`)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the sign-in pages fit 390 px', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 } });
  const r = await measure(context, '/login');
  expect({ status: r.status, fits: r.scrollWidth <= WIDTH, culprit: r.culprit }).toEqual({ status: 200, fits: true, culprit: '' });
});

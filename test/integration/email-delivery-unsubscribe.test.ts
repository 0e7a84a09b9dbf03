import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';
import { createAuditLog } from '../../src/audit/audit.service';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createFileOutbox } from '../../src/email/file-outbox';
import { createPreferencesService } from '../../src/email/preferences.service';
import { renderInsightEmail } from '../../src/email/render';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { createEmployeeRouter } from '../../src/web/employee.routes';
import { addressOf, fakeRecipients, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createTestDb } from '../fakes/test-db';

const PERIOD = '2026-W47';
const clock = fixedClock(new Date('2026-11-23T05:00:00.000Z'));
const signer = createTokenSigner({ secret: SIGNING_SECRET, clock });

/** Links in the emails point here; the requests go to the app in-process. */
const BASE = 'https://insights.example';

let db: Db;
let dir: string;
let app: Express;

beforeEach(async () => {
  db = await createTestDb();
  dir = await mkdtemp(path.join(tmpdir(), 'unsubscribe-'));
  await seedDeliveryData(db, PERIOD, [{ id: 'p1', language: 'fi' }, { id: 'p2' }]);
  const preferences = createPreferencesService({ db, clock, audit: createAuditLog({ db, clock }) });
  app = express();
  app.use(createEmployeeRouter({ signer, preferences, logger: createMemoryLogger() }));
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const deliveries = () =>
  createDeliveryService({
    db,
    clock,
    logger: createMemoryLogger(),
    renderer: renderInsightEmail,
    transport: createFileOutbox({ dir, clock }),
    signer,
    publicBaseUrl: BASE,
    concurrency: 2,
  });
const erp = () => fakeRecipients({ p1: { email: addressOf('p1') }, p2: { email: addressOf('p2') } });

/** What a mail provider does for RFC 8058: a bare POST, no cookies, no CSRF token. */
const oneClick = (path: string) => request(app).post(path).type('form').send('List-Unsubscribe=One-Click');

test('the List-Unsubscribe link of a sent email unsubscribes with one POST, idempotently, and the next run skips the person', async () => {
  const first = await deliveries().deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() });
  expect(first.sent).toBe(2);
  const row = await db.kysely.selectFrom('deliveries').selectAll().where('erp_person_id', '=', 'p1').executeTakeFirstOrThrow();
  const eml = await readFile(path.join(dir, `${row.id}.eml`), 'utf8');
  const url = /^List-Unsubscribe: <([^>]+)>/m.exec(eml)?.[1];
  expect(url).toMatch(new RegExp(`^${BASE}/u/`));
  const link = new URL(url as string).pathname;

  const res = await oneClick(link);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ unsubscribed: true, changed: true });
  expect(res.headers['cache-control']).toBe('no-store');
  const again = await oneClick(link);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ unsubscribed: true, changed: false });

  const next = await deliveries().deliverPeriod({ tenant: TENANT, period: '2026-W48', erp: erp() });
  expect(next.skipped.unsubscribed).toBe(1);
  const audit = await db.kysely.selectFrom('audit_events').selectAll().execute();
  expect(audit.map((a) => [a.actor_type, a.actor_id, a.action])).toEqual([['employee', 'p1', 'email.unsubscribe']]);
  expect(JSON.stringify(audit)).not.toContain('@');
});

test('tampered, expired or wrong-purpose tokens are refused with a 400 JSON error and change nothing', async () => {
  const good = signer.sign({ tenantId: TENANT.id, personId: 'p1', purpose: 'unsubscribe', ttlDays: 1 });
  const [body, mac] = good.split('.') as [string, string];
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: 'p2' })).toString('base64url');
  const preferencesToken = signer.sign({ tenantId: TENANT.id, personId: 'p1', purpose: 'preferences', ttlDays: 1 });
  const expectRefused = async (token: string) => {
    const res = await oneClick(`/u/${token}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation', message: 'Invalid or expired link' });
  };
  const tamperedMac = `${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
  for (const token of [`${forged}.${mac}`, `${body}.${tamperedMac}`, preferencesToken, 'garbage', `${good}x`]) await expectRefused(token);

  clock.advance(2 * 24 * 60 * 60 * 1000);
  try {
    await expectRefused(good);
  } finally {
    clock.advance(-2 * 24 * 60 * 60 * 1000);
  }
  expect(await db.kysely.selectFrom('email_preferences').selectAll().execute()).toEqual([]);
  // Unexpired and untouched, the same token works: the refusals above were about the token itself.
  expect((await oneClick(`/u/${good}`)).status).toBe(200);
  const page = await request(app).get('/u/garbage');
  expect(page.status).toBe(400);
  expect(page.text).toContain('This link does not work');
});

test('the confirmation page is a plain form in the person’s language; a browser POST gets a page with a preferences link', async () => {
  const token = signer.sign({ tenantId: TENANT.id, personId: 'p1', purpose: 'unsubscribe', ttlDays: 30 });
  const page = await request(app).get(`/u/${token}`);
  const html = page.text;
  expect(page.status).toBe(200);
  expect(html).toContain('<html lang="fi">');
  expect(html).toContain(`<form method="post" action="/u/${token}">`);
  expect(html).not.toMatch(/<script|style=/i);
  // GET alone (link scanners) must not unsubscribe.
  expect(await db.kysely.selectFrom('email_preferences').selectAll().execute()).toEqual([]);

  const done = await request(app).post(`/u/${token}`).set('accept', 'text/html').type('form').send('');
  expect(done.status).toBe(200);
  expect(done.text).toContain('Tilaus on peruttu');
  const link = /href="(\/p\/[^"]+)"/.exec(done.text)?.[1];
  expect((await request(app).get(link as string)).status).toBe(200);
});

test('the preferences page shows and saves frequency and language, and delivery follows the choice', async () => {
  const token = signer.sign({ tenantId: TENANT.id, personId: 'p2', purpose: 'preferences', ttlDays: 30 });
  const before = (await request(app).get(`/p/${token}`)).text;
  expect(before).toContain('<html lang="en">');
  expect(before).toMatch(/value="weekly" checked/);

  const save = await request(app).post(`/p/${token}`).type('form').send('frequency=monthly&language=sv');
  expect(save.status).toBe(303);
  expect(save.headers.location).toBe(`/p/${token}?saved=1`);
  const after = (await request(app).get(`/p/${token}?saved=1`)).text;
  expect(after).toContain('<html lang="sv">');
  expect(after).toMatch(/value="monthly" checked/);
  expect(after).toMatch(/value="sv" selected/);
  expect(after).toContain('Dina val har sparats.');

  const bad = await request(app).post(`/p/${token}`).type('form').send('frequency=hourly');
  expect(bad.status).toBe(400);

  const result = await deliveries().deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() });
  expect(result).toMatchObject({ sent: 1, skipped: { monthly: 1 } });
});

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { chooseLanguage, createDeliveryService, isFirstDigestOfMonth } from '../../src/email/delivery.service';
import { EmailSendError } from '../../src/email/errors';
import { createFileOutbox, readOutboxIndex, readOutboxMessages } from '../../src/email/file-outbox';
import { createInsightEmailRenderer } from '../../src/email/render';
import { sampleInsights } from '../../src/email/sample';
import type { EmailTransport } from '../../src/email/transport';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { replaceInsights } from '../../src/insights/insights.repo';
import { addressOf, emailsPerPerson, fakeRecipients, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createTestDb } from '../fakes/test-db';

const PERIOD = '2026-W47';
const renderer = createInsightEmailRenderer();

let db: Db;
let dir: string;
const clock = fixedClock(new Date('2026-11-23T05:00:00.000Z'));

beforeEach(async () => {
  db = await createTestDb();
  dir = await mkdtemp(path.join(tmpdir(), 'delivery-'));
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(opts: { transport?: EmailTransport; sleeps?: number[] } = {}) {
  const logger = createMemoryLogger();
  const outbox = createFileOutbox({ dir, clock });
  const sleeps = opts.sleeps ?? [];
  const service = createDeliveryService({
    db,
    clock,
    logger,
    renderer,
    transport: opts.transport ?? outbox,
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock }),
    publicBaseUrl: 'https://insights.example.test/',
    concurrency: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    retry: { baseDelayMs: 100, maxAttempts: 3 },
  });
  return { service, outbox, logger, sleeps };
}

const everyoneReachable = (ids: string[]) => fakeRecipients(Object.fromEntries(ids.map((id) => [id, { email: addressOf(id), firstName: 'Aino' }])));

/** Fails selected addresses in programmable ways, otherwise passes the message on. */
function flakyTransport(inner: EmailTransport, plan: Record<string, EmailSendError[]>): EmailTransport & { attempts: string[] } {
  const attempts: string[] = [];
  return {
    attempts,
    async send(msg) {
      attempts.push(msg.to);
      const next = plan[msg.to]?.shift();
      if (next) throw next;
      return inner.send(msg);
    },
  };
}

test('every eligible recipient gets exactly one email and each skip is counted by reason', async () => {
  await seedDeliveryData(db, PERIOD, [
    { id: 'p1' },
    { id: 'p2', preferredLanguage: 'sv' },
    { id: 'p3' },
    { id: 'p4', restricted: true },
    { id: 'p5', frequency: 'off' },
    { id: 'p6' },
    { id: 'p7' },
    { id: 'p8', insights: false },
  ]);
  const erp = fakeRecipients({
    p1: { email: addressOf('p1') },
    p2: { email: addressOf('p2'), language: 'fi' },
    p3: { email: addressOf('p3') },
    p4: { email: addressOf('p4') },
    p5: { email: addressOf('p5') },
    p6: null,
    p7: { email: null },
    p8: { email: addressOf('p8') },
  });
  const { service, logger } = setup();

  const result = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp });

  expect(result).toEqual({ sent: 3, skipped: { restricted: 1, unsubscribed: 1, 'no-address': 2, 'nothing-to-say': 1 }, failed: 0, unknown: 0 });
  expect(await emailsPerPerson(db, dir, PERIOD)).toEqual({ p1: 1, p2: 1, p3: 1 });
  // Restricted, unsubscribed and silent people are never looked up in the ERP.
  expect(erp.calls.sort()).toEqual(['p1', 'p2', 'p3', 'p6', 'p7']);

  const rows = await db.kysely.selectFrom('deliveries').selectAll().orderBy('erp_person_id').execute();
  expect(rows.map((r) => [r.erp_person_id, r.state, r.attempts, r.kind])).toEqual([
    ['p1', 'sent', 1, 'weekly'],
    ['p2', 'sent', 1, 'weekly'],
    ['p3', 'sent', 1, 'weekly'],
  ]);
  expect(rows.every((r) => r.provider_message_id === `<${r.id}@localhost>` && r.sent_at !== null)).toBe(true);

  const p2 = rows.find((r) => r.erp_person_id === 'p2');
  const eml = await readFile(path.join(dir, `${p2?.id}.eml`), 'utf8');
  expect(eml).toMatch(/^List-Unsubscribe: <https:\/\/insights\.example\.test\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>\r?$/m);
  expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  expect(eml).toContain(`X-Tenant-Id: ${TENANT.id}`);
  expect(eml).not.toContain(addressOf('p1'));
  // The person's own language choice wins over the ERP's: the Swedish subject is the one sent.
  const sv = renderer.render({
    insights: sampleInsights({ tenantId: TENANT.id, recipientId: 'p2', period: PERIOD }),
    firstName: 'x', language: 'sv', tenantName: TENANT.displayName, period: PERIOD, timezone: TENANT.timezone,
    preferencesUrl: 'https://x.test/p', unsubscribeUrl: 'https://x.test/u',
  });
  const entry = (await readOutboxIndex(dir)).find((e) => e.deliveryId === p2?.id);
  expect(entry?.subjectSha256).toBe(createHash('sha256').update(sv.subject).digest('hex'));

  const logged = JSON.stringify(logger.records);
  for (const id of ['p1', 'p2', 'p3', 'p4', 'p5', 'p8']) expect(logged).not.toContain(addressOf(id));
  expect(logged).not.toContain('Aino');
});

test('a second run of the same period sends nothing new', async () => {
  const ids = ['p1', 'p2', 'p3', 'p4'];
  await seedDeliveryData(db, PERIOD, ids.map((id) => ({ id })));
  const { service } = setup();
  const first = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(ids) });
  const erp = everyoneReachable(ids);
  const second = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp });

  expect(first.sent).toBe(4);
  expect(second).toEqual({ sent: 0, skipped: { 'already-sent': 4 }, failed: 0, unknown: 0 });
  expect(erp.calls).toEqual([]);
  expect(await emailsPerPerson(db, dir, PERIOD)).toEqual({ p1: 1, p2: 1, p3: 1, p4: 1 });
});

test("a row left in 'sending' becomes 'unknown' at the next run and is never resent", async () => {
  const ids = ['p1', 'p2', 'p3'];
  await seedDeliveryData(db, PERIOD, ids.map((id) => ({ id })));
  const at = clock.now().toISOString();
  await db.kysely
    .insertInto('deliveries')
    .values({ id: 'd-crashed', tenant_id: TENANT.id, erp_person_id: 'p2', period: PERIOD, kind: 'weekly', state: 'sending', attempts: 1, provider_message_id: null, reason: null, created_at: at, updated_at: at, sent_at: null })
    .execute();
  const { service } = setup();

  const first = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(ids) });
  const second = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(ids) });

  expect(first).toEqual({ sent: 2, skipped: {}, failed: 0, unknown: 1 });
  expect(second).toEqual({ sent: 0, skipped: { 'already-sent': 2 }, failed: 0, unknown: 1 });
  const row = await db.kysely.selectFrom('deliveries').selectAll().where('id', '=', 'd-crashed').executeTakeFirstOrThrow();
  expect(row.state).toBe('unknown');
  expect(row.attempts).toBe(1);
  expect(await emailsPerPerson(db, dir, PERIOD)).toEqual({ p1: 1, p3: 1 });
});

test('a permanently refused address is recorded as failed without the address and the others still go out', async () => {
  const ids = ['p1', 'p2', 'p3', 'p4'];
  await seedDeliveryData(db, PERIOD, ids.map((id) => ({ id })));
  const outbox = createFileOutbox({ dir, clock });
  const transport = flakyTransport(outbox, {
    [addressOf('p2')]: [new EmailSendError({ kind: 'permanent', reason: 'Does not contain a valid address', providerStatus: 400 })],
  });
  const { service } = setup({ transport });

  const result = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(ids) });
  const again = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(ids) });

  expect(result).toEqual({ sent: 3, skipped: {}, failed: 1, unknown: 0 });
  expect(again.skipped).toEqual({ 'already-sent': 3, 'failed-before': 1 });
  const failed = await db.kysely.selectFrom('deliveries').selectAll().where('state', '=', 'failed').execute();
  expect(failed.map((r) => [r.erp_person_id, r.reason])).toEqual([['p2', 'Does not contain a valid address']]);
  expect(transport.attempts.filter((a) => a === addressOf('p2'))).toHaveLength(1);
  expect(await emailsPerPerson(db, dir, PERIOD)).toEqual({ p1: 1, p3: 1, p4: 1 });
});

test('a rate limit answer waits as long as the provider says and then sends', async () => {
  await seedDeliveryData(db, PERIOD, [{ id: 'p1' }]);
  const transport = flakyTransport(createFileOutbox({ dir, clock }), {
    [addressOf('p1')]: [new EmailSendError({ kind: 'rate_limited', reason: 'Too many requests', retryAfterMs: 1234, providerStatus: 429 })],
  });
  const { service, sleeps } = setup({ transport });

  const result = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(['p1']) });

  expect(result.sent).toBe(1);
  expect(sleeps).toEqual([1234]);
  expect(transport.attempts).toHaveLength(2);
  const row = await db.kysely.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
  expect([row.state, row.attempts]).toEqual(['sent', 1]);
});

test('server errors back off and retry; when they persist the delivery is retried by the next run', async () => {
  await seedDeliveryData(db, PERIOD, [{ id: 'p1' }, { id: 'p2' }]);
  const boom = () => new EmailSendError({ kind: 'retryable', reason: 'Provider answered 503', providerStatus: 503 });
  const transport = flakyTransport(createFileOutbox({ dir, clock }), {
    [addressOf('p1')]: [boom(), boom()],
    [addressOf('p2')]: [boom(), boom(), boom()],
  });
  const { service, sleeps } = setup({ transport });

  const first = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(['p1', 'p2']) });
  expect(first).toEqual({ sent: 1, skipped: {}, failed: 1, unknown: 0 });
  expect(sleeps.sort((a, b) => a - b)).toEqual([100, 100, 200, 200]);
  const p2 = await db.kysely.selectFrom('deliveries').selectAll().where('erp_person_id', '=', 'p2').executeTakeFirstOrThrow();
  expect([p2.state, p2.reason]).toEqual(['failed-retryable', 'Provider answered 503']);

  const second = await service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: everyoneReachable(['p1', 'p2']) });
  expect(second).toEqual({ sent: 1, skipped: { 'already-sent': 1 }, failed: 0, unknown: 0 });
  expect(await emailsPerPerson(db, dir, PERIOD)).toEqual({ p1: 1, p2: 1 });
});

test('monthly subscribers get only the first digest of each month', async () => {
  expect(isFirstDigestOfMonth('2026-W47')).toBe(false);
  expect(isFirstDigestOfMonth('2026-W48')).toBe(false);
  expect(isFirstDigestOfMonth('2026-W49')).toBe(true); // sent Monday 7 December
  expect(isFirstDigestOfMonth('2026-W44')).toBe(true); // sent Monday 2 November
  expect(isFirstDigestOfMonth('2026-11')).toBe(true);

  await seedDeliveryData(db, '2026-W48', [{ id: 'm1', frequency: 'monthly' }, { id: 'w1' }]);
  const w49 = ['m1', 'w1'].flatMap((id) => sampleInsights({ tenantId: TENANT.id, recipientId: id, period: '2026-W49' }));
  await replaceInsights(db, TENANT.id, '2026-W49', w49, clock.now().toISOString());
  const { service } = setup();
  const erp = everyoneReachable(['m1', 'w1']);

  expect(await service.deliverPeriod({ tenant: TENANT, period: '2026-W48', erp })).toEqual({ sent: 1, skipped: { monthly: 1 }, failed: 0, unknown: 0 });
  expect(await service.deliverPeriod({ tenant: TENANT, period: '2026-W49', erp })).toEqual({ sent: 2, skipped: {}, failed: 0, unknown: 0 });
});

test('language: own choice, then the ERP, then the synced value, then the company default', () => {
  expect(chooseLanguage('sv', 'fi', 'en', 'fi')).toBe('sv');
  expect(chooseLanguage(null, 'en-GB', 'fi', 'fi')).toBe('en');
  expect(chooseLanguage(null, 'de', 'sv', 'fi')).toBe('sv');
  expect(chooseLanguage(null, 'de', null, 'fi')).toBe('fi');
  expect(chooseLanguage(null, null, null, 'xx')).toBe('en');
});

test('preview renders the next email without sending or recording anything, with inert links', async () => {
  await seedDeliveryData(db, PERIOD, [{ id: 'p1', language: 'sv' }]);
  const transport = flakyTransport(createFileOutbox({ dir, clock }), {});
  const { service } = setup({ transport });

  const email = await service.preview({ tenant: TENANT, personId: 'p1', erp: fakeRecipients({ p1: { email: addressOf('p1'), firstName: 'Aino' } }) });

  expect(email.subject.length).toBeGreaterThan(0);
  expect(email.html).toContain('Aino');
  expect(email.html).toContain('https://insights.example.test/u/preview');
  expect(email.html).not.toContain(addressOf('p1'));
  expect(transport.attempts).toEqual([]);
  expect(await db.kysely.selectFrom('deliveries').selectAll().execute()).toEqual([]);
  await expect(service.preview({ tenant: TENANT, personId: 'nobody', erp: fakeRecipients({}) })).rejects.toThrow('No such person');
});

test('a person whose insights would only show zeros gets no email, and the missing-hours link goes to the tenant ERP page', async () => {
  await seedDeliveryData(db, PERIOD, [{ id: 'busy' }, { id: 'idle', insights: false }]);
  const idle = sampleInsights({ tenantId: TENANT.id, recipientId: 'idle', period: PERIOD })
    .filter((i) => i.kind === 'utilisation')
    .map((i) => ({ ...i, values: { ...i.values, lastWeek: 0, monthToDate: 0, forecastRestOfMonth: 0, forecastNext4Weeks: 0, intervalLow: 0, intervalHigh: 0, history: [0, 0, 0, 0, 0, 0] } }));
  const busy = sampleInsights({ tenantId: TENANT.id, recipientId: 'busy', period: PERIOD });
  await replaceInsights(db, TENANT.id, PERIOD, [...busy, ...idle], clock.now().toISOString());
  const { service } = setup();
  const erp = everyoneReachable(['busy', 'idle']);

  const result = await service.deliverPeriod({ tenant: { ...TENANT, erpWebUrl: 'https://erp.example/hours' }, period: PERIOD, erp });

  expect(result).toEqual({ sent: 1, skipped: { 'nothing-to-say': 1 }, failed: 0, unknown: 0 });
  expect(erp.calls).toEqual(['busy']);
  const [message] = await readOutboxMessages(dir);
  expect(message?.personId).toBe('busy');
  const parsed = await simpleParser(await readFile(path.join(dir, message?.file ?? '')));
  expect(parsed.text).toContain('https://erp.example/hours');
});

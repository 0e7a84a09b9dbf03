import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createSendGridTransport } from '../../integrations/sendgrid/sendgrid-transport';
import { fixedClock } from '../../src/clock';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createInsightEmailRenderer } from '../../src/email/render';
import { sampleInsights } from '../../src/email/sample';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { replaceInsights } from '../../src/insights/insights.repo';
import { SENDGRID_EVENTS_PATH } from '../../src/web/sendgrid-events.routes';
import { addressOf, fakeRecipients, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';
import { type SendGridCaptureServer, startSendGridCaptureServer } from '../fakes/sendgrid-capture-server';
import { startTestServer, type TestServer } from '../fakes/web-app';

/**
 * Unknown deliveries are settled from SendGrid's side: its signed Event Webhook, posted to the real app
 * over loopback with a batch signed by a key pair made here (P-256, the curve SendGrid signs with).
 */
const PERIOD = '2026-W47';
const NEXT = '2026-W48';
const PEOPLE = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];
const clock = fixedClock(new Date('2026-11-23T05:00:00.000Z'));
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const { publicKey, privateKey } = keyPair();
const PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

let app: TestServer;
let sendgrid: SendGridCaptureServer;

beforeEach(async () => {
  app = await startTestServer({ sendgridPublicKey: PUBLIC_KEY });
  sendgrid = await startSendGridCaptureServer();
  await seedDeliveryData(app.db, PERIOD, PEOPLE.map((id) => ({ id })));
});
afterEach(async () => {
  await sendgrid.close();
  await app.close();
});

function deliveryService() {
  const logger = createMemoryLogger();
  return createDeliveryService({
    db: app.db,
    clock,
    logger,
    renderer: createInsightEmailRenderer(),
    transport: createSendGridTransport({ apiKey: 'SG.k', baseUrl: sendgrid.baseUrl, from: { email: 'insights@service.example' }, logger, clock, timeoutMs: 300 }),
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock }),
    publicBaseUrl: 'https://insights.example.test',
    concurrency: 1,
    sleep: async () => undefined,
  });
}
const erp = () => fakeRecipients(Object.fromEntries(PEOPLE.map((id) => [id, { email: addressOf(id) }])));

/** p2–p5 lose their answers after SendGrid took them; the others are answered 202. */
async function firstRun() {
  const faults: Record<string, 'reset' | 'hang'> = { p2: 'reset', p3: 'hang', p4: 'reset', p5: 'reset' };
  for (const id of PEOPLE) sendgrid.respondWith(faults[id] ? { fault: faults[id] } : { status: 202, headers: { 'X-Message-Id': `sg-${id}` } });
  const result = await deliveryService().deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() });
  const rows = await app.db.kysely.selectFrom('deliveries').select(['id', 'erp_person_id']).execute();
  return { result, idOf: Object.fromEntries(rows.map((r) => [r.erp_person_id, r.id])) as Record<string, string> };
}

/** Events the way SendGrid posts them: our custom args at the top level, the address alongside. */
function sendgridEvent(idOf: Record<string, string>, person: string, event: string, extra: Record<string, unknown> = {}) {
  return {
    email: addressOf(person),
    timestamp: 1_795_410_600,
    event,
    sg_event_id: `ev-${person}-${event}`,
    sg_message_id: `sg-${person}.filter-1`,
    'smtp-id': `<sg-${person}@sendgrid.example>`,
    category: ['insights', 'weekly'],
    delivery_id: idOf[person],
    tenant_id: TENANT.id,
    ...extra,
  };
}

function signed(payload: string, key: KeyObject = privateKey, timestamp = '1795410630') {
  return {
    'content-type': 'application/json',
    'X-Twilio-Email-Event-Webhook-Signature': sign('sha256', Buffer.from(timestamp + payload), key).toString('base64'),
    'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
  };
}

const post = (body: string, headers: Record<string, string>) => fetch(app.url + SENDGRID_EVENTS_PATH, { method: 'POST', headers, body });
const snapshot = async () => ({
  deliveries: await app.db.kysely.selectFrom('deliveries').select(['erp_person_id', 'state', 'reason', 'sent_at']).orderBy('erp_person_id').execute(),
  suppressions: await app.db.kysely.selectFrom('email_suppressions').selectAll().orderBy('erp_person_id').execute(),
});

test('a signed batch settles the unknown deliveries, suppresses bounced and spam-reporting people, and a replay changes nothing', async () => {
  const { result, idOf } = await firstRun();
  expect(result).toEqual({ sent: 4, skipped: {}, failed: 0, unknown: 4 });
  const batch = [
    sendgridEvent(idOf, 'p2', 'processed'),
    sendgridEvent(idOf, 'p2', 'delivered', { response: '250 OK' }),
    sendgridEvent(idOf, 'p3', 'processed'),
    sendgridEvent(idOf, 'p4', 'bounce', { type: 'bounce', status: '5.1.1', reason: `550 5.1.1 <${addressOf('p4')}>: Recipient address rejected` }),
    sendgridEvent(idOf, 'p5', 'dropped', { reason: 'Bounced Address' }),
    sendgridEvent(idOf, 'p6', 'spamreport'),
    sendgridEvent(idOf, 'p7', 'bounce', { type: 'blocked', reason: '554 blocked by policy' }),
    sendgridEvent(idOf, 'p8', 'deferred', { attempt: '1' }),
    { ...sendgridEvent(idOf, 'p1', 'delivered'), tenant_id: 'someone-else' },
    { email: 'other@customer.example', timestamp: 1_795_410_600, event: 'delivered', sg_event_id: 'ev-x', sg_message_id: 'sg-x' },
  ];
  const payload = `${JSON.stringify(batch)}\r\n`;

  const res = await post(payload, signed(payload));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ received: 10, applied: 7, ignored: 3 });

  const after = await snapshot();
  expect(after.deliveries.map((d) => [d.erp_person_id, d.state])).toEqual([
    ['p1', 'sent'],
    ['p2', 'delivered'],
    ['p3', 'sent'],
    ['p4', 'bounced'],
    ['p5', 'dropped'],
    ['p6', 'sent'],
    ['p7', 'bounced'],
    ['p8', 'sent'],
  ]);
  expect(after.deliveries.find((d) => d.erp_person_id === 'p3')?.sent_at).toBe('2026-11-23T05:10:00.000Z');
  expect(after.deliveries.find((d) => d.erp_person_id === 'p4')?.reason).toBe('550 5.1.1 <[address]>: Recipient address rejected');
  expect(after.suppressions.map((s) => [s.tenant_id, s.erp_person_id, s.reason, s.delivery_id])).toEqual([
    [TENANT.id, 'p4', 'bounce', idOf.p4],
    [TENANT.id, 'p6', 'spamreport', idOf.p6],
  ]);
  expect(JSON.stringify(after)).not.toContain('@');

  const replay = await post(payload, signed(payload, privateKey, '1795410690'));
  expect(await replay.json()).toEqual({ received: 10, applied: 0, ignored: 10 });
  expect(await snapshot()).toEqual(after);

  // Next week: the suppressed people get nothing, at the receiving end too.
  await replaceInsights(app.db, TENANT.id, NEXT, PEOPLE.flatMap((id) => sampleInsights({ tenantId: TENANT.id, recipientId: id, period: NEXT })), clock.now().toISOString());
  const next = await deliveryService().deliverPeriod({ tenant: TENANT, period: NEXT, erp: erp() });
  expect(next).toEqual({ sent: 6, skipped: { suppressed: 2 }, failed: 0, unknown: 0 });
  expect(sendgrid.messagesPerAddress()).toEqual({
    ...Object.fromEntries(PEOPLE.map((id) => [addressOf(id), 2])),
    [addressOf('p4')]: 1,
    [addressOf('p6')]: 1,
  });
});

test('a batch with a bad signature, a tampered body or no signature answers 403 and changes nothing', async () => {
  const { idOf } = await firstRun();
  const before = await snapshot();
  const payload = `${JSON.stringify([sendgridEvent(idOf, 'p2', 'delivered'), sendgridEvent(idOf, 'p4', 'bounce', { type: 'bounce' })])}\r\n`;

  const forged = await post(payload, signed(payload, keyPair().privateKey));
  expect(forged.status).toBe(403);
  expect(await forged.json()).toEqual({ error: expect.objectContaining({ code: 'bad_signature' }) });
  const tampered = payload.replace('"delivered"', '"bounce"');
  expect((await post(tampered, signed(payload))).status).toBe(403);
  const otherTime = signed(payload);
  otherTime['X-Twilio-Email-Event-Webhook-Timestamp'] = '1795410631';
  expect((await post(payload, otherTime)).status).toBe(403);
  expect((await post(payload, { 'content-type': 'application/json' })).status).toBe(403);
  expect((await post(payload, { ...signed(payload), 'X-Twilio-Email-Event-Webhook-Signature': 'not-base64-der' })).status).toBe(403);

  expect(await snapshot()).toEqual(before);
});

test('signed bodies that are not an event array answer 400, oversized ones 413, and without a key the webhook answers 503', async () => {
  const notArray = '{"event":"delivered"}';
  const res = await post(notArray, signed(notArray));
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'validation', message: 'Expected a JSON array of events' }) });
  const huge = `[${'{"event":"open","timestamp":1},'.repeat(40_000)}{}]`;
  expect((await post(huge, signed(huge))).status).toBe(413);

  const unconfigured = await startTestServer();
  try {
    const payload = '[]';
    const answer = await fetch(unconfigured.url + SENDGRID_EVENTS_PATH, { method: 'POST', headers: signed(payload), body: payload });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ error: expect.objectContaining({ code: 'not_configured' }) });
  } finally {
    await unconfigured.close();
  }
});

import { createSendGridTransport } from '../../integrations/sendgrid/sendgrid-transport';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createInsightEmailRenderer } from '../../src/email/render';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { addressOf, fakeRecipients, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';
import { type SendGridCaptureServer, startSendGridCaptureServer } from '../fakes/sendgrid-capture-server';
import { createTestDb } from '../fakes/test-db';

/**
 * The drill's conditions: a SendGrid that takes the message and then loses the answer (the connection
 * is reset, or nothing comes back before the client gives up). What counts is what the capture server
 * received per address — the receiving end — not what our delivery rows say.
 */
const PERIOD = '2026-W47';
const PEOPLE = Array.from({ length: 20 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
const clock = fixedClock(new Date('2026-11-23T05:00:00.000Z'));

let db: Db;
let server: SendGridCaptureServer;

beforeEach(async () => {
  db = await createTestDb();
  server = await startSendGridCaptureServer();
  await seedDeliveryData(db, PERIOD, PEOPLE.map((id) => ({ id })));
});
afterEach(async () => {
  await server.close();
  await db.close();
});

function service(opts: { concurrency?: number; baseUrl?: string; maxAttempts?: number } = {}) {
  const logger = createMemoryLogger();
  const transport = createSendGridTransport({
    apiKey: 'SG.test-key.0123456789abcdefghijklmnopqrstuvwxyz',
    baseUrl: opts.baseUrl ?? server.baseUrl,
    from: { email: 'insights@service.example' },
    logger,
    clock,
    timeoutMs: 300,
  });
  const delivery = createDeliveryService({
    db,
    clock,
    logger,
    renderer: createInsightEmailRenderer(),
    transport,
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock }),
    publicBaseUrl: 'https://insights.example.test',
    concurrency: opts.concurrency ?? 4,
    sleep: async () => undefined,
    retry: { baseDelayMs: 1, maxAttempts: opts.maxAttempts ?? 4 },
  });
  return { delivery, logger };
}

const erp = () => fakeRecipients(Object.fromEntries(PEOPLE.map((id) => [id, { email: addressOf(id), firstName: 'Aino' }])));
const states = async () =>
  Object.fromEntries((await db.kysely.selectFrom('deliveries').select(['erp_person_id', 'state']).execute()).map((r) => [r.erp_person_id, r.state]));

test('answers lost after SendGrid took the message: every address gets at most one message and the lost ones are unknown', async () => {
  // p03 and p11 are reset after SendGrid read the request, p07 and p16 hang past the client's timeout.
  const faults: Record<string, 'reset' | 'hang'> = { p03: 'reset', p07: 'hang', p11: 'reset', p16: 'hang' };
  for (const id of PEOPLE) {
    const fault = faults[id];
    server.respondWith(fault ? { fault } : { status: 202, headers: { 'X-Message-Id': `sg-${id}` } });
  }
  // One at a time, so the queued answers meet the recipients they were meant for; the rerun is parallel.
  const first = service({ concurrency: 1 });
  const runs = [await first.delivery.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() })];
  runs.push(await service().delivery.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() }));

  const perAddress = server.messagesPerAddress();
  expect(Object.keys(perAddress).sort()).toEqual(PEOPLE.map(addressOf).sort());
  expect(Object.values(perAddress).every((n) => n === 1)).toBe(true);
  expect(runs[0]).toEqual({ sent: 16, skipped: {}, failed: 0, unknown: 4 });
  expect(runs[1]).toEqual({ sent: 0, skipped: { 'already-sent': 16 }, failed: 0, unknown: 4 });
  const byPerson = await states();
  for (const id of PEOPLE) expect([id, byPerson[id]]).toEqual([id, faults[id] ? 'unknown' : 'sent']);
  const unknownRows = await db.kysely.selectFrom('deliveries').select(['reason', 'attempts']).where('state', '=', 'unknown').execute();
  expect(unknownRows.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
  expect(unknownRows.map((r) => r.reason).sort()).toEqual([
    'no answer after sending (ECONNABORTED)',
    'no answer after sending (ECONNABORTED)',
    'no answer after sending (ECONNRESET)',
    'no answer after sending (ECONNRESET)',
  ]);
  const logged = JSON.stringify(first.logger.records);
  for (const id of PEOPLE) expect(logged).not.toContain(addressOf(id));
});

test('every answer reset, run after run: one message per address at the server, all unknown, none resent', async () => {
  server.setFallback({ fault: 'reset' });
  const { delivery } = service();

  const results = [];
  for (let run = 0; run < 3; run += 1) results.push(await delivery.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() }));

  expect(server.messagesPerAddress()).toEqual(Object.fromEntries(PEOPLE.map((id) => [addressOf(id), 1])));
  expect(results).toEqual([
    { sent: 0, skipped: {}, failed: 0, unknown: 20 },
    { sent: 0, skipped: {}, failed: 0, unknown: 20 },
    { sent: 0, skipped: {}, failed: 0, unknown: 20 },
  ]);
  expect(new Set(Object.values(await states()))).toEqual(new Set(['unknown']));
});

test('a refused connection never reached SendGrid: it is retried and left for the next run, not unknown', async () => {
  const url = server.baseUrl;
  await server.close();
  const { delivery } = service({ baseUrl: url, maxAttempts: 2 });

  const result = await delivery.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp() });

  expect(result).toEqual({ sent: 0, skipped: {}, failed: 20, unknown: 0 });
  expect(new Set(Object.values(await states()))).toEqual(new Set(['failed-retryable']));
  server = await startSendGridCaptureServer();
});

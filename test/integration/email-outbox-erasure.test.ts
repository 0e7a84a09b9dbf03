import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createAuditLog } from '../../src/audit/audit.service';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { createDsrService } from '../../src/dsr/dsr.service';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createFileOutbox, type FileOutbox, readOutboxIndex } from '../../src/email/file-outbox';
import { createInsightEmailRenderer } from '../../src/email/render';
import { createSentMessageEraser } from '../../src/email/sent-message-eraser';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { createRetentionService } from '../../src/retention/retention.service';
import { addressOf, fakeRecipients, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';

/**
 * The drill's conditions: people got their digests through the file outbox, then one is erased (DSR)
 * and a whole tenant is purged. What counts is what the outbox directory still holds, read the way a
 * mail client would (mailparser), not our delivery rows.
 */
const PERIOD = '2026-W47';
const OTHER = { ...TENANT, id: 'tenant-b', displayName: 'Beta Ab' };
const FIRST_NAMES: Record<string, string> = { p1: 'Aino', p2: 'Brita', p3: 'Cecilia', q1: 'Doris' };
const clock = fixedClock(new Date('2026-11-23T05:00:00.000Z'));
const TS = '2026-01-01T00:00:00.000Z';

let db: Db;
let dir: string;
let outbox: FileOutbox;

beforeEach(async () => {
  db = await createTestDb();
  dir = await mkdtemp(path.join(tmpdir(), 'outbox-erasure-'));
  outbox = createFileOutbox({ dir, clock });
  for (const t of [TENANT, OTHER]) {
    await db.kysely
      .insertInto('tenants')
      .values({ id: t.id, display_name: t.displayName, erp_kind: 'severa', erp_base_url: null, contract_start: '2024-01-01', contract_end: t.id === TENANT.id ? '2026-03-31' : null, timezone: t.timezone, country: 'FI', default_language: 'fi', status: 'active', settings_json: '{}', created_at: TS, updated_at: TS })
      .execute();
  }
  await seedDeliveryData(db, PERIOD, [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }]);
  await seedDeliveryData(db, PERIOD, [{ id: 'q1' }], OTHER.id);
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

function services() {
  const logger = createMemoryLogger();
  const secrets = createMemorySecretStore();
  const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
  const retention = createRetentionService({
    db,
    clock,
    envelope,
    secrets,
    logger,
    messages: createSentMessageEraser({ db, outbox }),
    config: { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 },
  });
  const delivery = createDeliveryService({
    db,
    clock,
    logger,
    renderer: createInsightEmailRenderer(),
    transport: outbox,
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock }),
    publicBaseUrl: 'https://insights.example.test',
    concurrency: 2,
  });
  const dsr = createDsrService({ db, envelope, retention, audit: createAuditLog({ db, clock }), clock });
  return { retention, delivery, dsr };
}

const erp = (ids: string[]) => fakeRecipients(Object.fromEntries(ids.map((id) => [id, { email: addressOf(id), firstName: FIRST_NAMES[id] ?? null }])));

/** Who the outbox still holds messages for, by address, and every first name readable in them. */
async function receivingEnd(): Promise<{ to: string[]; names: string[]; modes: number[] }> {
  const to: string[] = [];
  const names = new Set<string>();
  const modes: number[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.eml'))) {
    const full = path.join(dir, file);
    modes.push((await stat(full)).mode & 0o777);
    const mail = await simpleParser(await readFile(full));
    const address = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
    to.push(address ?? '?');
    for (const name of Object.values(FIRST_NAMES)) if (`${mail.text ?? ''}${mail.html || ''}`.includes(name)) names.add(name);
  }
  return { to: to.sort(), names: [...names].sort(), modes };
}

test("DSR erasure and the tenant purge leave none of the person's messages in the outbox", async () => {
  const { delivery, dsr, retention } = services();
  await delivery.deliverPeriod({ tenant: TENANT, period: PERIOD, erp: erp(['p1', 'p2', 'p3']) });
  await delivery.deliverPeriod({ tenant: OTHER, period: PERIOD, erp: erp(['q1']) });
  // A message written before messages carried the person header, the way the old outbox left it (0644).
  const old = await db.kysely
    .insertInto('deliveries')
    .values({ id: 'd-old-p1', tenant_id: TENANT.id, erp_person_id: 'p1', period: '2026-W46', kind: 'weekly', state: 'sent', attempts: 1, provider_message_id: null, reason: null, created_at: TS, updated_at: TS, sent_at: TS })
    .returning('id')
    .executeTakeFirstOrThrow();
  await outbox.send({ to: addressOf('p1'), subject: 'Week 46', html: '<p>Hei Aino</p>', text: 'Hei Aino', headers: {}, categories: [], customArgs: { tenant_id: TENANT.id, delivery_id: old.id } });
  await chmod(path.join(dir, `${old.id}.eml`), 0o644);

  const before = await receivingEnd();
  expect(before.to).toEqual([addressOf('p1'), addressOf('p1'), addressOf('p2'), addressOf('p3'), addressOf('q1')]);
  expect(before.names).toEqual(['Aino', 'Brita', 'Cecilia', 'Doris']);

  const erased = await dsr.erasePerson(TENANT.id, 'p1', { actor: { type: 'admin', id: 'u-1' } });
  expect(erased.counts.outbox_messages).toBe(2);
  const afterErasure = await receivingEnd();
  expect(afterErasure.to).toEqual([addressOf('p2'), addressOf('p3'), addressOf('q1')]);
  expect(afterErasure.names).toEqual(['Brita', 'Cecilia', 'Doris']);
  expect(afterErasure.modes).toEqual([0o600, 0o600, 0o600]);

  // The tenant's contract ended 2026-03-31: six months on, the whole tenant is purged; the other stays.
  // In the other tenant, q1's employment ended then too: their retention purge takes their message.
  await db.kysely.updateTable('people').set({ employment_end: '2026-03-31' }).where('tenant_id', '=', OTHER.id).where('erp_person_id', '=', 'q1').execute();
  const summary = await retention.purgeDue();
  expect(summary.tenants.map((t) => [t.tenantId, t.counts.outbox_messages])).toEqual([[TENANT.id, 2]]);
  expect(summary.persons.map((p) => [p.tenantId, p.reason, p.counts.outbox_messages])).toEqual([[OTHER.id, 'employment-ended', 1]]);
  expect(await receivingEnd()).toEqual({ to: [], names: [], modes: [] });
  expect((await readOutboxIndex(dir)).map((e) => e.file)).toEqual(await readdir(dir).then((f) => f.filter((n) => n.endsWith('.eml'))));
});

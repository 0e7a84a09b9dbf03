import type { Kysely } from 'kysely';
import { createAuditLog } from '../../src/audit/audit.service';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { NotFoundError, ValidationError } from '../../src/errors';
import { createPreferencesService, type Frequency } from '../../src/email/preferences.service';
import { forgetEmployeeIpsMigration } from '../../src/db/migrations/009-forget-employee-ips';
import { seedDeliveryData, TENANT } from '../fakes/delivery-fixtures';
import { createTestDb } from '../fakes/test-db';

let db: Db;
const clock = fixedClock(new Date('2026-11-23T08:00:00.000Z'));
const ref = { tenantId: TENANT.id, personId: 'p1' };

beforeEach(async () => {
  db = await createTestDb();
  await seedDeliveryData(db, '2026-W47', [{ id: 'p1', language: 'sv-FI' }, { id: 'p2' }]);
});
afterEach(() => db.close());

function setup() {
  const audit = createAuditLog({ db, clock });
  return { audit, preferences: createPreferencesService({ db, clock, audit }) };
}

test('defaults to weekly in the synced language until the person chooses otherwise', async () => {
  const { preferences } = setup();
  expect(await preferences.get(ref)).toEqual({ frequency: 'weekly', language: null, displayLanguage: 'sv' });
  expect(await preferences.get({ tenantId: TENANT.id, personId: 'p2' })).toEqual({ frequency: 'weekly', language: null, displayLanguage: null });
});

test('saves frequency and language and audits the change as the employee, by technical ID only', async () => {
  const { preferences, audit } = setup();
  const saved = await preferences.set(ref, { frequency: 'monthly', language: 'en' }, { requestId: 'req-12345678' });

  expect(saved).toEqual({ changed: true, preferences: { frequency: 'monthly', language: 'en', displayLanguage: 'en' } });
  expect(await preferences.get(ref)).toEqual(saved.preferences);
  const events = await audit.list({ tenantId: TENANT.id, limit: 10 });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    actorType: 'employee',
    actorId: 'p1',
    action: 'email.preferences.update',
    objectType: 'person',
    objectId: 'p1',
    ip: null,
    requestId: 'req-12345678',
    details: { frequency: 'monthly', language: 'en', previousFrequency: 'weekly' },
  });
  // Another person's preferences are untouched.
  expect((await preferences.get({ tenantId: TENANT.id, personId: 'p2' })).frequency).toBe('weekly');
});

test('unsubscribing is idempotent: the second call changes and records nothing', async () => {
  const { preferences, audit } = setup();
  await preferences.set(ref, { language: 'fi' });
  expect(await preferences.unsubscribe(ref)).toEqual({ changed: true });
  expect(await preferences.unsubscribe(ref)).toEqual({ changed: false });

  expect(await preferences.get(ref)).toEqual({ frequency: 'off', language: 'fi', displayLanguage: 'fi' });
  const actions = (await audit.list({ tenantId: TENANT.id, limit: 10 })).map((e) => e.action).sort();
  expect(actions).toEqual(['email.preferences.update', 'email.unsubscribe']);
  const rows = await db.kysely.selectFrom('email_preferences').selectAll().execute();
  expect(rows).toHaveLength(1);
});

test('clearing the language falls back to the synced one', async () => {
  const { preferences } = setup();
  await preferences.set(ref, { language: 'en' });
  expect((await preferences.set(ref, { language: null })).preferences).toEqual({ frequency: 'weekly', language: null, displayLanguage: 'sv' });
});

test('unknown people and values are refused without creating rows', async () => {
  const { preferences } = setup();
  await expect(preferences.unsubscribe({ tenantId: TENANT.id, personId: 'erased' })).rejects.toBeInstanceOf(NotFoundError);
  await expect(preferences.get({ tenantId: 'other-tenant', personId: 'p1' })).rejects.toBeInstanceOf(NotFoundError);
  await expect(preferences.set(ref, { frequency: 'daily' as Frequency })).rejects.toBeInstanceOf(ValidationError);
  await expect(preferences.set(ref, { language: 'de' as never })).rejects.toBeInstanceOf(ValidationError);
  expect(await db.kysely.selectFrom('email_preferences').selectAll().execute()).toEqual([]);
});

test('migration 009 clears the IP of earlier employee events and keeps those of admins and staff', async () => {
  const { audit } = setup();
  await audit.record({ actor: { type: 'employee', id: 'p1' }, tenantId: TENANT.id, action: 'email.unsubscribe', object: { type: 'person', id: 'p1' }, ip: '198.51.100.23' });
  await audit.record({ actor: { type: 'admin', id: 'u-1' }, tenantId: TENANT.id, action: 'dsr.exported', object: { type: 'person', id: 'p1' }, ip: '192.0.2.7' });
  await forgetEmployeeIpsMigration().up(db.kysely as unknown as Kysely<unknown>);
  const events = await audit.list({ tenantId: TENANT.id, limit: 10 });
  expect(events.map((e) => [e.actorType, e.ip]).sort()).toEqual([['admin', '192.0.2.7'], ['employee', null]]);
});


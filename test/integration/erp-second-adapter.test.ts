import { DateTime } from 'luxon';
import { erpAdapters } from '../../integrations/erp-adapters';
import type { ErpWorkHour } from '../../integrations/erp/erp-client';
import { createErpRegistry } from '../../integrations/erp/registry';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { UpstreamError, ValidationError } from '../../src/errors';
import { createInsightsService } from '../../src/insights/insights.service';
import { inlineWriters } from '../../src/sync/work-hours-writer';
import { createSyncService } from '../../src/sync/sync.service';
import { createConnectorService } from '../../src/tenants/connector.service';
import { createErpClientFor } from '../../src/tenants/erp-clients';
import { createErpVerifier } from '../../src/tenants/erp-verifier';
import { createTenantsService } from '../../src/tenants/tenants.service';
import { FAKE_ERP_KIND, FAKE_ERP_REFUSED, fakeErpAdapter } from '../fakes/fake-erp-adapter';
import { startFakeErpServer, type FakeErpServer } from '../fakes/fake-erp-server';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';
import { createTestSsrfGuard } from '../fakes/web-app';

const NOW = new Date('2026-03-04T06:00:00.000Z');
const API_KEY = 'fake-ledger-key-0123';
const PEOPLE = ['p-diligent', 'p-forgetful', 'p-steady'];

/** Every weekday of January–February 2026 at 7.5 h, except the forgetful person's last full week. */
function hours(): ErpWorkHour[] {
  const rows: ErpWorkHour[] = [];
  for (let d = DateTime.fromISO('2026-01-05'); d < DateTime.fromISO('2026-03-02'); d = d.plus({ days: 1 })) {
    if (d.weekday > 5) continue;
    const date = d.toISODate() as string;
    for (const personId of PEOPLE) {
      if (personId === 'p-forgetful' && date >= '2026-02-23') continue;
      rows.push({ id: `h-${personId}-${date}`, personId, projectId: null, date, minutes: 450, billable: true, updatedAt: '2026-03-01T12:00:00.000Z' });
    }
  }
  return rows;
}

let erpServer: FakeErpServer;
let db: Db;
beforeAll(async () => {
  erpServer = await startFakeErpServer(
    {
      people: PEOPLE.map((id) => ({
        id,
        active: true,
        language: 'fi',
        country: 'FI',
        countryId: null,
        timezone: 'Europe/Helsinki',
        managerId: null,
        currentContract: null,
        updatedAt: null,
      })),
      contracts: Object.fromEntries(PEOPLE.map((id) => [id, [{ id: `c-${id}`, start: '2025-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }]])),
      hours: hours(),
    },
    API_KEY,
  );
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
  await erpServer.close();
});

test('a second ERP kind is one registry entry: connection check, sync and insights need nothing else', async () => {
  const clock = fixedClock(NOW);
  const logger = createMemoryLogger();
  const secrets = createMemorySecretStore();
  const ssrf = createTestSsrfGuard();
  const erp = createErpRegistry([...erpAdapters, fakeErpAdapter]);
  const tenants = createTenantsService({ db, clock, erp });
  const connector = createConnectorService({ tenants, secrets, erp, ssrf, verifyConnection: createErpVerifier({ erp, ssrf, clock, logger, timeoutMs: 5_000 }) });

  await expect(tenants.create({ displayName: 'Nobody Oy', erpKind: 'netvisor', contractStart: '2025-01-01', contractEnd: null, timezone: 'Europe/Helsinki', country: 'FI', defaultLanguage: 'fi' })).rejects.toBeInstanceOf(ValidationError);
  const tenant = await tenants.create({ displayName: 'Ledger Oy', erpKind: FAKE_ERP_KIND, contractStart: '2025-01-01', contractEnd: null, timezone: 'Europe/Helsinki', country: 'FI', defaultLanguage: 'fi' });

  const status = await connector.status(tenant.id);
  expect(status).toMatchObject({ erpKind: FAKE_ERP_KIND, erpLabel: 'Fake Ledger', connected: false, fields: [{ name: 'apiKey', secret: true }] });

  await expect(connector.connect(tenant.id, { baseUrl: erpServer.url, credentials: { apiKey: 'short' } })).rejects.toMatchObject({ issues: ['API key is required (8 characters or more).'] });
  await expect(connector.connect(tenant.id, { baseUrl: erpServer.url, credentials: { apiKey: 'wrong-key-0000' } })).rejects.toEqual(new UpstreamError(FAKE_ERP_REFUSED, FAKE_ERP_KIND, false));
  expect((await connector.status(tenant.id)).connected).toBe(false);
  expect(await connector.connect(tenant.id, { baseUrl: `${erpServer.url}/`, credentials: { apiKey: API_KEY } })).toEqual({ usersSeen: 3 });
  expect(await connector.status(tenant.id)).toMatchObject({ connected: true, baseUrl: erpServer.url, credentialHint: null });

  const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
  const erpFor = createErpClientFor({ tenants, secrets, ssrf, erp, clock, logger, options: { requestTimeoutMs: 5_000 } });
  const sync = createSyncService({ db, envelope, clock, logger, writers: inlineWriters(db) }, { backfillMonths: 2, rereadDays: 28, personRetentionMonths: 6 });
  const synced = await sync.syncTenant({ id: tenant.id, timezone: tenant.timezone, country: tenant.country, halfDayEves: false }, await erpFor(tenant.id));
  expect(synced).toMatchObject({ people: 3, entries: hours().filter((h) => h.date >= '2026-01-04').length });
  expect(erpServer.requests).toContain('/api/hours');

  const insights = createInsightsService({ db, envelope, clock, logger });
  const computed = await insights.computeForTenant({ id: tenant.id, timezone: tenant.timezone, country: tenant.country, settings: tenant.settings });
  expect(computed).toMatchObject({ period: '2026-W09', people: 3 });
  const missing = await db.kysely.selectFrom('insights').select(['recipient_id', 'severity', 'values_json']).where('tenant_id', '=', tenant.id).where('kind', '=', 'missing-hours').orderBy('recipient_id').execute();
  expect(missing.map((r) => [r.recipient_id, r.severity, (JSON.parse(r.values_json) as { missingMinutes: number }).missingMinutes])).toEqual([
    ['p-diligent', 'info', 0],
    ['p-forgetful', 'warning', 5 * 450],
    ['p-steady', 'info', 0],
  ]);
});

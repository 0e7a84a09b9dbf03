import { PassThrough } from 'node:stream';
import { fixedClock } from '../../src/clock';
import { createLogger } from '../../src/logging/create-logger';
import { parsePurgeEvents, replayPersonPurges } from '../../src/retention/purge-replay';
import { createRetentionService } from '../../src/retention/retention.service';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';

const person = (id: string) => ({
  tenant_id: 't1',
  erp_person_id: id,
  employment_start: '2024-01-01',
  employment_end: null,
  language: 'fi',
  country: 'FI',
  manager_id: null,
  is_active: 1 as const,
  updated_at: '2026-11-01T00:00:00.000Z',
});

describe('re-applying purges after a restore', () => {
  it('finds erased people again from the exported purge.completed log lines and erases them once more', async () => {
    const db = await createTestDb();
    const clock = fixedClock(new Date('2026-11-26T10:00:00.000Z'));
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'info', format: 'json', stream, clock });
    const retention = createRetentionService({
      db,
      clock,
      envelope: createEnvelope({ keys: createSecretStoreKeyProvider({ secrets: createMemorySecretStore() }), repo: createKyselyDataKeyRepo(db.kysely), clock }),
      secrets: createMemorySecretStore(),
      logger,
      config: { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 },
    });
    await db.kysely.insertInto('people').values([person('p-erased'), person('p-kept')]).execute();
    await retention.purgePerson('t1', 'p-erased', 'erasure');
    await new Promise((r) => setImmediate(r));
    expect(lines.join('\n')).not.toContain('p-erased');

    // The restore brings the row back; the log export is all that remembers the erasure.
    await db.kysely.insertInto('people').values(person('p-erased')).execute();
    const exported = JSON.stringify(lines.map((Log) => ({ TimeGenerated: '2026-11-26T10:00:00Z', Log })));
    const events = parsePurgeEvents(exported, '2026-11-26T00:00:00.000Z');
    expect(events).toEqual([expect.objectContaining({ tenantId: 't1', scope: 'person', reason: 'erasure', subject: expect.stringMatching(/^sha256:/) })]);
    expect(parsePurgeEvents(exported, '2026-11-27T00:00:00.000Z')).toEqual([]);

    expect(await replayPersonPurges({ db, retention }, events)).toEqual({ replayed: 1, alreadyGone: 0, tenantEvents: 0 });
    const left = (await db.kysely.selectFrom('people').select('erp_person_id').execute()).map((r) => r.erp_person_id);
    expect(left).toEqual(['p-kept']);
    expect(await replayPersonPurges({ db, retention }, events)).toEqual({ replayed: 0, alreadyGone: 1, tenantEvents: 0 });
    await db.close();
  });

  it('reads raw JSON log lines too and ignores everything that is not a purge event', () => {
    const text = [
      JSON.stringify({ message: 'purge.completed', timestamp: '2026-11-26T10:00:00.000Z', tenantId: 't1', scope: 'tenant', reason: 'contract-ended', subject: null }),
      JSON.stringify({ message: 'sync finished', timestamp: '2026-11-26T10:00:00.000Z', tenantId: 't1' }),
      'not json at all',
    ].join('\n');
    expect(parsePurgeEvents(text, '2026-01-01T00:00:00.000Z')).toEqual([
      { at: '2026-11-26T10:00:00.000Z', tenantId: 't1', scope: 'tenant', reason: 'contract-ended', subject: null },
    ]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyDrill } from '../../bench/drill-verify';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { createFileOutbox } from '../../src/email/file-outbox';

const NOW = '2026-11-30T07:00:00.000Z';

async function addDelivery(db: Db, id: string, personId: string, state: string): Promise<void> {
  await db.kysely
    .insertInto('deliveries')
    .values({ id, tenant_id: 't1', erp_person_id: personId, period: '2026-W48', kind: 'weekly', state, attempts: 1, provider_message_id: null, reason: null, created_at: NOW, updated_at: NOW, sent_at: null })
    .execute();
}

async function addRun(db: Db, id: string, job: string, state: string): Promise<void> {
  await db.kysely
    .insertInto('job_runs')
    .values({ id, job, tenant_id: 't1', slot: `manual-${id}`, state, attempts: 1, run_after: NOW, lease_owner: null, lease_expires_at: null, started_at: NOW, finished_at: NOW, duration_ms: 40, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: NOW, updated_at: NOW })
    .execute();
}

describe('crash drill verification', () => {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drill-verify-'));
    db = openSqlite({ file: path.join(dir, 'drill.db'), key: 'drill-verify-test-key', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts messages per sent delivery, unknown ones apart, and messages the log cannot account for', async () => {
    const outboxDir = path.join(dir, 'outbox');
    const outbox = createFileOutbox({ dir: outboxDir, clock: fixedClock(new Date(NOW)) });
    const send = (deliveryId: string) =>
      outbox.send({ to: 'someone@customer.example', subject: 'Week 48', html: '<p>hi</p>', text: 'hi', headers: {}, categories: [], customArgs: { tenant_id: 't1', delivery_id: deliveryId } });

    await addDelivery(db, 'd-sent', 'p1', 'sent');
    await addDelivery(db, 'd-sent-lost', 'p2', 'sent');
    await addDelivery(db, 'd-unknown-left', 'p3', 'unknown');
    await addDelivery(db, 'd-unknown-kept', 'p4', 'unknown');
    await addDelivery(db, 'd-pending', 'p5', 'pending');
    await send('d-sent');
    await send('d-unknown-left');
    await send('d-pending');
    await send('d-nobody');
    // A kill between the message file and the index line leaves a file the index does not list.
    await writeFile(path.join(outboxDir, 'd-sent-lost.eml'), 'Subject: Week 48\r\n\r\nhi\r\n');
    await addRun(db, 'r1', 'sync', 'succeeded');
    await addRun(db, 'r2', 'deliver', 'dead');

    const findings = await verifyDrill(db, outboxDir);

    expect(findings).toMatchObject({
      runs_total: 2,
      runs_completed: 1,
      runs_dead: 1,
      runs_unfinished: 0,
      duplicates: 0,
      recipients: 2,
      emails_per_recipient_min: 1,
      emails_per_recipient_max: 1,
      unknown_deliveries: 2,
      unknown_with_email: 1,
      orphan_emails: 1,
      unaccounted_emails: 1,
      index_missing: 1,
      integrity: 'ok',
      run_ms_max: { sync: 40 },
    });
  });

  it('reports a sent delivery without its message as zero emails for that recipient', async () => {
    await addDelivery(db, 'd-sent', 'p1', 'sent');
    const findings = await verifyDrill(db, path.join(dir, 'no-outbox'));
    expect(findings.recipients).toBe(1);
    expect(findings.emails_per_recipient_min).toBe(0);
    expect(findings.emails_per_recipient_max).toBe(0);
  });
});

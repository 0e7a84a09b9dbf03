import { createHash } from 'node:crypto';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../src/db/db';
import { migrateToLatest } from '../src/db/migrate';
import { openSqlite } from '../src/db/open-sqlite';

/** Rows per transaction of the floor: large enough that commits no longer matter. */
const FLOOR_ROWS_PER_TRANSACTION = 50_000;

/**
 * The write floor: the work entries and daily facts the sync stored, upserted again into a fresh
 * database of the same schema (SQLCipher on, same pragmas) with plain prepared statements, in large
 * transactions, on one thread. No fence, no money, no facts computed: what the rows alone cost.
 */
export async function writeFloor(source: Db, dir: string, key: string): Promise<{ rows: number; ms: number }> {
  const entries = await source.kysely.selectFrom('work_entries').selectAll().execute();
  const facts = await source.kysely.selectFrom('daily_facts').selectAll().execute();
  const file = path.join(dir, 'floor.db');
  const migrated = openSqlite({ file, key, keySetting: 'DB_KEY' });
  await migrateToLatest(migrated);
  await migrated.close();
  const raw = new SqliteDatabase(file);
  raw.pragma(`cipher='sqlcipher'`);
  raw.pragma(`legacy=4`);
  raw.pragma(`key="x'${createHash('sha256').update(key, 'utf8').digest('hex')}'"`);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const upsertEntry = raw.prepare(
    `insert into work_entries (tenant_id, erp_entry_id, erp_person_id, erp_project_id, date, minutes, billable, updated_at)
     values (@tenant_id, @erp_entry_id, @erp_person_id, @erp_project_id, @date, @minutes, @billable, @updated_at)
     on conflict (tenant_id, erp_entry_id) do update set erp_person_id = excluded.erp_person_id, erp_project_id = excluded.erp_project_id,
       date = excluded.date, minutes = excluded.minutes, billable = excluded.billable, updated_at = excluded.updated_at`,
  );
  const upsertFact = raw.prepare(
    `insert into daily_facts (tenant_id, erp_person_id, date, recorded_minutes, billable_minutes, expected_minutes, entry_count, absence_minutes_enc, updated_at)
     values (@tenant_id, @erp_person_id, @date, @recorded_minutes, @billable_minutes, @expected_minutes, @entry_count, @absence_minutes_enc, @updated_at)
     on conflict (tenant_id, erp_person_id, date) do update set recorded_minutes = excluded.recorded_minutes, billable_minutes = excluded.billable_minutes,
       expected_minutes = excluded.expected_minutes, entry_count = excluded.entry_count, updated_at = excluded.updated_at`,
  );
  const started = performance.now();
  const inTransactions = <R>(rows: R[], statement: { run(row: R): unknown }) => {
    const batch = raw.transaction((slice: R[]) => {
      for (const row of slice) statement.run(row);
    });
    for (let i = 0; i < rows.length; i += FLOOR_ROWS_PER_TRANSACTION) batch(rows.slice(i, i + FLOOR_ROWS_PER_TRANSACTION));
  };
  inTransactions(entries, upsertEntry);
  inTransactions(facts, upsertFact);
  const ms = performance.now() - started;
  raw.close();
  return { rows: entries.length + facts.length, ms };
}

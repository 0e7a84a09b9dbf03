import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/db';
import type { Database } from '../db/schema';

export type TableName = keyof Database & string;

/** Called after each committed batch; tests use it to simulate a crash midway. */
export type AfterBatch = (table: TableName, deleted: number) => void | Promise<void>;

/**
 * Deletes matching rows a batch at a time, so a large purge never holds one huge write transaction
 * (SQLite blocks every writer meanwhile; SQL Server would escalate to a table lock).
 */
export async function deleteInBatches(
  db: Db,
  table: TableName,
  where: RawBuilder<unknown>,
  batchSize: number,
  onBatch: (deleted: number) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const query =
      db.dialect === 'sqlite'
        ? sql`delete from ${sql.table(table)} where rowid in (select rowid from ${sql.table(table)} where ${where} limit ${batchSize})`
        : sql`delete top (${batchSize}) from ${sql.table(table)} where ${where}`;
    const result = await query.execute(db.kysely);
    const deleted = Number(result.numAffectedRows ?? 0n);
    if (deleted === 0) return total;
    total += deleted;
    await onBatch(deleted);
    if (deleted < batchSize) return total;
  }
}

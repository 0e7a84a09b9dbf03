import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from './db';
import type { Database } from './schema';

/** SQL Server accepts at most 2100 parameters per statement; SQLite more. Stay under both. */
const MAX_PARAMETERS = 2000;

/**
 * Insert-or-update on the primary/unique key: SQLite's ON CONFLICT and SQL Server's MERGE do the same
 * job with different syntax, and Kysely does not translate between them.
 */
export async function upsert<T extends keyof Database & string>(
  db: Pick<Db, 'dialect'> & { kysely: Kysely<Database> },
  table: T,
  rows: Insertable<Database[T]>[],
  keyColumns: (keyof Database[T] & string)[],
  /** Columns to overwrite on an existing row; by default every non-key column given. */
  onlyUpdate?: (keyof Database[T] & string)[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const updateColumns = onlyUpdate ?? columns.filter((c) => !keyColumns.includes(c as keyof Database[T] & string));
  const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    if (db.dialect === 'sqlite') await upsertSqlite(db.kysely, table, chunk, keyColumns, updateColumns);
    else await mergeMssql(db.kysely, table, chunk, columns, keyColumns, updateColumns);
  }
}

async function upsertSqlite<T extends keyof Database & string>(
  kysely: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  keyColumns: string[],
  updateColumns: string[],
): Promise<void> {
  // Kysely's generic table typing cannot follow a table name chosen at run time.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const query = (kysely as Kysely<any>).insertInto(table).values(rows);
  await query
    .onConflict((oc) => {
      const target = oc.columns(keyColumns);
      if (updateColumns.length === 0) return target.doNothing();
      return target.doUpdateSet(Object.fromEntries(updateColumns.map((c) => [c, sql.ref(`excluded.${c}`)])) as never);
    })
    .execute();
}

async function mergeMssql<T extends keyof Database & string>(
  kysely: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  columns: string[],
  keyColumns: string[],
  updateColumns: string[],
): Promise<void> {
  const values = sql.join(
    rows.map((r) => sql`(${sql.join(columns.map((c) => (r as Record<string, unknown>)[c]))})`),
  );
  const on = sql.join(
    keyColumns.map((k) => sql`${sql.ref(`t.${k}`)} = ${sql.ref(`s.${k}`)}`),
    sql` and `,
  );
  const whenMatched =
    updateColumns.length === 0
      ? sql``
      : sql`when matched then update set ${sql.join(updateColumns.map((c) => sql`${sql.ref(c)} = ${sql.ref(`s.${c}`)}`))}`;
  await sql`merge into ${sql.table(table)} with (holdlock) as t
    using (values ${values}) as s (${sql.join(columns.map((c) => sql.ref(c)))})
    on ${on}
    ${whenMatched}
    when not matched then insert (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => sql.ref(`s.${c}`)))});`.execute(kysely);
}

import { sql, type ColumnDataType, type Expression } from 'kysely';

export type Dialect = 'sqlite' | 'mssql';

/**
 * The few column types that differ between SQLite and SQL Server. Key columns use bounded varchar so
 * SQL Server can index them; free-length JSON and ciphertext use text / nvarchar(max).
 */
export function columnTypes(dialect: Dialect): {
  id: ColumnDataType;
  shortText: ColumnDataType;
  date: ColumnDataType;
  timestamp: ColumnDataType;
  longText: ColumnDataType | Expression<unknown>;
  int: ColumnDataType;
  bigint: ColumnDataType;
} {
  return {
    id: 'varchar(64)',
    shortText: 'varchar(255)',
    date: 'varchar(10)',
    timestamp: 'varchar(30)',
    // Kysely's type parser rejects "nvarchar(max)", so it is passed as raw SQL.
    longText: dialect === 'mssql' ? sql`nvarchar(max)` : 'text',
    int: 'integer',
    bigint: 'bigint',
  };
}

import type { Kysely } from 'kysely';
import type { Dialect } from './column-types';
import type { SqliteOptions } from './open-sqlite';
import type { Database } from './schema';

/** An open database: the typed query builder plus which dialect it speaks (for the few branches). */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** How another thread opens this same database: set for SQLite files, not for memory or SQL Server. */
  fileOptions?: SqliteOptions;
  close(): Promise<void>;
}

export type { Dialect };

/** The database or a transaction on it: repository steps that must share a caller's transaction take this. */
export type Executor = Kysely<Database>;

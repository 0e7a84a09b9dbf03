import type SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { storageErrorOf } from './storage-error';

/** Distinct statements kept prepared per database; the app issues a few hundred distinct queries. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Statements with more parameters than this are prepared for each use and not kept: they are the
 * multi-row writes and long IN lists whose text changes with the batch, each one a large compiled
 * program in native memory that the garbage collector does not see, and their preparing is small
 * next to the rows they carry.
 */
const MAX_CACHED_PARAMETERS = 64;

/**
 * Prepared statements by SQL text, least recently used first. Preparing costs more than running most
 * of our queries (Kysely's own connection prepares every query anew); the parameters vary, the text
 * does not.
 */
function statementCache(database: SqliteDatabase.Database, size: number) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return (query: CompiledQuery): SqliteDatabase.Statement => {
    const sqlText = query.sql;
    if (query.parameters.length > MAX_CACHED_PARAMETERS) return database.prepare(sqlText);
    let statement = cache.get(sqlText);
    if (statement) {
      cache.delete(sqlText);
    } else {
      statement = database.prepare(sqlText);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sqlText, statement);
    return statement;
  };
}

/**
 * Runs queries on statements prepared once. Storage faults surface as StorageError whichever statement
 * hit them, inside a transaction or not.
 */
class CachedStatementConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly prepared: (query: CompiledQuery) => SqliteDatabase.Statement,
    private readonly file: string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.prepared(query);
      const parameters = query.parameters as unknown[];
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    } catch (err) {
      throw storageErrorOf(err, this.file);
    }
  }

  /** Streaming iterates its statement, which must then not be shared: it gets its own. */
  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw storageErrorOf(err, this.file);
    }
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: SqliteDatabase.Database;
  readonly #prepared: (query: CompiledQuery) => SqliteDatabase.Statement;
  constructor(database: SqliteDatabase.Database) {
    super({ database });
    this.#database = database;
    this.#prepared = statementCache(database, STATEMENT_CACHE_SIZE);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new CachedStatementConnection(await super.acquireConnection(), this.#prepared, this.#database.name);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * SQLite itself rolls the whole transaction back after some failures (a full disk, an I/O error).
   * Rolling back again would fail with "no transaction is active" and hide the real cause.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#database.inTransaction) await super.rollbackTransaction(connection);
  }
}

/**
 * Transactions take SQLite's write lock when they begin. A deferred transaction that reads and then
 * writes fails at once with SQLITE_BUSY_SNAPSHOT if another process committed in between (the busy
 * timeout cannot help then); an immediate one waits for the lock instead. Every transaction here writes.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase.Database;
  constructor(database: SqliteDatabase.Database) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#database);
  }
}

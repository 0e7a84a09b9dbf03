import { setTimeout as sleep } from 'node:timers/promises';
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

/** The first pause after a busy answer; each later one doubles, up to the longest. */
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/** SQLITE_BUSY and its extended codes (a WAL recovery or snapshot race in another connection). */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

/**
 * Runs queries on statements prepared once. Storage faults surface as StorageError whichever statement
 * hit them, inside a transaction or not.
 *
 * With a lock wait, SQLite's own busy timeout is 0 and a busy answer is waited out here, on timers, so
 * that the event loop keeps serving while another connection (the writer thread) holds the write lock;
 * a busy handler inside SQLite would sleep in the middle of a statement and stall every request.
 * Only statements outside a transaction are run again, which covers BEGIN IMMEDIATE and autocommit
 * statements. That is safe: such a statement ran in an implicit transaction that SQLite rolled back,
 * so nothing of it was applied, and SQLite's documentation of sqlite3_step says a statement outside an
 * explicit transaction may simply be retried after SQLITE_BUSY. Inside a transaction nothing is retried
 * (the caller's transaction is rolled back as before), and in WAL mode the answer does not come there:
 * once BEGIN IMMEDIATE holds the write lock, no statement up to COMMIT gets SQLITE_BUSY, and readers
 * never wait for the writer. SQLITE_LOCKED is not waited for: without shared cache it is a conflict
 * within this connection itself, which waiting does not end and which the busy timeout never waited for.
 */
class CachedStatementConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly prepared: (query: CompiledQuery) => SqliteDatabase.Statement,
    private readonly database: SqliteDatabase.Database,
    private readonly lockWaitMs: number,
    /** Waits `ms` with the connection handed back, so other queries run meanwhile. */
    private readonly pause: (ms: number) => Promise<void>,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let busySince: number | undefined;
    let pauseMs = FIRST_PAUSE_MS;
    for (;;) {
      const outsideTransaction = !this.database.inTransaction;
      try {
        return this.run<R>(query);
      } catch (err) {
        if (!outsideTransaction || !isBusy(err)) throw storageErrorOf(err, this.database.name);
        busySince ??= performance.now();
        const left = this.lockWaitMs - (performance.now() - busySince);
        if (left <= 0) throw err;
        await this.pause(Math.min(pauseMs, left));
        pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
      }
    }
  }

  private run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.prepared(query);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  /** Streaming iterates its statement, which must then not be shared: it gets its own. */
  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw storageErrorOf(err, this.database.name);
    }
  }
}

/** How long statements wait for another connection's lock; 0 leaves any waiting to SQLite's busy timeout. */
export interface LockWait {
  lockWaitMs: number;
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: SqliteDatabase.Database;
  readonly #prepared: (query: CompiledQuery) => SqliteDatabase.Statement;
  readonly #lockWaitMs: number;
  constructor(database: SqliteDatabase.Database, { lockWaitMs }: LockWait) {
    super({ database });
    this.#database = database;
    this.#prepared = statementCache(database, STATEMENT_CACHE_SIZE);
    this.#lockWaitMs = lockWaitMs;
  }

  /**
   * Kysely's SQLite driver lends its one connection to one caller at a time. A caller waiting for the
   * write lock gives it back for each pause: queued reads (which WAL lets run beside another writer)
   * are not held up behind the lock, and no caller whose progress would free the lock is stuck behind
   * the one waiting for it. It gives it back only outside a transaction, so no other caller's
   * statement lands inside one.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    const pause = async (ms: number) => {
      await super.releaseConnection();
      await sleep(ms);
      await super.acquireConnection();
    };
    return new CachedStatementConnection(inner, this.#prepared, this.#database, this.#lockWaitMs, pause);
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
  readonly #lockWait: LockWait;
  constructor(database: SqliteDatabase.Database, lockWait: LockWait) {
    super({ database });
    this.#database = database;
    this.#lockWait = lockWait;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#database, this.#lockWait);
  }
}

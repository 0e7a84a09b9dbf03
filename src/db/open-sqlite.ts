import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { Kysely } from 'kysely';
import { ConfigError } from '../errors';
import type { Db } from './db';
import { ImmediateSqliteDialect } from './sqlite-immediate-dialect';
import { storageErrorOf } from './storage-error';
import type { Database } from './schema';

export interface SqliteOptions {
  /** File path, or ':memory:' for tests. */
  file: string;
  /** Key material; hashed into a raw 256-bit SQLCipher key, so its length and alphabet do not matter. */
  key: string;
  /** Which setting supplied the key, named in the error when it does not open the file. */
  keySetting: string;
  /** Page cache of this connection in KiB (default 32 MiB). */
  cacheKib?: number;
  /** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY (default 10 s). */
  lockWaitMs?: number;
  /**
   * The connection has a thread to itself (the work-hour writer): it waits for locks inside SQLite,
   * blocking only that thread, and runs the WAL checkpoints, which the event loop's connection leaves to it.
   */
  ownThread?: boolean;
}

const LOCK_WAIT_MS = 10_000;

/**
 * WAL frames after which a commit copies the log back into the database file. The copy happens on the
 * committing connection and can take most of a second after a sync's batches. The writer thread's
 * connection checkpoints at the usual size; the event loop's one only far beyond it, as a backstop when
 * no writer thread runs for a long time (its own small transactions rewrite the same few pages, which
 * a checkpoint copies once each, so that copy stays short).
 */
const AUTOCHECKPOINT_PAGES = { ownThread: 16384, eventLoop: 65536 };

/** No database yet at `file`: SQLite would create one there (or fill an empty file) when opened. */
export function isNewSqliteFile(file: string): boolean {
  try {
    return fs.statSync(file).size === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * Opens (or creates) the SQLCipher-encrypted database. A wrong key only fails at the first read, so
 * the key is checked here with a query and reported as a configuration error naming the setting.
 */
export function openSqlite(options: SqliteOptions): Db {
  const inMemory = options.file === ':memory:';
  if (!inMemory) fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
  let raw: SqliteDatabase.Database;
  let wal = false;
  try {
    raw = new SqliteDatabase(options.file);
  } catch (err) {
    throw storageErrorOf(err, options.file);
  }
  try {
    // An in-memory database never touches disk, and SQLCipher refuses a key for it.
    if (!inMemory) {
      raw.pragma(`cipher='sqlcipher'`);
      raw.pragma(`legacy=4`);
      raw.pragma(`key="x'${createHash('sha256').update(options.key, 'utf8').digest('hex')}'"`);
    }
    raw.prepare('SELECT count(*) FROM sqlite_master').get();
    wal = raw.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  } catch (err) {
    raw.close();
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') {
      throw new ConfigError([
        `${options.keySetting}: the database key does not open ${path.basename(options.file)} (wrong key, not an encrypted database, or a damaged file): ` +
          'set it to the key the database was created with, or restore the file from backup',
      ]);
    }
    throw storageErrorOf(err, options.file);
  }
  const lockWaitMs = Math.max(0, Math.round(options.lockWaitMs ?? LOCK_WAIT_MS));
  // On the event loop SQLite must not sleep in its busy handler: the dialect waits with timers instead.
  // Those retries are safe only where a busy answer means nothing was done, which WAL guarantees (see
  // the dialect); without WAL (a file system that refuses it) SQLite keeps waiting as it always did.
  const waitsInDialect = wal && !options.ownThread;
  raw.pragma(`busy_timeout = ${waitsInDialect ? 0 : lockWaitMs}`);
  raw.pragma('synchronous = NORMAL');
  // Every page read from disk must be decrypted: a larger cache keeps hot index pages in plaintext memory.
  raw.pragma(`cache_size = -${Math.round(options.cacheKib ?? 32768)}`);
  raw.pragma(`wal_autocheckpoint = ${options.ownThread ? AUTOCHECKPOINT_PAGES.ownThread : AUTOCHECKPOINT_PAGES.eventLoop}`);
  if (!inMemory) fs.chmodSync(options.file, 0o600);
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(raw, { lockWaitMs: waitsInDialect ? lockWaitMs : 0 }) });
  return {
    kysely,
    dialect: 'sqlite',
    ...(inMemory ? {} : { fileOptions: options }),
    close: () => kysely.destroy(),
  };
}

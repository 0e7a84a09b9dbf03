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
}

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
    raw.pragma('journal_mode = WAL');
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
  raw.pragma('busy_timeout = 10000');
  raw.pragma('synchronous = NORMAL');
  // Every page read from disk must be decrypted: a larger cache keeps hot index pages in plaintext memory.
  raw.pragma(`cache_size = -${Math.round(options.cacheKib ?? 32768)}`);
  raw.pragma('wal_autocheckpoint = 16384');
  if (!inMemory) fs.chmodSync(options.file, 0o600);
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(raw) });
  return {
    kysely,
    dialect: 'sqlite',
    ...(inMemory ? {} : { fileOptions: options }),
    close: () => kysely.destroy(),
  };
}

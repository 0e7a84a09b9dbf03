import { AppError } from '../errors';

/**
 * The database's storage failed underneath a query. The message names SQLite's own code and what the
 * operator can do about it; the query's transaction is rolled back, so nothing is half-written.
 */
export class StorageError extends AppError {
  override readonly status = 503;
  override readonly code: string = 'storage';
  constructor(
    message: string,
    readonly sqliteCode: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The volume, or the database's size limit, has no room for the write. */
export class StorageFullError extends StorageError {
  override readonly code = 'storage_full';
}

const advice: { prefix: string; make: (code: string, cause: unknown) => StorageError }[] = [
  {
    prefix: 'SQLITE_FULL',
    make: (code, cause) =>
      new StorageFullError(
        `The database storage is full (${code}): free space on the volume that holds the database (or raise its quota), then retry; the write was rolled back`,
        code,
        { cause },
      ),
  },
  {
    prefix: 'SQLITE_IOERR',
    make: (code, cause) =>
      new StorageError(`The disk failed a database read or write (${code}): check the volume's health and free space, then retry`, code, { cause }),
  },
  {
    prefix: 'SQLITE_READONLY',
    make: (code, cause) =>
      new StorageError(
        `The database cannot be written (${code}): check that the volume is mounted read-write and the service's user owns the database file and its -wal and -shm files`,
        code,
        { cause },
      ),
  },
  {
    prefix: 'SQLITE_CORRUPT',
    make: (code, cause) =>
      new StorageError(`The database file is damaged (${code}): stop the service and restore the database from its latest backup`, code, { cause }),
  },
  {
    prefix: 'SQLITE_CANTOPEN',
    make: (code, cause) =>
      new StorageError(`The database file cannot be opened (${code}): check that DATA_DIR exists and the service's user can write it`, code, { cause }),
  },
];

/** SQLite's storage faults as StorageError; anything else (constraint, busy, …) is returned unchanged. */
export function storageErrorOf(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || err instanceof StorageError) return err;
  return advice.find((a) => code.startsWith(a.prefix))?.make(code, err) ?? err;
}

/** The database file is gone or empty where the secret store shows one was created before. */
export class DatabaseMissingError extends AppError {
  override readonly status = 503;
  override readonly code = 'database_missing';
}

import { AppError } from '../errors';

/**
 * The database's storage failed underneath a query. The message names SQLite's own code, the file
 * and what the operator can do about it; the query's transaction is rolled back, so nothing is
 * half-written.
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

/** The database file is gone or empty where the secret store shows one was created before. */
export class DatabaseMissingError extends AppError {
  override readonly status = 503;
  override readonly code = 'database_missing';
}

const faults: { prefix: string; what: string; todo: string; full?: true }[] = [
  {
    prefix: 'SQLITE_FULL',
    what: 'The database storage is full',
    todo: 'free space on the volume that holds it (or raise its quota), then retry; the write was rolled back',
    full: true,
  },
  { prefix: 'SQLITE_IOERR', what: 'The disk failed a database read or write', todo: "check the volume's health and free space, then retry" },
  {
    prefix: 'SQLITE_READONLY',
    what: 'The database cannot be written',
    todo: "check that the volume is mounted read-write and that the service's user owns the file and its -wal and -shm files",
  },
  { prefix: 'SQLITE_CORRUPT', what: 'The database file is damaged', todo: 'stop the service and restore the file from its latest backup' },
  {
    prefix: 'SQLITE_CANTOPEN',
    what: 'The database file cannot be opened',
    todo: "check that the path names a file (not a directory) in a directory the service's user can write",
  },
];

/** SQLite's storage faults as StorageError; anything else (constraint, busy, …) is returned unchanged. */
export function storageErrorOf(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || err instanceof StorageError) return err;
  const fault = faults.find((f) => code.startsWith(f.prefix));
  if (!fault) return err;
  const message = `${fault.what} (${code}, ${file}): ${fault.todo}`;
  return fault.full ? new StorageFullError(message, code, { cause: err }) : new StorageError(message, code, { cause: err });
}

import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';
import { generatedSecret } from '../secrets/generated-secret';
import type { SecretStore } from '../secrets/secret-store';
import type { Db } from './db';
import { openMssql } from './open-mssql';
import { isNewSqliteFile, openSqlite } from './open-sqlite';
import { DatabaseMissingError } from './storage-error';

export const SQLITE_KEY_SECRET = 'sqlite-db-key';
/** Set in the secret store when the SQLite file is created, so a later start can tell it was lost. */
export const SQLITE_CREATED_SECRET = 'sqlite-db-created';

export interface OpenDatabaseOptions {
  /** Create an empty SQLite database even where one existed before (an operator starting over). */
  allowNewDatabase?: boolean;
}

/** The SQLCipher key comes from DB_KEY or, by default, from the secret store (created on first run). */
async function sqliteKey(config: Config, secrets: SecretStore): Promise<{ key: string; setting: string }> {
  if (config.DB_KEY) return { key: config.DB_KEY, setting: 'DB_KEY' };
  const setting = `DB_KEY (or the secret store entry "${SQLITE_KEY_SECRET}")`;
  return { key: await generatedSecret(secrets, SQLITE_KEY_SECRET), setting };
}

/**
 * SQLite silently creates a missing (or empty) file, so a deleted database would come back empty and
 * the service would run on as if it had no customers. The secret store outlives the file: when it
 * holds the creation marker (or, for databases older than the marker, the generated key), the file
 * existed before and its loss is refused.
 */
async function openSqliteDatabase(config: Config, secrets: SecretStore, options: OpenDatabaseOptions): Promise<Db> {
  const file = config.SQLITE_FILE;
  const isNew = isNewSqliteFile(file);
  if (isNew && !options.allowNewDatabase) {
    const existedBefore = (await secrets.get(SQLITE_CREATED_SECRET)) !== undefined || (!config.DB_KEY && (await secrets.get(SQLITE_KEY_SECRET)) !== undefined);
    if (existedBefore) {
      throw new DatabaseMissingError(
        `The database file ${file} is missing or empty, but the secret store shows a database was created there before; ` +
          'refusing to start on an empty one. Restore the file (with its -wal file, if any) from backup, check DATA_DIR and SQLITE_FILE point at it, ' +
          'or run "migrate --new-database" once to start over with an empty database on purpose.',
      );
    }
  }
  const { key, setting } = await sqliteKey(config, secrets);
  const db = openSqlite({ file, key, keySetting: setting });
  if (isNew) await secrets.set(SQLITE_CREATED_SECRET, path.basename(file));
  return db;
}

export async function openDatabase(config: Config, secrets: SecretStore, options: OpenDatabaseOptions = {}): Promise<Db> {
  if (config.DB_KIND === 'sqlite') return openSqliteDatabase(config, secrets, options);
  return openMssql({
    server: config.MSSQL_SERVER ?? '',
    port: config.MSSQL_PORT,
    database: config.MSSQL_DATABASE ?? '',
    poolMax: config.MSSQL_POOL_MAX,
    auth:
      config.MSSQL_AUTH === 'entra'
        ? { kind: 'entra', credential: new DefaultAzureCredential() }
        : { kind: 'sql', user: config.MSSQL_USER ?? '', password: config.MSSQL_PASSWORD ?? '' },
  });
}

import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';
import { generatedSecret } from '../secrets/generated-secret';
import type { SecretStore } from '../secrets/secret-store';
import type { Db } from './db';
import { openMssql } from './open-mssql';
import { openSqlite } from './open-sqlite';

export const SQLITE_KEY_SECRET = 'sqlite-db-key';

/** The SQLCipher key comes from DB_KEY or, by default, from the secret store (created on first run). */
async function sqliteKey(config: Config, secrets: SecretStore): Promise<{ key: string; setting: string }> {
  if (config.DB_KEY) return { key: config.DB_KEY, setting: 'DB_KEY' };
  const setting = `DB_KEY (or the secret store entry "${SQLITE_KEY_SECRET}")`;
  return { key: await generatedSecret(secrets, SQLITE_KEY_SECRET), setting };
}

export async function openDatabase(config: Config, secrets: SecretStore): Promise<Db> {
  if (config.DB_KIND === 'sqlite') {
    const { key, setting } = await sqliteKey(config, secrets);
    return openSqlite({ file: config.SQLITE_FILE, key, keySetting: setting });
  }
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

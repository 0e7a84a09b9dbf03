import type { TokenCredential } from '@azure/core-auth';
import { Kysely, MssqlDialect } from 'kysely';
import * as tarn from 'tarn';
import * as tedious from 'tedious';
import type { Db } from './db';
import { mssqlLimitPlugin } from './mssql-limit-plugin';
import type { Database } from './schema';

export interface MssqlOptions {
  server: string;
  port: number;
  database: string;
  poolMax: number;
  /** Entra ID (managed identity) in production; SQL authentication only where Entra is unavailable. */
  auth: { kind: 'entra'; credential: TokenCredential } | { kind: 'sql'; user: string; password: string };
}

function authentication(auth: MssqlOptions['auth']): tedious.ConnectionAuthentication {
  return auth.kind === 'entra'
    ? { type: 'token-credential', options: { credential: auth.credential } }
    : { type: 'default', options: { userName: auth.user, password: auth.password } };
}

/** Azure SQL through Kysely's MssqlDialect over tedious. Not exercised in CI: no SQL Server here. */
export function openMssql(options: MssqlOptions): Db {
  const dialect = new MssqlDialect({
    tarn: { ...tarn, options: { min: 0, max: options.poolMax } },
    tedious: {
      ...tedious,
      connectionFactory: () =>
        new tedious.Connection({
          server: options.server,
          authentication: authentication(options.auth),
          options: {
            port: options.port,
            database: options.database,
            encrypt: true,
            trustServerCertificate: false,
          },
        }),
    },
  });
  const kysely = new Kysely<Database>({ dialect, plugins: [mssqlLimitPlugin()] });
  return { kysely, dialect: 'mssql', close: () => kysely.destroy() };
}

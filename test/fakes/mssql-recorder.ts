import { DummyDriver, Kysely, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler } from 'kysely';
import type { Db } from '../../src/db/db';
import { mssqlLimitPlugin } from '../../src/db/mssql-limit-plugin';
import type { Database } from '../../src/db/schema';

/**
 * A Db that speaks SQL Server's dialect without a server: every query is compiled to T-SQL, recorded
 * and answered with no rows. Lets tests run repository code down the MSSQL branches.
 */
export function createMssqlRecorder(): Db & { statements: { sql: string; parameters: readonly unknown[] }[] } {
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];
  const kysely = new Kysely<Database>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new MssqlIntrospector(db),
      createQueryCompiler: () => new MssqlQueryCompiler(),
    },
    plugins: [mssqlLimitPlugin()],
    log: (event) => {
      if (event.level === 'query') statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  return { kysely, dialect: 'mssql', statements, close: () => kysely.destroy() };
}

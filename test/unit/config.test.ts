import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('runs a fresh checkout on embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ DB_KIND: 'sqlite', SECRET_STORE: 'local', EMAIL_TRANSPORT: 'file', JOBS_ENABLED: false });
    expect(c.SQLITE_FILE).toBe(path.resolve('data', 'erp-insights.db'));
  });

  it('lists every bad key in one error', () => {
    const issues = issuesOf({ PORT: 'eighty', DB_KIND: 'postgres', SENDGRID_SANDBOX: 'maybe' });
    expect(issues).toHaveLength(3);
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['DB_KIND', 'PORT', 'SENDGRID_SANDBOX']);
  });

  it('refuses unsafe embedded defaults in production', () => {
    const issues = issuesOf({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://insights.example' });
    expect(issues.join('\n')).toMatch(/MASTER_KEY: required in production/);
    expect(issues.join('\n')).toMatch(/EMAIL_TRANSPORT: the file outbox is refused/);
    expect(issues.join('\n')).toMatch(/PUBLIC_BASE_URL: must use https/);
  });

  it('needs the connection settings of the chosen database', () => {
    expect(issuesOf({ DB_KIND: 'mssql', MSSQL_AUTH: 'sql' })).toEqual([
      'MSSQL_SERVER: required when DB_KIND=mssql',
      'MSSQL_DATABASE: required when DB_KIND=mssql',
      'MSSQL_USER: MSSQL_USER and MSSQL_PASSWORD are required when MSSQL_AUTH=sql',
    ]);
  });

  it('makes the CLI exit non-zero and name all three bad keys', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts', 'migrate'], {
        env: { ...process.env, PORT: '-1', LOG_LEVEL: 'loud', EMAIL_TRANSPORT: 'pigeon', DATA_DIR: 'data/test-config' },
        stdio: 'pipe',
      });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).not.toBe(0);
    for (const key of ['PORT', 'LOG_LEVEL', 'EMAIL_TRANSPORT']) expect(stderr).toContain(`${key}:`);
  });
});

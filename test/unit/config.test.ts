import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses and subnets, never "trust everyone"', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.40.0.0/23, fd00::/8,loopback' }).TRUST_PROXY).toEqual(['10.40.0.0/23', 'fd00::/8', 'loopback']);
    expect(loadConfig({ TRUST_PROXY: '203.0.113.7' }).TRUST_PROXY).toEqual(['203.0.113.7']);
    for (const bad of ['true', '11', '10.0.0.0/33', '10.0.0.0/8/1', 'proxy.example', '1,2']) {
      expect([bad, issuesOf({ TRUST_PROXY: bad })]).toEqual([bad, [expect.stringMatching(/^TRUST_PROXY: expected a hop count from 0 to 10, or a comma-separated list/)]]);
    }
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

  it('lists every fault of a production start at once, range errors naming the range', () => {
    const issues = issuesOf({
      NODE_ENV: 'production',
      PORT: '99999',
      JOB_LEASE_SECONDS: '5',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      JOB_CONCURENCY: '8',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'PORT: 99999 is out of range: set a whole number from 0 to 65535',
        'JOB_LEASE_SECONDS: 5 is out of range: set a whole number from 10 to 3600',
        expect.stringMatching(/^DEFAULT_TIMEZONE: not a known IANA time zone/),
        expect.stringMatching(/^JOB_CONCURENCY: not a setting; did you mean JOB_CONCURRENCY\?/),
        expect.stringMatching(/^MASTER_KEY: required in production/),
        expect.stringMatching(/^EMAIL_TRANSPORT: the file outbox is refused/),
        'PUBLIC_BASE_URL: required in production',
      ]),
    );
    expect(issues).toHaveLength(7);
  });

  it('does not add a rule about a key whose own value is already refused', () => {
    const issues = issuesOf({ NODE_ENV: 'production', MASTER_KEY: 'short', PUBLIC_BASE_URL: 'https://insights.example', ALLOW_FILE_OUTBOX_IN_PRODUCTION: 'true' });
    expect(issues).toEqual(['MASTER_KEY: must be 32 bytes, base64-encoded']);
  });

  it.each(['1e3', '0x10', ' ', '12.5', '3000abc'])('refuses %j as a whole number', (value) => {
    expect(issuesOf({ PORT: value })).toEqual(['PORT: expected a whole number from 0 to 65535']);
  });

  it('accepts IANA zones, and the zone the tenants default to', () => {
    expect(loadConfig({ DEFAULT_TIMEZONE: 'America/Argentina/Buenos_Aires' }).DEFAULT_TIMEZONE).toBe('America/Argentina/Buenos_Aires');
    expect(loadConfig({}).DEFAULT_TIMEZONE).toBe('Europe/Helsinki');
    expect(issuesOf({ DEFAULT_TIMEZONE: 'Europe/Helsinky' })).toHaveLength(1);
  });

  it.each([
    ['JOB_CONCURENCY', 'JOB_CONCURRENCY'],
    ['SENDGRID_APIKEY_SECRET', 'SENDGRID_API_KEY_SECRET'],
    ['DEFUALT_TIMEZONE', 'DEFAULT_TIMEZONE'],
    ['PROT', 'PORT'],
    ['MSSQL_SEVRER', 'MSSQL_SERVER'],
  ])('names %s as a misspelling of %s', (typo, meant) => {
    expect(issuesOf({ [typo]: '1' })).toEqual([`${typo}: not a setting; did you mean ${meant}? Rename it (it is ignored as it is)`]);
  });

  it("leaves the machine's and the platform's own variables alone", () => {
    const unrelated = ['HOME', 'HOSTNAME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'SHELL', 'TERM', 'LANG', 'TZ', 'CI', 'HTTP_PROXY', 'NO_PROXY', 'NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'JEST_WORKER_ID', 'WEBSITE_SITE_NAME', 'WEBSITES_PORT', 'TMPDIR', 'LOGNAME', 'DEBUG', 'FAKETIME', 'LD_PRELOAD', 'npm_config_cache',
      // What Azure Container Apps and the deployment set next to the service's own settings.
      'APPLICATIONINSIGHTS_CONNECTION_STRING', 'AZURE_CLIENT_ID', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'CONTAINER_APP_NAME', 'CONTAINER_APP_REVISION', 'CONTAINER_APP_PORT', 'KUBERNETES_SERVICE_PORT', 'KUBERNETES_SERVICE_HOST'];
    const env = { ...process.env, ...Object.fromEntries(unrelated.map((k) => [k, 'x'])) };
    expect(() => loadConfig(env)).not.toThrow();
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

describe('config at a production start', () => {
  it('exits non-zero naming every bad key, before touching the database', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-production-'));
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts', 'serve'], {
        env: { ...process.env, NODE_ENV: 'production', PORT: '99999', JOB_LEASE_SECONDS: '5', DEFAULT_TIMEZONE: 'Mars/Olympus', JOB_CONCURENCY: '8', DATA_DIR: dataDir },
        stdio: 'pipe',
      });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    try {
      expect(status).toBe(1);
      for (const key of ['PORT', 'JOB_LEASE_SECONDS', 'DEFAULT_TIMEZONE', 'JOB_CONCURENCY', 'MASTER_KEY', 'EMAIL_TRANSPORT', 'PUBLIC_BASE_URL']) {
        expect(stderr).toContain(`  - ${key}:`);
      }
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { migrateToLatest } from '../../src/db/migrate';
import { openDatabase, SQLITE_CREATED_SECRET, SQLITE_KEY_SECRET } from '../../src/db/open';
import { DatabaseMissingError } from '../../src/db/storage-error';
import { createMemorySecretStore } from '../fakes/memory-secret-store';

const event = { at: '2026-11-26T00:00:00.000Z', actor_type: 'system', actor_id: null, tenant_id: 't', action: 'test', object_type: null, object_id: null, ip: null, request_id: null, details_json: null };

describe('a SQLite database file that disappears', () => {
  let dir: string;
  let config: Config;
  const dbFiles = () => fs.readdirSync(dir).filter((f) => f.startsWith('erp-insights.db'));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-missing-'));
    config = loadConfig({ DATA_DIR: dir });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function createWithOneRow(secrets: ReturnType<typeof createMemorySecretStore>, cfg: Config = config): Promise<void> {
    const db = await openDatabase(cfg, secrets);
    await migrateToLatest(db);
    await db.kysely.insertInto('audit_events').values({ id: 'kept', ...event }).execute();
    await db.close();
  }

  it('is created on the first start and marked in the secret store', async () => {
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets);
    expect(secrets.entries().get(SQLITE_CREATED_SECRET)).toBe('erp-insights.db');
    const db = await openDatabase(config, secrets);
    expect(await db.kysely.selectFrom('audit_events').select('id').execute()).toEqual([{ id: 'kept' }]);
    await db.close();
  });

  it('refuses to start on a new empty database once the file was deleted, and creates nothing', async () => {
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets);
    for (const f of dbFiles()) fs.rmSync(path.join(dir, f));
    const err = await openDatabase(config, secrets).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseMissingError);
    expect((err as Error).message).toContain(config.SQLITE_FILE);
    expect((err as Error).message).toMatch(/missing or empty/);
    expect((err as Error).message).toMatch(/Restore the file/);
    expect((err as Error).message).toMatch(/migrate --new-database/);
    expect(dbFiles()).toEqual([]);
  });

  it('refuses a file truncated to 0 bytes and leaves it as it is', async () => {
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets);
    fs.truncateSync(config.SQLITE_FILE, 0);
    await expect(openDatabase(config, secrets)).rejects.toBeInstanceOf(DatabaseMissingError);
    expect(fs.statSync(config.SQLITE_FILE).size).toBe(0);
  });

  it('refuses with DB_KEY set too: the creation marker does not depend on where the key lives', async () => {
    const withKey = loadConfig({ DATA_DIR: dir, DB_KEY: 'a-database-key-of-at-least-32-characters' });
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets, withKey);
    expect(secrets.entries().has(SQLITE_KEY_SECRET)).toBe(false);
    fs.rmSync(withKey.SQLITE_FILE);
    await expect(openDatabase(withKey, secrets)).rejects.toBeInstanceOf(DatabaseMissingError);
  });

  it('takes a generated key in the secret store as proof of a database made before the marker existed', async () => {
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets);
    await secrets.delete(SQLITE_CREATED_SECRET);
    fs.rmSync(config.SQLITE_FILE);
    await expect(openDatabase(config, secrets)).rejects.toBeInstanceOf(DatabaseMissingError);
  });

  it('starts over with an empty database only when asked to', async () => {
    const secrets = createMemorySecretStore();
    await createWithOneRow(secrets);
    for (const f of dbFiles()) fs.rmSync(path.join(dir, f));
    const db = await openDatabase(config, secrets, { allowNewDatabase: true });
    await migrateToLatest(db);
    expect(await db.kysely.selectFrom('audit_events').select('id').execute()).toEqual([]);
    await db.close();
    const reopened = await openDatabase(config, secrets);
    await reopened.close();
  });
});

describe('serve after the database file was deleted', () => {
  it('exits non-zero with the cause instead of serving an empty database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-missing-cli-'));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts', ...args], {
        env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', JOBS_ENABLED: 'false' },
        encoding: 'utf8',
        timeout: 30_000,
      });
    try {
      expect(run('migrate').status).toBe(0);
      for (const f of fs.readdirSync(dir).filter((name) => name.startsWith('erp-insights.db'))) fs.rmSync(path.join(dir, f));

      const served = run('serve');
      expect(served.status).toBe(1);
      expect(served.stderr).toMatch(/^DatabaseMissingError: The database file .*erp-insights\.db is missing or empty/m);
      expect(fs.existsSync(path.join(dir, 'erp-insights.db'))).toBe(false);

      expect(run('migrate', '--new-database').status).toBe(0);
      expect(fs.statSync(path.join(dir, 'erp-insights.db')).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

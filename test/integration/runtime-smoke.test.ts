import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { serve } from '../../src/cli/serve';
import { loadConfig } from '../../src/config';
import { createRuntime } from '../../src/runtime';
import { createMemoryLogger } from '../fakes/memory-logger';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'runtime-smoke-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

test('the real runtime on default config serves /health and /ready on an ephemeral port and closes cleanly', async () => {
  // Defaults only: SQLCipher file, local secret file with a generated master key, file outbox, no jobs.
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' });
  const logger = createMemoryLogger();
  const rt = await createRuntime(config, logger);
  const signalListeners = process.listenerCount('SIGTERM');
  const serving = await serve(rt, 'smoke');
  try {
    expect(serving.server.listening).toBe(true);
    const health = await request(serving.server).get('/health').expect(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await request(serving.server).get('/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', secrets: 'ok' } });
    await request(serving.server).get('/login').expect(200).expect('content-type', /html/);
  } finally {
    await serving.stop();
    await rt.close();
  }
  await serving.stopped;
  expect(serving.server.listening).toBe(false);
  expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
  expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
  expect([existsSync(config.SQLITE_FILE), existsSync(config.SECRETS_FILE)]).toEqual([true, true]);
});

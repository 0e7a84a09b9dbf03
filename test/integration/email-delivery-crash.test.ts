import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createFileOutbox } from '../../src/email/file-outbox';
import { renderInsightEmail } from '../../src/email/render';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { addressOf, CRASH_DB_KEY, emailsPerPerson, seedDeliveryData, SIGNING_SECRET, TENANT } from '../fakes/delivery-fixtures';
import { createMemoryLogger } from '../fakes/memory-logger';

const PERIOD = '2026-W47';
const PEOPLE = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const ROOT = path.resolve(__dirname, '../..');

let dir: string;
let dbFile: string;
let outboxDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'delivery-crash-'));
  dbFile = path.join(dir, 'insights.db');
  outboxDir = path.join(dir, 'outbox');
  const db = open();
  await migrateToLatest(db);
  await seedDeliveryData(db, PERIOD, PEOPLE.map((id) => ({ id })));
  await db.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (): Db => openSqlite({ file: dbFile, key: CRASH_DB_KEY, keySetting: 'DB_KEY' });

/** Runs the child until it has written `killAfter` messages, then SIGKILLs it; resolves once it is gone. */
function runAndKill(killAfter: number, concurrency: number): Promise<{ sentLines: number; signal: NodeJS.Signals | null }> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), 'test/fakes/delivery-crash-process.ts', dbFile, outboxDir, PERIOD, String(concurrency)],
    { cwd: ROOT, stdio: 'pipe' },
  );
  let sentLines = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('sent ')) return;
    sentLines += 1;
    if (sentLines === killAfter) child.kill('SIGKILL');
    else if (sentLines < killAfter) child.stdin.write('go\n');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ sentLines, signal });
      else reject(new Error(`child exited with ${code} before being killed: ${stderr.slice(0, 500)}`));
    });
  });
}

async function restartToCompletion(db: Db) {
  const service = createDeliveryService({
    db,
    clock: systemClock,
    logger: createMemoryLogger(),
    renderer: renderInsightEmail,
    transport: createFileOutbox({ dir: outboxDir }),
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock: systemClock }),
    publicBaseUrl: 'https://insights.example.test',
    concurrency: 2,
  });
  const erp = { recipient: async (personId: string) => ({ firstName: 'Test', email: addressOf(personId), language: null }) };
  return service.deliverPeriod({ tenant: TENANT, period: PERIOD, erp });
}

describe.each([1, 3, 6])('killed after message %i of 6, between sending and recording', (n) => {
  test('the restart sends each remaining person exactly one email and marks the interrupted one unknown', async () => {
    const killed = await runAndKill(n, 1);
    expect(killed).toEqual({ sentLines: n, signal: 'SIGKILL' });

    const db = open();
    try {
      const before = await db.kysely.selectFrom('deliveries').select(['erp_person_id', 'state']).execute();
      expect(before.filter((r) => r.state === 'sending')).toHaveLength(1);
      expect(before.filter((r) => r.state === 'sent')).toHaveLength(n - 1);

      const result = await restartToCompletion(db);

      expect(result).toEqual({ sent: PEOPLE.length - n, skipped: n > 1 ? { 'already-sent': n - 1 } : {}, failed: 0, unknown: 1 });
      expect(await emailsPerPerson(db, outboxDir, PERIOD)).toEqual(Object.fromEntries(PEOPLE.map((id) => [id, 1])));
      const rows = await db.kysely.selectFrom('deliveries').selectAll().execute();
      expect(rows).toHaveLength(PEOPLE.length);
      expect(rows.filter((r) => r.state === 'unknown')).toHaveLength(1);
      expect(rows.filter((r) => r.state === 'sent')).toHaveLength(PEOPLE.length - 1);

      const again = await restartToCompletion(db);
      expect(again).toEqual({ sent: 0, skipped: { 'already-sent': PEOPLE.length - 1 }, failed: 0, unknown: 1 });
    } finally {
      await db.close();
    }
  });
});

test('killed with several sends in flight: nobody gets two emails, and nobody is left without either an email or an unknown row', async () => {
  await runAndKill(2, 3);
  const db = open();
  try {
    const result = await restartToCompletion(db);
    const counts = await emailsPerPerson(db, outboxDir, PERIOD);
    const rows = await db.kysely.selectFrom('deliveries').selectAll().execute();
    expect(rows).toHaveLength(PEOPLE.length);
    for (const id of PEOPLE) {
      const row = rows.find((r) => r.erp_person_id === id);
      expect(counts[id] ?? 0).toBeLessThanOrEqual(1);
      // Sent means exactly one copy; anything else must be shown to staff as unknown, never resent.
      expect([row?.state, counts[id] ?? 0]).toEqual(row?.state === 'sent' ? ['sent', 1] : ['unknown', counts[id] ?? 0]);
    }
    expect(Object.keys(counts).every((k) => PEOPLE.includes(k))).toBe(true);
    expect(result.unknown).toBe(rows.filter((r) => r.state === 'unknown').length);
    expect(result.unknown).toBeGreaterThanOrEqual(1);
    // The outbox file names each delivery; the unknown ones that were written keep their single copy.
    for (const row of rows.filter((r) => r.state === 'unknown' && counts[r.erp_person_id] === 1)) {
      expect(await readFile(path.join(outboxDir, `${row.id}.eml`), 'utf8')).toContain(`X-Delivery-Id: ${row.id}`);
    }
  } finally {
    await db.close();
  }
});

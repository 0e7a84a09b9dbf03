/**
 * A delivery run in its own process, so a test can SIGKILL it at a chosen point.
 * Usage: tsx test/fakes/delivery-crash-process.ts <dbFile> <outboxDir> <period> <concurrency>
 * After each message lands in the outbox (and before the run records it as sent) it prints
 * "sent <deliveryId>" and waits for a "go" line on stdin; at the end it prints "done <result JSON>".
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { createDeliveryService } from '../../src/email/delivery.service';
import { createFileOutbox } from '../../src/email/file-outbox';
import { renderInsightEmail } from '../../src/email/render';
import type { EmailTransport } from '../../src/email/transport';
import { createTokenSigner } from '../../src/email/unsubscribe-token';
import { addressOf, CRASH_DB_KEY, SIGNING_SECRET, TENANT } from './delivery-fixtures';
import { createMemoryLogger } from './memory-logger';

function goSignals(): () => Promise<void> {
  let credits = 0;
  const waiting: (() => void)[] = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'go') return;
    const next = waiting.shift();
    if (next) next();
    else credits += 1;
  });
  return () =>
    new Promise<void>((resolve) => {
      if (credits > 0) {
        credits -= 1;
        resolve();
      } else waiting.push(resolve);
    });
}

async function main(): Promise<void> {
  const [dbFile, outboxDir, period, concurrency] = process.argv.slice(2);
  if (!dbFile || !outboxDir || !period) throw new Error('usage: <dbFile> <outboxDir> <period> [concurrency]');
  const db = openSqlite({ file: dbFile, key: CRASH_DB_KEY, keySetting: 'DB_KEY' });
  await migrateToLatest(db);
  const outbox = createFileOutbox({ dir: outboxDir });
  const waitForGo = goSignals();
  const transport: EmailTransport = {
    async send(msg) {
      const result = await outbox.send(msg);
      process.stdout.write(`sent ${msg.customArgs.delivery_id}\n`);
      await waitForGo();
      return result;
    },
  };
  const service = createDeliveryService({
    db,
    clock: systemClock,
    logger: createMemoryLogger(),
    renderer: renderInsightEmail,
    transport,
    signer: createTokenSigner({ secret: SIGNING_SECRET, clock: systemClock }),
    publicBaseUrl: 'https://insights.example.test',
    concurrency: Number(concurrency ?? '1'),
  });
  const result = await service.deliverPeriod({
    tenant: TENANT,
    period,
    erp: { recipient: async (personId) => ({ firstName: 'Test', email: addressOf(personId), language: null }) },
  });
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
  await db.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.name : 'error'}\n`);
  process.exit(1);
});

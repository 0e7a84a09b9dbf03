import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Clock, systemClock } from '../clock';
import { ValidationError } from '../errors';
import type { Logger } from '../logging/logger';
import { EmailSendError } from './errors';
import { buildMimeMessage } from './mime';
import type { EmailTransport, OutgoingEmail, Sender } from './transport';

export interface OutboxIndexEntry {
  deliveryId: string;
  file: string;
  writtenAt: string;
  /** SHA-256 of the subject: lets a reader match messages without the index holding any content. */
  subjectSha256: string;
}

const INDEX_FILE = 'index.jsonl';
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const DEFAULT_FROM: Sender = { email: 'insights@localhost', name: 'ERP Insights' };

/**
 * The default transport: one .eml per delivery under `dir` plus index.jsonl, both replaced atomically
 * (temp file + rename). The delivery id names the file, so sending the same delivery again overwrites
 * it and its index line instead of adding a second copy. Writes within one outbox are serialised; one
 * directory is meant to be written by one process. The .eml is written first, so a process killed
 * between the two writes leaves a message without its index line, never an index line without a message.
 */
export function createFileOutbox(deps: { dir: string; from?: Sender; clock?: Clock; logger?: Logger }): EmailTransport {
  const { dir } = deps;
  const from = deps.from ?? DEFAULT_FROM;
  const clock = deps.clock ?? systemClock;
  const domain = from.email.split('@')[1] ?? 'localhost';
  let queue: Promise<unknown> = Promise.resolve();

  const writeOne = async (msg: OutgoingEmail): Promise<{ providerId: string }> => {
    const deliveryId = msg.customArgs.delivery_id;
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      throw new EmailSendError({ kind: 'permanent', reason: 'customArgs.delivery_id must be a plain technical ID' });
    }
    const now = clock.now();
    const messageId = `<${deliveryId}@${domain}>`;
    const extraHeaders: Record<string, string> = { ...msg.headers, 'X-Delivery-Id': deliveryId };
    if (msg.customArgs.tenant_id) extraHeaders['X-Tenant-Id'] = msg.customArgs.tenant_id;
    let eml: string;
    try {
      eml = buildMimeMessage({ ...msg, headers: extraHeaders }, { from, date: now, messageId });
    } catch (err) {
      // A message that cannot be built now never will be: no point in retrying it.
      if (err instanceof ValidationError) throw new EmailSendError({ kind: 'permanent', reason: err.message, cause: err });
      throw err;
    }

    const file = `${deliveryId}.eml`;
    try {
      await mkdir(dir, { recursive: true });
      await writeAtomic(path.join(dir, file), eml);
      const entry: OutboxIndexEntry = {
        deliveryId,
        file,
        writtenAt: now.toISOString(),
        subjectSha256: createHash('sha256').update(msg.subject, 'utf8').digest('hex'),
      };
      const others = (await readOutboxIndex(dir)).filter((e) => e.deliveryId !== deliveryId);
      await writeAtomic(path.join(dir, INDEX_FILE), [...others, entry].map((e) => `${JSON.stringify(e)}\n`).join(''));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      deps.logger?.error('outbox write failed', { deliveryId, code });
      throw new EmailSendError({ kind: 'retryable', reason: `outbox write failed (${code})`, cause: err });
    }
    deps.logger?.info('email written to outbox', { deliveryId, file });
    return { providerId: messageId };
  };

  return {
    send(msg) {
      const result = queue.then(() => writeOne(msg));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

export async function readOutboxIndex(dir: string): Promise<OutboxIndexEntry[]> {
  let content: string;
  try {
    content = await readFile(path.join(dir, INDEX_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutboxIndexEntry);
}

async function writeAtomic(target: string, data: string): Promise<void> {
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, data, { encoding: 'utf8', flush: true });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

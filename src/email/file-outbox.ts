import { createHash, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/** One message file as its technical headers describe it; `to` is read from the file, never stored. */
export interface OutboxMessage {
  file: string;
  deliveryId: string | null;
  tenantId: string | null;
  personId: string | null;
  to: string | null;
}

/** Whose messages to erase: a whole tenant, or one person (their ID, plus delivery IDs for files that predate X-Person-Id). */
export interface OutboxEraseScope {
  tenantId: string;
  personId?: string;
  deliveryIds?: readonly string[];
}

export interface FileOutbox extends EmailTransport {
  /** Removes the scope's message files and their index lines; returns how many files went. */
  erase(scope: OutboxEraseScope): Promise<number>;
}

const INDEX_FILE = 'index.jsonl';
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const DEFAULT_FROM: Sender = { email: 'insights@localhost', name: 'ERP Insights' };
/** Messages hold an address and a first name: readable by the service's own user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** `<deliveryId>.eml` for the first message of a delivery, `<deliveryId>.<n>.eml` for the n-th. */
export const outboxFileName = (deliveryId: string, n: number): string => (n === 1 ? `${deliveryId}.eml` : `${deliveryId}.${n}.eml`);

/**
 * The default transport, standing in for the receiving end: every send adds a message file under
 * `dir`, so a message sent twice is there twice for anyone counting (the first `<deliveryId>.eml`,
 * then `<deliveryId>.2.eml`, …; created exclusively, never overwritten), plus a line in index.jsonl.
 * Files are 0600. Writes and erasures through one outbox are serialised; one directory is meant to be
 * written by one process. The .eml lands first, so a process killed between the two writes leaves a
 * message without its index line, never an index line without a message; once the .eml is there the
 * send has happened, whatever becomes of the index.
 */
export function createFileOutbox(deps: { dir: string; from?: Sender; clock?: Clock; logger?: Logger }): FileOutbox {
  const { dir } = deps;
  const from = deps.from ?? DEFAULT_FROM;
  const clock = deps.clock ?? systemClock;
  const domain = from.email.split('@')[1] ?? 'localhost';
  let queue: Promise<unknown> = Promise.resolve();
  let tightened: Promise<void> | undefined;
  /** Once per outbox, before its first write or erasure; tried again after a failure. */
  const tightenOnce = (): Promise<void> => {
    tightened ??= tightenModes(dir).catch((err: unknown) => {
      tightened = undefined;
      throw err;
    });
    return tightened;
  };
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  const writeOne = async (msg: OutgoingEmail): Promise<{ providerId: string }> => {
    const deliveryId = msg.customArgs.delivery_id;
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      throw new EmailSendError({ kind: 'permanent', reason: 'customArgs.delivery_id must be a plain technical ID' });
    }
    const now = clock.now();
    const extraHeaders: Record<string, string> = { ...msg.headers, 'X-Delivery-Id': deliveryId };
    if (msg.customArgs.tenant_id) extraHeaders['X-Tenant-Id'] = msg.customArgs.tenant_id;
    if (msg.recipientId) extraHeaders['X-Person-Id'] = msg.recipientId;
    const build = (n: number) => {
      const messageId = n === 1 ? `<${deliveryId}@${domain}>` : `<${deliveryId}.${n}@${domain}>`;
      try {
        return { messageId, eml: buildMimeMessage({ ...msg, headers: extraHeaders }, { from, date: now, messageId }) };
      } catch (err) {
        // A message that cannot be built now never will be: no point in retrying it.
        if (err instanceof ValidationError) throw new EmailSendError({ kind: 'permanent', reason: err.message, cause: err });
        throw err;
      }
    };
    let written: { file: string; messageId: string };
    try {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      await tightenOnce();
      written = await createExclusive(dir, deliveryId, build);
    } catch (err) {
      if (err instanceof EmailSendError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      deps.logger?.error('outbox write failed', { deliveryId, code });
      throw new EmailSendError({ kind: 'retryable', reason: `outbox write failed (${code})`, cause: err });
    }
    const entry: OutboxIndexEntry = {
      deliveryId,
      file: written.file,
      writtenAt: now.toISOString(),
      subjectSha256: createHash('sha256').update(msg.subject, 'utf8').digest('hex'),
    };
    try {
      await writeIndex(dir, [...(await readOutboxIndex(dir)), entry]);
    } catch (err) {
      deps.logger?.error('outbox index write failed', { deliveryId, file: written.file, code: (err as NodeJS.ErrnoException).code ?? 'unknown' });
    }
    deps.logger?.info('email written to outbox', { deliveryId, file: written.file });
    return { providerId: written.messageId };
  };

  const eraseScope = async (scope: OutboxEraseScope): Promise<number> => {
    await tightenOnce();
    const legacy = new Set(scope.deliveryIds ?? []);
    const doomed = (await readOutboxMessages(dir)).filter(
      (m) => m.tenantId === scope.tenantId && (scope.personId === undefined || m.personId === scope.personId || (m.deliveryId !== null && legacy.has(m.deliveryId))),
    );
    if (doomed.length === 0) return 0;
    const files = new Set(doomed.map((m) => m.file));
    // The index goes first: a crash in between leaves files the next erasure finds, never index lines without files.
    await writeIndex(dir, (await readOutboxIndex(dir)).filter((e) => !files.has(e.file)));
    for (const file of files) await rm(path.join(dir, file), { force: true });
    deps.logger?.info('outbox messages erased', { tenantId: scope.tenantId, count: files.size });
    return files.size;
  };

  return {
    send: (msg) => serialised(() => writeOne(msg)),
    erase: (scope) => serialised(() => eraseScope(scope)),
  };
}

/**
 * An outbox left by an older version may be 0755 with 0644 messages in it (mkdir's mode only applies
 * to a folder it creates): the folder becomes 0700 and every file in it 0600. No folder, nothing to do.
 */
async function tightenModes(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await chmod(dir, DIR_MODE);
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file);
    if (info.isFile() && (info.mode & 0o077) !== 0) await chmod(file, FILE_MODE);
  }
}

/** Writes the message under the first free name for its delivery: link() refuses to replace an existing file. */
async function createExclusive(
  dir: string,
  deliveryId: string,
  build: (n: number) => { messageId: string; eml: string },
): Promise<{ file: string; messageId: string }> {
  for (let n = 1; ; n += 1) {
    const file = outboxFileName(deliveryId, n);
    const { messageId, eml } = build(n);
    const temp = path.join(dir, `.${file}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, eml, { encoding: 'utf8', flush: true, mode: FILE_MODE });
      await link(temp, path.join(dir, file));
      return { file, messageId };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }
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

/** Every message file in the outbox, described by its own headers (the index may lack the last one). */
export async function readOutboxMessages(dir: string): Promise<OutboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const messages: OutboxMessage[] = [];
  for (const file of names.filter((n) => n.endsWith('.eml') && !n.startsWith('.')).sort()) {
    const content = await readFile(path.join(dir, file), 'utf8');
    const end = content.indexOf('\r\n\r\n');
    const headers = new Map<string, string>();
    for (const line of (end < 0 ? content : content.slice(0, end)).replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    messages.push({
      file,
      deliveryId: headers.get('x-delivery-id') ?? null,
      tenantId: headers.get('x-tenant-id') ?? null,
      personId: headers.get('x-person-id') ?? null,
      to: headers.get('to') ?? null,
    });
  }
  return messages;
}

async function writeIndex(dir: string, entries: OutboxIndexEntry[]): Promise<void> {
  const target = path.join(dir, INDEX_FILE);
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { encoding: 'utf8', flush: true, mode: FILE_MODE });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

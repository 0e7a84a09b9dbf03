import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { ReceivedMessage } from './drill-verify';

/**
 * The file outbox read as a mail client would: every .eml parsed by a third-party parser (not our own
 * readOutboxMessages), counted by its To address and the tenant header. A resend is a file of its own
 * ('<deliveryId>.2.eml'), so a duplicate shows as a second message to the same address.
 */
export async function readOutboxMessages(dir: string): Promise<ReceivedMessage[]> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => f.endsWith('.eml'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const messages: ReceivedMessage[] = [];
  for (const file of files) {
    const mail = await simpleParser(await fs.readFile(path.join(dir, file)));
    const tenant = String(mail.headers.get('x-tenant-id') ?? '');
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    for (const address of to.flatMap((t) => t.value)) if (address.address) messages.push({ tenant, address: address.address });
  }
  return messages;
}

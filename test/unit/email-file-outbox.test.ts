import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../src/clock';
import { EmailSendError } from '../../src/email/errors';
import { createFileOutbox, readOutboxIndex, readOutboxMessages } from '../../src/email/file-outbox';
import { encodeHeaderValue } from '../../src/email/mime';
import type { OutgoingEmail } from '../../src/email/transport';
import { unsubscribeHeaders } from '../../src/email/unsubscribe-token';
import { createMemoryLogger } from '../fakes/memory-logger';

const ADDRESS = 'aino.virtanen@customer.example';
const SUBJECT = 'Viikko 47: 7,5\u00a0h kirjaamatta – tarkistathan myös sunnuntain 22.11. kirjaukset ääkkösineen';

function message(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: ADDRESS,
    subject: SUBJECT,
    html: '<p>Hei Äino, 37,5\u00a0h</p>',
    text: 'Hei Äino, 37,5\u00a0h\n',
    headers: unsubscribeHeaders('https://insights.example/u/tok-123'),
    categories: ['insights'],
    customArgs: { tenant_id: 'tenant-1', delivery_id: 'del-42' },
    ...overrides,
  };
}

/** A small reader for what the outbox writes: unfolds headers, decodes RFC 2047 words and base64 parts. */
function parseEml(eml: string) {
  const split = eml.indexOf('\r\n\r\n');
  const headerBlock = eml.slice(0, split).replace(/\r\n[ \t]/g, ' ');
  const headers = new Map<string, string>();
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const decodeWords = (v: string) =>
    v.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
  const boundary = /boundary="([^"]+)"/.exec(headers.get('content-type') ?? '')?.[1] ?? '';
  const parts = eml
    .slice(split + 4)
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((raw) => {
      const [head = '', body = ''] = raw.replace(/^\r\n/, '').split('\r\n\r\n');
      return { head, body: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') };
    });
  return { headers, decodeWords, parts, boundary };
}

describe('file outbox', () => {
  let dir: string;
  const clock = fixedClock(new Date('2026-11-16T05:00:00Z'));

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one RFC 5322 multipart/alternative message per delivery', async () => {
    const outbox = createFileOutbox({ dir, clock, from: { email: 'insights@service.example', name: 'ERP Insights' } });
    await expect(outbox.send(message())).resolves.toEqual({ providerId: '<del-42@service.example>' });

    const eml = await readFile(path.join(dir, 'del-42.eml'), 'utf8');
    expect(eml).not.toMatch(/[^\r]\n/);
    for (const line of eml.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

    const { headers, decodeWords, parts, boundary } = parseEml(eml);
    expect(headers.get('from')).toBe('"ERP Insights" <insights@service.example>');
    expect(headers.get('to')).toBe(ADDRESS);
    expect(headers.get('subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(headers.get('subject') ?? '')).toBe(SUBJECT);
    expect(headers.get('date')).toBe('Mon, 16 Nov 2026 05:00:00 +0000');
    expect(headers.get('message-id')).toBe('<del-42@service.example>');
    expect(headers.get('mime-version')).toBe('1.0');
    expect(headers.get('list-unsubscribe')).toBe('<https://insights.example/u/tok-123>');
    expect(headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headers.get('x-delivery-id')).toBe('del-42');
    expect(headers.get('content-type')).toBe(`multipart/alternative; boundary="${boundary}"`);

    expect(parts).toHaveLength(2);
    expect(parts[0]?.head).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64');
    expect(parts[0]?.body).toBe('Hei Äino, 37,5\u00a0h\n');
    expect(parts[1]?.head).toBe('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64');
    expect(parts[1]?.body).toBe('<p>Hei Äino, 37,5\u00a0h</p>');
  });

  it('keeps every message, a resend of the same delivery as a second file, and an index without the address', async () => {
    const logger = createMemoryLogger();
    const outbox = createFileOutbox({ dir, clock, logger });
    await outbox.send(message());
    await outbox.send(message({ customArgs: { tenant_id: 'tenant-1', delivery_id: 'del-43' } }));
    clock.advance(60_000);
    await expect(outbox.send(message({ subject: 'Second try' }))).resolves.toEqual({ providerId: '<del-42.2@localhost>' });

    expect((await readdir(dir)).sort()).toEqual(['del-42.2.eml', 'del-42.eml', 'del-43.eml', 'index.jsonl']);
    const index = await readOutboxIndex(dir);
    expect(index.map((e) => e.file)).toEqual(['del-42.eml', 'del-43.eml', 'del-42.2.eml']);
    expect(index[2]).toEqual({
      deliveryId: 'del-42',
      file: 'del-42.2.eml',
      writtenAt: '2026-11-16T05:01:00.000Z',
      subjectSha256: createHash('sha256').update('Second try').digest('hex'),
    });
    expect(await readFile(path.join(dir, 'del-42.eml'), 'utf8')).toContain(`Subject: ${encodeHeaderValue(SUBJECT)}\r\n`);
    expect(await readFile(path.join(dir, 'del-42.2.eml'), 'utf8')).toContain('Subject: Second try\r\n');
    const messages = await readOutboxMessages(dir);
    expect(messages.filter((m) => m.to === ADDRESS).map((m) => m.deliveryId)).toEqual(['del-42', 'del-42', 'del-43']);
    const rawIndex = await readFile(path.join(dir, 'index.jsonl'), 'utf8');
    expect(rawIndex).not.toContain(ADDRESS);
    expect(rawIndex).not.toContain('Second try');
    expect(JSON.stringify(logger.records)).not.toContain(ADDRESS);
  });

  it('writes messages and the index readable by the owner only', async () => {
    const outbox = createFileOutbox({ dir: path.join(dir, 'fresh'), clock });
    await outbox.send(message());
    await outbox.send(message());
    expect((await stat(path.join(dir, 'fresh'))).mode & 0o777).toBe(0o700);
    for (const file of await readdir(path.join(dir, 'fresh'))) {
      expect([file, (await stat(path.join(dir, 'fresh', file))).mode & 0o777]).toEqual([file, 0o600]);
    }
  });

  it('tightens an outbox an older version left 0755 with 0644 messages, before its first write or erasure', async () => {
    for (const first of ['send', 'erase'] as const) {
      const old = path.join(dir, `old-${first}`);
      await mkdir(old, { mode: 0o755 });
      await chmod(old, 0o755);
      await writeFile(path.join(old, 'd-old.eml'), 'To: someone@example.test\r\n\r\nHei', { mode: 0o644 });
      await chmod(path.join(old, 'd-old.eml'), 0o644);
      await writeFile(path.join(old, 'index.jsonl'), '', { mode: 0o644 });
      await chmod(path.join(old, 'index.jsonl'), 0o644);
      const outbox = createFileOutbox({ dir: old, clock });
      if (first === 'send') await outbox.send(message());
      else await outbox.erase({ tenantId: 'nobody' });
      expect([first, (await stat(old)).mode & 0o777]).toEqual([first, 0o700]);
      for (const file of await readdir(old)) {
        expect([first, file, (await stat(path.join(old, file))).mode & 0o777]).toEqual([first, file, 0o600]);
      }
    }
  });

  it("erases a person's or a tenant's messages and their index lines, including files without the person header", async () => {
    const outbox = createFileOutbox({ dir, clock });
    const send = (tenant: string, delivery: string, person?: string) =>
      outbox.send(message({ customArgs: { tenant_id: tenant, delivery_id: delivery }, ...(person ? { recipientId: person } : {}) }));
    await send('t1', 'd-p1-a', 'p1');
    await send('t1', 'd-p1-a', 'p1');
    await send('t1', 'd-p1-old');
    await send('t1', 'd-p2', 'p2');
    await send('t2', 'd-p1-other', 'p1');

    await expect(outbox.erase({ tenantId: 't1', personId: 'p1', deliveryIds: ['d-p1-old'] })).resolves.toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['d-p1-other.eml', 'd-p2.eml', 'index.jsonl']);
    expect((await readOutboxIndex(dir)).map((e) => e.file)).toEqual(['d-p2.eml', 'd-p1-other.eml']);

    await expect(outbox.erase({ tenantId: 't1' })).resolves.toBe(1);
    expect((await readOutboxMessages(dir)).map((m) => [m.tenantId, m.personId])).toEqual([['t2', 'p1']]);
    await expect(outbox.erase({ tenantId: 't1' })).resolves.toBe(0);
  });

  it('serialises concurrent sends so the index loses no entry', async () => {
    const outbox = createFileOutbox({ dir, clock });
    const ids = Array.from({ length: 12 }, (_, i) => `del-${i}`);
    await Promise.all(ids.map((id) => outbox.send(message({ customArgs: { delivery_id: id } }))));
    expect((await readOutboxIndex(dir)).map((e) => e.deliveryId).sort()).toEqual([...ids].sort());
  });

  it('refuses unsafe delivery ids and header injection as permanent failures, writing nothing', async () => {
    const outbox = createFileOutbox({ dir, clock });
    for (const bad of [
      message({ customArgs: { delivery_id: '../escape' } }),
      message({ customArgs: {} }),
      message({ subject: 'Hi\r\nBcc: someone@else.example' }),
      message({ headers: { 'Content-Type': 'text/plain' } }),
      message({ to: 'a@b.example\r\nBcc: c@d.example' }),
    ]) {
      const err = await outbox.send(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmailSendError);
      expect(err).toMatchObject({ kind: 'permanent' });
      expect((err as Error).message).not.toContain('@');
    }
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('encodeHeaderValue', () => {
  it('leaves ASCII alone and splits UTF-8 into encoded words of at most 75 characters', () => {
    expect(encodeHeaderValue('Week 47: 7.5 h')).toBe('Week 47: 7.5 h');
    const long = 'Ääkköset ja € merkit 😀 '.repeat(6);
    const words = encodeHeaderValue(long).split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(long);
  });
});

import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import type { OutgoingEmail, Sender } from './transport';

const CRLF = '\r\n';
const MAX_LINE = 998;
/** Bytes of UTF-8 per RFC 2047 encoded word: 45 bytes → 60 base64 chars → 72-char word, under the 75 limit. */
const ENCODED_WORD_BYTES = 45;
/** Headers the builder owns; callers may not override them through msg.headers. */
const RESERVED = new Set(['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);

export interface MimeEnvelope {
  from: Sender;
  date: Date;
  messageId: string;
}

/**
 * An RFC 5322 message: multipart/alternative with a text and an HTML part, both UTF-8 and base64, CRLF
 * line endings. Deterministic for the same input (the boundary is derived from the content).
 */
export function buildMimeMessage(msg: OutgoingEmail, env: MimeEnvelope): string {
  const boundary = `=_insights_${createHash('sha256').update(msg.text).update(msg.html).digest('hex').slice(0, 32)}`;
  const headers: [string, string][] = [
    ['From', formatMailbox(env.from)],
    ['To', checkAddress(msg.to)],
    ['Subject', encodeHeaderValue(msg.subject)],
    ['Date', formatDate(env.date)],
    ['Message-ID', env.messageId],
    ['MIME-Version', '1.0'],
  ];
  for (const [name, value] of Object.entries(msg.headers)) {
    if (!/^[A-Za-z0-9-]+$/.test(name) || RESERVED.has(name.toLowerCase())) {
      throw new ValidationError(`Header not allowed: ${name}`);
    }
    headers.push([name, encodeHeaderValue(value)]);
  }
  headers.push(['Content-Type', `multipart/alternative; boundary="${boundary}"`]);

  const lines = headers.map(([name, value]) => `${name}: ${value}`);
  for (const line of lines) {
    if (line.split(CRLF).some((l) => l.length > MAX_LINE)) throw new ValidationError('Header line too long');
  }
  return [
    ...lines,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    ...part('text/plain', msg.text),
    `--${boundary}`,
    ...part('text/html', msg.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

function part(type: string, body: string): string[] {
  const encoded = Buffer.from(body, 'utf8').toString('base64');
  return [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(encoded.match(/.{1,76}/g) ?? ['']),
  ];
}

/** Printable ASCII passes as is; anything else becomes RFC 2047 B-encoded words split on character boundaries. */
export function encodeHeaderValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new ValidationError('Header values must not contain line breaks');
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char, 'utf8') > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function formatMailbox(sender: Sender): string {
  const address = checkAddress(sender.email);
  if (!sender.name) return address;
  const name = /^[\x20-\x7e]*$/.test(sender.name)
    ? `"${sender.name.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    : encodeHeaderValue(sender.name);
  return `${name} <${address}>`;
}

function checkAddress(address: string): string {
  if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(address)) throw new ValidationError('Invalid email address');
  return address;
}

/** RFC 5322 date-time in UTC, e.g. "Mon, 16 Nov 2026 05:00:00 +0000". */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

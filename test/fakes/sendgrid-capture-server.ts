import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export interface ProgrammedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * How the server treats a mail/send it has read in full: `reset` accepts the message and then drops
 * the connection without a word, `hang` accepts it and never answers. Either way the message counts as
 * accepted, the way SendGrid would have queued it before the answer was lost.
 */
export type ProgrammedFault = { fault: 'reset' } | { fault: 'hang' };

export interface SendGridCaptureServer {
  /** Base URL for createSendGridTransport({ baseUrl }). */
  baseUrl: string;
  requests: CapturedRequest[];
  /** Queue answers for the next requests; when the queue is empty, POST /v3/mail/send answers `fallback` (202). */
  respondWith(...responses: (ProgrammedResponse | ProgrammedFault)[]): void;
  /** What to do once the queue is empty (default: answer 202 with an X-Message-Id). */
  setFallback(answer: ProgrammedResponse | ProgrammedFault | null): void;
  /** Messages accepted per recipient address: the receiving end's own count, whatever the client was told. */
  messagesPerAddress(): Record<string, number>;
  close(): Promise<void>;
}

const isFault = (a: ProgrammedResponse | ProgrammedFault): a is ProgrammedFault => 'fault' in a;

/** Recipient addresses of one v3 mail/send body: every `to` of every personalization. */
export function recipientsOf(body: unknown): string[] {
  const personalizations = (body as { personalizations?: { to?: { email?: unknown }[] }[] } | null)?.personalizations ?? [];
  return personalizations.flatMap((p) => (p.to ?? []).map((t) => (typeof t.email === 'string' ? t.email : '')));
}

/** A loopback stand-in for SendGrid's v3 API: records every request and answers as programmed. */
export async function startSendGridCaptureServer(): Promise<SendGridCaptureServer> {
  const requests: CapturedRequest[] = [];
  const queue: (ProgrammedResponse | ProgrammedFault)[] = [];
  let fallback: ProgrammedResponse | ProgrammedFault | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = rawBody ? JSON.parse(rawBody) : null;
      } catch {
        body = null;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody, body });

      const known = req.method === 'POST' && req.url === '/v3/mail/send';
      const answer = known
        ? (queue.shift() ?? fallback ?? { status: 202, headers: { 'X-Message-Id': `msg-${randomUUID()}` } })
        : { status: 404, body: { errors: [{ message: 'not found' }] } };
      if (isFault(answer)) {
        if (answer.fault === 'reset') req.socket.resetAndDestroy();
        return;
      }
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(payload ? { 'Content-Type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(payload);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (...responses) => queue.push(...responses),
    setFallback: (answer) => {
      fallback = answer;
    },
    messagesPerAddress() {
      const counts: Record<string, number> = {};
      for (const r of requests) {
        if (r.method !== 'POST' || r.url !== '/v3/mail/send') continue;
        for (const address of recipientsOf(r.body)) counts[address] = (counts[address] ?? 0) + 1;
      }
      return counts;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

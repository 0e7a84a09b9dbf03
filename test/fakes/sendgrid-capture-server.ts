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

export interface SendGridCaptureServer {
  /** Base URL for createSendGridTransport({ baseUrl }). */
  baseUrl: string;
  requests: CapturedRequest[];
  /** Queue answers for the next requests; when the queue is empty, POST /v3/mail/send answers 202. */
  respondWith(...responses: ProgrammedResponse[]): void;
  close(): Promise<void>;
}

/** A loopback stand-in for SendGrid's v3 API: records every request and answers as programmed. */
export async function startSendGridCaptureServer(): Promise<SendGridCaptureServer> {
  const requests: CapturedRequest[] = [];
  const queue: ProgrammedResponse[] = [];

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
      const answer: ProgrammedResponse = known
        ? (queue.shift() ?? { status: 202, headers: { 'X-Message-Id': `msg-${randomUUID()}` } })
        : { status: 404, body: { errors: [{ message: 'not found' }] } };
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

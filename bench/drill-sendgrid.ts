import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One mail/send request the receiving end accepted: one message per `to` address. */
export interface AcceptedMail {
  at: number;
  tenant: string;
  deliveryId: string;
  addresses: string[];
}

export interface SendGridReceiver {
  baseUrl: string;
  accepted: AcceptedMail[];
  /** Accepted requests whose answer was cut off (the connection reset after the message was taken). */
  resets(): number;
  close(): Promise<void>;
}

interface MailBody {
  personalizations?: Array<{ to?: Array<{ email?: string }>; custom_args?: Record<string, string> }>;
  custom_args?: Record<string, string>;
}

/**
 * The drill's stand-in for SendGrid's v3 mail/send: takes every well-formed request as a message sent
 * (appended to `accepted`), then answers 202, or, for a seeded share of requests, resets the connection
 * without answering, as a provider does that accepted the mail and then lost the connection.
 */
export async function startSendGridReceiver(opts: { resetShare: number; random: () => number }): Promise<SendGridReceiver> {
  const accepted: AcceptedMail[] = [];
  let resets = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v3/mail/send') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'not found' }] }));
        return;
      }
      let body: MailBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MailBody;
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'body must be JSON' }] }));
        return;
      }
      for (const p of body.personalizations ?? []) {
        const args = { ...body.custom_args, ...p.custom_args };
        const addresses = (p.to ?? []).flatMap((t) => (t.email ? [t.email] : []));
        accepted.push({ at: Date.now(), tenant: args.tenant_id ?? '', deliveryId: args.delivery_id ?? '', addresses });
      }
      if (opts.random() < opts.resetShare) {
        resets += 1;
        req.socket.destroy();
        return;
      }
      res.writeHead(202, { 'X-Message-Id': `drill-${randomUUID()}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accepted,
    resets: () => resets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

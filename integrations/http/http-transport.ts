/**
 * One HTTP exchange over node:http/node:https, so the SSRF guard's agents decide every connection
 * (global fetch would bypass them). Never follows redirects: the caller sees the 3xx status.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  agent?: http.Agent;
  timeoutMs: number;
  maxBytes: number;
}

export type TransportFailureKind = 'timeout' | 'connection' | 'refused' | 'tls' | 'too-large';

/** A request that produced no HTTP answer. Messages carry no header or body content. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }

  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'connection';
  }
}

function classify(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : 'unknown error';
  // request-filtering-agent signals a refused address only through its message.
  if (/is not allowed/.test(message) && message.startsWith('DNS lookup')) {
    return new TransportError('refused', 'the address was refused by the SSRF guard');
  }
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new TransportError('tls', `TLS failure (${code})`);
  }
  return new TransportError('connection', `connection failure (${code || 'no code'})`);
}

export function sendRequest(r: HttpRequest): Promise<HttpResponse> {
  const transport = r.url.protocol === 'https:' ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const finish = (err: unknown, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (res) resolve(res);
      else reject(classify(err));
    };
    const timer = setTimeout(() => {
      const err = new TransportError('timeout', `no complete answer within ${r.timeoutMs} ms`);
      req?.destroy(err);
      finish(err);
    }, r.timeoutMs);

    try {
      req = transport.request(r.url, { method: r.method, headers: r.headers, agent: r.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > r.maxBytes) {
            const err = new TransportError('too-large', `answer larger than ${r.maxBytes} bytes`);
            res.destroy(err);
            finish(err);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => finish(err));
        res.on('aborted', () => finish(new TransportError('connection', 'answer cut off')));
        res.on('end', () =>
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
    } catch (err) {
      // The filtering agent throws synchronously for a refused literal address.
      finish(err);
      return;
    }
    req.on('error', (err) => finish(err));
    req.end(r.body);
  });
}

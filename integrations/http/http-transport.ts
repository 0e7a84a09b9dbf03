/**
 * One HTTP exchange through axios on node's http/https adapter, with the SSRF guard's agents deciding
 * every connection (global fetch would bypass them) and no proxy from the environment (a proxy would
 * too). Never follows redirects: the caller sees the 3xx status. The whole exchange, connection to last
 * byte, has one deadline, and the answer one size limit (counted after decompression).
 */
import type http from 'node:http';
import axios, { type AxiosResponse } from 'axios';

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

const client = axios.create({
  maxRedirects: 0,
  proxy: false,
  validateStatus: () => true,
  responseType: 'text',
  responseEncoding: 'utf8',
  // The body is handed back as received; callers parse and validate it themselves.
  transformResponse: [(data: unknown) => data],
});

function classify(err: unknown, timedOut: boolean, r: HttpRequest): TransportError {
  if (timedOut) return new TransportError('timeout', `no complete answer within ${r.timeoutMs} ms`);
  // axios keeps the socket error's code and message on its own error.
  const raw = (err as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' ? raw : '';
  const message = err instanceof Error ? err.message : 'unknown error';
  // request-filtering-agent signals a refused address only through its message; the SSRF guard's own
  // connect-time check sets the code ERR_SSRF_REFUSED (src/net/ssrf-guard).
  if (code === 'ERR_SSRF_REFUSED' || (/is not allowed/.test(message) && message.startsWith('DNS lookup'))) {
    return new TransportError('refused', 'the address was refused by the SSRF guard');
  }
  if (/^maxContentLength size of \d+ exceeded$/.test(message)) return new TransportError('too-large', `answer larger than ${r.maxBytes} bytes`);
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new TransportError('tls', `TLS failure (${code})`);
  }
  if (message === 'stream has been aborted') return new TransportError('connection', 'answer cut off');
  return new TransportError('connection', `connection failure (${code || 'no code'})`);
}

function toHeaders(res: AxiosResponse): http.IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v as string | string[]]));
}

export async function sendRequest(r: HttpRequest): Promise<HttpResponse> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), r.timeoutMs);
  try {
    const res = await client.request<string>({
      url: r.url.toString(),
      method: r.method,
      headers: r.headers,
      data: r.body,
      httpAgent: r.agent,
      httpsAgent: r.agent,
      maxContentLength: r.maxBytes,
      maxBodyLength: r.maxBytes,
      signal: deadline.signal,
    });
    return { status: res.status, headers: toHeaders(res), body: typeof res.data === 'string' ? res.data : '' };
  } catch (err) {
    throw classify(err, deadline.signal.aborted, r);
  } finally {
    clearTimeout(timer);
  }
}

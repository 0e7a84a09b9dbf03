/**
 * A tiny programmable Severa-shaped server on 127.0.0.1 for client unit tests: a token endpoint that
 * checks the client credentials, bearer checks on every other route, and per-route handlers that
 * see how many times they have been called. Unrouted paths answer 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string | undefined>;
  json?: unknown;
  body?: string;
}

/**
 * `call` counts from 1 per route. 'hang' never answers (timeout tests); 'reset' drops the
 * connection without an answer, as a flaky load balancer does.
 */
export type FakeHandler = (req: RecordedRequest, call: number) => FakeAnswer | 'hang' | 'reset';

export interface FakeSevera {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Tokens the server has issued, in order; revoke() makes one answer 401 from now on. */
  issuedTokens: string[];
  revoke(token: string): void;
  route(method: string, path: string, handler: FakeHandler): void;
  close(): Promise<void>;
}

export const FAKE_CLIENT_ID = 'fake-client-id';
export const FAKE_CLIENT_SECRET = 'S3cr3t-client-secret-value';

export async function startFakeSevera(options: { tokenLifetimeSeconds?: number } = {}): Promise<FakeSevera> {
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  const revoked = new Set<string>();
  const routes = new Map<string, { handler: FakeHandler; calls: number }>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/^\/rest-api/, '');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = answerFor(recorded);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      const body = answer.json === undefined ? (answer.body ?? '') : JSON.stringify(answer.json);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [name, value] of Object.entries(answer.headers ?? {})) if (value !== undefined) headers[name] = value;
      res.writeHead(answer.status ?? 200, headers);
      res.end(body);
    });
  });

  function answerFor(req: RecordedRequest): FakeAnswer | 'hang' | 'reset' {
    const key = `${req.method} ${req.path}`;
    const routed = routes.get(key);
    if (req.method === 'POST' && req.path === '/v1/token' && !routed) return issueToken(req);
    if (req.path !== '/v1/token') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !issuedTokens.includes(token) || revoked.has(token)) return { status: 401, json: { error: 'invalid token' } };
      if (req.headers.client_id !== FAKE_CLIENT_ID) return { status: 401, json: { error: 'client_id header missing' } };
    }
    if (!routed) return { status: 404, json: { message: 'Resource not found' } };
    routed.calls++;
    return routed.handler(req, routed.calls);
  }

  function issueToken(req: RecordedRequest): FakeAnswer {
    const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
    if (body.client_id !== FAKE_CLIENT_ID || body.client_secret !== FAKE_CLIENT_SECRET) {
      return { status: 401, json: { error: 'invalid_client' } };
    }
    const token = `token-${issuedTokens.length + 1}`;
    issuedTokens.push(token);
    return { json: { access_token: token, access_token_expires_in: options.tokenLifetimeSeconds ?? 3600 } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/rest-api`,
    requests,
    issuedTokens,
    revoke: (token) => revoked.add(token),
    route: (method, path, handler) => routes.set(`${method} ${path}`, { handler, calls: 0 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

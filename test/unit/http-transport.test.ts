import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendRequest, TransportError, type HttpRequest } from '../../integrations/http/http-transport';
import { createSsrfGuard } from '../../src/net/ssrf-guard';

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: RequestListener): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const request = (url: string, extra: Partial<HttpRequest> = {}): Promise<unknown> =>
  sendRequest({ url: new URL(url), method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 2_000, maxBytes: 1_000, ...extra });

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err: unknown = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

test('an answer comes back as status, lower-case headers and the body verbatim; a POST body arrives whole', async () => {
  const { url } = await serve((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '3' });
      res.end(JSON.stringify({ got: body, length: req.headers['content-length'] }));
    });
  });
  const res = await sendRequest({ url: new URL(`${url}/token`), method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"ä"}', timeoutMs: 2_000, maxBytes: 1_000 });
  expect(res.status).toBe(201);
  expect(res.headers['x-ratelimit-remaining']).toBe('3');
  expect(res.body).toBe(JSON.stringify({ got: '{"a":"ä"}', length: String(Buffer.byteLength('{"a":"ä"}')) }));
});

test('a redirect is handed back, never followed', async () => {
  const target = await serve((_req, res) => res.end('followed'));
  const { url } = await serve((_req, res) => {
    res.writeHead(302, { location: `${target.url}/elsewhere` });
    res.end();
  });
  const res = (await request(`${url}/v1/users`)) as { status: number; headers: Record<string, string> };
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(`${target.url}/elsewhere`);
  expect(target.hits).toEqual([]);
});

test('an answer over the size limit is too large and not worth retrying', async () => {
  const { url } = await serve((_req, res) => res.end('x'.repeat(5_000)));
  const err = await failure(request(url));
  expect(err.kind).toBe('too-large');
  expect(err.retryable).toBe(false);
});

test('one deadline covers the whole exchange: no answer, or headers and then silence, is a timeout', async () => {
  const silent = await serve(() => undefined);
  expect((await failure(request(silent.url, { timeoutMs: 300 }))).kind).toBe('timeout');
  const dripping = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
  });
  const err = await failure(request(dripping.url, { timeoutMs: 300 }));
  expect(err.kind).toBe('timeout');
  expect(err.retryable).toBe(true);
});

test('a closed port and an answer cut off mid-body are connection failures worth retrying', async () => {
  const gone = await serve(() => undefined);
  const server = servers.pop();
  await new Promise((r) => server?.close(r));
  const refused = await failure(request(gone.url));
  expect(refused.kind).toBe('connection');
  expect(refused.retryable).toBe(true);
  const cut = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setImmediate(() => res.socket?.destroy());
  });
  expect((await failure(request(cut.url))).kind).toBe('connection');
});

test("the SSRF guard's agent decides the connection: loopback is refused in production mode", async () => {
  const { url, hits } = await serve((_req, res) => res.end('reached'));
  const guard = createSsrfGuard({ mode: 'production' });
  const err = await failure(request(url, { agent: guard.httpAgent }));
  expect(err.kind).toBe('refused');
  expect(err.retryable).toBe(false);
  expect(hits).toEqual([]);
});

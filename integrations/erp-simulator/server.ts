/**
 * startSimulator: a Severa REST API v1 stand-in on a loopback port (node:http, base path /rest-api).
 * Token endpoint, bearer auth, paged lists with NextPageToken, per-user contracts and contact
 * lookup, plus deterministic faults and limits for client tests.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultCounters, type FaultOptions, createFaultGate } from './faults';
import { type Mutations, createMutations, createSimClock } from './mutations';
import { createPageTokens, scanPage } from './paging';
import { BadRequest, createListSources } from './resources';
import type { SimCompany } from './types';
import { malformed, wireContract, wireUser } from './wire-views';

export interface SimulatorOptions {
  company: SimCompany;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds?: number;
  faults?: FaultOptions;
  rateLimitPerSecond?: number;
  dailyQuota?: number;
  host?: '127.0.0.1';
  /** 0 (default) picks an ephemeral port. */
  port?: number;
}

export interface SimulatorStats extends FaultCounters {
  requests: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  tokensIssued: number;
  malformedPages: number;
}

export interface Simulator {
  url: string;
  company: SimCompany;
  stats(): SimulatorStats;
  mutate: Mutations;
  close(): Promise<void>;
}

const BASE = '/rest-api';
const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { httpStatusCode: status, message } }, headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new BadRequest('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Stats key: the path template, so per-user URLs aggregate. */
function template(path: string): string {
  return path.replace(/^\/v1\/users\/[^/]+/, '/v1/users/{guid}');
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const { company } = opts;
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const clock = createSimClock(company);
  const tokens = new Map<string, number>();
  const pageTokens = createPageTokens();
  const lists = createListSources(company);
  const gate = createFaultGate({ faults: opts.faults, rateLimitPerSecond: opts.rateLimitPerSecond, dailyQuota: opts.dailyQuota, seed: company.seed });
  const timers = new Set<NodeJS.Timeout>();
  const stats = { requests: 0, byPath: {} as Record<string, number>, byStatus: {} as Record<string, number>, tokensIssued: 0, malformedPages: 0 };

  async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return error(res, 400, 'Request body must be JSON');
    }
    const { client_id: id, client_secret: secret } = (body ?? {}) as Record<string, unknown>;
    if (id !== opts.clientId || !sameSecret(secret, opts.clientSecret)) return error(res, 401, 'Invalid client credentials');
    const token = randomBytes(24).toString('base64url');
    const expires = clock.nowMs() + ttl * 1000;
    tokens.set(token, expires);
    stats.tokensIssued += 1;
    send(res, 200, { access_token: token, access_token_expires_in: ttl, access_token_expires_utc: new Date(expires).toISOString() });
  }

  function authorised(req: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expires = match?.[1] === undefined ? undefined : tokens.get(match[1]);
    if (expires === undefined || req.headers['client_id'] !== opts.clientId) return false;
    if (expires <= clock.nowMs()) {
      tokens.delete(match?.[1] ?? '');
      return false;
    }
    return true;
  }

  function serveData(path: string, query: URLSearchParams, res: ServerResponse, headers: Record<string, string>): void {
    const userPath = /^\/v1\/users\/([^/]+)(\/workcontracts|\/flextime|\/workhours)?$/.exec(path);
    let list = lists[path];
    let userIndex: number | undefined;
    if (userPath) {
      userIndex = company.userIndexByGuid(decodeURIComponent(userPath[1] ?? ''));
      const user = userIndex === undefined ? undefined : company.users[userIndex];
      if (!user) return error(res, 404, 'Resource not found', headers);
      if (userPath[2] === '/flextime') return error(res, 403, 'Addon required', headers);
      if (userPath[2] === '/workcontracts') return send(res, 200, user.contracts.map(wireContract), headers);
      if (userPath[2] === undefined) return send(res, 200, wireUser(company, user), headers);
      list = lists['/v1/workhours'];
    }
    if (!list) return error(res, 404, 'Resource not found', headers);
    const request = pageTokens.parse(path, query);
    if ('error' in request) return error(res, 400, request.error, headers);
    const source = list(query, userIndex);
    const { rows, next } = scanPage(source.size, request.offset, request.rowCount, (i) => source.matches(i));
    let body = rows.map((i) => source.render(i));
    const bad = opts.faults?.malformedPage;
    if (bad && bad.path === path && bad.page === request.page && body.length > 0) {
      stats.malformedPages += 1;
      body = body.map(malformed);
    }
    const pageHeaders = next === undefined ? headers : { ...headers, NextPageToken: pageTokens.issue(path, query, next, request.page + 1) };
    send(res, 200, body, pageHeaders);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (!url.pathname.startsWith(`${BASE}/`)) return error(res, 404, 'Resource not found');
    const path = url.pathname.slice(BASE.length);
    stats.byPath[template(path)] = (stats.byPath[template(path)] ?? 0) + 1;
    if (path === '/v1/token') {
      if (req.method !== 'POST') return error(res, 405, 'Method not allowed');
      return issueToken(req, res);
    }
    if (req.method !== 'GET') return error(res, 405, 'Method not allowed');
    if (!authorised(req)) return error(res, 401, 'Invalid or expired access token');
    const decision = gate.decide(clock.nowMs());
    if (decision.kind === 'revoke-tokens') {
      tokens.clear();
      return error(res, 401, 'Access token has been revoked');
    }
    if (decision.kind === 'reject') return error(res, decision.status, decision.message, decision.headers);
    const respond = () => {
      try {
        serveData(path, url.searchParams, res, decision.headers);
      } catch (e) {
        if (e instanceof BadRequest) error(res, 400, e.message, decision.headers);
        else error(res, 500, 'Internal server error');
      }
    };
    if (decision.delayMs === 0) return respond();
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, decision.delayMs);
    timers.add(timer);
  }

  const server = createServer((req, res) => {
    stats.requests += 1;
    res.on('finish', () => {
      stats.byStatus[String(res.statusCode)] = (stats.byStatus[String(res.statusCode)] ?? 0) + 1;
    });
    handle(req, res).catch(() => {
      if (!res.headersSent) error(res, 500, 'Internal server error');
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}${BASE}`,
    company,
    stats: () => ({ ...stats, byPath: { ...stats.byPath }, byStatus: { ...stats.byStatus }, ...gate.counters() }),
    mutate: createMutations(company, clock),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

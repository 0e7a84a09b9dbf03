/**
 * startSimulator: a Severa REST API v1 stand-in on a loopback port (node:http, base path /rest-api),
 * serving the published models from the simulator's own reading of them. Token and refresh-token
 * endpoints, bearer auth with the Client_Id header and scopes, paged lists with NextPageToken, the
 * ExceptionModel on errors, plus deterministic faults and limits for client tests.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_SCOPES, createTokenBook } from './auth';
import { dayOfInstant } from './calendar';
import { BadRequest, exception } from './errors';
import { type FaultCounters, type FaultOptions, createFaultGate } from './faults';
import { type Mutations, createMutations, createSimClock } from './mutations';
import { type Reply, createRoutes, scopeFor } from './routes';
import type { SimCompany } from './types';
import { createViewContext } from './view-context';

export interface SimulatorOptions {
  company: SimCompany;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds?: number;
  faults?: FaultOptions;
  /** Severa's gateway admits 10 per second (SEVERA_REQUESTS_PER_SECOND); unlimited when absent. */
  rateLimitPerSecond?: number;
  dailyQuota?: number;
  /** Also serve the nulls that change a row's meaning (see ViewContext.nulls). */
  nulls?: boolean;
  /** The flextime add-on: without it /v1/users/{guid}/flextime answers 403 "Addon required". */
  flextimeAddon?: boolean;
  /** Scopes the API client was granted in Severa (default: all five). */
  grantedScopes?: readonly string[];
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

function send(res: ServerResponse, reply: Reply): void {
  const plain = typeof reply.body === 'string';
  res.writeHead(reply.status, { 'Content-Type': plain ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...reply.headers });
  res.end(plain ? reply.body : JSON.stringify(reply.body));
}

const fail = (status: number, message: string, url: string | null): Reply => ({ status, body: exception(status, message, url) });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new BadRequest('Request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Stats key: the path template, so per-user URLs aggregate. */
function template(path: string): string {
  return path.replace(/^\/v1\/users\/[^/]+/, '/v1/users/{guid}');
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const { company } = opts;
  const clock = createSimClock(company);
  const tokens = createTokenBook({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    ttlSeconds: opts.tokenTtlSeconds ?? 3600,
    grantedScopes: opts.grantedScopes ?? ALL_SCOPES,
    nowMs: () => clock.nowMs(),
  });
  const gate = createFaultGate({ faults: opts.faults, rateLimitPerSecond: opts.rateLimitPerSecond, dailyQuota: opts.dailyQuota, seed: company.seed });
  const stats = { requests: 0, byPath: {} as Record<string, number>, byStatus: {} as Record<string, number>, malformedPages: 0 };
  const ctx = createViewContext(company, opts.nulls ?? false, () => dayOfInstant(clock.nowMs() / 1000));
  const route = createRoutes(ctx, { faults: opts.faults ?? {}, flextimeAddon: opts.flextimeAddon ?? false, onMalformedPage: () => (stats.malformedPages += 1) });
  const timers = new Set<NodeJS.Timeout>();

  async function tokenEndpoint(req: IncomingMessage, path: string): Promise<Reply> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return fail(400, e instanceof BadRequest ? e.message : 'Request body must be JSON', path);
    }
    const answer = path === '/v1/token' ? tokens.issue(body) : tokens.refresh(body);
    return answer ? { status: 200, body: answer } : fail(401, path === '/v1/token' ? 'Invalid client credentials' : 'Invalid refresh token', path);
  }

  function authorise(req: IncomingMessage, path: string): Reply | undefined {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const scopes = match?.[1] === undefined ? undefined : tokens.scopesOf(match[1]);
    // Node lower-cases header names, so Client_Id and client_id arrive the same.
    if (!scopes || req.headers['client_id'] !== opts.clientId) return fail(401, 'Invalid or expired access token', path);
    const needed = scopeFor(path);
    if (needed === undefined) return fail(404, 'Resource not found', path);
    if (!scopes.has(needed)) return fail(403, `The access token does not have the scope ${needed}`, path);
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (!url.pathname.startsWith(`${BASE}/`)) return send(res, fail(404, 'Resource not found', url.pathname));
    const path = url.pathname.slice(BASE.length).replace(/^\/v1\.0\//, '/v1/');
    stats.byPath[template(path)] = (stats.byPath[template(path)] ?? 0) + 1;
    if (path === '/v1/token' || path === '/v1/refreshtoken') {
      return send(res, req.method === 'POST' ? await tokenEndpoint(req, path) : fail(405, 'Method not allowed', path));
    }
    if (req.method !== 'GET') return send(res, fail(405, 'Method not allowed', path));
    const denied = authorise(req, path);
    if (denied) return send(res, denied);
    const decision = gate.decide(clock.nowMs());
    if (decision.kind === 'revoke-tokens') {
      tokens.revokeAll();
      return send(res, fail(401, 'Access token has been revoked', path));
    }
    if (decision.kind === 'reject') {
      return send(res, { status: decision.status, body: decision.plain ? decision.message : exception(decision.status, decision.message, path), headers: decision.headers });
    }
    const respond = () => {
      try {
        send(res, route(path, url.searchParams));
      } catch (e) {
        send(res, e instanceof BadRequest ? fail(400, e.message, path) : fail(500, 'Internal server error', path));
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
      if (!res.headersSent) send(res, fail(500, 'Internal server error', null));
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
    stats: () => ({ ...stats, tokensIssued: tokens.issued(), byPath: { ...stats.byPath }, byStatus: { ...stats.byStatus }, ...gate.counters() }),
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

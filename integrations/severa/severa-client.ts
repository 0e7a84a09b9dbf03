/**
 * ErpClient over the Severa REST API v1: OAuth client credentials, paging, pacing, retries and
 * mapping to domain records. One instance per tenant (the rate limit and token are per instance).
 */
import type http from 'node:http';
import type https from 'node:https';
import { z } from 'zod';
import type { Clock } from '../../src/clock';
import { ConfigError, UpstreamError } from '../../src/errors';
import type { Logger } from '../../src/logging/logger';
import { DEFAULT_BACKOFF, fullJitterDelay, parseRateLimitReset, parseRetryAfter } from '../http/backoff';
import type { ErpClient } from '../erp/erp-client';
import { sendRequest, TransportError, type HttpResponse } from '../http/http-transport';
import * as map from './mappers';
import { parseBody, parsePage, UPSTREAM } from './page-parser';
import { createRateLimiter } from '../http/rate-limiter';
import { createTokenCache } from '../http/token-cache';
import * as wire from './wire';

export interface SeveraClientDeps {
  baseUrl: string;
  /** Read from the SecretStore on each token request only; the secret is never kept. */
  credentials: () => Promise<{ clientId: string; clientSecret: string }>;
  clock: Clock;
  logger: Logger;
  /** The SSRF guard's agents; without them node's default agents are used. */
  agent?: { http: http.Agent; https: https.Agent };
  requestTimeoutMs?: number;
  maxRetries?: number;
  requestsPerSecond?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** One call per HTTP answer (status 0 when none came); `retry` says the request will be retried. */
  onRequest?: (info: { path: string; status: number; retry: boolean }) => void;
}

type Query = Record<string, string | undefined>;

interface RequestSpec {
  path: string;
  query?: Query;
  method?: 'GET' | 'POST';
  body?: unknown;
  authenticated?: boolean;
  /** Return a 404 answer instead of failing (lookups of one record that may be gone). */
  allowNotFound?: boolean;
}

/** Longest server-requested pause we sit through; beyond it the job fails and retries later. */
const MAX_SERVER_WAIT_MS = 5 * 60_000;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ROW_COUNT = String(wire.MAX_ROW_COUNT);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(['ERP base URL is not a valid URL']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(['ERP base URL must be http(s)']);
  return url;
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function createSeveraClient(deps: SeveraClientDeps): ErpClient {
  const base = parseBaseUrl(deps.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const maxRetries = deps.maxRetries ?? 5;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const log = deps.logger.child({ component: 'severa-client' });
  const counters = { requests: 0, retries: 0, pages: 0 };
  const limiter = createRateLimiter({ requestsPerSecond: deps.requestsPerSecond ?? 5, clock: deps.clock, sleep });
  const tokens = createTokenCache({ clock: deps.clock, issue: issueToken });

  function urlFor(path: string, query: Query = {}): URL {
    const url = new URL(base.origin);
    url.pathname = basePath + path;
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  function fail(message: string, retryable: boolean, cause?: unknown): never {
    throw new UpstreamError(message, UPSTREAM, retryable, cause === undefined ? undefined : { cause });
  }

  /** Turns a non-retryable status into the error callers see; undefined means "retry it". */
  function refusal(status: number, spec: RequestSpec): UpstreamError | undefined {
    const { path } = spec;
    if (status === 401 || (!spec.authenticated && (status === 400 || status === 403))) {
      return new UpstreamError('ERP rejected the credentials', UPSTREAM, false);
    }
    if (status >= 300 && status < 400) {
      return new UpstreamError(`ERP answered ${path} with a redirect (${status}); redirects are not followed`, UPSTREAM, false);
    }
    if (status === 403) {
      return new UpstreamError(`ERP refused ${path} (403): a read scope or add-on is missing`, UPSTREAM, false);
    }
    if (status === 404) return new UpstreamError(`ERP resource not found: ${path}`, UPSTREAM, false);
    if (status === 429 || status >= 500) return undefined;
    return new UpstreamError(`ERP answered ${path} with unexpected status ${status}`, UPSTREAM, false);
  }

  function serverWait(res: HttpResponse): number | undefined {
    const now = deps.clock.now().getTime();
    return parseRetryAfter(header(res, 'retry-after'), now) ?? parseRateLimitReset(header(res, 'x-ratelimit-reset'), now);
  }

  async function request(spec: RequestSpec): Promise<HttpResponse> {
    const { path } = spec;
    const authenticated = spec.authenticated ?? true;
    let retries = 0;
    let renewedToken = false;
    for (;;) {
      await limiter.take();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authenticated) {
        const token = await tokens.get();
        headers.authorization = `Bearer ${token.accessToken}`;
        headers.client_id = token.clientId;
      }
      const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const agent = base.protocol === 'https:' ? deps.agent?.https : deps.agent?.http;

      counters.requests++;
      let res: HttpResponse | undefined;
      let failure: TransportError | undefined;
      try {
        res = await sendRequest({
          url: urlFor(path, spec.query),
          method: spec.method ?? 'GET',
          headers,
          body,
          agent,
          timeoutMs,
          maxBytes: MAX_BODY_BYTES,
        });
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        failure = err;
      }
      const status = res?.status ?? 0;
      const attempt = retries + 1;

      if (res && status >= 200 && status < 300) {
        deps.onRequest?.({ path, status, retry: false });
        log.debug('erp request', { path, status, attempt });
        paceFrom(res);
        return res;
      }
      if (res && status === 404 && spec.allowNotFound) {
        deps.onRequest?.({ path, status, retry: false });
        return res;
      }
      if (res && status === 401 && authenticated && !renewedToken) {
        // The token may have been revoked or expired early: one fresh token, one more try.
        renewedToken = true;
        tokens.invalidate();
        counters.retries++;
        deps.onRequest?.({ path, status, retry: true });
        log.info('erp token renewed after 401', { path, attempt });
        continue;
      }
      const final = failure ? (failure.retryable ? undefined : failure) : refusal(status, { ...spec, authenticated });
      if (final) {
        deps.onRequest?.({ path, status, retry: false });
        log.warn('erp request failed', { path, status, attempt, reason: failure?.kind ?? 'status' });
        if (final instanceof UpstreamError) throw final;
        fail(`ERP request to ${path} failed: ${final.message}`, false, final);
      }
      const reason = failure ? failure.kind : `status ${status}`;
      if (retries >= maxRetries) {
        deps.onRequest?.({ path, status, retry: false });
        log.warn('erp request gave up', { path, status, attempt, reason });
        fail(`ERP request to ${path} still failing after ${maxRetries} retries (${reason})`, true, failure);
      }
      const asked = res ? serverWait(res) : undefined;
      if (asked !== undefined && asked > MAX_SERVER_WAIT_MS) {
        deps.onRequest?.({ path, status, retry: false });
        fail(`ERP asked to wait ${Math.ceil(asked / 1000)} s before retrying ${path}`, true);
      }
      const waitMs = asked ?? fullJitterDelay(retries, random, DEFAULT_BACKOFF);
      retries++;
      counters.retries++;
      deps.onRequest?.({ path, status, retry: true });
      log.warn('erp request retried', { path, status, attempt, reason, waitMs });
      await sleep(waitMs);
    }
  }

  /** When the server says the budget is spent, hold further requests until its reset. */
  function paceFrom(res: HttpResponse): void {
    if (header(res, 'x-ratelimit-remaining')?.trim() !== '0') return;
    const resetMs = parseRateLimitReset(header(res, 'x-ratelimit-reset'), deps.clock.now().getTime());
    if (resetMs !== undefined) limiter.pause(Math.min(resetMs, MAX_SERVER_WAIT_MS));
  }

  async function issueToken() {
    const { clientId, clientSecret } = await deps.credentials();
    const res = await request({
      path: wire.paths.token,
      method: 'POST',
      body: { client_id: clientId, client_secret: clientSecret, scope: wire.SCOPES.join(',') },
      authenticated: false,
    });
    const token = parseBody(wire.tokenResponseSchema, res.body, 'token answer');
    return { accessToken: token.access_token, expiresInSeconds: token.access_token_expires_in, clientId };
  }

  async function* pages<W, D>(resource: string, path: string, query: Query, schema: z.ZodType<W>, toDomain: (w: W) => D) {
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 1; ; page++) {
      const res = await request({ path, query: { ...query, rowCount: ROW_COUNT, pageToken } });
      const rows = parsePage(schema, res.body, resource, page);
      counters.pages++;
      yield rows.map(toDomain);
      pageToken = header(res, wire.NEXT_PAGE_HEADER) || undefined;
      if (pageToken === undefined) return;
      if (seen.has(pageToken)) fail(`ERP repeated a page token for ${resource} after page ${page}`, false);
      seen.add(pageToken);
    }
  }

  async function collect<D>(it: AsyncIterable<D[]>): Promise<D[]> {
    const all: D[] = [];
    for await (const page of it) all.push(...page);
    return all;
  }

  return {
    users: () => pages('users', wire.paths.users, {}, wire.userSchema, map.toUser),
    workContracts: (userId) =>
      collect(pages('work contracts', wire.paths.workContracts(userId), {}, wire.workContractSchema, map.toWorkContract)),
    workHours: (q) =>
      pages(
        'work hours',
        wire.paths.workHours,
        { eventDateStart: q.from, eventDateEnd: q.to, changedSince: q.changedSince },
        wire.workHourSchema,
        map.toWorkHour,
      ),
    deletedWorkHours: (q) =>
      pages(
        'deleted work hours',
        wire.paths.deletedWorkHours,
        { deletedSince: q.deletedSince },
        wire.deletedWorkHourSchema,
        map.toDeletedWorkHour,
      ),
    absences: (q) =>
      pages(
        'absences',
        wire.paths.activities,
        { activityCategories: 'Absences', startDateTime: q.from, endDateTime: q.to, changedSince: q.changedSince },
        wire.absenceSchema,
        map.toAbsence,
      ),
    projects: (q = {}) =>
      pages('projects', wire.paths.projects, { changedSince: q.changedSince }, wire.projectSchema, map.toProject),
    async recipient(userId) {
      const res = await request({ path: wire.paths.user(userId), allowNotFound: true });
      if (res.status === 404) return null;
      return map.toRecipient(parseBody(wire.userContactSchema, res.body, 'user record'));
    },
    async verify() {
      tokens.invalidate();
      const res = await request({ path: wire.paths.users, query: { rowCount: '1' } });
      parsePage(wire.userSchema, res.body, 'users', 1);
    },
    stats: () => ({ ...counters }),
  };
}

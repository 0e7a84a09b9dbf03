/**
 * ErpClient over the Severa REST API v1: OAuth client credentials, paging, pacing, retries and
 * mapping to domain records. One instance per tenant (the rate limit and token are per instance).
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { Clock } from '../../src/clock';
import { ConfigError, UpstreamError } from '../../src/errors';
import type { Logger } from '../../src/logging/logger';
import { DEFAULT_BACKOFF, fullJitterDelay, parseRateLimitReset, parseRetryAfter } from '../http/backoff';
import type { ErpRequestInfo } from '../erp/adapter';
import { erpRefusalMessage, erpRefusalTexts, type ErpRefusal, type ErpRefusalKind } from '../erp/refusal';
import type { ErpClient, ErpHoliday, ErpPersonName, ErpRowCounts } from '../erp/erp-client';
import { erpExplanation } from './error-body';
import { sendRequest, TransportError, type HttpResponse } from '../http/http-transport';
import * as map from './mappers';
import { parseBody, parseJsonOrNull, parseRows, skipOf, UPSTREAM, type SkippedRow } from './page-parser';
import { createRateLimiter } from '../http/rate-limiter';
import { createTokenCache } from '../http/token-cache';
import * as wire from './wire';

export interface SeveraClientDeps {
  baseUrl: string;
  /** The tenant's IANA zone: date-times without an offset are read in it, absence windows sent in it. */
  timezone: string;
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
  onRequest?: (info: ErpRequestInfo) => void;
}

type Query = Record<string, string | undefined>;

interface RequestSpec {
  path: string;
  query?: Query;
  method?: 'GET' | 'POST';
  body?: unknown;
  authenticated?: boolean;
  /** Return a 404 answer instead of failing (a record that may be gone, a list that may be empty). */
  allowNotFound?: boolean;
}

/** A refusal with the HTTP status and, when the ERP gave one, its own explanation. */
export class ErpRefusedError extends UpstreamError {
  readonly erpStatus: number;
  readonly explanation: string | null;
  constructor(refusal: ErpRefusal) {
    super(erpRefusalMessage(refusal), UPSTREAM, false, { pageTexts: erpRefusalTexts(refusal) });
    this.erpStatus = refusal.status;
    this.explanation = refusal.explanation;
  }
}

/**
 * More pages than a resource can plausibly have means the ERP's paging is broken (a fresh
 * NextPageToken on every page): fail instead of paging forever. Generous for SMEs on Severa — 100,000
 * users, 10,000 work-hour rows a day of the window.
 */
const MAX_PAGES = {
  users: 1000,
  workhoursPerDay: 100,
  deletedworkhours: 10_000,
  absencesPerDay: 10,
  projects: 2000,
  phases: 10_000,
  minimum: 1000,
} as const;

/** Longest server-requested pause we sit through; beyond it the job fails and retries later. */
const MAX_SERVER_WAIT_MS = 5 * 60_000;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ROW_COUNT = String(wire.MAX_ROW_COUNT);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function windowDays(from: string, to: string): number {
  return Math.max(1, Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days) + 1);
}

function addCount(counts: ErpRowCounts, resource: string, reason: string): void {
  const byReason = (counts[resource] ??= {});
  byReason[reason] = (byReason[reason] ?? 0) + 1;
}

function copyCounts(counts: ErpRowCounts): ErpRowCounts {
  return Object.fromEntries(Object.entries(counts).map(([resource, byReason]) => [resource, { ...byReason }]));
}

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

/** Case and accents ignored, so "maki" finds "Mäki" and "ASA" finds "Åsa". */
const foldName = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

export function createSeveraClient(deps: SeveraClientDeps): ErpClient {
  const base = parseBaseUrl(deps.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const maxRetries = deps.maxRetries ?? 5;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const log = deps.logger.child({ component: 'severa-client' });
  const counters = { requests: 0, retries: 0, pages: 0, rateLimited: 0 };
  const skipped: ErpRowCounts = {};
  const assumed: ErpRowCounts = {};
  const zone = deps.timezone;
  const schemas = {
    user: wire.userSchema(zone),
    workContract: wire.workContractSchema(zone),
    workHour: wire.workHourSchema(zone),
    deletedWorkHour: wire.deletedWorkHourSchema(zone),
    absence: wire.absenceSchema(zone),
    project: wire.projectSchema(zone),
  };
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

  /** Turns a non-retryable answer into the error callers see; undefined means "retry it". */
  function refusal(res: HttpResponse, spec: RequestSpec): UpstreamError | undefined {
    const { path } = spec;
    const { status } = res;
    if (status === 429 || status >= 500) return undefined;
    const explanation = status >= 400 ? erpExplanation(res.body) : null;
    const refuse = (kind: ErpRefusalKind) => new ErpRefusedError({ kind, path, status, explanation });
    if (status === 401 || (!spec.authenticated && (status === 400 || status === 403))) return refuse('credentials');
    if (status >= 300 && status < 400) return refuse('redirect');
    if (status === 403) return refuse('scope');
    if (status === 404) return refuse('not-found');
    return refuse('status');
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
        headers.Client_Id = token.clientId;
      }
      const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const agent = base.protocol === 'https:' ? deps.agent?.https : deps.agent?.http;

      counters.requests++;
      let res: HttpResponse | undefined;
      let failure: TransportError | undefined;
      const sentAt = deps.clock.now().getTime();
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
      const durationMs = deps.clock.now().getTime() - sentAt;
      if (status === 429) counters.rateLimited++;

      if (res && status >= 200 && status < 300) {
        deps.onRequest?.({ path, status, retry: false, durationMs });
        log.debug('erp request', { path, status, attempt });
        paceFrom(res);
        return res;
      }
      if (res && status === 404 && spec.allowNotFound) {
        deps.onRequest?.({ path, status, retry: false, durationMs });
        return res;
      }
      if (res && status === 401 && authenticated && !renewedToken) {
        // The token may have been revoked or expired early: one fresh token, one more try.
        renewedToken = true;
        tokens.invalidate();
        counters.retries++;
        deps.onRequest?.({ path, status, retry: true, durationMs });
        log.info('erp token renewed after 401', { path, attempt });
        continue;
      }
      const final = failure ? (failure.retryable ? undefined : failure) : res && refusal(res, { ...spec, authenticated });
      if (final) {
        deps.onRequest?.({ path, status, retry: false, durationMs });
        log.warn('erp request failed', { path, status, attempt, reason: failure?.kind ?? 'status' });
        if (final instanceof UpstreamError) throw final;
        fail(`ERP request to ${path} failed: ${final.message}`, false, final);
      }
      const reason = failure ? failure.kind : `status ${status}`;
      if (retries >= maxRetries) {
        deps.onRequest?.({ path, status, retry: false, durationMs });
        log.warn('erp request gave up', { path, status, attempt, reason });
        fail(`ERP request to ${path} still failing after ${maxRetries} retries (${reason})`, true, failure);
      }
      const asked = res ? serverWait(res) : undefined;
      if (asked !== undefined && asked > MAX_SERVER_WAIT_MS) {
        deps.onRequest?.({ path, status, retry: false, durationMs });
        fail(`ERP asked to wait ${Math.ceil(asked / 1000)} s before retrying ${path}`, true);
      }
      const waitMs = asked ?? fullJitterDelay(retries, random, DEFAULT_BACKOFF);
      retries++;
      counters.retries++;
      deps.onRequest?.({ path, status, retry: true, durationMs });
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

  /** Whether the token may read holidays (settings:read): a tenant may not have granted that scope. */
  let holidaysReadable = true;

  async function askToken(clientId: string, clientSecret: string, scopes: string[]) {
    const res = await request({
      path: wire.paths.token,
      method: 'POST',
      body: { client_id: clientId, client_secret: clientSecret, scope: scopes.join(',') },
      authenticated: false,
    });
    return parseBody(wire.tokenResponseSchema, res.body, 'token answer');
  }

  /**
   * Asks for the read scopes plus settings:read. Should the ERP refuse a token with a scope the API
   * client was not granted, it is asked once more without it, and holidays are not read.
   */
  async function issueToken() {
    const { clientId, clientSecret } = await deps.credentials();
    let token: wire.TokenResponse;
    try {
      token = await askToken(clientId, clientSecret, [...wire.SCOPES, ...wire.OPTIONAL_SCOPES]);
    } catch (err) {
      if (!(err instanceof ErpRefusedError) || err.erpStatus === 401) throw err;
      token = await askToken(clientId, clientSecret, wire.SCOPES);
      holidaysReadable = false;
    }
    const granted = token.scope?.split(/[\s,]+/).filter(Boolean);
    if (granted && granted.length > 0 && !granted.includes(wire.SETTINGS_SCOPE)) holidaysReadable = false;
    return { accessToken: token.access_token, expiresInSeconds: token.access_token_expires_in, clientId };
  }

  function skip(row: SkippedRow): void {
    addCount(skipped, row.resource, row.reason);
    log.warn('erp row skipped', { resource: row.resource, reason: row.reason, field: row.field, erpId: row.erpId });
  }

  function assumer(resource: string): map.Assume {
    return (reason) => addCount(assumed, resource, reason);
  }

  /**
   * Reads a paged list to its end. A 404 is an empty list. Paging that would not end — a token seen
   * before, the same page again, more pages than the resource can plausibly have — fails naming the
   * resource; the pages already yielded stand.
   */
  async function* pages<W, D>(resource: string, path: string, query: Query, schema: z.ZodType<W>, toDomain: (w: W) => D, maxPages: number) {
    const seenTokens = new Set<string>();
    const seenBodies = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 1; ; page++) {
      const res = await request({ path, query: { ...query, rowCount: ROW_COUNT, pageToken }, allowNotFound: true });
      if (res.status === 404) return;
      const rows = parseRows(schema, res.body, resource, page, skip);
      counters.pages++;
      yield rows.map(toDomain);
      pageToken = header(res, wire.NEXT_PAGE_HEADER) || undefined;
      if (pageToken === undefined) return;
      const digest = createHash('sha256').update(res.body).digest('base64');
      if (seenTokens.has(pageToken)) fail(`ERP paging of ${resource} does not end: page ${page} repeated an earlier page token`, false);
      if (seenBodies.has(digest)) fail(`ERP paging of ${resource} does not end: page ${page} repeated an earlier page's rows`, false);
      if (page >= maxPages) fail(`ERP paging of ${resource} does not end: more than ${maxPages} pages, more than ${resource} can plausibly have`, false);
      seenTokens.add(pageToken);
      seenBodies.add(digest);
    }
  }

  /** Whole local days in the tenant's zone as Severa's DateTimeOffset filters: 00:00 and 23:59:59. */
  function dayStart(date: string): string {
    return DateTime.fromISO(date, { zone }).startOf('day').toISO({ suppressMilliseconds: true }) as string;
  }
  function dayEnd(date: string): string {
    return DateTime.fromISO(date, { zone }).set({ hour: 23, minute: 59, second: 59, millisecond: 0 }).toISO({ suppressMilliseconds: true }) as string;
  }

  return {
    users: (q = {}) =>
      pages('users', wire.paths.users, { changedSince: q.changedSince }, schemas.user, (w) => map.toUser(w, assumer('users')), MAX_PAGES.users),
    async workContracts(userId) {
      // A plain array, not paged.
      const res = await request({ path: wire.paths.workContracts(userId), allowNotFound: true });
      if (res.status === 404) return [];
      const rows = parseRows(schemas.workContract, res.body, 'workcontracts', 1, skip);
      counters.pages++;
      return rows.map((w) => map.toWorkContract(w, assumer('workcontracts')));
    },
    workHours: (q) =>
      pages(
        'workhours',
        wire.paths.workHours,
        { eventDateStart: q.from, eventDateEnd: q.to, changedSince: q.changedSince },
        schemas.workHour,
        map.toWorkHour,
        Math.max(MAX_PAGES.minimum, windowDays(q.from, q.to) * MAX_PAGES.workhoursPerDay),
      ),
    deletedWorkHours: (q) =>
      pages(
        'deletedworkhours',
        wire.paths.deletedWorkHours,
        { deletedSince: q.deletedSince },
        schemas.deletedWorkHour,
        map.toDeletedWorkHour,
        MAX_PAGES.deletedworkhours,
      ),
    absences: (q) =>
      pages(
        'absences',
        wire.paths.activities,
        {
          activityCategories: 'Absences',
          startDateTime: dayStart(q.from),
          endDateTime: dayEnd(q.to),
          changedSince: q.changedSince,
          userGuids: q.personIds?.join(','),
        },
        schemas.absence,
        map.toAbsence,
        Math.max(MAX_PAGES.minimum, windowDays(q.from, q.to) * MAX_PAGES.absencesPerDay),
      ),
    projects: (q = {}) =>
      pages('projects', wire.paths.projects, { changedSince: q.changedSince }, schemas.project, map.toProject, MAX_PAGES.projects),
    phases: (q = {}) =>
      pages(
        'phases',
        wire.paths.phases,
        { changedSince: q.changedSince, projectGuids: q.projectIds?.join(',') },
        wire.phaseSchema,
        map.toPhase,
        MAX_PAGES.phases,
      ),
    async holidays(q) {
      // The token is what tells whether settings:read was granted.
      await tokens.get();
      if (!holidaysReadable) return null;
      const all: ErpHoliday[] = [];
      try {
        for await (const page of pages('holidays', wire.paths.holidays, { year: String(q.year) }, wire.holidaySchema, map.toHoliday, MAX_PAGES.minimum)) {
          for (const h of page) if (h.active) all.push({ date: h.date, countryId: h.countryId });
        }
      } catch (err) {
        // Without settings:read the company calendar is closed to us; the caller falls back to public holidays.
        if (err instanceof ErpRefusedError && err.erpStatus === 403) return null;
        throw err;
      }
      return all;
    },
    async flextime(userId, date) {
      let res: HttpResponse;
      try {
        res = await request({ path: wire.paths.flextime(userId), query: { eventDate: date }, allowNotFound: true });
      } catch (err) {
        if (err instanceof ErpRefusedError && err.erpStatus === 403) return { kind: 'no-addon' };
        throw err;
      }
      if (res.status === 404) return { kind: 'unknown' };
      const json = parseJsonOrNull(res.body);
      const parsed = wire.flextimeSchema.safeParse(json);
      if (!parsed.success) {
        skip({ ...skipOf('flextime', json, parsed.error), erpId: userId });
        return { kind: 'unknown' };
      }
      return { kind: 'balance', minutes: map.hoursToMinutes(parsed.data.totalFlextimeBalance) };
    },
    async recipient(userId) {
      const res = await request({ path: wire.paths.user(userId), allowNotFound: true });
      if (res.status === 404) return null;
      return map.toRecipient(parseBody(wire.userContactSchema, res.body, 'user record'));
    },
    async findPeople(text, limit) {
      const wanted = foldName(text);
      const found: ErpPersonName[] = [];
      if (wanted === '') return found;
      const toName = (w: z.infer<typeof wire.userNameSchema>): ErpPersonName => ({ id: w.guid, name: [w.firstName, w.lastName].filter(Boolean).join(' ') });
      for await (const page of pages('users', wire.paths.users, {}, wire.userNameSchema, toName, MAX_PAGES.users)) {
        for (const person of page) {
          if (person.name !== '' && foldName(person.name).includes(wanted)) found.push(person);
          if (found.length >= limit) return found;
        }
      }
      return found;
    },
    async verify() {
      tokens.invalidate();
      const res = await request({ path: wire.paths.users, query: { rowCount: '1' } });
      parseRows(schemas.user, res.body, 'users', 1, () => undefined);
    },
    stats: () => ({ ...counters, skipped: copyCounts(skipped), assumed: copyCounts(assumed) }),
  };
}

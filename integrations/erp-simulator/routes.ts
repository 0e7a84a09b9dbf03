/**
 * Authenticated GET endpoints: the paged lists with NextPageToken, the per-user resources, the
 * company calendar and the flextime add-on, each behind the scope the published document names.
 */
import { parseIsoDate } from './calendar';
import { exception } from './errors';
import type { FaultOptions } from './faults';
import { malformed, withImpossibleDate } from './page-faults';
import { createPageTokens, scanPage } from './paging';
import { createListSources } from './resources';
import type { ViewContext } from './view-context';
import { createFlextimeBook, holidayViews } from './views-calendar';
import { contractView, userView } from './views-people';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteOptions {
  faults: FaultOptions;
  flextimeAddon: boolean;
  onMalformedPage(): void;
}

/** The scope a path needs; undefined for a path the API does not have. */
export function scopeFor(path: string): string | undefined {
  if (/^\/v1\/users\/[^/]+\/workhours$/.test(path) || path === '/v1/workhours' || path === '/v1/deletedworkhours') return 'hours:read';
  if (/^\/v1\/users(\/[^/]+(\/workcontracts|\/flextime)?)?$/.test(path)) return 'users:read';
  if (path === '/v1/activities') return 'activities:read';
  if (path === '/v1/projects' || path === '/v1/phases') return 'projects:read';
  if (path === '/v1/holidays') return 'settings:read';
  return undefined;
}

const notFound = (path: string): Reply => ({ status: 404, body: exception(404, 'Resource not found', path) });
const badRequest = (path: string, message: string): Reply => ({ status: 400, body: exception(400, message, path) });

export function createRoutes(ctx: ViewContext, opts: RouteOptions) {
  const { company } = ctx;
  const { faults } = opts;
  const lists = createListSources(ctx);
  const pageTokens = createPageTokens();
  const flextime = createFlextimeBook(company);

  function list(path: string, listPath: string, query: URLSearchParams, userIndex?: number): Reply {
    const build = lists[listPath];
    if (!build) return notFound(path);
    const request = pageTokens.parse(path, query);
    if ('error' in request) return badRequest(path, request.error);
    const source = build(query, userIndex);
    const { rows, next } = scanPage(source.size, request.offset, request.rowCount, (i) => source.matches(i));
    let body = rows.map((i) => source.render(i) as Record<string, unknown>);
    if (faults.malformedPage?.path === path && faults.malformedPage.page === request.page && body.length > 0) {
      opts.onMalformedPage();
      body = body.map(malformed);
    }
    const first = body[0];
    if (first && faults.impossibleDate?.path === path && faults.impossibleDate.page === request.page) body[0] = withImpossibleDate(first);
    let resume = next;
    // Past the end, the endless list resumes where this page began (same rows) or at its end (empty pages).
    if (resume === undefined && faults.endlessPaging?.path === path) resume = faults.endlessPaging.rows === 'repeat' ? request.offset : source.size;
    if (body.length === 0 && faults.notFoundWhenEmpty && !query.has('pageToken')) return notFound(path);
    const headers = resume === undefined ? undefined : { NextPageToken: pageTokens.issue(path, query, resume, request.page + 1) };
    return { status: 200, body, headers };
  }

  function holidays(path: string, query: URLSearchParams): Reply {
    const raw = query.get('year');
    const year = raw === null ? NaN : Number(raw);
    if (!Number.isInteger(year) || year < 1900 || year > 2200) return badRequest(path, 'year must be a calendar year');
    return { status: 200, body: holidayViews(ctx, year, query.get('countryGuid')) };
  }

  function perUser(path: string, query: URLSearchParams, guid: string, sub: string | undefined): Reply {
    const userIndex = company.userIndexByGuid(guid.toLowerCase());
    const user = userIndex === undefined ? undefined : company.users[userIndex];
    if (!user || userIndex === undefined) return notFound(path);
    if (sub === undefined) return { status: 200, body: userView(ctx, user) };
    if (sub === 'workhours') return list(path, '/v1/workhours', query, userIndex);
    if (sub === 'workcontracts') {
      if (user.contracts.length === 0 && faults.notFoundWhenEmpty) return notFound(path);
      return { status: 200, body: user.contracts.map((c) => contractView(ctx, user, c)) };
    }
    if (!opts.flextimeAddon) return { status: 403, body: exception(403, 'Addon required', path) };
    const day = parseIsoDate((query.get('eventDate') ?? '').slice(0, 10));
    if (day === undefined) return badRequest(path, 'eventDate must be a date (YYYY-MM-DD)');
    return { status: 200, body: flextime.balance(userIndex, day) };
  }

  return function route(path: string, query: URLSearchParams): Reply {
    if (path === '/v1/holidays') return holidays(path, query);
    const userPath = /^\/v1\/users\/([^/]+)(?:\/(workcontracts|flextime|workhours))?$/.exec(path);
    if (userPath) return perUser(path, query, decodeURIComponent(userPath[1] ?? ''), userPath[2]);
    return list(path, path, query);
  };
}

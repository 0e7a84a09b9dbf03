/** The paged list endpoints: filter parsing and row selection over the company. */
import { parseIsoDate } from './calendar';
import type { SimCompany } from './types';
import { type WireObject, absenceInstants, wireAbsence, wireDeletedWorkHour, wireProject, wireUser, wireWorkHour } from './wire-views';

export interface ListSource {
  size: number;
  matches(i: number): boolean;
  render(i: number): WireObject;
}

export class BadRequest extends Error {}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error('row index out of range');
  return item;
}

function dateParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const day = parseIsoDate(raw);
  if (day === undefined) throw new BadRequest(`${name} must be YYYY-MM-DD`);
  return day;
}

/** ISO date-time → epoch seconds (fractions kept, so ">= changedSince" is exact). */
function dateTimeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new BadRequest(`${name} must be an ISO date-time`);
  return ms / 1000;
}

/** List builders by path; `userIndex` narrows work hours to one person (per-user endpoint). */
export type ListBuilder = (query: URLSearchParams, userIndex?: number) => ListSource;

export function createListSources(company: SimCompany): Record<string, ListBuilder> {
  // Absence instants need a time-zone lookup; computed once per absence, not on every scan.
  const instants = new Map<string, { start: string; end: string; startS: number; endS: number }>();
  const instantsOf = (i: number) => {
    const absence = at(company.absences, i);
    let cached = instants.get(absence.guid);
    if (!cached) {
      const { start, end } = absenceInstants(absence);
      cached = { start, end, startS: Date.parse(start) / 1000, endS: Date.parse(end) / 1000 };
      instants.set(absence.guid, cached);
    }
    return cached;
  };

  return {
    '/v1/users': () => ({
      size: company.users.length,
      matches: () => true,
      render: (i) => wireUser(company, at(company.users, i)),
    }),
    '/v1/projects': (query) => {
      const since = dateTimeParam(query, 'changedSince');
      return {
        size: company.projects.length,
        matches: (i) => since === undefined || (company.projects[i]?.updatedAt ?? 0) >= since,
        render: (i) => wireProject(company, at(company.projects, i)),
      };
    },
    '/v1/workhours': (query, userIndex) => {
      const from = dateParam(query, 'eventDateStart');
      const to = dateParam(query, 'eventDateEnd');
      const since = dateTimeParam(query, 'changedSince');
      const store = company.hours;
      return {
        size: store.length,
        matches: (i) => {
          if (store.isDeleted(i) || (userIndex !== undefined && store.userAt(i) !== userIndex)) return false;
          const day = store.dayAt(i);
          if ((from !== undefined && day < from) || (to !== undefined && day > to)) return false;
          return since === undefined || store.updatedAtOf(i) >= since;
        },
        render: (i) => wireWorkHour(company, i),
      };
    },
    '/v1/deletedworkhours': (query) => {
      const since = dateTimeParam(query, 'deletedSince');
      const deletions = company.hours.deletions();
      return {
        size: deletions.length,
        matches: (i) => since === undefined || (deletions[i]?.deletedAt ?? 0) >= since,
        render: (i) => {
          const d = at(deletions, i);
          return wireDeletedWorkHour(company, d.index, d.deletedAt);
        },
      };
    },
    '/v1/activities': (query) => {
      const categories = query.get('activityCategories');
      const absencesWanted = categories === null || categories.split(',').some((c) => c.trim().toLowerCase() === 'absences');
      const start = dateTimeParam(query, 'startDateTime');
      const end = dateTimeParam(query, 'endDateTime');
      const since = dateTimeParam(query, 'changedSince');
      return {
        size: absencesWanted ? company.absences.length : 0,
        matches: (i) => {
          const at = instantsOf(i);
          if ((start !== undefined && at.endS <= start) || (end !== undefined && at.startS >= end)) return false;
          return since === undefined || (company.absences[i]?.updatedAt ?? 0) >= since;
        },
        render: (i) => wireAbsence(company, at(company.absences, i), instantsOf(i)),
      };
    },
  };
}

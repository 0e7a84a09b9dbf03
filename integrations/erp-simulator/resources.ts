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

export function createListSources(company: SimCompany): Record<string, (query: URLSearchParams) => ListSource> {
  // Absence instants need a time-zone lookup; computed once per absence, not on every scan.
  const instants = new Map<string, { start: string; end: string; startS: number; endS: number }>();
  const instantsOf = (i: number) => {
    const absence = company.absences[i];
    if (!absence) throw new Error('absence index out of range');
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
      render: (i) => wireUser(company, company.users[i] ?? company.users[0]!),
    }),
    '/v1/projects': (query) => {
      const since = dateTimeParam(query, 'changedSince');
      return {
        size: company.projects.length,
        matches: (i) => since === undefined || (company.projects[i]?.updatedAt ?? 0) >= since,
        render: (i) => wireProject(company, company.projects[i]!),
      };
    },
    '/v1/workhours': (query) => {
      const from = dateParam(query, 'eventDateStart');
      const to = dateParam(query, 'eventDateEnd');
      const since = dateTimeParam(query, 'changedSince');
      const store = company.hours;
      return {
        size: store.length,
        matches: (i) => {
          if (store.isDeleted(i)) return false;
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
          const d = deletions[i]!;
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
        render: (i) => wireAbsence(company, company.absences[i]!, instantsOf(i)),
      };
    },
  };
}

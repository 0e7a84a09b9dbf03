/** The paged list endpoints: the published filters and row selection over the company. */
import { parseIsoDate } from './calendar';
import { BadRequest } from './errors';
import type { ViewContext } from './view-context';
import { type AbsenceInstance, absenceInstances, activityView } from './views-activities';
import { userView } from './views-people';
import { phaseView, projectView } from './views-projects';
import { deletedWorkHourView, workHourView } from './views-work';

export interface ListSource {
  size: number;
  matches(i: number): boolean;
  render(i: number): object;
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error('row index out of range');
  return item;
}

/** A date filter: "YYYY-MM-DD", a time part after it is ignored. */
function dateParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const day = parseIsoDate(raw.slice(0, 10));
  if (day === undefined || (raw.length > 10 && raw[10] !== 'T')) throw new BadRequest(`${name} must be a date (YYYY-MM-DD)`);
  return day;
}

/**
 * A DateTimeOffset filter → epoch seconds. Without an offset the server reads it as UTC, so a bare
 * date means midnight UTC, which is what makes "starts before or on <date>" miss that day's absences.
 */
function dateTimeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(raw);
  const ms = match && parseIsoDate(match[1] ?? '') !== undefined ? Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}`) : NaN;
  if (Number.isNaN(ms)) throw new BadRequest(`${name} must be an ISO 8601 date-time`);
  return ms / 1000;
}

function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') throw new BadRequest(`${name} must be true or false`);
  return raw === 'true';
}

/** Guid lists come repeated (?userGuids=a&userGuids=b) or comma-separated; undefined = no filter. */
function guidsParam(query: URLSearchParams, name: string): Set<string> | undefined {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  return values.length === 0 ? undefined : new Set(values);
}

const within = (set: Set<string> | undefined, guid: string | undefined) => set === undefined || (guid !== undefined && set.has(guid));

/** List builders by path; `userIndex` narrows work hours to one person (per-user endpoint). */
export type ListBuilder = (query: URLSearchParams, userIndex?: number) => ListSource;

export function createListSources(ctx: ViewContext): Record<string, ListBuilder> {
  const { company } = ctx;
  // Rebuilt when an absence was edited or removed (see mutations.ts); the signature is cheap next to a page.
  let instances: { signature: string; list: AbsenceInstance[] } | undefined;
  const absences = () => {
    let latest = 0;
    for (const a of company.absences) latest = Math.max(latest, a.updatedAt);
    const signature = `${company.absences.length}:${latest}`;
    if (instances?.signature !== signature) instances = { signature, list: absenceInstances(company.seed, company.absences) };
    return instances.list;
  };
  const userGuid = (index: number) => company.users[index]?.guid;
  const projectGuid = (index: number) => company.projects[index]?.guid;

  return {
    '/v1/users': (query) => {
      const active = booleanParam(query, 'isActive');
      const since = dateTimeParam(query, 'changedSince');
      const units = guidsParam(query, 'businessUnitGuids');
      const supervisors = guidsParam(query, 'supervisorUserGuids');
      return {
        size: company.users.length,
        matches: (i) => {
          const user = at(company.users, i);
          if ((active !== undefined && user.isActive !== active) || (since !== undefined && user.updatedAt < since)) return false;
          return within(units, company.businessUnitGuids[user.businessUnitIndex]) && within(supervisors, user.superiorIndex === null ? undefined : userGuid(user.superiorIndex));
        },
        render: (i) => userView(ctx, at(company.users, i)),
      };
    },
    '/v1/projects': (query) => {
      const since = dateTimeParam(query, 'changedSince');
      return {
        size: company.projects.length,
        matches: (i) => since === undefined || at(company.projects, i).updatedAt >= since,
        render: (i) => projectView(ctx, at(company.projects, i)),
      };
    },
    '/v1/phases': (query) => {
      const since = dateTimeParam(query, 'changedSince');
      const projects = guidsParam(query, 'projectGuids');
      return {
        size: company.phases.length,
        matches: (i) => {
          const phase = at(company.phases, i);
          return (since === undefined || phase.updatedAt >= since) && within(projects, projectGuid(phase.projectIndex));
        },
        render: (i) => phaseView(ctx, at(company.phases, i)),
      };
    },
    '/v1/workhours': (query, userIndex) => {
      const from = dateParam(query, 'eventDateStart');
      const to = dateParam(query, 'eventDateEnd');
      const since = dateTimeParam(query, 'changedSince');
      const users = guidsParam(query, 'userGuids');
      const projects = guidsParam(query, 'projectGuids');
      const store = company.hours;
      return {
        size: store.length,
        matches: (i) => {
          if (store.isDeleted(i) || (userIndex !== undefined && store.userAt(i) !== userIndex)) return false;
          const day = store.dayAt(i);
          if ((from !== undefined && day < from) || (to !== undefined && day > to)) return false;
          if (since !== undefined && store.updatedAtOf(i) < since) return false;
          return within(users, userGuid(store.userAt(i))) && (projects === undefined || within(projects, projectGuid(store.get(i).projectIndex)));
        },
        render: (i) => workHourView(ctx, i),
      };
    },
    '/v1/deletedworkhours': (query) => {
      const since = dateTimeParam(query, 'deletedSince');
      const users = guidsParam(query, 'userGuids');
      const projects = guidsParam(query, 'projectGuids');
      const deletions = company.hours.deletions();
      return {
        size: deletions.length,
        matches: (i) => {
          const d = at(deletions, i);
          const row = company.hours.get(d.index);
          return (since === undefined || d.deletedAt >= since) && within(users, userGuid(row.userIndex)) && within(projects, projectGuid(row.projectIndex));
        },
        render: (i) => {
          const d = at(deletions, i);
          return deletedWorkHourView(ctx, d.index, d.deletedAt);
        },
      };
    },
    '/v1/activities': (query) => {
      const categories = query.get('activityCategories');
      const absencesWanted = categories === null || categories.split(',').some((c) => c.trim().toLowerCase() === 'absences');
      // startDateTime: the activity ends after it; endDateTime: the activity starts before or on it.
      const endsAfter = dateTimeParam(query, 'startDateTime');
      const startsBy = dateTimeParam(query, 'endDateTime');
      const since = dateTimeParam(query, 'changedSince');
      const users = guidsParam(query, 'userGuids');
      const list = absences();
      return {
        size: absencesWanted ? list.length : 0,
        matches: (i) => {
          const instance = at(list, i);
          if ((endsAfter !== undefined && instance.end <= endsAfter) || (startsBy !== undefined && instance.start > startsBy)) return false;
          const absence = at(company.absences, instance.absenceIndex);
          return (since === undefined || absence.updatedAt >= since) && within(users, userGuid(absence.userIndex));
        },
        render: (i) => activityView(ctx, at(list, i)),
      };
    },
  };
}

/**
 * Absences as Severa's activities. Some absences are recurring series (a day-by-day recurrence),
 * served as one instance per day whose guid is "<series guid>;<occurrence guid>", as real recurring
 * activities are; the days covered are the same either way, so the ground truth holds.
 */
import type { ApiActivity } from './api-models';
import { helsinkiEpochSeconds } from './calendar';
import { guidFor } from './prng';
import type { SimAbsence } from './types';
import type { ViewContext } from './view-context';
import { variant, wireDateTime } from './wire-format';

const SALT = { start: 31, end: 32, time: 33, nulls: 34 } as const;
const WORKDAY_START = 8 * 60;
const WORKDAY_END = 16 * 60;

export interface AbsenceInstance {
  /** Position in the instance list, for per-row choices. */
  index: number;
  absenceIndex: number;
  guid: string;
  recurring: boolean;
  /** Epoch seconds. */
  start: number;
  end: number;
}

/** Short multi-day spells of every third absence recur daily; everything else is one activity. */
function recurs(absence: SimAbsence, absenceIndex: number): boolean {
  const days = absence.endDay - absence.startDay + 1;
  return days >= 2 && days <= 7 && absenceIndex % 3 === 0;
}

export function absenceInstances(seed: number, absences: readonly SimAbsence[]): AbsenceInstance[] {
  const out: AbsenceInstance[] = [];
  absences.forEach((absence, absenceIndex) => {
    if (!recurs(absence, absenceIndex)) {
      const start = helsinkiEpochSeconds(absence.startDay, WORKDAY_START);
      out.push({ index: out.length, absenceIndex, guid: absence.guid, recurring: false, start, end: helsinkiEpochSeconds(absence.endDay, WORKDAY_END) });
      return;
    }
    for (let day = absence.startDay; day <= absence.endDay; day += 1) {
      const occurrence = guidFor(seed, 'occurrence', absenceIndex * 8 + (day - absence.startDay));
      out.push({
        index: out.length,
        absenceIndex,
        guid: `${absence.guid};${occurrence}`,
        recurring: true,
        start: helsinkiEpochSeconds(day, WORKDAY_START),
        end: helsinkiEpochSeconds(day, WORKDAY_END),
      });
    }
  });
  return out;
}

export function activityView(ctx: ViewContext, instance: AbsenceInstance): ApiActivity {
  const { company } = ctx;
  const { seed } = company;
  const absence = company.absences[instance.absenceIndex];
  const owner = absence ? company.users[absence.userIndex] : undefined;
  if (!absence || !owner) throw new Error('absence refers to an unknown user');
  const vacation = absence.kind === 'vacation';
  const name = vacation ? 'Vuosiloma' : 'Sairausloma';
  const nullable = (n: number, every: number) => ctx.nulls && variant(seed, SALT.nulls, instance.index * 2 + n, every) === 0;
  return {
    guid: instance.guid,
    name,
    startDateTime: wireDateTime(seed, SALT.start, instance.index, instance.start),
    endDateTime: nullable(0, 11) ? null : wireDateTime(seed, SALT.end, instance.index, instance.end),
    isAllDay: true,
    activityType: { guid: guidFor(seed, 'absence', vacation ? 0xfff0 : 0xfff1), name, category: 'Absences' },
    ownerUser: { guid: owner.guid, code: owner.code, name: `${owner.personal.firstName} ${owner.personal.lastName}`, keywords: [{ value: `Yksikkö ${owner.businessUnitIndex + 1}` }] },
    notes: vacation ? 'Kesäloma, sijaisena tiimin vetäjä' : 'Flunssa, lääkärintodistus toimitettu',
    recurrenceType: instance.recurring ? 'Daily' : 'None',
    lastUpdatedDateTime: nullable(1, 13) ? null : wireDateTime(seed, SALT.time, instance.index, absence.updatedAt),
  };
}

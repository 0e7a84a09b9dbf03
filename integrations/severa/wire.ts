/**
 * The Severa REST API v1 models this product reads, written from the published OpenAPI document (see
 * shared ERP-API.md), one row at a time. Each schema turns one wire row into the fields the mappers
 * need; a row that fails is skipped and counted by the page parser, never the whole page. Unknown
 * fields are stripped, so personal data (names, emails, descriptions, notes) never leaves the parse step —
 * except `email`, `firstName` and `language`, read only by the send-time recipient lookup.
 *
 * Schemas are built per tenant because a date-time without an offset is read in the tenant's zone.
 */
import { z } from 'zod';
import { instant, localDate, weekdayNumber } from './wire-values';

/** Reasons a row is skipped; also the keys of the skip counters. */
export const IMPOSSIBLE_DATE = 'impossible-date';

/** A technical id. Recurring absence instances join two guids: "<guid>;<guid>". */
const guid = z.string().trim().min(1).max(64);
const activityGuid = z.string().trim().min(1).max(160);

const date = z.string().transform((raw, ctx) => {
  const parsed = localDate(raw);
  if (parsed !== null) return parsed;
  const calendarShaped = /^\d{4}-\d{2}-\d{2}/.test(raw.trim());
  ctx.addIssue({ code: 'custom', message: calendarShaped ? IMPOSSIBLE_DATE : 'expected a date' });
  return z.NEVER;
});

function dateTime(zone: string) {
  return z.string().transform((raw, ctx) => {
    const parsed = instant(raw, zone);
    if (parsed !== null) return parsed;
    const calendarShaped = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(raw.trim());
    ctx.addIssue({ code: 'custom', message: calendarShaped ? IMPOSSIBLE_DATE : 'expected a date-time' });
    return z.NEVER;
  });
}

const weekday = z.string().transform((raw, ctx) => {
  const day = weekdayNumber(raw);
  if (day !== null) return day;
  ctx.addIssue({ code: 'custom', message: 'expected a weekday name' });
  return z.NEVER;
});

/** A reference whose guid we keep when it is there; a broken or absent one counts as none. */
const optionalRef = z
  .object({ guid: guid.nullish() })
  .nullish()
  .catch(null)
  .transform((r) => r?.guid ?? null);

const hours = z.number().min(0).max(24);

/** Severa's MoneyModel; a broken or absent one counts as none, never a reason to skip the row. */
const money = z
  .object({ amount: z.number().finite(), currencyCode: z.string().trim().regex(/^[A-Za-z]{3}$/) })
  .nullish()
  .catch(null)
  .transform((m) => (m ? { amount: m.amount, currency: m.currencyCode.toUpperCase() } : null));

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  access_token_expires_in: z.coerce.number().positive(),
  scope: z.string().nullish(),
});

export const exceptionModelSchema = z.object({
  error: z.object({
    httpStatusCode: z.coerce.number().nullish(),
    type: z.string().nullish(),
    details: z.array(z.object({ message: z.string().nullish() }).catch({ message: null })).nullish(),
  }),
});

export function workContractSchema(zone: string) {
  return z.object({
    guid,
    startDate: date,
    endDate: date.nullish(),
    dailyHours: hours,
    /** Null or absent: the mapper assumes Monday–Friday and counts that it did. */
    workWeek: z.array(weekday).nullish(),
    hourCost: money,
    lastUpdatedDateTime: dateTime(zone).nullish().catch(null),
  });
}

export function userSchema(zone: string) {
  return z.object({
    guid,
    isActive: z.boolean().nullish(),
    superiorUser: optionalRef,
    language: z.object({ code: z.string().nullish() }).nullish().catch(null),
    country: z.object({ code3: z.string().nullish(), guid: guid.nullish() }).nullish().catch(null),
    timezone: z.object({ ianaName: z.string().nullish() }).nullish().catch(null),
    /** The current contract; a broken one is ignored here and read again from the contract history. */
    workContract: workContractSchema(zone).nullish().catch(null),
    lastUpdatedDateTime: dateTime(zone).nullish().catch(null),
  });
}

export const userContactSchema = z.object({
  guid,
  firstName: z.string().nullish(),
  email: z.string().nullish(),
  language: z.object({ code: z.string().nullish() }).nullish().catch(null),
});

/** Only for the admin's person picker: the name, shown once and never kept. */
export const userNameSchema = z.object({ guid, firstName: z.string().nullish(), lastName: z.string().nullish() });

export function workHourSchema(zone: string) {
  return z.object({
    guid,
    eventDate: date,
    quantity: hours,
    isBillable: z.boolean().nullish(),
    billableStatus: z.string().nullish(),
    user: z.object({ guid }),
    project: optionalRef,
    unitPrice: money,
    unitCost: money,
    lastUpdatedDateTime: dateTime(zone).nullish().catch(null),
  });
}

export function deletedWorkHourSchema(zone: string) {
  return z.object({
    guid,
    deletedDateTime: dateTime(zone).nullish().catch(null),
  });
}

export function absenceSchema(zone: string) {
  return z
    .object({
      guid: activityGuid,
      ownerUser: z.object({ guid }),
      startDateTime: dateTime(zone),
      endDateTime: dateTime(zone).nullish(),
      isAllDay: z.boolean().nullish(),
      lastUpdatedDateTime: dateTime(zone).nullish().catch(null),
    })
    .superRefine((a, ctx) => {
      if (a.endDateTime && Date.parse(a.endDateTime) < Date.parse(a.startDateTime)) {
        ctx.addIssue({ code: 'custom', path: ['endDateTime'], message: 'ends before it starts' });
      }
    });
}

export function projectSchema(zone: string) {
  return z.object({
    guid,
    isClosed: z.boolean().nullish(),
    startDate: date.nullish(),
    deadline: date.nullish(),
    projectOwner: optionalRef,
    customer: optionalRef,
    lastUpdatedDateTime: dateTime(zone).nullish().catch(null),
  });
}

export const phaseSchema = z.object({
  guid,
  project: z.object({ guid }),
  parentPhase: optionalRef,
  workHoursEstimate: z.number().min(0).nullish(),
});

export const holidaySchema = z.object({
  date,
  countryGuid: guid.nullish(),
  isActive: z.boolean().nullish(),
});

export const flextimeSchema = z.object({
  totalFlextimeBalance: z.number(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;
export type WireUser = z.output<ReturnType<typeof userSchema>>;
export type WireUserContact = z.output<typeof userContactSchema>;
export type WireWorkContract = z.output<ReturnType<typeof workContractSchema>>;
export type WireWorkHour = z.output<ReturnType<typeof workHourSchema>>;
export type WireDeletedWorkHour = z.output<ReturnType<typeof deletedWorkHourSchema>>;
export type WireAbsence = z.output<ReturnType<typeof absenceSchema>>;
export type WireProject = z.output<ReturnType<typeof projectSchema>>;
export type WirePhase = z.output<typeof phaseSchema>;
export type WireHoliday = z.output<typeof holidaySchema>;

/** Paths and query parameters, relative to the base URL (which ends in /rest-api). */
export const paths = {
  token: '/v1/token',
  users: '/v1/users',
  user: (guid: string) => `/v1/users/${encodeURIComponent(guid)}`,
  workContracts: (userGuid: string) => `/v1/users/${encodeURIComponent(userGuid)}/workcontracts`,
  workHours: '/v1/workhours',
  deletedWorkHours: '/v1/deletedworkhours',
  activities: '/v1/activities',
  projects: '/v1/projects',
  phases: '/v1/phases',
  holidays: '/v1/holidays',
  flextime: (userGuid: string) => `/v1/users/${encodeURIComponent(userGuid)}/flextime`,
} as const;

export const NEXT_PAGE_HEADER = 'nextpagetoken';
export const MAX_ROW_COUNT = 100;
/** The scopes a sync needs, and the one it uses when granted (the company's holiday calendar). */
export const SCOPES = ['users:read', 'hours:read', 'activities:read', 'projects:read'];
export const SETTINGS_SCOPE = 'settings:read';
export const OPTIONAL_SCOPES = [SETTINGS_SCOPE];

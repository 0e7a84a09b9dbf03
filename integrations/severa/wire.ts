/**
 * The Severa REST API v1 wire format, as far as this product reads it (see shared ERP-API.md).
 * Both the ErpClient (which validates every page with these schemas) and the ERP simulator (which
 * produces them) use this one definition. Unknown fields are stripped by zod, so personal data a
 * real ERP sends (names, emails, phones, addresses, descriptions) never leaves the parse step —
 * except `email` and `firstName`, read only by the send-time recipient lookup.
 *
 * Shapes follow Severa's published models (objects referenced as `{ guid }`); fields where the
 * public docs were unclear are marked "simulator-defined".
 */
import { z } from 'zod';

const guid = z.string().min(1).max(64);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const isoDateTime = z.string().datetime({ offset: true });
const ref = z.object({ guid }).nullable().optional();

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  access_token_expires_in: z.number().int().positive(),
  access_token_expires_utc: z.string().optional(),
});

export const userSchema = z.object({
  guid,
  isActive: z.boolean(),
  /** Language code, e.g. "fi", "sv", "en" (simulator-defined: Severa nests it as { code }). */
  languageCode: z.string().min(2).max(10).nullable().optional(),
  /** ISO 3166 alpha-2 (simulator-defined: Severa nests it as { code }). */
  countryCode: z.string().length(2).nullable().optional(),
  timezone: z.string().nullable().optional(),
  superiorUser: ref,
  businessUnit: ref,
});

export const userContactSchema = z.object({
  guid,
  firstName: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  languageCode: z.string().nullable().optional(),
});

export const workContractSchema = z.object({
  guid,
  startDate: isoDate,
  endDate: isoDate.nullable(),
  dailyHours: z.number().min(0).max(24),
  /** Working weekdays, ISO numbering 1 = Monday … 7 = Sunday (simulator-defined encoding). */
  workWeek: z.array(z.number().int().min(1).max(7)),
  isFlextimeActive: z.boolean().optional(),
});

export const workHourSchema = z.object({
  guid,
  eventDate: isoDate,
  quantity: z.number().min(0).max(24),
  isBillable: z.boolean(),
  user: z.object({ guid }),
  project: ref,
  lastUpdatedDateTime: isoDateTime,
});

export const deletedWorkHourSchema = z.object({
  guid,
  deletedDateTime: isoDateTime,
});

export const absenceSchema = z.object({
  guid,
  /** Owner of the absence. */
  owner: z.object({ guid }),
  startDateTime: isoDateTime,
  endDateTime: isoDateTime,
  /** Whole-day absence (simulator-defined flag; partial days carry their own times). */
  isAllDay: z.boolean(),
  lastUpdatedDateTime: isoDateTime,
});

export const projectSchema = z.object({
  guid,
  isClosed: z.boolean(),
  startDate: isoDate.nullable().optional(),
  deadline: isoDate.nullable().optional(),
  projectOwner: ref,
  customer: ref,
  /** Budgeted work hours (simulator-defined name; Severa exposes it through project fees/budgets). */
  expectedHours: z.number().min(0).nullable().optional(),
  lastUpdatedDateTime: isoDateTime,
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;
export type WireUser = z.infer<typeof userSchema>;
export type WireUserContact = z.infer<typeof userContactSchema>;
export type WireWorkContract = z.infer<typeof workContractSchema>;
export type WireWorkHour = z.infer<typeof workHourSchema>;
export type WireDeletedWorkHour = z.infer<typeof deletedWorkHourSchema>;
export type WireAbsence = z.infer<typeof absenceSchema>;
export type WireProject = z.infer<typeof projectSchema>;

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
} as const;

export const NEXT_PAGE_HEADER = 'nextpagetoken';
export const MAX_ROW_COUNT = 100;
export const SCOPES = ['users:read', 'hours:read', 'activities:read', 'projects:read'];

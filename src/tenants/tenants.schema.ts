import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ALL_INSIGHT_KINDS } from '../insights/input';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
/** Checked when stored: a zone cron and luxon cannot use would fail every job of the tenant later. */
const timezone = z
  .string()
  .trim()
  .max(64)
  .refine((v) => IANAZone.isValidZone(v), 'not a known IANA time zone: use a name such as Europe/Helsinki or UTC');
const optionalDate = z.preprocess((v) => (v === '' ? null : v), isoDate.nullable().optional());

export const TENANT_STATUSES = ['active', 'suspended', 'ended'] as const;
export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export const createTenantSchema = z.object({
  displayName: z.string().trim().min(2).max(120),
  /** One of the registered ERP kinds (the tenants service checks); the registry's default when left out. */
  erpKind: z.string().trim().min(1).max(40).optional(),
  contractStart: isoDate,
  contractEnd: optionalDate,
  timezone: timezone.default('Europe/Helsinki'),
  country: z.string().trim().regex(/^[A-Z]{2}$/, 'expected a two-letter country code').default('FI'),
  defaultLanguage: z.enum(LANGUAGES).default('fi'),
});
export type CreateTenantInput = z.infer<typeof createTenantSchema>;

export const updateTenantSchema = z.object({
  status: z.enum(TENANT_STATUSES).optional(),
  contractStart: isoDate.optional(),
  contractEnd: optionalDate,
  displayName: z.string().trim().min(2).max(120).optional(),
  timezone: timezone.optional(),
});
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;

const kinds = ALL_INSIGHT_KINDS as readonly [string, ...string[]];

/** What a customer admin chooses; the engine's other tunables keep their defaults. */
export const tenantSettingsSchema = z.object({
  enabledInsights: z.array(z.enum(kinds)).max(kinds.length),
  scheduleDay: z.enum(WEEKDAYS),
  scheduleTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM'),
  utilisationTarget: z.coerce.number().min(0.1).max(1),
  defaultLanguage: z.enum(LANGUAGES),
  teamView: z.boolean(),
  /** Eves (Christmas Eve, Midsummer Eve …) count as half working days instead of days off. */
  halfDayEves: z.boolean().default(false),
  /** The ERP's web address where employees record their hours; the missing-hours section links to it. */
  erpWebUrl: z.url({ protocol: /^https$/, message: 'expected an https:// address' }).max(2048).nullable().default(null),
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const defaultTenantSettings = (language: string): TenantSettings => ({
  enabledInsights: [...ALL_INSIGHT_KINDS],
  scheduleDay: 'monday',
  scheduleTime: '07:00',
  utilisationTarget: 0.75,
  defaultLanguage: (LANGUAGES as readonly string[]).includes(language) ? (language as TenantSettings['defaultLanguage']) : 'fi',
  teamView: true,
  halfDayEves: false,
  erpWebUrl: null,
});

// Built once: deriving a schema costs more than parsing with it, and this runs on every API request.
const storedSettingsSchema = tenantSettingsSchema.partial();

/** Stored settings are parsed leniently: unknown or broken values fall back to the defaults. */
export function parseSettings(json: string, language: string): TenantSettings {
  const defaults = defaultTenantSettings(language);
  try {
    const parsed = storedSettingsSchema.safeParse(JSON.parse(json));
    return parsed.success ? { ...defaults, ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) } : defaults;
  } catch {
    return defaults;
  }
}

import type { Db } from '../db/db';
import { upsert } from '../db/upsert';

export type HolidaySource = { source: 'company'; holidays: string[] } | { source: 'public'; reason: 'no-access' | 'none-listed' };

/** Where the tenant's holidays came from at the last sync, and the company's days off if from the ERP. */
export async function saveHolidaySource(db: Pick<Db, 'kysely' | 'dialect'>, tenantId: string, calendar: HolidaySource, now: string): Promise<void> {
  const row = {
    tenant_id: tenantId,
    source: calendar.source,
    reason: calendar.source === 'public' ? calendar.reason : null,
    holidays_json: JSON.stringify(calendar.source === 'company' ? calendar.holidays : []),
    updated_at: now,
  };
  await upsert(db, 'tenant_calendars', [row], ['tenant_id']);
}

/** The company's own days off as the last sync read them; empty when public holidays stand in. */
export async function loadCompanyHolidays(db: Db, tenantId: string): Promise<string[]> {
  const row = await db.kysely.selectFrom('tenant_calendars').select('holidays_json').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? (JSON.parse(row.holidays_json) as string[]) : [];
}

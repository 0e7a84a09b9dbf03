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

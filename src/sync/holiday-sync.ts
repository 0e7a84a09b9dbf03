import type { ErpHoliday } from '../../integrations/erp/erp-client';
import type { HolidaySource } from './calendar.repo';
import type { SyncRun } from './context';

/**
 * The company's own holiday calendar for the years of the window. The ERP lists holidays per country;
 * the tenant's are those of the country ids its people carry for the tenant's country (all of them when
 * no one carries one). Without the settings:read scope, or when no year lists any, public holidays of
 * the country stand in, and the source says why.
 */
export async function readHolidays(run: SyncRun, country: string, years: number[]): Promise<HolidaySource> {
  const listed: ErpHoliday[] = [];
  for (const year of years) {
    const page = await run.erp.holidays({ year });
    if (page === null) return { source: 'public', reason: 'no-access' };
    listed.push(...page);
  }
  const ours = new Set([...run.countryIds].filter(([, code]) => code === country).map(([id]) => id));
  const holidays = [...new Set(listed.filter((h) => ours.size === 0 || h.countryId === null || ours.has(h.countryId)).map((h) => h.date))].sort();
  return holidays.length === 0 ? { source: 'public', reason: 'none-listed' } : { source: 'company', holidays };
}

import { DateTime } from 'luxon';
import { parseIsoDate } from '../integrations/erp-simulator/calendar';
import type { SimCompany } from '../integrations/erp-simulator/types';
import type { ExpectedRecipient } from './drill-verify';

/**
 * Who must get the digest of the last completed week, from the simulator's own model: everyone with
 * an address and a contract covering a day of that week. Our tables play no part.
 */
export function expectedRecipients(company: SimCompany, tenants: string[], now: Date, zone: string): ExpectedRecipient[] {
  const monday = DateTime.fromJSDate(now, { zone }).startOf('week').minus({ weeks: 1 });
  const from = parseIsoDate(monday.toISODate() as string) ?? 0;
  const to = from + 6;
  const people = company.users.filter((u) => u.personal.email && u.contracts.some((c) => c.startDay <= to && (c.endDay === null || c.endDay >= from)));
  return tenants.flatMap((tenant) => people.map((u) => ({ tenant, personId: u.guid, address: u.personal.email })));
}

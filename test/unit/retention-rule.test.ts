import { firstPurgeDay, isPastRetention, localDate } from '../../src/retention/retention-rule';

describe('retention rule', () => {
  it.each([
    ['2026-08-31', '2027-02-28', '2027-03-01'],
    ['2027-08-31', '2028-02-29', '2028-03-01'],
    ['2026-02-28', '2026-08-31', '2026-09-01'],
    ['2027-02-28', '2027-08-31', '2027-09-01'],
    ['2026-01-31', '2026-07-31', '2026-08-01'],
    ['2026-06-15', '2026-12-15', '2026-12-16'],
    ['2027-09-30', '2028-03-31', '2028-04-01'],
    ['2026-08-28', '2027-02-28', '2027-03-01'],
    ['2026-08-29', '2027-02-28', '2027-03-01'],
    ['2026-08-30', '2027-02-28', '2027-03-01'],
    ['2027-08-29', '2028-02-29', '2028-03-01'],
    ['2027-08-30', '2028-02-29', '2028-03-01'],
    ['2026-05-30', '2026-11-30', '2026-12-01'],
    ['2026-04-30', '2026-10-31', '2026-11-01'],
  ])('ended %s: kept on %s, gone on %s', (end, lastKept, firstGone) => {
    expect(firstPurgeDay(end, 6)).toBe(firstGone);
    expect(isPastRetention(end, lastKept, 6)).toBe(false);
    expect(isPastRetention(end, firstGone, 6)).toBe(true);
  });

  it('never purges a later end date earlier, and keeps every end date through its target month', () => {
    // Checked with plain calendar arithmetic on Date.UTC, independent of the rule's luxon maths.
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const daysIn = (monthIndex: number) => new Date(Date.UTC(0, monthIndex + 1, 0)).getUTCDate();
    for (const months of [1, 6, 13, 25]) {
      let previous = '';
      for (let ms = Date.UTC(2026, 0, 1); ms <= Date.UTC(2029, 11, 31); ms += day) {
        const end = new Date(ms);
        const purge = firstPurgeDay(iso(ms), months);
        expect(purge >= previous).toBe(true);
        previous = purge;
        const endMonth = end.getUTCFullYear() * 12 + end.getUTCMonth();
        const lastKept = new Date(Date.parse(`${purge}T00:00:00Z`) - day);
        expect(lastKept.getUTCFullYear() * 12 + lastKept.getUTCMonth()).toBe(endMonth + months);
        const monthEnd = end.getUTCDate() === daysIn(endMonth);
        const targetDays = daysIn(endMonth + months);
        expect(lastKept.getUTCDate()).toBe(monthEnd ? targetDays : Math.min(end.getUTCDate(), targetDays));
      }
    }
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    expect(() => firstPurgeDay('2026-8-31', 6)).toThrow(RangeError);
    expect(() => firstPurgeDay('2026-02-30', 6)).toThrow(RangeError);
  });

  it('takes "today" on the tenant calendar', () => {
    const at = new Date('2027-02-28T22:30:00.000Z');
    expect(localDate(at, 'Europe/Helsinki')).toBe('2027-03-01');
    expect(localDate(at, 'UTC')).toBe('2027-02-28');
    expect(localDate(at, 'Not/AZone')).toBe('2027-02-28');
  });
});

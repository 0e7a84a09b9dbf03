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
  ])('ended %s: kept on %s, gone on %s', (end, lastKept, firstGone) => {
    expect(firstPurgeDay(end, 6)).toBe(firstGone);
    expect(isPastRetention(end, lastKept, 6)).toBe(false);
    expect(isPastRetention(end, firstGone, 6)).toBe(true);
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

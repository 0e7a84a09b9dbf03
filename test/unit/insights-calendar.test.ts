import { createWorkCalendar, expectedMinutes } from '../../src/insights/calendar';
import { addDays, daysBetween, isoWeekStart, lastCompletedWeek } from '../../src/insights/dates';
import { buildTimeline, createDayTable } from '../../src/insights/timeline';
import { ValidationError } from '../../src/errors';

const fi = createWorkCalendar();
const fiHalfEves = createWorkCalendar({ halfDayEves: true });
const fullTime = [{ start: '2026-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }];

describe('Finnish work calendar', () => {
  it('knows public holidays and leaves observances as ordinary days', () => {
    expect(fi.isHoliday('2026-05-14')).toBe(true); // Ascension Day (helatorstai)
    expect(fi.isHoliday('2026-12-25')).toBe(true);
    expect(fi.isHoliday('2026-12-06')).toBe(true); // Independence Day, a Sunday in 2026
    expect(fi.isHoliday('2026-05-10')).toBe(false); // Mother's Day is an observance
    expect(fi.isHoliday('2026-05-13')).toBe(false);
  });

  it('treats Midsummer Eve and Christmas Eve as full days off, or half days with halfDayEves', () => {
    expect(fi.holidayFraction('2026-06-19')).toBe(1);
    expect(fi.holidayFraction('2026-12-24')).toBe(1);
    expect(fiHalfEves.holidayFraction('2026-06-19')).toBe(0.5);
    expect(fiHalfEves.holidayFraction('2026-12-24')).toBe(0.5);
    // Public holidays stay full days either way.
    expect(fiHalfEves.holidayFraction('2026-12-25')).toBe(1);
  });

  it('gives expected minutes per contract, weekday and holiday', () => {
    expect(expectedMinutes(fullTime, '2026-05-13', fi)).toBe(450); // Wednesday
    expect(expectedMinutes(fullTime, '2026-05-14', fi)).toBe(0); // Ascension Day
    expect(expectedMinutes(fullTime, '2026-05-16', fi)).toBe(0); // Saturday
    expect(expectedMinutes(fullTime, '2026-06-19', fiHalfEves)).toBe(225); // 450 × (1 − 0.5)
    // 60 % part-time as a shorter day: 0.6 × 450 = 270.
    const partTime = [{ start: '2026-01-01', end: null, dailyMinutes: 270, workdays: [1, 2, 3, 4, 5] }];
    expect(expectedMinutes(partTime, '2026-05-13', fi)).toBe(270);
    expect(expectedMinutes(fullTime, '2025-12-31', fi)).toBe(0); // before the contract
  });

  it('lets a later contract override an earlier one from its start', () => {
    const contracts = [
      { start: '2026-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] },
      { start: '2026-05-13', end: '2026-05-31', dailyMinutes: 450, workdays: [1, 2, 3] },
    ];
    expect(expectedMinutes(contracts, '2026-05-12', fi)).toBe(450); // Tuesday, first contract
    expect(expectedMinutes(contracts, '2026-05-15', fi)).toBe(0); // Friday not in the new contract
    expect(expectedMinutes(contracts, '2026-06-05', fi)).toBe(450); // Friday, new one has ended
  });

  it('rejects malformed dates with a validation error', () => {
    expect(() => fi.isHoliday('2026-13-01')).toThrow(ValidationError);
    expect(() => fi.weekday('14.5.2026')).toThrow(ValidationError);
  });
});

describe("a company's own holiday calendar", () => {
  // The company closes on Christmas Eve and on its 20th anniversary; it works on Epiphany.
  const company = ['2026-01-01', '2026-05-20', '2026-12-24', '2026-12-25'];
  const own = createWorkCalendar({ companyHolidays: company });
  const ownHalfEves = createWorkCalendar({ companyHolidays: company, halfDayEves: true });

  it('replaces public holidays in the years it covers', () => {
    expect(own.holidayFraction('2026-05-20')).toBe(1);
    expect(own.holidayFraction('2026-01-06')).toBe(0); // Epiphany is public, but not this company's
    expect(own.holidayFraction('2026-06-19')).toBe(0); // nor Midsummer Eve
    expect(expectedMinutes(fullTime, '2026-05-20', own)).toBe(0);
    expect(expectedMinutes(fullTime, '2026-01-06', own)).toBe(450);
  });

  it('leaves years it does not cover to public holidays', () => {
    expect(own.holidayFraction('2025-01-06')).toBe(1);
    expect(own.holidayFraction('2027-12-24')).toBe(1);
  });

  it('counts the eves it lists as half days when the tenant says so', () => {
    expect(own.holidayFraction('2026-12-24')).toBe(1);
    expect(ownHalfEves.holidayFraction('2026-12-24')).toBe(0.5);
    expect(ownHalfEves.holidayFraction('2026-12-25')).toBe(1);
    expect(ownHalfEves.holidayFraction('2026-05-20')).toBe(1);
  });
});

describe('calendar dates across DST changes in Europe/Helsinki', () => {
  const zone = 'Europe/Helsinki';

  it.each([
    ['2026-03-23', '2026-W13'], // clocks go forward on Sunday 2026-03-29
    ['2026-10-19', '2026-W43'], // clocks go back on Sunday 2026-10-25
  ])('lays out the two weeks from %s as consecutive days with the right weekdays', (monday, week) => {
    const table = createDayTable(fi, monday, 2);
    expect(table.dates).toHaveLength(14);
    expect(table.weeks[0]).toBe(week);
    const nextMonday = addDays(monday, 7, zone);
    expect(table.dates[7]).toBe(nextMonday);
    expect(Array.from(table.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 1; i < 14; i++) expect(daysBetween(table.dates[i - 1] as string, table.dates[i] as string, zone)).toBe(1);
  });

  it('adds calendar days over the DST Sunday without drifting', () => {
    expect(addDays('2026-03-28', 1, zone)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1, zone)).toBe('2026-03-30');
    expect(addDays('2026-10-25', 1, zone)).toBe('2026-10-26');
    expect(addDays('2026-10-26', -2, zone)).toBe('2026-10-24');
  });

  it('finds the last completed ISO week, Monday first', () => {
    expect(lastCompletedWeek('2026-03-30', zone)).toEqual({ week: '2026-W13', start: '2026-03-23', end: '2026-03-29' });
    // A Sunday's own week has not ended yet.
    expect(lastCompletedWeek('2026-03-29', zone).week).toBe('2026-W12');
    expect(lastCompletedWeek('2027-01-04', zone)).toEqual({ week: '2026-W53', start: '2026-12-28', end: '2027-01-03' });
    expect(isoWeekStart('2026-W47', zone)).toBe('2026-11-16');
  });
});

describe('day table and expectedMinutes agree', () => {
  it('gives the same expected minutes per day for overlapping part-time and full-time contracts', () => {
    const contracts = [
      { start: '2026-11-04', end: '2027-01-10', dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] },
      { start: '2026-12-02', end: '2026-12-20', dailyMinutes: 270, workdays: [1, 2, 3] },
    ];
    const table = createDayTable(fiHalfEves, '2026-11-02', 12);
    const timeline = buildTimeline({ personId: 'p', managerId: null, contracts, days: [] }, table);
    let total = 0;
    table.dates.forEach((date, i) => {
      expect(timeline.expected[i]).toBe(expectedMinutes(contracts, date, fiHalfEves));
      total += timeline.expected[i] as number;
    });
    // Nov 4–Dec 1: 20 weekdays × 450 = 9000 (no holidays). Dec 2–20: Mon–Wed only (2, 7–9, 14–16 Dec)
    // = 7 × 270 = 1890. Dec 21–Jan 10: 15 weekdays; Christmas Day, New Year's Day and Epiphany are off,
    // the eves 24 and 31 Dec are half days: 10 × 450 + 2 × 225 = 4950. Total 15 840.
    expect(total).toBe(9000 + 1890 + 4500 + 450);
  });
});

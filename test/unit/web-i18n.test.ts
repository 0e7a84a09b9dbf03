import { allJobs } from '../../jobs';
import { ALL_INSIGHT_KINDS } from '../../src/insights/input';
import { JOB_STATES } from '../../src/scheduler/job-definition';
import { LANGUAGES, WEEKDAYS } from '../../src/tenants/tenants.schema';
import { en } from '../../src/web/i18n/en';
import { fi } from '../../src/web/i18n/fi';
import { sv } from '../../src/web/i18n/sv';
import { formatTime, pageLanguage, translator } from '../../src/web/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test.each([['fi', fi], ['sv', sv]] as const)('%s has every English text, none empty, with the same placeholders', (_lang, catalog) => {
  expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
  for (const [key, text] of Object.entries(en)) {
    const translated = catalog[key as keyof typeof en];
    expect({ key, empty: translated.trim() === '' }).toEqual({ key, empty: false });
    expect({ key, placeholders: placeholders(translated) }).toEqual({ key, placeholders: placeholders(text) });
  }
});

test('the account choice wins, then the browser, then English', () => {
  expect(pageLanguage('sv', 'fi')).toBe('sv');
  expect(pageLanguage(null, 'fi')).toBe('fi');
  expect(pageLanguage('de', false)).toBe('en');
  expect(pageLanguage(undefined, undefined)).toBe('en');
});

test('texts fill in their values; an unknown label shows the value, not the key', () => {
  expect(translator('fi')('staff.failing', { n: 3 })).toBe('3 epäonnistunut');
  expect(translator('sv')('weekday.monday')).toBe('måndag');
  expect(translator('en')('weekday.someday')).toBe('someday');
});

test('times read in the zone and language of the reader, across the summer-time change', () => {
  expect(formatTime('2027-03-28T00:30:00.000Z', 'Europe/Helsinki', 'fi')).toBe('28.3.2027 klo 2.30');
  expect(formatTime('2027-03-28T01:30:00.000Z', 'Europe/Helsinki', 'fi')).toBe('28.3.2027 klo 4.30');
  expect(formatTime('2027-03-28T01:30:00.000Z', 'Europe/Stockholm', 'sv')).toBe('28 mars 2027 03.30');
  expect(formatTime(null, 'UTC', 'en')).toBe('—');
});

test('every stored value a page shows has a label: insights, weekdays, languages, run states, jobs, delivery states', () => {
  const values: string[] = [
    ...ALL_INSIGHT_KINDS.map((k) => `insight.${k}`),
    ...WEEKDAYS.map((d) => `weekday.${d}`),
    ...LANGUAGES.map((l) => `language.${l}`),
    ...JOB_STATES.map((s) => `state.${s}`),
    ...allJobs.map((j) => `job.${j.name}`),
    ...['pending', 'sending', 'sent', 'failed-retryable', 'failed', 'unknown', 'delivered', 'bounced', 'dropped'].map((s) => `delivery.${s}`),
  ];
  expect(values.filter((key) => !(key in en))).toEqual([]);
});

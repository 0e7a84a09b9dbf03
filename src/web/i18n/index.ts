import { DateTime } from 'luxon';
import { en, type WebMessageKey, type WebMessages } from './en';
import { fi } from './fi';
import { sv } from './sv';

export const WEB_LANGUAGES = ['fi', 'sv', 'en'] as const;
export type WebLanguage = (typeof WEB_LANGUAGES)[number];
export type { WebMessageKey };

const CATALOGS: Record<WebLanguage, WebMessages> = { fi, sv, en };
const LOCALES: Record<WebLanguage, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

export const isWebLanguage = (value: unknown): value is WebLanguage => typeof value === 'string' && (WEB_LANGUAGES as readonly string[]).includes(value);

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * The page text in one language. A key built at run time from a stored value (`weekday.<day>`) that
 * has no text falls back to the value itself, so an unexpected value shows as it is, never as a key.
 */
export function translator(language: WebLanguage): Translate {
  const messages = CATALOGS[language];
  return (key, params = {}) => {
    const text = (messages as Record<string, string>)[key];
    if (text === undefined) return key.includes('.') ? key.slice(key.indexOf('.') + 1) : key;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/**
 * The account's own choice first; otherwise the best of the browser's Accept-Language that we have;
 * English when the browser names none of ours.
 */
export function pageLanguage(accountLanguage: string | null | undefined, browserChoice: string | false | undefined): WebLanguage {
  if (isWebLanguage(accountLanguage)) return accountLanguage;
  return isWebLanguage(browserChoice) ? browserChoice : 'en';
}

/** A timestamp as a reader in `zone` reads it, e.g. "2.3.2026 klo 10.00" in Finnish. */
export function formatTime(iso: unknown, zone: string, language: WebLanguage): string {
  if (typeof iso !== 'string' || iso === '') return '—';
  const time = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale(LOCALES[language]);
  return time.isValid ? time.toLocaleString(DateTime.DATETIME_MED) : iso;
}

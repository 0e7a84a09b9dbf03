import path from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { formatTime, translator, WEB_LANGUAGES } from './i18n';

export const VIEWS_DIR = path.join(__dirname, 'views');
export const PUBLIC_DIR = path.join(__dirname, 'public');

/** Milliseconds as an operator reads them: "850 ms", "12.4 s", "3 min 05 s", "2 h 14 min". */
export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function configureViews(app: Express, options: { cache: boolean }): nunjucks.Environment {
  const env = nunjucks.configure(VIEWS_DIR, { autoescape: true, express: app, noCache: !options.cache, throwOnUndefined: false });
  env.addFilter('utc', (iso: unknown) => (typeof iso === 'string' && iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso ?? '—'));
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2));
  env.addFilter('jsonInline', (value: unknown) => JSON.stringify(value));
  env.addFilter('duration', formatDuration);
  // Pages rendered before the page language is known (an unreadable request) still have text; every
  // other page gets its own t/when from pageLocale, which take precedence over these globals.
  env.addGlobal('t', translator('en'));
  env.addGlobal('when', (iso: unknown) => formatTime(iso, 'UTC', 'en'));
  env.addGlobal('languages', WEB_LANGUAGES);
  app.set('view engine', 'njk');
  return env;
}

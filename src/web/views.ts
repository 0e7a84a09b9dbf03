import path from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';

export const VIEWS_DIR = path.join(__dirname, 'views');
export const PUBLIC_DIR = path.join(__dirname, 'public');

export function configureViews(app: Express, options: { cache: boolean }): nunjucks.Environment {
  const env = nunjucks.configure(VIEWS_DIR, { autoescape: true, express: app, noCache: !options.cache, throwOnUndefined: false });
  env.addFilter('utc', (iso: unknown) => (typeof iso === 'string' && iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso ?? '—'));
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2));
  app.set('view engine', 'njk');
  return env;
}

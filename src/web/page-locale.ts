import type { RequestHandler } from 'express';
import type { SessionUser } from '../auth/sessions';
import type { TenantsService } from '../tenants/tenants.service';
import { formatTime, pageLanguage, translator, WEB_LANGUAGES } from './i18n';

/**
 * Puts the page language and clock on every page: `t(key)` for text, `when(iso)` for a time. The
 * language is the account's choice, else the browser's (Accept-Language); a customer admin reads
 * times in the tenant's zone, staff (who watch every tenant) in UTC.
 */
export function pageLocale(deps: { tenants: Pick<TenantsService, 'get'> }): RequestHandler {
  return async (req, res, next) => {
    const user = res.locals.user as SessionUser | undefined;
    // acceptsLanguages answers with the first offered language when the header is absent; that is no choice.
    const browser = req.headers['accept-language'] ? req.acceptsLanguages('en', ...WEB_LANGUAGES.filter((l) => l !== 'en')) : undefined;
    const language = pageLanguage(user?.language, browser);
    let zone = 'UTC';
    if (user?.role === 'admin' && user.tenantId) zone = (await deps.tenants.get(user.tenantId).catch(() => undefined))?.timezone ?? 'UTC';
    res.locals.lang = language;
    res.locals.zone = zone;
    res.locals.languages = WEB_LANGUAGES;
    res.locals.t = translator(language);
    res.locals.when = (iso: unknown) => formatTime(iso, zone, language);
    next();
  };
}

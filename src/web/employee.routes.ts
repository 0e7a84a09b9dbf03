import path from 'node:path';
import express, { type Request, type Response, Router } from 'express';
import nunjucks from 'nunjucks';
import { z } from 'zod';
import { AppError, ValidationError } from '../errors';
import type { EmailLanguage } from '../email/i18n';
import { FREQUENCIES, PREFERENCE_LANGUAGES, type PreferencesService } from '../email/preferences.service';
import type { TokenClaims, TokenSigner } from '../email/unsubscribe-token';
import type { Logger } from '../logging/logger';

export interface EmployeeRouterDeps {
  signer: TokenSigner;
  preferences: PreferencesService;
  logger?: Logger;
  /** Lifetime of the preferences link offered after unsubscribing. */
  tokenTtlDays?: number;
  /** Cache compiled templates (production). */
  cacheTemplates?: boolean;
}

const TEXT = {
  en: {
    unsubscribeTitle: 'Unsubscribe from insight emails',
    unsubscribeLead: 'You will no longer receive the insight email. You can turn it back on at any time from your preferences.',
    unsubscribeButton: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneLead: 'No more insight emails will be sent to you.',
    preferencesTitle: 'Email preferences',
    frequency: 'How often',
    weekly: 'Every week',
    monthly: 'Once a month',
    off: 'Never (unsubscribed)',
    language: 'Language',
    languageDefault: 'Same as in the ERP',
    save: 'Save',
    saved: 'Your choices are saved.',
    changePreferences: 'Change preferences',
    invalidTitle: 'This link does not work',
    invalidLead: 'The link is invalid or has expired. Open the link in your latest insight email instead.',
  },
  fi: {
    unsubscribeTitle: 'Peru oivallussähköpostit',
    unsubscribeLead: 'Et saa enää oivallussähköpostia. Voit ottaa sen takaisin käyttöön milloin tahansa asetuksistasi.',
    unsubscribeButton: 'Peru tilaus',
    doneTitle: 'Tilaus on peruttu',
    doneLead: 'Oivallussähköposteja ei enää lähetetä sinulle.',
    preferencesTitle: 'Sähköpostiasetukset',
    frequency: 'Kuinka usein',
    weekly: 'Joka viikko',
    monthly: 'Kerran kuukaudessa',
    off: 'Ei koskaan (tilaus peruttu)',
    language: 'Kieli',
    languageDefault: 'Sama kuin ERP:ssä',
    save: 'Tallenna',
    saved: 'Valintasi on tallennettu.',
    changePreferences: 'Muuta asetuksia',
    invalidTitle: 'Linkki ei toimi',
    invalidLead: 'Linkki on virheellinen tai vanhentunut. Avaa sen sijaan linkki uusimmasta oivallussähköpostistasi.',
  },
  sv: {
    unsubscribeTitle: 'Avsluta insiktsmejlen',
    unsubscribeLead: 'Du får inte längre insiktsmejlet. Du kan slå på det igen när som helst i dina inställningar.',
    unsubscribeButton: 'Avsluta prenumerationen',
    doneTitle: 'Prenumerationen är avslutad',
    doneLead: 'Inga fler insiktsmejl skickas till dig.',
    preferencesTitle: 'E-postinställningar',
    frequency: 'Hur ofta',
    weekly: 'Varje vecka',
    monthly: 'En gång i månaden',
    off: 'Aldrig (prenumerationen avslutad)',
    language: 'Språk',
    languageDefault: 'Samma som i ERP-systemet',
    save: 'Spara',
    saved: 'Dina val har sparats.',
    changePreferences: 'Ändra inställningar',
    invalidTitle: 'Länken fungerar inte',
    invalidLead: 'Länken är ogiltig eller har gått ut. Öppna i stället länken i ditt senaste insiktsmejl.',
  },
} satisfies Record<EmailLanguage, Record<string, string>>;

const LANGUAGE_NAMES: Record<EmailLanguage, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

const preferencesForm = z.object({
  frequency: z.enum(FREQUENCIES as [string, ...string[]]),
  language: z.union([z.enum(PREFERENCE_LANGUAGES as [string, ...string[]]), z.literal('')]).optional(),
});

/**
 * Employee-facing pages reached from links in the insight email. The signed token is the only
 * credential: no session, no CSRF token (RFC 8058 one-click POSTs come from mail providers), so the
 * app must mount this router before its CSRF check. Pages are tiny, need no JavaScript and are escaped.
 */
export function createEmployeeRouter(deps: EmployeeRouterDeps): Router {
  const { signer, preferences } = deps;
  const ttlDays = deps.tokenTtlDays ?? 90;
  const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(__dirname, 'views'), { noCache: !deps.cacheTemplates }), {
    autoescape: true,
  });
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }));
  router.use(['/u', '/p'], (_req, res, next) => {
    // The path carries a credential: keep it out of caches, referrers and search engines.
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
    next();
  });

  const page = (res: Response, status: number, template: string, lang: EmailLanguage, data: Record<string, unknown> = {}) => {
    res.status(status).type('html').send(views.render(template, { lang, t: TEXT[lang], ...data }));
  };
  const ctx = (req: Request) => ({ requestId: req.requestId ?? null });
  const tokenOf = (req: Request) => String(req.params.token ?? '');
  const verify = (req: Request, purpose: TokenClaims['purpose']) => signer.verify(tokenOf(req), purpose);
  const refOf = (claims: TokenClaims) => ({ tenantId: claims.tenantId, personId: claims.personId });
  const languageOf = async (claims: TokenClaims): Promise<EmailLanguage> =>
    (await preferences.get(refOf(claims))).displayLanguage ?? 'en';

  /** Bad links get a plain page (or JSON for machine posts); anything else is the app's problem. */
  const fail = (req: Request, res: Response, err: unknown, json: boolean) => {
    const status = err instanceof AppError && err.status < 500 ? err.status : 500;
    if (status === 500) deps.logger?.error('employee link failed', { error: err instanceof Error ? err.name : typeof err, requestId: req.requestId });
    const code = err instanceof AppError && status < 500 ? err.code : 'internal';
    const message = status === 500 ? 'Something went wrong' : 'Invalid or expired link';
    if (json) res.status(status).json({ error: { code, message, requestId: req.requestId } });
    else page(res, status === 404 ? 400 : status, 'employee-error.njk', 'en', { status });
  };

  router.get('/u/:token', async (req, res) => {
    try {
      const claims = verify(req, 'unsubscribe');
      page(res, 200, 'employee-unsubscribe.njk', await languageOf(claims), { action: req.originalUrl.split('?')[0] });
    } catch (err) {
      fail(req, res, err, false);
    }
  });

  router.post('/u/:token', async (req, res) => {
    const wantsHtml = req.accepts(['json', 'html']) === 'html';
    try {
      const claims = verify(req, 'unsubscribe');
      const { changed } = await preferences.unsubscribe(refOf(claims), ctx(req));
      if (!wantsHtml) {
        res.status(200).json({ unsubscribed: true, changed });
        return;
      }
      const preferencesToken = signer.sign({ ...refOf(claims), purpose: 'preferences', ttlDays });
      page(res, 200, 'employee-unsubscribed.njk', await languageOf(claims), { preferencesPath: `${req.baseUrl}/p/${preferencesToken}` });
    } catch (err) {
      // RFC 8058 senders are machines: a bad token is answered in JSON whatever they accept.
      fail(req, res, err, true);
    }
  });

  router.get('/p/:token', async (req, res) => {
    try {
      const claims = verify(req, 'preferences');
      const prefs = await preferences.get(refOf(claims));
      page(res, 200, 'employee-preferences.njk', prefs.displayLanguage ?? 'en', {
        prefs,
        saved: req.query.saved === '1',
        action: req.originalUrl.split('?')[0],
        frequencies: FREQUENCIES,
        languages: PREFERENCE_LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
      });
    } catch (err) {
      fail(req, res, err, false);
    }
  });

  router.post('/p/:token', async (req, res) => {
    try {
      const claims = verify(req, 'preferences');
      const parsed = preferencesForm.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('Choose how often and in which language');
      const { frequency, language } = parsed.data;
      await preferences.set(
        refOf(claims),
        { frequency: frequency as (typeof FREQUENCIES)[number], language: language ? (language as EmailLanguage) : null },
        ctx(req),
      );
      res.redirect(303, `${req.originalUrl.split('?')[0]}?saved=1`);
    } catch (err) {
      fail(req, res, err, false);
    }
  });

  return router;
}

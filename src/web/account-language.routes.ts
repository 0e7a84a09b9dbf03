import { Router } from 'express';
import { setAccountLanguage } from '../auth/account-language';
import { sessionUser } from '../auth/middleware';
import type { Db } from '../db/db';
import { UnauthorizedError, ValidationError } from '../errors';
import { field, safeNext, type Audit } from './context';
import { isWebLanguage } from './i18n';

/** The account's own page language: fi, sv or en, or empty to follow the browser again. */
export function accountLanguageRoutes(deps: { db: Db; audit: Audit }): Router {
  const router = Router();
  router.post('/account/language', async (req, res) => {
    const user = sessionUser(req);
    if (!user) throw new UnauthorizedError('Sign in first');
    const choice = field(req.body, 'language');
    if (choice !== '' && !isWebLanguage(choice)) throw new ValidationError('Unknown language', ['language: fi, sv, en or empty'], { pageTexts: [{ key: 'error.unknownLanguage' }], issueTexts: [{ key: 'error.chooseLanguage' }] });
    await setAccountLanguage(deps.db, user.id, choice === '' ? null : choice);
    await deps.audit(req, { tenantId: user.tenantId, action: 'account.language_changed', object: { type: 'user', id: user.id }, details: { language: choice || null } });
    res.redirect(303, safeNext(field(req.body, 'next')));
  });
  return router;
}

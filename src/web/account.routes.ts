import type { Translate } from './i18n';
import { Router, type Request } from 'express';
import type { AccountsService } from '../auth/accounts.service';
import { sessionUser } from '../auth/middleware';
import { NotFoundError, UnauthorizedError } from '../errors';
import { formRefusal, refusalView } from './auth-messages';
import { field, param, sourceOf, type Audit } from './context';

interface Deps {
  accounts: Pick<AccountsService, 'changePassword' | 'findReset' | 'useReset'>;
  audit: Audit;
}

export const ACCOUNT_AUDIT_ACTIONS = { passwordChanged: 'auth.password-changed', passwordReset: 'auth.password-reset' } as const;

const PASSWORD_VIEW = 'account-password.njk';
const RESET_VIEW = 'reset.njk';

function signedIn(req: Request) {
  const user = sessionUser(req);
  if (!user || req.auth?.kind !== 'session') throw new UnauthorizedError('Sign in to continue');
  return { user, idHash: req.auth.session.idHash };
}

/** Any signed-in user changes their own password; an operator-issued reset link sets a new one. */
export function accountRoutes(deps: Deps): Router {
  const { accounts, audit } = deps;
  const router = Router();

  router.get('/account/password', (req, res) => {
    signedIn(req);
    res.render(PASSWORD_VIEW, {});
  });

  router.post('/account/password', async (req, res) => {
    const { user, idHash } = signedIn(req);
    const next = field(req.body, 'password');
    if (next !== field(req.body, 'confirm')) return res.status(400).render(PASSWORD_VIEW, { issues: [res.locals.t('password.mismatch')] });
    let result: Awaited<ReturnType<AccountsService['changePassword']>>;
    try {
      result = await accounts.changePassword({ userId: user.id, current: field(req.body, 'current'), next, source: sourceOf(req), keepSessionHash: idHash });
    } catch (err) {
      const refused = formRefusal(err, res.locals.t as Translate);
      if (!refused) throw err;
      return res.status(refused.status).render(PASSWORD_VIEW, { issues: refused.issues });
    }
    if (!result.ok) {
      const refused = refusalView(result, 'auth.currentPasswordWrong', res.locals.t as Translate);
      return res.status(refused.status).render(PASSWORD_VIEW, refused.locals);
    }
    await audit(req, { tenantId: user.tenantId, action: ACCOUNT_AUDIT_ACTIONS.passwordChanged, object: { type: 'user', id: user.id }, details: { endedSessions: result.endedSessions } });
    res.render(PASSWORD_VIEW, { done: res.locals.t('password.changed') });
  });

  router.get('/reset/:token', async (req, res) => {
    const reset = await accounts.findReset(param(req, 'token'));
    if (!reset) throw new NotFoundError('This reset link is not valid any more. Ask your operator for a new one.', { pageTexts: [{ key: 'reset.gone' }] });
    res.render(RESET_VIEW, { token: param(req, 'token'), username: reset.username });
  });

  router.post('/reset/:token', async (req, res) => {
    const token = param(req, 'token');
    const reset = await accounts.findReset(token);
    if (!reset) throw new NotFoundError('This reset link is not valid any more. Ask your operator for a new one.', { pageTexts: [{ key: 'reset.gone' }] });
    const password = field(req.body, 'password');
    const view = { token, username: reset.username };
    if (password !== field(req.body, 'confirm')) return res.status(400).render(RESET_VIEW, { ...view, issues: [res.locals.t('password.mismatch')] });
    let done: Awaited<ReturnType<AccountsService['useReset']>>;
    try {
      done = await accounts.useReset(token, password);
    } catch (err) {
      const refused = formRefusal(err, res.locals.t as Translate);
      if (!refused) throw err;
      return res.status(refused.status).render(RESET_VIEW, { ...view, issues: refused.issues });
    }
    await audit(req, { actor: { type: 'admin', id: done.userId }, tenantId: done.tenantId, action: ACCOUNT_AUDIT_ACTIONS.passwordReset, object: { type: 'password_reset', id: done.resetId } });
    res.redirect(303, '/login');
  });

  return router;
}

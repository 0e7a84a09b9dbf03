import type { Translate } from './i18n';
import { Router, type Request, type Response } from 'express';
import { requireAdmin } from '../auth/middleware';
import type { Refusal, UsersService } from '../auth/users.service';
import type { SessionStore } from '../auth/sessions';
import { lockedMessage } from './auth-messages';
import { currentAdmin, field, sourceOf, type Audit } from './context';

interface Deps {
  users: Pick<UsersService, 'totpEnabled' | 'startTotpEnrolment' | 'confirmTotp' | 'disableTotp'>;
  audit: Audit;
  sessions: Pick<SessionStore, 'destroyAllForUser'>;
}

export const TOTP_AUDIT_ACTIONS = { enabled: 'auth.totp-enabled', disabled: 'auth.totp-disabled', locked: 'auth.locked' } as const;

const VIEW = 'admin/security.njk';

/** A customer admin turns two-step sign-in (TOTP) on and off for their own account. */
export function adminSecurityRoutes(deps: Deps): Router {
  const { users, audit, sessions } = deps;
  // A change of sign-in method ends the account's other sessions: one opened with the old method
  // (perhaps by someone else) must not outlive it.
  const endOtherSessions = async (req: Request, userId: string) => {
    if (req.auth?.kind === 'session') await sessions.destroyAllForUser(userId, req.auth.session.idHash);
  };
  const router = Router();
  router.use(requireAdmin);

  async function refused(req: Request, res: Response, result: Refusal, view: Record<string, unknown>) {
    const admin = currentAdmin(req);
    if (result.reason === 'locked') {
      await audit(req, { tenantId: admin.tenantId, action: TOTP_AUDIT_ACTIONS.locked, object: { type: 'user', id: admin.id } });
      return res.status(423).render(VIEW, { ...view, error: lockedMessage(result.lockedUntil, res.locals.t as Translate) });
    }
    res.status(400).render(VIEW, view);
  }

  router.get('/security', async (req, res) => {
    res.render(VIEW, { enabled: await users.totpEnabled(currentAdmin(req).id) });
  });

  // The secret is shown on this response only; it is stored encrypted and never rendered again. The
  // current password comes first, so a session alone (a stolen cookie) cannot bind its own authenticator.
  router.post('/security/totp/start', async (req, res) => {
    const result = await users.startTotpEnrolment(currentAdmin(req).id, field(req.body, 'password'), sourceOf(req));
    if (!result.ok) return refused(req, res, result, { enabled: false, issues: [res.locals.t('security.wrongPassword')] });
    res.render(VIEW, { enabled: false, enrolling: true, enrolment: result.enrolment });
  });

  router.post('/security/totp/confirm', async (req, res) => {
    const admin = currentAdmin(req);
    const result = await users.confirmTotp(admin.id, field(req.body, 'code'), sourceOf(req));
    if (!result.ok) {
      return refused(req, res, result, { enabled: false, enrolling: true, issues: [res.locals.t('security.wrongCode')] });
    }
    await endOtherSessions(req, admin.id);
    await audit(req, { tenantId: admin.tenantId, action: TOTP_AUDIT_ACTIONS.enabled, object: { type: 'user', id: admin.id } });
    res.render(VIEW, { enabled: true, done: res.locals.t('security.doneOn') });
  });

  router.post('/security/totp/disable', async (req, res) => {
    const admin = currentAdmin(req);
    const result = await users.disableTotp(admin.id, field(req.body, 'password'), field(req.body, 'code'), sourceOf(req));
    if (!result.ok) return refused(req, res, result, { enabled: true, issues: [res.locals.t('security.wrongPasswordOrCode')] });
    await endOtherSessions(req, admin.id);
    await audit(req, { tenantId: admin.tenantId, action: TOTP_AUDIT_ACTIONS.disabled, object: { type: 'user', id: admin.id } });
    res.render(VIEW, { enabled: false, done: res.locals.t('security.doneOff') });
  });

  return router;
}

import type { Translate } from './i18n';
import { Router, type Request, type Response } from 'express';
import type { AccountsService } from '../auth/accounts.service';
import { requireStaff, sessionUser } from '../auth/middleware';
import type { UsersService } from '../auth/users.service';
import { UnauthorizedError, ValidationError } from '../errors';
import type { TenantsService } from '../tenants/tenants.service';
import { refusalView } from './auth-messages';
import { field, param, sourceOf, type Audit } from './context';

interface Deps {
  tenants: Pick<TenantsService, 'get'>;
  accounts: Pick<AccountsService, 'listAdmins' | 'issueReset' | 'unlock' | 'setDisabled'>;
  users: Pick<UsersService, 'reauthenticate'>;
  audit: Audit;
  publicBaseUrl: string;
}

export const STAFF_ACCOUNT_AUDIT_ACTIONS = {
  reset: 'auth.password-reset-issued',
  unlock: 'auth.unlocked',
  disable: 'user.disabled',
  enable: 'user.enabled',
} as const;
type Action = keyof typeof STAFF_ACCOUNT_AUDIT_ACTIONS;

const VIEW = 'staff/admins.njk';

/** An operator looks after a tenant's admin accounts: reset links, unlock, disable and enable. */
export function staffUsersRoutes(deps: Deps): Router {
  const { tenants, accounts, users, audit } = deps;
  const router = Router();
  router.use(requireStaff);

  const render = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const tenant = await tenants.get(param(req, 'id'));
    res.status(status).render(VIEW, { tenant, admins: await accounts.listAdmins(tenant.id), ...extra });
  };

  router.get('/tenants/:id/admins', async (req, res) => render(req, res, 200));

  router.post('/tenants/:id/admins/:userId', async (req, res) => {
    const staff = sessionUser(req);
    if (!staff) throw new UnauthorizedError('Sign in to continue');
    const tenant = await tenants.get(param(req, 'id'));
    const action = field(req.body, 'action');
    if (!(action in STAFF_ACCOUNT_AUDIT_ACTIONS)) throw new ValidationError('Unknown action', ['Choose reset, unlock, disable or enable.'], { pageTexts: [{ key: 'error.unknownAction' }], issueTexts: [{ key: 'error.chooseAdminAction' }] });
    const target = { tenantId: tenant.id, userId: param(req, 'userId') };
    // Unlocking only lets attempts resume; the rest change who can sign in, so the operator's password comes first.
    if (action !== 'unlock') {
      const reauth = await users.reauthenticate(staff.id, field(req.body, 'password'), sourceOf(req));
      if (!reauth.ok) {
        const refused = refusalView(reauth, 'auth.yourPasswordWrong', res.locals.t as Translate);
        return render(req, res, refused.status, refused.locals);
      }
    }
    const object = { type: 'user', id: target.userId };
    const auditAction = STAFF_ACCOUNT_AUDIT_ACTIONS[action as Action];
    if (action === 'reset') {
      const reset = await accounts.issueReset({ ...target, issuedBy: staff.id });
      await audit(req, { tenantId: tenant.id, action: auditAction, object, details: { resetId: reset.id, endedSessions: reset.endedSessions } });
      // The link is shown on this response only; only its hash is stored.
      return render(req, res, 200, { resetUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}/reset/${reset.token}`, resetExpires: reset.expiresAt });
    }
    if (action === 'unlock') {
      await accounts.unlock(target);
      await audit(req, { tenantId: tenant.id, action: auditAction, object });
    } else {
      const { endedSessions } = await accounts.setDisabled({ ...target, disabled: action === 'disable', keepOneActive: false });
      await audit(req, { tenantId: tenant.id, action: auditAction, object, details: { endedSessions } });
    }
    res.redirect(303, `/staff/tenants/${tenant.id}/admins`);
  });

  return router;
}

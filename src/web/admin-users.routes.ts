import type { Translate } from './i18n';
import { Router, type Request, type Response } from 'express';
import type { AccountsService } from '../auth/accounts.service';
import { requireAdmin } from '../auth/middleware';
import type { UsersService } from '../auth/users.service';
import { ValidationError } from '../errors';
import { refusalView } from './auth-messages';
import { currentAdmin, field, param, sourceOf, type Audit } from './context';

interface Deps {
  accounts: Pick<AccountsService, 'listAdmins' | 'setDisabled' | 'remove'>;
  users: Pick<UsersService, 'reauthenticate'>;
  audit: Audit;
}

export const USER_AUDIT_ACTIONS = { disable: 'user.disabled', enable: 'user.enabled', remove: 'user.removed' } as const;
type Action = keyof typeof USER_AUDIT_ACTIONS;

const VIEW = 'admin/users.njk';

/** A customer admin manages the admin accounts of their own tenant; every change needs their password. */
export function adminUsersRoutes(deps: Deps): Router {
  const { accounts, users, audit } = deps;
  const router = Router();
  router.use(requireAdmin);

  const render = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const admin = currentAdmin(req);
    res.status(status).render(VIEW, { admins: await accounts.listAdmins(admin.tenantId), me: admin.id, ...extra });
  };

  router.get('/users', async (req, res) => render(req, res, 200));

  router.post('/users/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const action = field(req.body, 'action');
    if (!(action in USER_AUDIT_ACTIONS)) throw new ValidationError('Unknown action', ['Choose disable, enable or remove.'], { pageTexts: [{ key: 'error.unknownAction' }], issueTexts: [{ key: 'error.chooseUserAction' }] });
    const reauth = await users.reauthenticate(admin.id, field(req.body, 'password'), sourceOf(req));
    if (!reauth.ok) {
      const refused = refusalView(reauth, 'auth.yourPasswordWrong', res.locals.t as Translate);
      return render(req, res, refused.status, refused.locals);
    }
    const target = { tenantId: admin.tenantId, userId: param(req, 'id') };
    const { endedSessions } =
      action === 'remove' ? await accounts.remove(target) : await accounts.setDisabled({ ...target, disabled: action === 'disable', keepOneActive: true });
    await audit(req, { tenantId: admin.tenantId, action: USER_AUDIT_ACTIONS[action as Action], object: { type: 'user', id: target.userId }, details: { endedSessions } });
    // Disabling or removing oneself ends this session too: the next page is the sign-in.
    if (target.userId === admin.id && action !== 'enable') return res.redirect(303, '/login');
    res.redirect(303, '/admin/users');
  });

  return router;
}

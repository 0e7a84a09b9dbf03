import type { Translate } from './i18n';
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { InviteService } from '../auth/invites';
import { cookieOptions, sessionUser, type CookieNames } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import type { LoginResult, UsersService } from '../auth/users.service';
import type { Clock } from '../clock';
import type { Executor } from '../db/db';
import { NotFoundError, UnauthorizedError } from '../errors';
import { formRefusal, lockedMessage } from './auth-messages';
import { field, param, safeNext, sourceOf, type Audit } from './context';

interface Deps {
  users: UsersService;
  sessions: SessionStore;
  invites: InviteService;
  audit: Audit;
  names: CookieNames;
  clock: Clock;
  loginRateLimit?: { windowMs: number; limit: number };
}


const DEVICE_DAYS = 180;

const INVITE_GONE = 'This invitation link is not valid any more. Ask for a new one.';

export function authRoutes(deps: Deps): Router {
  const { users, sessions, invites, audit, names } = deps;
  const router = Router();
  const limiter = rateLimit({
    windowMs: deps.loginRateLimit?.windowMs ?? 15 * 60_000,
    limit: deps.loginRateLimit?.limit ?? 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).render('login.njk', { error: (res.locals.t as Translate)('auth.throttled') });
    },
  });

  async function startSession(req: Request, res: Response, userId: string, mfaPassed: boolean): Promise<void> {
    // A fresh ID at every privilege change: a session ID planted before login is worthless after it.
    const old: unknown = req.cookies?.[names.session];
    if (typeof old === 'string') await sessions.destroy(old);
    const raw = await sessions.create(userId, mfaPassed);
    res.cookie(names.session, raw, cookieOptions(names));
  }

  /** A browser that completed a sign-in is known to that account: a pause of the name for everyone does not hold it. */
  function rememberDevice(res: Response, device: string | undefined): void {
    if (device) res.cookie(names.device, device, { ...cookieOptions(names), maxAge: DEVICE_DAYS * 86_400_000 });
  }

  async function failed(req: Request, res: Response, result: Exclude<LoginResult, { ok: true }>, userId: string | null, view: string) {
    const locked = result.reason === 'locked';
    await audit(req, { actor: { type: 'system', id: userId }, tenantId: null, action: locked ? 'auth.locked' : 'auth.login-failed', object: { type: 'user', id: userId } });
    res.status(locked ? 423 : 401).render(view, { error: locked ? lockedMessage(result.lockedUntil, res.locals.t as Translate) : (res.locals.t as Translate)('auth.wrongCredentials'), next: safeNext(req.body?.next) });
  }

  router.get('/', (req, res) => {
    const user = sessionUser(req);
    if (!user) return res.redirect(303, '/login');
    res.redirect(303, user.role === 'staff' ? '/staff/tenants' : '/admin/status');
  });

  router.get('/login', (req, res) => {
    if (sessionUser(req)) return res.redirect(303, '/');
    res.render('login.njk', { next: safeNext(req.query.next) });
  });

  router.post('/login', limiter, async (req, res) => {
    const result = await users.checkPassword(field(req.body, 'username'), field(req.body, 'password'), sourceOf(req));
    if (!result.ok) return failed(req, res, result, null, 'login.njk');
    await startSession(req, res, result.user.id, !result.needsTotp);
    rememberDevice(res, result.device);
    if (result.needsTotp) return res.redirect(303, `/login/totp?next=${encodeURIComponent(safeNext(req.body?.next))}`);
    await audit(req, { actor: { type: result.user.role, id: result.user.id }, tenantId: result.user.tenantId, action: 'auth.login', object: { type: 'user', id: result.user.id } });
    res.redirect(303, safeNext(req.body?.next));
  });

  router.get('/login/totp', (req, res) => {
    if (!req.pending) return res.redirect(303, '/login');
    res.render('totp.njk', { next: safeNext(req.query.next) });
  });

  router.post('/login/totp', limiter, async (req, res) => {
    if (!req.pending) throw new UnauthorizedError('Sign in first');
    const userId = req.pending.session.user.id;
    const result = await users.checkTotp(userId, field(req.body, 'code'), sourceOf(req));
    if (!result.ok) return failed(req, res, result, userId, 'totp.njk');
    await startSession(req, res, userId, true);
    rememberDevice(res, result.device);
    await audit(req, { actor: { type: result.user.role, id: userId }, tenantId: result.user.tenantId, action: 'auth.login', object: { type: 'user', id: userId } });
    res.redirect(303, safeNext(req.body?.next));
  });

  router.post('/logout', async (req, res) => {
    const raw = req.auth?.kind === 'session' ? req.auth.rawId : req.pending?.rawId;
    if (raw) await sessions.destroy(raw);
    if (req.auth?.kind === 'session') await audit(req, { tenantId: req.auth.session.user.tenantId, action: 'auth.logout', object: { type: 'user', id: req.auth.session.user.id } });
    res.clearCookie(names.session, cookieOptions(names));
    res.redirect(303, '/login');
  });

  router.post('/logout-everywhere', async (req, res) => {
    const user = sessionUser(req);
    if (!user) throw new UnauthorizedError('Sign in first');
    const ended = await sessions.destroyAllForUser(user.id);
    await audit(req, { tenantId: user.tenantId, action: 'auth.logout-everywhere', object: { type: 'user', id: user.id }, details: { sessions: ended } });
    res.clearCookie(names.session, cookieOptions(names));
    res.redirect(303, '/login');
  });

  router.get('/invite/:token', async (req, res) => {
    const invite = await invites.find(param(req, 'token'));
    if (!invite) throw new NotFoundError(INVITE_GONE, { pageTexts: [{ key: 'invite.gone' }] });
    res.render('invite.njk', { token: param(req, 'token'), username: invite.username });
  });

  router.post('/invite/:token', limiter, async (req, res) => {
    const invite = await invites.find(param(req, 'token'));
    if (!invite) throw new NotFoundError(INVITE_GONE, { pageTexts: [{ key: 'invite.gone' }] });
    const { username } = invite;
    const password = field(req.body, 'password');
    if (password !== field(req.body, 'confirm')) {
      return res.status(400).render('invite.njk', { token: param(req, 'token'), username, issues: [(res.locals.t as Translate)('auth.passwordsDiffer')] });
    }
    let userId: string;
    try {
      // The invite is used up in the account's own transaction: of parallel accepts, one creates it.
      const claim = async (trx: Executor) => {
        if (!(await invites.consume(trx, invite.id))) throw new NotFoundError(INVITE_GONE, { pageTexts: [{ key: 'invite.gone' }] });
      };
      ({ userId } = await users.createAdminUser({ tenantId: invite.tenantId, username, password, claim }));
    } catch (err) {
      const refused = formRefusal(err, res.locals.t as Translate);
      if (!refused) throw err;
      return res.status(refused.status).render('invite.njk', { token: param(req, 'token'), username, issues: refused.issues });
    }
    await audit(req, { actor: { type: 'admin', id: userId }, tenantId: invite.tenantId, action: 'invite.accepted', object: { type: 'invite', id: invite.id } });
    await startSession(req, res, userId, true);
    res.redirect(303, '/admin/status');
  });

  return router;
}

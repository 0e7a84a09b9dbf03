import { Router } from 'express';
import { requireAdmin } from '../auth/middleware';
import { ValidationError } from '../errors';
import { adminTenant, field, type Audit } from './context';
import type { PeopleSearchPort } from './ports';

/** The pages that carry the person picker, and their templates. */
const PICKER_PAGES: Record<string, string> = { '/admin/preview': 'admin/preview.njk', '/admin/dsr': 'admin/dsr.njk' };

/**
 * The person picker: the admin types part of a name, the tenant's ERP is asked at once, and the page
 * lists the matches to choose from. The name goes in a POST body (never a URL), and neither it nor the
 * matches are stored or logged; the audit event counts the matches only.
 */
export function adminPeopleRoutes(deps: { people: PeopleSearchPort; audit: Audit }): Router {
  const router = Router();
  router.use(requireAdmin);

  router.post('/people/search', async (req, res) => {
    const tenantId = adminTenant(req);
    const back = field(req.body, 'back');
    const view = PICKER_PAGES[back];
    if (!view) throw new ValidationError('The person picker is not on that page', ['back: /admin/preview or /admin/dsr']);
    const query = field(req.body, 'q').trim();
    res.locals.path = back;
    if (query.length < 2 || query.length > 80) return res.status(400).render(view, { pickerQuery: query, issues: [res.locals.t('picker.length')] });
    const matches = await deps.people.search(tenantId, query);
    await deps.audit(req, { tenantId, action: 'person.searched', details: { matches: matches?.length ?? 0 } });
    if (matches === null) return res.render(view, { pickerQuery: query, issues: [res.locals.t('picker.unavailable')] });
    res.render(view, { pickerQuery: query, pickerResults: matches });
  });

  return router;
}

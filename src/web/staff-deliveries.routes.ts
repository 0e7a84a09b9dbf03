import { Router } from 'express';
import { requireStaff } from '../auth/middleware';
import type { DeliveryReview } from '../email/delivery-review';
import type { TenantsService } from '../tenants/tenants.service';
import { field, param, type Audit } from './context';
import { tenantNames } from './staff-ops.routes';

/** How many unknown deliveries and suppressions the staff page lists. */
export const STAFF_DELIVERIES_SHOWN = 200;

/**
 * Deliveries nobody knows the outcome of, and people the provider reported as bounced or complaining.
 * Staff only; the forms carry the CSRF token like every other staff form, and every decision is audited.
 */
export function staffDeliveriesRoutes(deps: { review: DeliveryReview; auditFor: Audit; tenants: Pick<TenantsService, 'list'> }): Router {
  const { review, auditFor } = deps;
  const router = Router();
  router.use(requireStaff);

  router.get('/deliveries', async (_req, res) => {
    res.render('staff/deliveries.njk', {
      unknown: await review.unknown(STAFF_DELIVERIES_SHOWN),
      suppressions: await review.suppressions(STAFF_DELIVERIES_SHOWN),
      tenantNames: await tenantNames(deps.tenants),
    });
  });

  router.post('/deliveries/:id/resolve', async (req, res) => {
    const resolution = field(req.body, 'resolution');
    const { tenantId, state } = await review.resolve(param(req, 'id'), resolution);
    await auditFor(req, { tenantId, action: 'delivery.resolved', object: { type: 'delivery', id: param(req, 'id') }, details: { resolution, state } });
    res.redirect(303, '/staff/deliveries');
  });

  router.post('/suppressions/:tenantId/:personId/lift', async (req, res) => {
    const tenantId = param(req, 'tenantId');
    await review.lift(tenantId, param(req, 'personId'));
    await auditFor(req, { tenantId, action: 'email.suppression_lifted', object: { type: 'person', id: param(req, 'personId') } });
    res.redirect(303, '/staff/deliveries');
  });

  return router;
}

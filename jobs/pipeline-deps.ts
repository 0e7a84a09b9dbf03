import { IANAZone } from 'luxon';
import type { ErpClient } from '../integrations/erp/erp-client';
import type { Clock } from '../src/clock';
import type { DeliveryService } from '../src/email/delivery.service';
import type { InsightsService } from '../src/insights/insights.service';
import { NotFoundError } from '../src/errors';
import { RunCancelledError, type JobContext } from '../src/scheduler/job-definition';
import type { WriteFence } from '../src/scheduler/write-fence';
import type { SyncService } from '../src/sync/sync.service';
import type { Tenant, TenantsService } from '../src/tenants/tenants.service';

/** What the per-tenant pipeline jobs need; main.ts supplies the real implementations. */
export interface PipelineDeps {
  tenants: Pick<TenantsService, 'get'>;
  sync: SyncService;
  insights: InsightsService;
  delivery: Pick<DeliveryService, 'deliverPeriod'>;
  clock: Clock;
  /** An ERP client for the tenant, with its credentials from the secret store. */
  erpFor(tenantId: string): Promise<ErpClient>;
  /** Refuses sync writes that a purge covers (createPurgeFence for the database's dialect). */
  purgeFence: WriteFence;
}

export function requireTenant(tenantId: string | null): string {
  if (!tenantId) throw new Error('This job runs per tenant and needs a tenant ID');
  return tenantId;
}

/**
 * The run's tenant, only while it is active: a suspended, ended or purged tenant's runs (a manual
 * "run now" included) are cancelled before anything reaches its ERP or its people.
 */
export async function activeTenant(deps: Pick<PipelineDeps, 'tenants'>, ctx: Pick<JobContext, 'tenantId'>): Promise<Tenant> {
  let tenant: Tenant;
  try {
    tenant = await deps.tenants.get(requireTenant(ctx.tenantId));
  } catch (err) {
    if (err instanceof NotFoundError) throw new RunCancelledError('The tenant does not exist');
    throw err;
  }
  if (tenant.status !== 'active') throw new RunCancelledError(`The tenant is ${tenant.status}; its jobs do not run`);
  // Retrying cannot mend a stored zone luxon does not know: the run stops once, saying what to fix.
  if (!IANAZone.isValidZone(tenant.timezone)) throw new RunCancelledError('The tenant time zone is not a known IANA zone; correct it (PATCH /api/v1/tenants/{id})');
  return tenant;
}

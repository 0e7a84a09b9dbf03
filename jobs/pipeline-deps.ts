import type { ErpClient } from '../integrations/erp/erp-client';
import type { Clock } from '../src/clock';
import type { DeliveryService } from '../src/email/delivery.service';
import type { InsightsService } from '../src/insights/insights.service';
import type { SyncService } from '../src/sync/sync.service';
import type { TenantsService } from '../src/tenants/tenants.service';

/** What the per-tenant pipeline jobs need; main.ts supplies the real implementations. */
export interface PipelineDeps {
  tenants: Pick<TenantsService, 'get'>;
  sync: SyncService;
  insights: InsightsService;
  delivery: Pick<DeliveryService, 'deliverPeriod'>;
  clock: Clock;
  /** An ERP client for the tenant, with its credentials from the secret store. */
  erpFor(tenantId: string): Promise<ErpClient>;
}

export function requireTenant(tenantId: string | null): string {
  if (!tenantId) throw new Error('This job runs per tenant and needs a tenant ID');
  return tenantId;
}

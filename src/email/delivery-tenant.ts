import type { Tenant } from '../tenants/tenants.service';
import type { DeliveryTenant } from './delivery.service';

/** The few tenant fields an email needs. */
export const deliveryTenant = (t: Tenant): DeliveryTenant => ({
  id: t.id,
  displayName: t.displayName,
  timezone: t.timezone,
  defaultLanguage: t.settings.defaultLanguage,
  erpWebUrl: t.settings.erpWebUrl,
});

/** The ERP kinds this product speaks: one line per adapter. The first is the default for new tenants. */
import type { ErpAdapter } from './erp/adapter';
import { severaAdapter } from './severa/adapter';

export const erpAdapters: readonly ErpAdapter[] = [severaAdapter];

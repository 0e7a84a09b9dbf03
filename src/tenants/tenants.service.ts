import type { ErpRegistry } from '../../integrations/erp/registry';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import type { Tenant as TenantRow } from '../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import { newId } from '../util/ids';
import {
  defaultTenantSettings,
  parseSettings,
  type CreateTenantInput,
  type TenantSettings,
  type UpdateTenantInput,
} from './tenants.schema';

export interface Tenant {
  id: string;
  displayName: string;
  erpKind: string;
  erpBaseUrl: string | null;
  contractStart: string;
  contractEnd: string | null;
  timezone: string;
  country: string;
  defaultLanguage: string;
  status: string;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

export interface TenantsService {
  create(input: CreateTenantInput): Promise<Tenant>;
  /** NotFoundError when missing. */
  get(id: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  update(id: string, input: UpdateTenantInput): Promise<Tenant>;
  updateSettings(id: string, settings: TenantSettings): Promise<Tenant>;
  setErpBaseUrl(id: string, baseUrl: string | null): Promise<Tenant>;
}

function toTenant(r: TenantRow): Tenant {
  return {
    id: r.id,
    displayName: r.display_name,
    erpKind: r.erp_kind,
    erpBaseUrl: r.erp_base_url,
    contractStart: r.contract_start,
    contractEnd: r.contract_end,
    timezone: r.timezone,
    country: r.country,
    defaultLanguage: r.default_language,
    status: r.status,
    settings: parseSettings(r.settings_json, r.default_language),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkDates(start: string, end: string | null): void {
  if (end !== null && end < start) throw new ValidationError('Invalid contract dates', ['The contract cannot end before it starts.'], { pageTexts: [{ key: 'error.contractDates' }], issueTexts: [{ key: 'tenant.contractOrder' }] });
}

export function createTenantsService(deps: { db: Db; clock: Clock; erp: Pick<ErpRegistry, 'defaultKind' | 'get'> }): TenantsService {
  const { db, clock } = deps;
  const nowIso = (): string => clock.now().toISOString();

  async function get(id: string): Promise<Tenant> {
    const row = await db.kysely.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
    return toTenant(row);
  }

  async function patch(id: string, values: Partial<TenantRow>): Promise<Tenant> {
    const result = await db.kysely.updateTable('tenants').set({ ...values, updated_at: nowIso() }).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
    return get(id);
  }

  return {
    get,
    async create(input) {
      checkDates(input.contractStart, input.contractEnd ?? null);
      const erpKind = deps.erp.get(input.erpKind ?? deps.erp.defaultKind).kind;
      const id = newId();
      const now = nowIso();
      await db.kysely
        .insertInto('tenants')
        .values({
          id,
          display_name: input.displayName,
          erp_kind: erpKind,
          erp_base_url: null,
          contract_start: input.contractStart,
          contract_end: input.contractEnd ?? null,
          timezone: input.timezone,
          country: input.country,
          default_language: input.defaultLanguage,
          status: 'active',
          settings_json: JSON.stringify(defaultTenantSettings(input.defaultLanguage)),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return get(id);
    },
    async list() {
      const rows = await db.kysely.selectFrom('tenants').selectAll().orderBy('display_name').execute();
      return rows.map(toTenant);
    },
    async update(id, input) {
      const current = await get(id);
      const start = input.contractStart ?? current.contractStart;
      const end = input.contractEnd === undefined ? current.contractEnd : input.contractEnd;
      checkDates(start, end);
      return patch(id, {
        contract_start: start,
        contract_end: end,
        ...(input.status ? { status: input.status } : {}),
        ...(input.displayName ? { display_name: input.displayName } : {}),
        ...(input.timezone ? { timezone: input.timezone } : {}),
      });
    },
    async updateSettings(id, settings) {
      return patch(id, { settings_json: JSON.stringify(settings), default_language: settings.defaultLanguage });
    },
    async setErpBaseUrl(id, baseUrl) {
      return patch(id, { erp_base_url: baseUrl });
    },
  };
}

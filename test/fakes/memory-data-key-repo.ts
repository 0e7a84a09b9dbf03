import type { DataKeyRepo, DataKeyRow } from '../../src/crypto/data-key-repo';
import { ConflictError, NotFoundError } from '../../src/errors';

/** In-memory tenant_keys with the same contract as the Kysely repo, including the unique key. */
export function createMemoryDataKeyRepo(): DataKeyRepo & { rows(): DataKeyRow[] } {
  const rows = new Map<string, DataKeyRow>();
  const id = (tenantId: string, version: number): string => `${tenantId}\u0000${version}`;
  const ofTenant = (tenantId: string): DataKeyRow[] =>
    [...rows.values()].filter((r) => r.tenant_id === tenantId).sort((a, b) => a.version - b.version);

  return {
    rows: () => [...rows.values()].map((r) => ({ ...r })),
    async active(tenantId) {
      const found = ofTenant(tenantId).filter((r) => r.active === 1).pop();
      return found && { ...found };
    },
    async get(tenantId, version) {
      const found = rows.get(id(tenantId, version));
      return found && { ...found };
    },
    async insert(row) {
      const key = id(row.tenant_id, row.version);
      if (rows.has(key)) throw new ConflictError('Duplicate data key version');
      rows.set(key, { ...row });
    },
    async setActive(tenantId, version) {
      if (!rows.has(id(tenantId, version))) throw new NotFoundError(`Data key version ${version} not found`);
      for (const r of ofTenant(tenantId)) rows.set(id(tenantId, r.version), { ...r, active: r.version === version ? 1 : 0 });
    },
    async list(tenantId) {
      return ofTenant(tenantId).map((r) => ({ ...r }));
    },
    async updateWrapped(tenantId, version, wrapped, kekVersion) {
      const found = rows.get(id(tenantId, version));
      if (!found) throw new NotFoundError(`Data key version ${version} not found`);
      rows.set(id(tenantId, version), { ...found, wrapped_key: wrapped, kek_version: kekVersion });
    },
    async deleteAll(tenantId) {
      const victims = ofTenant(tenantId);
      for (const r of victims) rows.delete(id(tenantId, r.version));
      return victims.length;
    },
    async tenantIds() {
      return [...new Set([...rows.values()].map((r) => r.tenant_id))].sort();
    },
  };
}

import { createHash } from 'node:crypto';

/**
 * What a completed person purge keeps instead of the ERP person ID: a digest that proves "this ID was
 * erased" when someone asks with the ID, without the record itself pointing at the person. The purge
 * records it, the sync skips people it names, and the erasure's audit event refers to it.
 */
export function subjectDigest(tenantId: string, personId: string): string {
  return `sha256:${createHash('sha256').update(JSON.stringify([tenantId, personId])).digest('hex').slice(0, 32)}`;
}

import type { Db } from '../db/db';
import { subjectDigest } from '../crypto/subject-digest';
import type { PurgeReason } from './purge-runner';
import type { RetentionService } from './retention.service';

export interface LoggedPurge {
  at: string;
  tenantId: string;
  scope: 'tenant' | 'person';
  reason: PurgeReason;
  /** Digest of the person ID for person purges, null for tenants. */
  subject: string | null;
}

const REASONS: readonly string[] = ['contract-ended', 'employment-ended', 'erasure'];

function asPurge(value: unknown): LoggedPurge | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (v.message !== 'purge.completed' || typeof v.tenantId !== 'string' || typeof v.timestamp !== 'string') return null;
  if ((v.scope !== 'tenant' && v.scope !== 'person') || typeof v.reason !== 'string' || !REASONS.includes(v.reason)) return null;
  return { at: v.timestamp, tenantId: v.tenantId, scope: v.scope, reason: v.reason as PurgeReason, subject: typeof v.subject === 'string' ? v.subject : null };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads `purge.completed` events from an export of the JSON logs: either raw log lines, or the JSON
 * array a Log Analytics query returns (each row's `Log` column holding one line). Events before
 * `since` are ignored.
 */
export function parsePurgeEvents(text: string, since: string): LoggedPurge[] {
  const whole = tryJson(text);
  const lines = Array.isArray(whole)
    ? whole.map((row) => (row && typeof row === 'object' && 'Log' in row ? String((row as { Log: unknown }).Log) : JSON.stringify(row)))
    : text.split('\n');
  return lines
    .map((line) => asPurge(tryJson(line.trim())))
    .filter((e): e is LoggedPurge => e !== null && e.at >= since)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Re-applies person purges after a restore: the digest in each event is matched against the people
 * the restored database holds, and a match is purged again through the normal path. Tenant purges
 * follow from contract dates and are redone by the retention-purge job. Idempotent.
 */
export async function replayPersonPurges(
  deps: { db: Db; retention: Pick<RetentionService, 'purgePerson'> },
  events: LoggedPurge[],
): Promise<{ replayed: number; alreadyGone: number; tenantEvents: number }> {
  const result = { replayed: 0, alreadyGone: 0, tenantEvents: 0 };
  for (const event of events) {
    if (event.scope === 'tenant') {
      result.tenantEvents += 1;
      continue;
    }
    const people = await deps.db.kysely.selectFrom('people').select('erp_person_id').where('tenant_id', '=', event.tenantId).execute();
    const match = people.find((p) => subjectDigest(event.tenantId, p.erp_person_id) === event.subject);
    if (!match) {
      result.alreadyGone += 1;
      continue;
    }
    await deps.retention.purgePerson(event.tenantId, match.erp_person_id, event.reason);
    result.replayed += 1;
  }
  return result;
}

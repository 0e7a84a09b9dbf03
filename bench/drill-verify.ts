import fs from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../src/db/db';
import { readOutboxIndex } from '../src/email/file-outbox';

export interface DrillFindings {
  runs_total: number;
  runs_completed: number;
  runs_dead: number;
  runs_unfinished: number;
  /** (job, tenant, slot) with more than one run row. */
  run_duplicates: number;
  /** (tenant, person, period, kind) with more than one .eml in the outbox. */
  outbox_duplicates: number;
  duplicates: number;
  /** People with a 'sent' delivery. */
  recipients: number;
  /** .eml count per 'sent' delivery's (tenant, person, period, kind): must be exactly 1. */
  emails_per_recipient_min: number | null;
  emails_per_recipient_max: number | null;
  unknown_deliveries: number;
  /** 'unknown' deliveries whose message did reach the outbox before the kill (0 or 1 each, never more). */
  unknown_with_email: number;
  failed_deliveries: number;
  /** .eml files whose delivery id is not in the deliveries table. */
  orphan_emails: number;
  /** .eml files of deliveries that are neither 'sent' nor 'unknown': a message the log says never left. */
  unaccounted_emails: number;
  /** .eml files missing from index.jsonl (a kill between the two writes). */
  index_missing: number;
  integrity: string;
  /** Longest successful run per job, to judge whether the kills could land inside runs at all. */
  run_ms_max: Record<string, number>;
}

/** Reads the database and the outbox after the drill and counts what must never happen. */
export async function verifyDrill(db: Db, outboxDir: string): Promise<DrillFindings> {
  const k = db.kysely;
  const runs = await k.selectFrom('job_runs').select(['job', 'tenant_id', 'slot', 'state', 'duration_ms']).execute();
  const runMsMax: Record<string, number> = {};
  for (const r of runs) if (r.state === 'succeeded') runMsMax[r.job] = Math.max(runMsMax[r.job] ?? 0, r.duration_ms ?? 0);
  const runKeys = new Map<string, number>();
  for (const r of runs) runKeys.set(`${r.job}|${r.tenant_id}|${r.slot}`, (runKeys.get(`${r.job}|${r.tenant_id}|${r.slot}`) ?? 0) + 1);
  const runDuplicates = [...runKeys.values()].filter((n) => n > 1).length;

  const deliveries = await k.selectFrom('deliveries').select(['id', 'tenant_id', 'erp_person_id', 'period', 'kind', 'state']).execute();
  const byId = new Map(deliveries.map((d) => [d.id, d]));
  const keyOf = (d: { tenant_id: string; erp_person_id: string; period: string; kind: string }) => `${d.tenant_id}|${d.erp_person_id}|${d.period}|${d.kind}`;

  const emlFiles = fs.existsSync(outboxDir) ? fs.readdirSync(outboxDir).filter((f) => f.endsWith('.eml')) : [];
  const emailsPerKey = new Map<string, number>();
  let orphans = 0;
  let unaccounted = 0;
  for (const file of emlFiles) {
    const delivery = byId.get(file.slice(0, -'.eml'.length));
    if (!delivery) {
      orphans += 1;
      continue;
    }
    if (delivery.state !== 'sent' && delivery.state !== 'unknown') unaccounted += 1;
    emailsPerKey.set(keyOf(delivery), (emailsPerKey.get(keyOf(delivery)) ?? 0) + 1);
  }
  const indexed = new Set((await readOutboxIndex(outboxDir)).map((e) => e.file));
  const outboxDuplicates = [...emailsPerKey.values()].filter((n) => n > 1).length;

  const sent = deliveries.filter((d) => d.state === 'sent');
  const perSent = sent.map((d) => emailsPerKey.get(keyOf(d)) ?? 0);
  const unknown = deliveries.filter((d) => d.state === 'unknown');
  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(k);

  return {
    runs_total: runs.length,
    runs_completed: runs.filter((r) => r.state === 'succeeded').length,
    runs_dead: runs.filter((r) => r.state === 'dead').length,
    runs_unfinished: runs.filter((r) => r.state !== 'succeeded' && r.state !== 'dead' && r.state !== 'cancelled').length,
    run_duplicates: runDuplicates,
    outbox_duplicates: outboxDuplicates,
    duplicates: runDuplicates + outboxDuplicates,
    recipients: new Set(sent.map((d) => `${d.tenant_id}|${d.erp_person_id}`)).size,
    emails_per_recipient_min: perSent.length > 0 ? Math.min(...perSent) : null,
    emails_per_recipient_max: perSent.length > 0 ? Math.max(...perSent) : null,
    unknown_deliveries: unknown.length,
    unknown_with_email: unknown.filter((d) => (emailsPerKey.get(keyOf(d)) ?? 0) > 0).length,
    failed_deliveries: deliveries.filter((d) => d.state === 'failed' || d.state === 'failed-retryable').length,
    orphan_emails: orphans,
    unaccounted_emails: unaccounted,
    index_missing: emlFiles.filter((f) => !indexed.has(f)).length,
    run_ms_max: runMsMax,
    integrity: integrity.rows.map((r) => r.integrity_check).join('; '),
  };
}

import type { AuditActor, AuditLog } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import { NotFoundError } from '../errors';
import { subjectDigest } from '../crypto/subject-digest';
import { absenceCipherContext } from '../db/fact-columns';
import type { RetentionService } from '../retention/retention.service';

/** Audit action names for data subject requests; the audit log and its readers depend on these. */
export const DSR_AUDIT_ACTIONS = {
  export: 'dsr.exported',
  erase: 'dsr.erased',
  restrict: 'dsr.restricted',
  unrestrict: 'dsr.unrestricted',
} as const;

/** Who asked, from where: recorded once, by the service, with the request that carried it. */
export interface DsrRequester {
  actor: AuditActor;
  ip?: string | null;
  requestId?: string | null;
}

export interface DsrDeps {
  db: Db;
  envelope: Pick<Envelope, 'decrypt' | 'decryptNumber'>;
  retention: Pick<RetentionService, 'purgePerson'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/** Everything stored about one person, by technical ID, with their own absence data decrypted. */
export interface PersonExport {
  format: 'erp-insights.person-export.v1';
  exportedAt: string;
  tenantId: string;
  personId: string;
  person: Record<string, unknown>;
  workContracts: Record<string, unknown>[];
  dailyFacts: Record<string, unknown>[];
  workEntries: Record<string, unknown>[];
  insights: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  emailPreferences: Record<string, unknown> | null;
  /** Set when the provider reported a bounce or a spam report: no more email to this person. */
  emailSuppression: Record<string, unknown> | null;
  /** Projects this person manages (IDs and numbers only). */
  managedProjects: Record<string, unknown>[];
}

export interface DsrService {
  exportPerson(tenantId: string, personId: string, by: DsrRequester): Promise<PersonExport>;
  /** The retention purge path with reason 'erasure'; returns the purge record. */
  erasePerson(tenantId: string, personId: string, by: DsrRequester): Promise<{ purgeId: string; counts: Record<string, number> }>;
  /** Restricted people are skipped by sync and email; their stored data stays as it is. */
  restrict(tenantId: string, personId: string, on: boolean, by: DsrRequester): Promise<void>;
}

function withoutKeys<T extends Record<string, unknown>>(row: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
}

export function createDsrService({ db, envelope, retention, audit, clock }: DsrDeps): DsrService {
  const k = db.kysely;
  const person = async (tenantId: string, personId: string) => {
    const row = await k.selectFrom('people').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
    // Another tenant's person is indistinguishable from an unknown one.
    if (!row) throw new NotFoundError('Person not found', { pageTexts: [{ key: 'error.personNotFound' }] });
    return row;
  };
  const requester = (by: DsrRequester) => ({ actor: by.actor, ip: by.ip ?? null, requestId: by.requestId ?? null });

  return {
    async exportPerson(tenantId, personId, by) {
      const row = await person(tenantId, personId);
      const facts = await k
        .selectFrom('daily_facts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('erp_person_id', '=', personId)
        .orderBy('date')
        .execute();
      const dailyFacts = await Promise.all(
        facts.map(async (f) => ({
          ...withoutKeys(f, ['tenant_id', 'erp_person_id', 'absence_minutes_enc']),
          absence_minutes: f.absence_minutes_enc === null ? null : await envelope.decryptNumber(absenceCipherContext(tenantId, personId, f.date), f.absence_minutes_enc),
        })),
      );
      const contracts = await k.selectFrom('work_contracts').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).orderBy('start_date').execute();
      const entries = await k.selectFrom('work_entries').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).orderBy('date').execute();
      const deliveries = await k.selectFrom('deliveries').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).orderBy('created_at').execute();
      const insights = await k.selectFrom('insights').selectAll().where('tenant_id', '=', tenantId).where('recipient_id', '=', personId).orderBy('period').execute();
      const prefs = await k.selectFrom('email_preferences').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
      const suppression = await k.selectFrom('email_suppressions').selectAll().where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
      const projects = await k.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).where('manager_id', '=', personId).execute();
      const strip = (r: Record<string, unknown>) => withoutKeys(r, ['tenant_id', 'erp_person_id']);
      const result: PersonExport = {
        format: 'erp-insights.person-export.v1',
        exportedAt: clock.now().toISOString(),
        tenantId,
        personId,
        person: strip(row),
        workContracts: contracts.map(strip),
        dailyFacts,
        workEntries: entries.map(strip),
        insights: insights.map((i) => ({ ...withoutKeys(i, ['tenant_id', 'recipient_id', 'values_json']), values: JSON.parse(i.values_json) as unknown })),
        deliveries: deliveries.map(strip),
        emailPreferences: prefs ? strip(prefs) : null,
        emailSuppression: suppression ? strip(suppression) : null,
        managedProjects: projects.map((p) => withoutKeys(p, ['tenant_id'])),
      };
      await audit.record({
        ...requester(by),
        tenantId,
        action: DSR_AUDIT_ACTIONS.export,
        object: { type: 'person', id: personId },
        details: { dailyFacts: dailyFacts.length, insights: insights.length },
      });
      return result;
    },

    async erasePerson(tenantId, personId, by) {
      await person(tenantId, personId);
      const result = await retention.purgePerson(tenantId, personId, 'erasure');
      // The audit trail names the erased person the way the purge record does: by digest.
      await audit.record({
        ...requester(by),
        tenantId,
        action: DSR_AUDIT_ACTIONS.erase,
        object: { type: 'person', id: subjectDigest(tenantId, personId) },
        details: { purgeId: result.recordId, rows: Object.values(result.counts).reduce((a, b) => a + b, 0) },
      });
      return { purgeId: result.recordId, counts: result.counts };
    },

    async restrict(tenantId, personId, on, by) {
      await person(tenantId, personId);
      await k
        .updateTable('people')
        .set({ restricted: on ? 1 : 0, updated_at: clock.now().toISOString() })
        .where('tenant_id', '=', tenantId)
        .where('erp_person_id', '=', personId)
        .execute();
      await audit.record({ ...requester(by), tenantId, action: on ? DSR_AUDIT_ACTIONS.restrict : DSR_AUDIT_ACTIONS.unrestrict, object: { type: 'person', id: personId } });
    },
  };
}

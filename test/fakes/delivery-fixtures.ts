import type { Db } from '../../src/db/db';
import type { DeliveryTenant, RecipientLookup } from '../../src/email/delivery.service';
import { readOutboxIndex, readOutboxMessages } from '../../src/email/file-outbox';
import { sampleInsights } from '../../src/email/sample';
import { replaceInsights } from '../../src/insights/insights.repo';

export const TENANT: DeliveryTenant = { id: 'tenant-a', displayName: 'Acme Oy', timezone: 'Europe/Helsinki', defaultLanguage: 'fi' };
export const SIGNING_SECRET = 'delivery-test-signing-secret-0123456789';
/** Key of the SQLCipher file shared by the crash test and its child process. */
export const CRASH_DB_KEY = 'delivery-crash-test-key';

export interface SeedPerson {
  id: string;
  restricted?: boolean;
  language?: string | null;
  frequency?: 'weekly' | 'monthly' | 'off';
  preferredLanguage?: string | null;
  /** Default true: the person has insights in the period. */
  insights?: boolean;
}

/** People, their preferences and a realistic set of insights for one period; technical IDs only. */
export async function seedDeliveryData(db: Db, period: string, people: SeedPerson[], tenantId = TENANT.id): Promise<void> {
  const at = '2026-11-23T05:00:00.000Z';
  for (const p of people) {
    await db.kysely
      .insertInto('people')
      .values({
        tenant_id: tenantId,
        erp_person_id: p.id,
        employment_start: '2024-01-01',
        employment_end: null,
        language: p.language ?? null,
        country: 'FI',
        manager_id: null,
        is_active: 1,
        restricted: p.restricted ? 1 : 0,
        updated_at: at,
      })
      .execute();
    if (p.frequency || p.preferredLanguage) {
      await db.kysely
        .insertInto('email_preferences')
        .values({ tenant_id: tenantId, erp_person_id: p.id, frequency: p.frequency ?? 'weekly', language: p.preferredLanguage ?? null, updated_at: at })
        .execute();
    }
  }
  const insights = people.filter((p) => p.insights !== false).flatMap((p) => sampleInsights({ tenantId, recipientId: p.id, period }));
  await replaceInsights(db, tenantId, period, insights, at);
}

/** The ERP's send-time lookup: an address per person ID, null for people the ERP does not know. */
export function fakeRecipients(
  entries: Record<string, { firstName?: string | null; email: string | null; language?: string | null } | null>,
): RecipientLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async recipient(personId) {
      calls.push(personId);
      const e = entries[personId];
      if (!e) return null;
      return { firstName: e.firstName ?? 'Test', email: e.email, language: e.language ?? null };
    },
  };
}

export const addressOf = (personId: string): string => `${personId}@example.test`;

/**
 * How many outbox messages each person has for the period. The .eml files are the messages (each names
 * its delivery in X-Delivery-Id); the index is a convenience that a SIGKILL between the two writes can
 * leave one entry short, so it must only never list a message that is not there.
 */
export async function emailsPerPerson(db: Db, outboxDir: string, period: string): Promise<Record<string, number>> {
  const index = await readOutboxIndex(outboxDir);
  const messages = await readOutboxMessages(outboxDir);
  const files = new Set(messages.map((m) => m.file));
  const phantom = index.filter((entry) => !files.has(entry.file));
  if (phantom.length > 0) throw new Error(`outbox index lists ${phantom.length} messages that have no .eml file`);
  const rows = await db.kysely.selectFrom('deliveries').select(['id', 'erp_person_id']).where('period', '=', period).execute();
  const personOf = new Map(rows.map((r) => [r.id, r.erp_person_id]));
  const counts: Record<string, number> = {};
  for (const m of messages) {
    const person = personOf.get(m.deliveryId ?? '') ?? `orphan:${m.file}`;
    counts[person] = (counts[person] ?? 0) + 1;
  }
  return counts;
}

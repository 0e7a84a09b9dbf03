import type { AuditLog } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { upsert } from '../db/upsert';
import { NotFoundError, ValidationError } from '../errors';
import type { EmailLanguage } from './i18n';

export type Frequency = 'weekly' | 'monthly' | 'off';
export const FREQUENCIES: readonly Frequency[] = ['weekly', 'monthly', 'off'];
export const PREFERENCE_LANGUAGES: readonly EmailLanguage[] = ['fi', 'sv', 'en'];

export interface EmailPreferences {
  frequency: Frequency;
  /** Chosen by the person; null means "from the ERP / company default". */
  language: EmailLanguage | null;
  /** What pages for this person are shown in: the chosen language, else the synced one, else null. */
  displayLanguage: EmailLanguage | null;
}

export interface PersonRef {
  tenantId: string;
  personId: string;
}

/**
 * Where a change came from, for the audit log: the request ID only. The employee's IP address is not
 * recorded (they are known by ERP ID alone, and their address is nothing we act on).
 */
export interface ChangeContext {
  requestId?: string | null;
}

export interface PreferencesService {
  get(ref: PersonRef): Promise<EmailPreferences>;
  set(ref: PersonRef, change: { frequency?: Frequency; language?: EmailLanguage | null }, ctx?: ChangeContext): Promise<{ preferences: EmailPreferences; changed: boolean }>;
  /** Frequency 'off'; calling it again changes nothing and records nothing. */
  unsubscribe(ref: PersonRef, ctx?: ChangeContext): Promise<{ changed: boolean }>;
}

const isFrequency = (v: unknown): v is Frequency => FREQUENCIES.includes(v as Frequency);
const asLanguage = (v: string | null | undefined): EmailLanguage | null =>
  PREFERENCE_LANGUAGES.find((l) => l === v?.trim().slice(0, 2).toLowerCase()) ?? null;

/**
 * Employees' own email choices, keyed by technical ID. Links in emails reach this without a login,
 * so a person unknown to the tenant (erased, or never synced) gets NotFound rather than a new row.
 */
export function createPreferencesService(deps: { db: Db; clock: Clock; audit: Pick<AuditLog, 'record'> }): PreferencesService {
  const { db } = deps;

  async function load(ref: PersonRef): Promise<EmailPreferences> {
    const person = await db.kysely
      .selectFrom('people')
      .leftJoin('email_preferences as ep', (j) =>
        j.onRef('ep.tenant_id', '=', 'people.tenant_id').onRef('ep.erp_person_id', '=', 'people.erp_person_id'),
      )
      .select(['people.language as synced', 'ep.frequency', 'ep.language'])
      .where('people.tenant_id', '=', ref.tenantId)
      .where('people.erp_person_id', '=', ref.personId)
      .executeTakeFirst();
    if (!person) throw new NotFoundError('This link is no longer valid');
    const language = asLanguage(person.language);
    return {
      frequency: isFrequency(person.frequency) ? person.frequency : 'weekly',
      language,
      displayLanguage: language ?? asLanguage(person.synced),
    };
  }

  async function set(ref: PersonRef, change: { frequency?: Frequency; language?: EmailLanguage | null }, ctx: ChangeContext = {}) {
    if (change.frequency !== undefined && !isFrequency(change.frequency)) throw new ValidationError('Unknown email frequency');
    if (change.language != null && !PREFERENCE_LANGUAGES.includes(change.language)) throw new ValidationError('Unknown language');
    const before = await load(ref);
    const frequency = change.frequency ?? before.frequency;
    const language = change.language === undefined ? before.language : change.language;
    if (frequency === before.frequency && language === before.language) return { preferences: before, changed: false };

    await upsert(db, 'email_preferences', [
      { tenant_id: ref.tenantId, erp_person_id: ref.personId, frequency, language, updated_at: deps.clock.now().toISOString() },
    ], ['tenant_id', 'erp_person_id']);
    await deps.audit.record({
      actor: { type: 'employee', id: ref.personId },
      tenantId: ref.tenantId,
      action: frequency === 'off' && before.frequency !== 'off' ? 'email.unsubscribe' : 'email.preferences.update',
      object: { type: 'person', id: ref.personId },
      ip: null,
      requestId: ctx.requestId ?? null,
      details: { frequency, language, previousFrequency: before.frequency },
    });
    return { preferences: await load(ref), changed: true };
  }

  return {
    get: load,
    set,
    async unsubscribe(ref, ctx) {
      const { changed } = await set(ref, { frequency: 'off' }, ctx);
      return { changed };
    },
  };
}

import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { createWorkCalendar } from './calendar';
import { lastCompletedWeek } from './dates';
import { computeInsights } from './engine';
import { defaultInsightSettings, type TenantInsightSettings } from './input';
import { loadCompanyHolidays, loadErpFlexBalances, loadPeople, loadProjects, replaceInsights } from './insights.repo';
import type { InsightKind } from './types';

/** The tenant settings the engine reads; a stored tenant's settings satisfy it. */
export interface InsightsTenantSettings {
  enabledInsights: readonly string[];
  utilisationTarget: number;
  teamView: boolean;
  halfDayEves: boolean;
}

export interface InsightsTenant {
  id: string;
  timezone: string;
  country: string;
  settings: InsightsTenantSettings;
}

export interface InsightsService {
  /** Computes and stores the insights of the last completed week; returns the period and counts. */
  computeForTenant(tenant: InsightsTenant): Promise<{ period: string; people: number; insights: number }>;
}

/** History the engine looks at: a year of weeks for forecasting, more than the flex period. */
const HISTORY_WEEKS = 60;

function toEngineSettings(tenant: InsightsTenant): TenantInsightSettings {
  const base = defaultInsightSettings({ country: tenant.country, timezone: tenant.timezone });
  const enabled = Object.fromEntries(
    Object.keys(base.enabled).map((k) => [k, tenant.settings.enabledInsights.includes(k)]),
  ) as Record<InsightKind, boolean>;
  return {
    ...base,
    enabled,
    utilisationTarget: tenant.settings.utilisationTarget,
    teamView: tenant.settings.teamView,
    halfDayEves: tenant.settings.halfDayEves,
  };
}

export function createInsightsService(deps: { db: Db; envelope: Envelope; clock: Clock; logger: Logger }): InsightsService {
  return {
    async computeForTenant(tenant) {
      const referenceDate = DateTime.fromJSDate(deps.clock.now(), { zone: tenant.timezone }).toISODate() as string;
      const from = DateTime.fromISO(referenceDate, { zone: tenant.timezone }).minus({ weeks: HISTORY_WEEKS }).toISODate() as string;
      const settings = toEngineSettings(tenant);
      const calendar = createWorkCalendar({
        country: tenant.country,
        timezone: tenant.timezone,
        halfDayEves: settings.halfDayEves,
        companyHolidays: await loadCompanyHolidays(deps.db, tenant.id),
      });
      const flex = await loadErpFlexBalances(deps.db, tenant.id, lastCompletedWeek(referenceDate, tenant.timezone).end);
      const people = (await loadPeople(deps.db, deps.envelope, tenant.id, from)).map((p) => ({ ...p, erpFlexBalanceMinutes: flex.get(p.personId) ?? null }));
      const projects = await loadProjects(deps.db, tenant.id, from, (d) => calendar.isoWeek(d));
      const insights = computeInsights({ tenantId: tenant.id, referenceDate, settings, people, projects, calendar });
      const period = lastCompletedWeek(referenceDate, tenant.timezone).week;
      await replaceInsights(deps.db, tenant.id, period, insights, deps.clock.now().toISOString());
      deps.logger.info('insights computed', { tenantId: tenant.id, period, people: people.length, insights: insights.length });
      return { period, people: people.length, insights: insights.length };
    },
  };
}

import { Migrator, type Migration, type MigrationResult } from 'kysely';
import type { Db } from './db';
import { initialMigration } from './migrations/001-initial';
import { totpLastStepMigration } from './migrations/002-totp-last-step';
import { emailSuppressionsMigration } from './migrations/004-email-suppressions';
import { calendarAndFlexMigration } from './migrations/005-calendar-and-flex';
import { dropAbsencesMigration } from './migrations/006-drop-absences';
import { accountLifecycleMigration } from './migrations/007-account-lifecycle';
import { staffConsoleMigration } from './migrations/008-staff-console';
import { forgetEmployeeIpsMigration } from './migrations/009-forget-employee-ips';
import { accountLanguageMigration } from './migrations/010-account-language';
import { projectMoneyMigration } from './migrations/011-project-money';
import { insightsPeriodIndexMigration } from './migrations/012-insights-period-index';
import { absenceDaysIndexMigration } from './migrations/013-absence-days-index';

/** Versioned migrations, in order. Names are permanent once released. */
function migrations(db: Db): Record<string, Migration> {
  return {
    '001-initial': initialMigration(db.dialect),
    '002-totp-last-step': totpLastStepMigration,
    '004-email-suppressions': emailSuppressionsMigration(db.dialect),
    '005-calendar-and-flex': calendarAndFlexMigration(db.dialect),
    '006-drop-absences': dropAbsencesMigration(),
    '007-account-lifecycle': accountLifecycleMigration(db.dialect),
    '008-staff-console': staffConsoleMigration(db.dialect),
    '009-forget-employee-ips': forgetEmployeeIpsMigration(),
    '010-account-language': accountLanguageMigration,
    '011-project-money': projectMoneyMigration(db.dialect),
    '012-insights-period-index': insightsPeriodIndexMigration,
    '013-absence-days-index': absenceDaysIndexMigration,
  };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations(db) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

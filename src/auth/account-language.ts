import type { Db } from '../db/db';

/** The pages' language an account chose ('fi' | 'sv' | 'en'), or null to follow the browser. */
export async function setAccountLanguage(db: Db, userId: string, language: string | null): Promise<void> {
  await db.kysely.updateTable('users').set({ language }).where('id', '=', userId).execute();
}

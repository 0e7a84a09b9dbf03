import { randomToken } from '../auth/tokens';
import type { Runtime } from '../runtime';

export interface DemoAccount {
  username: string;
  password: string;
  totpSecret?: string;
}

/**
 * Sign-in accounts for `demo --serve`: a staff user (with TOTP, as staff always has) and a customer
 * admin of the demo tenant. Existing demo accounts get a new password each run; nothing is printed
 * but by the caller, and only for this local demo.
 */
export async function demoAccounts(rt: Runtime, tenantId: string): Promise<{ staff: DemoAccount; admin: DemoAccount }> {
  const { users } = rt.web;
  const existing = async (username: string) =>
    rt.db.kysely.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();

  const adminPassword = randomToken(12);
  const admin = await existing('demo-admin');
  if (admin) await users.setPassword(admin.id, adminPassword);
  else await users.createAdminUser({ tenantId, username: 'demo-admin', password: adminPassword });

  // A staff account's TOTP secret is only ever shown at creation, so the demo recreates it.
  await rt.db.kysely.deleteFrom('users').where('username', '=', 'demo-staff').execute();
  const staff = await users.createStaffUser('demo-staff');
  return {
    staff: { username: 'demo-staff', password: staff.initialPassword, totpSecret: staff.enrolment.secret },
    admin: { username: 'demo-admin', password: adminPassword },
  };
}

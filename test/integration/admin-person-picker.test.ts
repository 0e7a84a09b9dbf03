/**
 * The person picker against the ERP simulator through the real Severa client: the admin finds people
 * by part of a name (accents ignored), the names are shown and nowhere kept.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateCompany, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { secretName } from '../../src/secrets/secret-store';
import { startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, type WebClient } from '../fakes/web-client';
import { createRealPipelinePorts } from '../fakes/web-pipeline';

const company = generateCompany({ seed: 8, employees: 30, months: 1, endDate: '2026-02-27' });
let sim: Simulator;
let server: TestServer;
let admin: WebClient;

beforeAll(async () => {
  sim = await startSimulator({ company, clientId: 'picker-client', clientSecret: 'picker-Secret-0123456789' });
  server = await startTestServer({ pipeline: (env) => createRealPipelinePorts(env, mkdtempSync(path.join(tmpdir(), 'picker-outbox-'))) });
  const tenantId = await createTenant(server, 'Picker Oy');
  await server.db.kysely.updateTable('tenants').set({ erp_base_url: sim.url }).where('id', '=', tenantId).execute();
  await server.secrets.set(secretName('erp', tenantId), JSON.stringify({ clientId: 'picker-client', clientSecret: 'picker-Secret-0123456789' }));
  admin = await signInAdmin(server, tenantId, 'picker-admin');
});
afterAll(async () => {
  await server?.close();
  await sim?.close();
});

test('a part of a last name finds that person in the ERP, without accents, and the name is stored nowhere', async () => {
  const person = company.users.find((u) => /[äöå]/i.test(u.personal.lastName)) ?? company.users[0];
  if (!person) throw new Error('the simulated company has no users');
  const plain = person.personal.lastName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 5).toLowerCase();

  const res = await admin.post('/admin/people/search', { q: plain, back: '/admin/preview' });
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain(`href="/admin/preview?person=${person.guid}"`);
  expect(page).toContain(`${person.personal.firstName} ${person.personal.lastName}`);

  for (const table of ['audit_events', 'people', 'sessions', 'users', 'job_runs', 'job_run_logs'] as const) {
    const rows = JSON.stringify(await server.db.kysely.selectFrom(table).selectAll().execute());
    expect(rows).not.toContain(person.personal.lastName);
    expect(rows).not.toContain(plain);
  }
});

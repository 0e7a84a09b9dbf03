/**
 * Refusals on admin and staff pages in the page's language (here the browser's Accept-Language): form
 * issues by the labels the form shows (never zod's own English), our typed errors, the connector check's
 * failure with what the ERP said, and a failed run's reason on the status page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { fixedClock } from '../../src/clock';
import { createErpVerifier } from '../../src/tenants/erp-verifier';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createTestSsrfGuard, startTestServer, type TestServer } from '../fakes/web-app';
import { createTenant, signInAdmin, signInStaff, type WebClient } from '../fakes/web-client';

type Lang = 'fi' | 'sv';
const BROWSER: Record<Lang, Record<string, string>> = { fi: { 'accept-language': 'fi-FI,fi;q=0.9,en;q=0.5' }, sv: { 'accept-language': 'sv-FI,sv;q=0.9' } };
/** Words of zod's default messages (and of our English texts) that must not reach a Finnish or Swedish page. */
const ENGLISH = /\b(Expected|expected|Invalid|invalid|Too small|Too big|received|Required|must|characters|not right)\b/;
const EXPLANATION = 'Unauthorized: The client credentials are not valid';

let server: TestServer;
let erp: Server;
let erpUrl: string;
let tenantId: string;
let admin: WebClient;
let staff: WebClient;

beforeAll(async () => {
  // An ERP that refuses every sign-in, explaining why in Severa's error format.
  erp = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { httpStatusCode: 401, type: 'Unauthorized', details: [{ message: 'The client credentials are not valid' }] } }));
  });
  await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
  erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/rest-api`;
  const verifyConnection = createErpVerifier({
    erp: createErpRegistry(erpAdapters),
    ssrf: createTestSsrfGuard(),
    clock: fixedClock(new Date('2026-03-02T08:00:00.000Z')),
    logger: createMemoryLogger(),
    timeoutMs: 5_000,
  });
  server = await startTestServer({ verifyConnection });
  tenantId = await createTenant(server, 'Viesti Oy');
  admin = await signInAdmin(server, tenantId, 'viesti-admin');
  staff = await signInStaff(server, 'ops-viesti');
});
afterAll(async () => {
  await server.close();
  erp.closeAllConnections();
  await new Promise((resolve) => erp.close(resolve));
});

const decode = (html: string) =>
  html.replace(/<[^>]+>/g, '\n').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The texts of the page's error alert, one per line, and the page's language. */
async function alertOf(res: Response): Promise<{ status: number; lang: string | undefined; lines: string[] }> {
  const html = await res.text();
  const alert = /<div class="alert error" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  const lines = decode(alert).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { status: res.status, lang: /<html lang="([a-z]+)"/.exec(html)?.[1], lines };
}

async function post(client: WebClient, path: string, form: Record<string, string>, lang: Lang): Promise<Response> {
  return client.raw('POST', path, { form: { _csrf: await client.csrf(), ...form }, headers: BROWSER[lang] });
}

function expectOnly(refused: { lang: string | undefined; lines: string[] }, lang: Lang, expected: string[]) {
  expect(refused.lang).toBe(lang);
  expect(refused.lines).toEqual(expected);
  for (const line of refused.lines) expect(line).not.toMatch(ENGLISH);
}

const TEXTS = {
  fi: {
    settings: [
      'Lähetyspäivä: valitse jokin vaihtoehdoista',
      'Kellonaika (paikallinen aika, Europe/Helsinki): anna kellonaika muodossa HH:MM, esimerkiksi 07:00',
      'Laskutusastetavoite (%): anna luku väliltä 10–100',
      'ERP:n verkko-osoite tuntien kirjaamiseen (https, valinnainen; puuttuvien tuntien viesti linkittää siihen): anna osoite, joka alkaa https://',
    ],
    tenant: ['Näyttönimi: kirjoita vähintään 2 merkkiä', 'Sopimus alkaa: anna päivämäärä muodossa VVVV-KK-PP', 'Maa: anna kaksikirjaiminen maatunnus, esimerkiksi FI'],
    credentials: ['Asiakastunnus (client ID): täytä tämä kenttä'],
    https: ['ERP:n perusosoitteen on käytettävä https:ää'],
    refused: [`ERP ei hyväksynyt tätä asiakastunnusta ja salaisuutta. Tarkista ne ERP:n API-asetuksista ja yritä uudelleen. ERP vastasi: ”${EXPLANATION}”.`],
    personId: ['Anna henkilön ERP-tunniste'],
    noPerson: ['Organisaatiossa ei ole henkilöä tällä ERP-tunnisteella'],
    username: ['Käytä 3–64 pientä kirjainta, numeroa, pistettä, yhdysmerkkiä tai alaviivaa (ei sähköpostiosoitetta).'],
    password: ['Tämä salasana on liian yleinen; valitse jokin vaikeammin arvattava.'],
    run: 'ERP kieltäytyi pyynnöstä /v1/workhours (403): API-asiakkaalta puuttuu lukuoikeus tai lisäosa. ERP vastasi: ”Forbidden: Scope hours:read is required”.',
    suspended: 'Organisaation palvelu on keskeytetty: mitään ei synkronoida eikä lähetetä, eikä API-avaimia myönnetä; tietoja voi yhä lukea ja viedä',
    helpLabel: 'Asiakassalaisuus (client secret)',
  },
  sv: {
    settings: [
      'Skickas på: välj ett av alternativen',
      'Klockan (lokal tid, Europe/Helsinki): ange en tid som HH:MM, till exempel 07:00',
      'Mål för debiteringsgrad (%): ange ett tal mellan 10 och 100',
      'ERP:s webbadress för tidrapportering (https, valfri; e-posten om saknade timmar länkar dit): ange en adress som börjar med https://',
    ],
    tenant: ['Visningsnamn: skriv minst 2 tecken', 'Avtalet börjar: ange ett datum som ÅÅÅÅ-MM-DD', 'Land: ange en landskod med två bokstäver, till exempel FI'],
    credentials: ['Klient-ID: fyll i det här fältet'],
    https: ['ERP-systemets basadress måste använda https'],
    refused: [`ERP-systemet godtog inte detta klient-ID och denna hemlighet. Kontrollera dem i ERP-systemets API-inställningar och försök igen. ERP-systemet svarade: ”${EXPLANATION}”.`],
    personId: ['Ange personens ERP-id'],
    noPerson: ['Det finns ingen person med det ERP-id:t i organisationen'],
    username: ['Använd 3–64 gemener, siffror, punkter, bindestreck eller understreck (ingen e-postadress).'],
    password: ['Det här lösenordet är för vanligt; välj något som är svårare att gissa.'],
    run: 'ERP-systemet nekade /v1/workhours (403): API-klienten saknar en läsbehörighet eller ett tillägg. ERP-systemet svarade: ”Forbidden: Scope hours:read is required”.',
    suspended: 'Tjänsten för organisationen är pausad: inget synkroniseras eller skickas och inga API-nycklar utfärdas; data kan fortfarande läsas och exporteras',
    helpLabel: 'Klienthemlighet',
  },
} as const;

describe.each(['fi', 'sv'] as const)('in %s', (lang) => {
  const texts = TEXTS[lang];

  test('the settings form names each refused field by its label and says what it takes', async () => {
    const form = { enabledInsights: 'missing-hours', scheduleDay: 'someday', scheduleTime: '25:99', utilisationTarget: 'lots', defaultLanguage: 'fi', erpWebUrl: 'http://erp.example/hours' };
    const refused = await alertOf(await post(admin, '/admin/settings', form, lang));
    expect(refused.status).toBe(400);
    expectOnly(refused, lang, [...texts.settings]);
  });

  test("the staff tenant form's issues are in the page language too", async () => {
    const refused = await alertOf(await post(staff, '/staff/tenants', { displayName: 'A', contractStart: 'soon', contractEnd: '', country: 'Finland', defaultLanguage: 'fi' }, lang));
    expect(refused.status).toBe(400);
    expectOnly(refused, lang, [...texts.tenant]);
  });

  test('the connector page words missing credentials, a refused address and the ERP refusing the sign-in', async () => {
    const page = await admin.get('/admin/connector', BROWSER[lang]);
    expect(await page.text()).toContain(texts.helpLabel);

    expectOnly(await alertOf(await post(admin, '/admin/connector', { baseUrl: erpUrl, clientId: '  ', clientSecret: 'some-secret' }, lang)), lang, [...texts.credentials]);
    expectOnly(await alertOf(await post(admin, '/admin/connector', { baseUrl: 'ftp://erp.example/rest-api', clientId: 'client', clientSecret: 'some-secret' }, lang)), lang, [...texts.https]);

    const refused = await alertOf(await post(admin, '/admin/connector', { baseUrl: erpUrl, clientId: 'client', clientSecret: 'wrong-secret' }, lang));
    expect(refused.status).toBe(400);
    // Only what the ERP itself said stays in its own words.
    expect(refused.lines).toEqual([...texts.refused]);
  });

  test('data requests for a malformed or unknown person ID say so in the page language', async () => {
    expectOnly(await alertOf(await post(admin, '/admin/dsr', { action: 'export', personId: 'not an id!' }, lang)), lang, [...texts.personId]);
    expectOnly(await alertOf(await post(admin, '/admin/dsr', { action: 'export', personId: 'p-nobody' }, lang)), lang, [...texts.noPerson]);
  });

  test('a refused invite user name and a too common password are worded in the page language', async () => {
    expectOnly(await alertOf(await post(staff, `/staff/tenants/${tenantId}/invites`, { username: 'Not A Name' }, lang)), lang, [...texts.username]);
    const password = 'password1234';
    expectOnly(await alertOf(await post(admin, '/account/password', { current: 'Quiet-Harbour-Lantern-42', password, confirm: password }, lang)), lang, [...texts.password]);
  });
});

test("a failed run's ERP refusal reads in the page language, with what the ERP said quoted as it was", async () => {
  const refusedAt = '2026-03-02T07:00:00.000Z';
  await server.db.kysely
    .insertInto('job_runs')
    .values({
      id: 'run-refused-language', job: 'sync', tenant_id: tenantId, slot: 's', state: 'dead', attempts: 1, run_after: refusedAt, lease_owner: null, lease_expires_at: null,
      started_at: refusedAt, finished_at: refusedAt, duration_ms: 1_000, counters_json: null, checkpoint_json: null, error_class: 'ErpRefusedError',
      error_message: 'ERP refused /v1/workhours (403): the API client lacks a read scope or an add-on. The ERP said: "Forbidden: Scope hours:read is required".',
      created_at: refusedAt, updated_at: refusedAt,
    })
    .execute();
  for (const lang of ['fi', 'sv'] as const) {
    const html = decode(await (await admin.get('/admin/status', BROWSER[lang])).text());
    expect(html).toContain(TEXTS[lang].run);
    expect(html).not.toContain('the API client lacks a read scope');
  }
  const api = (await (await admin.api('GET', `/api/v1/tenants/${tenantId}/status`)).json()) as { lastRuns: Array<{ error: string | null }> };
  expect(api.lastRuns[0]?.error).toContain('ERP refused /v1/workhours (403): the API client lacks a read scope or an add-on.');
});

test("the error page's sentence and issues are in the page language", async () => {
  const res = await post(admin, '/account/language', { language: 'de' }, 'fi');
  expect(res.status).toBe(400);
  const page = decode(await res.text());
  expect(page).toContain('Tuntematon kieli');
  expect(page).toContain('Valitse suomi, ruotsi, englanti tai selaimen kieli.');
  expect(page).not.toMatch(/Unknown language|language: fi, sv, en or empty/);
});

test('the error page words a suspended organisation in the page language; the API keeps English', async () => {
  const suspendedId = await createTenant(server, 'Tauko Oy');
  const paused = await signInAdmin(server, suspendedId, 'tauko-admin');
  await server.db.kysely.updateTable('tenants').set({ status: 'suspended' }).where('id', '=', suspendedId).execute();
  for (const lang of ['fi', 'sv'] as const) {
    const res = await post(paused, '/admin/sync', {}, lang);
    expect(res.status).toBe(403);
    expect(decode(await res.text())).toContain(TEXTS[lang].suspended);
  }
  const api = await paused.api('POST', `/api/v1/tenants/${suspendedId}/jobs/sync`);
  expect(((await api.json()) as { error: { message: string } }).error.message).toContain('nothing syncs, sends or issues API keys');
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { erpRefusalMessage, parseErpRefusal, type ErpRefusalKind } from '../../integrations/erp/refusal';
import { VERIFY_MESSAGES } from '../../integrations/severa/connection-check';
import { ConflictError, ValidationError } from '../../src/errors';
import { translator } from '../../src/web/i18n';
import { en } from '../../src/web/i18n/en';
import { errorTexts, formIssues, issueText } from '../../src/web/page-errors';
import { adminRunError } from '../../src/web/read-models';

const fi = translator('fi');
const REFUSAL_KINDS: ErpRefusalKind[] = ['credentials', 'redirect', 'scope', 'not-found', 'status'];

const issuesOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return parsed.error.issues;
};

test("each zod issue code reads as the page's sentence, by the field's label where the form gives one", () => {
  const schema = z.object({ name: z.string().trim().min(2).max(5), count: z.coerce.number().min(1).max(9), day: z.enum(['mon', 'tue']), code: z.string().regex(/^\d+$/), tags: z.array(z.string()).max(1) });
  const texts = issuesOf(schema, { name: 'a', count: 'many', day: 'sun', code: 'x', tags: ['a', 'b'] }).map((i) => issueText(i, fi, { name: { label: 'Nimi' }, count: { label: 'Määrä' } }));
  expect(texts).toEqual(['Nimi: kirjoita vähintään 2 merkkiä', 'Määrä: anna luku', 'valitse jokin vaihtoehdoista', 'muoto ei ole oikea', 'valitse enintään 1']);
  expect(issuesOf(z.string().trim().min(1), '  ').map((i) => issueText(i, fi))).toEqual(['täytä tämä kenttä']);
  expect(issuesOf(schema.shape.name, 'longer').map((i) => issueText(i, fi, { '': { label: 'Nimi' } }))).toEqual(['Nimi: käytä enintään 5 merkkiä']);
  expect(issuesOf(schema.shape.count, 20).map((i) => issueText(i, fi, { '': { label: 'Määrä', hint: 'anna luku väliltä 1–9' } }))).toEqual(['Määrä: anna luku väliltä 1–9']);
});

test('our errors show their page texts; without them the English message, and 404s and 5xx go to the error page', () => {
  const zod = new ValidationError('The connection details are incomplete', ['Client ID is required.'], { cause: new z.ZodError(issuesOf(z.object({ clientId: z.string().min(1) }), { clientId: '' })) });
  expect(errorTexts(zod, fi, { clientId: { label: 'Asiakastunnus' } })).toEqual(['Asiakastunnus: täytä tämä kenttä']);
  expect(errorTexts(new ValidationError('Invalid contract dates', ['The contract cannot end before it starts.'], { issueTexts: [{ key: 'tenant.contractOrder' }] }), fi)).toEqual(['Sopimus ei voi päättyä ennen kuin se alkaa.']);
  expect(errorTexts(new ConflictError('Two-step sign-in is already on', { pageTexts: [{ key: 'users.totpAlreadyOn' }] }), fi)).toEqual(['Kaksivaiheinen kirjautuminen on jo käytössä']);
  expect(errorTexts(new ValidationError('Unknown action', ['Choose disable, enable or remove.']), fi)).toEqual(['Choose disable, enable or remove.']);
  expect(formIssues(new Error('boom'), fi)).toBeUndefined();
});

test('every page text an error names is in the catalogs', () => {
  const root = path.join(__dirname, '../..');
  const files = ['src', 'integrations'].flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, dir, f)));
  const keys = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\{ key: '([\w.-]+)'/g)].map((m) => m[1] as string));
  expect(keys.length).toBeGreaterThan(20);
  expect(keys.filter((k) => !(k in en))).toEqual([]);
  for (const [failure, message] of Object.entries(VERIFY_MESSAGES)) expect(en[`connector.check.${failure}` as keyof typeof en]).toBe(message);
  for (const kind of REFUSAL_KINDS) expect(`erp.refused.${kind}` in en).toBe(true);
});

test("a stored ERP refusal is read back by its kind; the admin reads it in the page's language and the API in English", () => {
  for (const kind of REFUSAL_KINDS) {
    const refusal = { kind, path: kind === 'credentials' ? '' : '/v1/users', status: kind === 'credentials' ? 401 : kind === 'redirect' ? 302 : kind === 'scope' ? 403 : kind === 'not-found' ? 404 : 418, explanation: 'Said "this"' };
    const message = erpRefusalMessage(refusal);
    expect(parseErpRefusal(message)).toEqual(refusal);
    expect(adminRunError('ErpRefusedError', message)).toBe(message);
  }
  expect(parseErpRefusal('Something else entirely')).toBeUndefined();
  expect(adminRunError('ErpRefusedError', 'ERP refused /v1/users (403): the API client lacks a read scope or an add-on.', fi)).toBe('ERP kieltäytyi pyynnöstä /v1/users (403): API-asiakkaalta puuttuu lukuoikeus tai lisäosa.');
  expect(adminRunError('TypeError', 'x', fi)).toBe('Ajo epäonnistui odottamatta. Henkilökuntamme on saanut tiedon.');
  expect(adminRunError(null, null)).toBeNull();
});

/** Visma Severa as one entry of the ERP registry. */
import { z } from 'zod';
import type { ErpAdapter, ErpCredentials } from '../erp/adapter';
import { checkSeveraConnection } from './connection-check';
import { createSeveraClient } from './severa-client';

const credentialsSchema = z.object({
  clientId: z.string().trim().min(1, 'Client ID is required (at most 200 characters).').max(200, 'Client ID is required (at most 200 characters).'),
  clientSecret: z.string().min(1, 'Client secret is required (at most 500 characters).').max(500, 'Client secret is required (at most 500 characters).'),
});

const parse = (credentials: ErpCredentials) => credentialsSchema.parse(credentials);

export const severaAdapter: ErpAdapter = {
  kind: 'severa',
  label: { en: 'Visma Severa', fi: 'Visma Severa', sv: 'Visma Severa' },
  baseUrlPlaceholder: 'https://api.severa.visma.com/rest-api',
  help: {
    en: 'Create client credentials in your ERP (Settings → REST API) with read scopes for users, hours, activities and projects, and settings to use the company holiday calendar.',
    fi: 'Luo ERP:hen asiakastunnukset (Asetukset → REST API), joilla on lukuoikeus käyttäjiin, tunteihin, aktiviteetteihin ja projekteihin sekä asetuksiin, jotta yrityksen lomakalenteria voi käyttää.',
    sv: 'Skapa klientuppgifter i ert ERP-system (Inställningar → REST API) med läsbehörighet för användare, timmar, aktiviteter och projekt, samt för inställningar för att använda företagets helgkalender.',
  },
  fields: [
    { name: 'clientId', label: { en: 'Client ID', fi: 'Asiakastunnus (client ID)', sv: 'Klient-ID' }, secret: false, maxLength: 200 },
    { name: 'clientSecret', label: { en: 'Client secret', fi: 'Asiakassalaisuus (client secret)', sv: 'Klienthemlighet' }, secret: true, maxLength: 500 },
  ],
  credentialsSchema,
  // Only the tail of the client ID, enough for an admin to recognise which credentials are in use.
  credentialHint: (credentials) => (typeof credentials.clientId === 'string' ? `…${credentials.clientId.slice(-4)}` : null),
  createClient: (options) => createSeveraClient({ ...options, credentials: async () => parse(await options.credentials()) }),
  checkConnection: (options) => checkSeveraConnection({ ...options, ...parse(options.credentials) }),
};

/**
 * What one ERP kind brings to the product: how to build its client, how to check a connection while an
 * admin waits, what the connector form asks for and how the answers are validated. Every ERP is reached
 * over HTTP(S) at a base URL the SSRF guard checks; everything else about its credentials is the
 * adapter's business.
 */
import type http from 'node:http';
import type https from 'node:https';
import type { z } from 'zod';
import type { Clock } from '../../src/clock';
import type { Logger } from '../../src/logging/logger';
import type { ErpClient } from './erp-client';

/** Credential values by form field name, as entered and as kept in the secret store. */
export type ErpCredentials = Record<string, string>;

/** What an admin enters on the connector page (or sends to the API) for one tenant. */
export interface ErpConnection {
  baseUrl: string;
  credentials: ErpCredentials;
}

/** The languages of the connector page; an adapter brings its form texts in each. */
export type FormLanguage = 'fi' | 'sv' | 'en';
export type LocalText = Readonly<Record<FormLanguage, string>>;

export interface ErpFormField {
  name: string;
  label: LocalText;
  /** Secret fields are never shown again, never echoed back into a form and never logged. */
  secret: boolean;
  maxLength: number;
}

/** What an ERP client reports about each exchange: the path without its query, never credentials. */
export interface ErpRequestInfo {
  path: string;
  status: number;
  retry: boolean;
  /** From sending the request to its answer or failure, by the client's clock. */
  durationMs: number;
}

export interface ErpClientOptions {
  baseUrl: string;
  /** The tenant's IANA zone: the ERP's local dates and times are read in it. */
  timezone: string;
  /** Read from the secret store when the client needs them (token renewal), never kept by the caller. */
  credentials: () => Promise<ErpCredentials>;
  clock: Clock;
  logger: Logger;
  /** The SSRF guard's agents; every connection goes through them. */
  agent?: { http: http.Agent; https: https.Agent };
  requestTimeoutMs?: number;
  maxRetries?: number;
  requestsPerSecond?: number;
  /** One call per HTTP answer (status 0 when none came); `retry` says the request will be retried. */
  onRequest?: (info: ErpRequestInfo) => void;
}

export interface ErpConnectionCheckOptions extends ErpConnection {
  clock: Clock;
  logger: Logger;
  agent?: { http: http.Agent; https: https.Agent };
  /** Per request; an admin is waiting on the page, so this stays short. */
  timeoutMs: number;
}

export interface ErpAdapter {
  /** Stored on the tenant row; never renamed once tenants use it. */
  kind: string;
  /** What the connector page calls this ERP. */
  label: LocalText;
  baseUrlPlaceholder: string;
  /** One or two sentences on the connector page: where in the ERP an admin makes these credentials. */
  help: LocalText;
  /** The credential fields besides the base URL, in form order. */
  fields: readonly ErpFormField[];
  /**
   * Validates entered credentials (issues read as English sentences an admin can act on, for the API;
   * pages word each issue themselves by the field's label) and stored ones.
   */
  credentialsSchema: z.ZodType<ErpCredentials>;
  /** Enough for an admin to recognise which credentials are stored; never a secret. */
  credentialHint(credentials: ErpCredentials): string | null;
  createClient(options: ErpClientOptions): ErpClient;
  /**
   * A live sign-in and one small read. Throws UpstreamError whose message tells the admin what to fix,
   * without echoing the secret or any ERP answer.
   */
  checkConnection(options: ErpConnectionCheckOptions): Promise<{ usersSeen: number }>;
}

import type { ErpRegistry } from '../../integrations/erp/registry';
import type { AuditLog } from '../audit/audit.service';
import { createAccountsService, type AccountsService } from '../auth/accounts.service';
import { createApiKeyService, type ApiKeyService } from '../auth/api-keys';
import { createInviteService, type InviteService } from '../auth/invites';
import type { PasswordHasher } from '../auth/passwords';
import { createSessionStore, type SessionStore, type SessionTimeouts } from '../auth/sessions';
import { createUsersService, type SecretCipher, type UsersService } from '../auth/users.service';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { createDeliveryReview, type DeliveryReview } from '../email/delivery-review';
import type { SecretStore } from '../secrets/secret-store';
import { createConnectorService, type ConnectorService } from '../tenants/connector.service';
import type { VerifyConnection } from '../tenants/erp-verifier';
import type { TenantsService } from '../tenants/tenants.service';
import { createConsoleReads, type ConsoleReads } from './console-reads';
import { createReadModels, type ReadModels } from './read-models';

/** The services the web layer calls; createApp receives them built. */
export interface WebServices {
  users: UsersService;
  accounts: AccountsService;
  sessions: SessionStore;
  invites: InviteService;
  apiKeys: ApiKeyService;
  tenants: TenantsService;
  connector: ConnectorService;
  reads: ReadModels;
  consoleReads: ConsoleReads;
  deliveryReview: DeliveryReview;
  audit: AuditLog;
}

export interface WebServiceDeps {
  db: Db;
  clock: Clock;
  secrets: SecretStore;
  audit: AuditLog;
  tenants: TenantsService;
  /** Encrypts TOTP secrets at rest (the envelope, under the 'system' context). */
  cipher: SecretCipher;
  /** Strong in production; tests pass a cheap cost. */
  passwords: PasswordHasher;
  /** Keys the known-device cookies that keep an account's owner signing in through a pause (secret store). */
  deviceKey: Buffer;
  sessionTimeouts: SessionTimeouts;
  erp: Pick<ErpRegistry, 'get'>;
  ssrf: { checkUrl(url: string): Promise<void> };
  verifyConnection: VerifyConnection;
}

/** Built by the composition root (src/runtime.ts) over the real neighbours, and by the test server over fakes. */
export function createWebServices(deps: WebServiceDeps): WebServices {
  const { db, clock, secrets, tenants } = deps;
  const users = createUsersService({ db, clock, cipher: deps.cipher, passwords: deps.passwords, deviceKey: deps.deviceKey });
  const sessions = createSessionStore({ db, clock, timeouts: deps.sessionTimeouts });
  return {
    users,
    accounts: createAccountsService({ db, clock, passwords: deps.passwords, users, sessions }),
    sessions,
    invites: createInviteService({ db, clock }),
    apiKeys: createApiKeyService({ db, clock }),
    tenants,
    connector: createConnectorService({ tenants, secrets, erp: deps.erp, ssrf: deps.ssrf, verifyConnection: deps.verifyConnection }),
    reads: createReadModels({ db, secrets }),
    consoleReads: createConsoleReads({ db }),
    deliveryReview: createDeliveryReview({ db, clock }),
    audit: deps.audit,
  };
}

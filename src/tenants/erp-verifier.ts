/**
 * The connector page's "test connection", for any registered ERP kind: the SSRF guard decides on the
 * base URL before any request, then the kind's adapter signs in and reads once through the guard's agents.
 */
import type { ErpConnection } from '../../integrations/erp/adapter';
import type { ErpRegistry } from '../../integrations/erp/registry';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SsrfGuard } from '../net/ssrf-guard';

/** Throws UpstreamError with a plain-language message, ValidationError for a refused address. */
export type VerifyConnection = (erpKind: string, connection: ErpConnection) => Promise<{ usersSeen: number }>;

export interface ErpVerifierDeps {
  erp: Pick<ErpRegistry, 'get'>;
  ssrf: Pick<SsrfGuard, 'checkUrl' | 'httpAgent' | 'httpsAgent'>;
  clock: Clock;
  logger: Logger;
  /** Per request; an admin is waiting on the page, so this stays short. */
  timeoutMs?: number;
}

export function createErpVerifier(deps: ErpVerifierDeps): VerifyConnection {
  return async (erpKind, connection) => {
    const adapter = deps.erp.get(erpKind);
    await deps.ssrf.checkUrl(connection.baseUrl);
    return adapter.checkConnection({
      ...connection,
      clock: deps.clock,
      logger: deps.logger,
      agent: { http: deps.ssrf.httpAgent, https: deps.ssrf.httpsAgent },
      timeoutMs: deps.timeoutMs ?? 10_000,
    });
  };
}

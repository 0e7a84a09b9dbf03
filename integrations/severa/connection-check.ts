/**
 * The connector page's "test connection" for Severa: a live token request, the client's own verify()
 * read and the first page of users. Whatever goes wrong becomes one UpstreamError whose message tells a
 * customer admin what to fix, without echoing the secret; of the ERP's answer only Severa's own
 * explanation is passed on, shortened and with anything shaped like an email address removed.
 */
import { TransportError } from '../http/http-transport';
import { UpstreamError } from '../../src/errors';
import type { ErpConnectionCheckOptions } from '../erp/adapter';
import { erpSaid, erpSaidTexts } from '../erp/refusal';
import { createSeveraClient, ErpRefusedError } from './severa-client';
import * as wire from './wire';

export type VerifyFailure = 'credentials' | 'unreachable' | 'refused-address' | 'tls' | 'permission' | 'busy' | 'not-severa';

const UPSTREAM = 'severa';

export const VERIFY_MESSAGES: Record<VerifyFailure, string> = {
  credentials: 'The ERP did not accept this client ID and secret. Check them in the API settings of the ERP and try again.',
  unreachable: 'Could not reach the ERP at this address: no answer in time. Check the base URL and that the ERP is online.',
  'refused-address': 'This ERP address leads to a network address that is not allowed for ERP connections.',
  tls: 'Could not open a secure connection to the ERP: its TLS certificate was not accepted.',
  permission: 'The ERP accepted the credentials but does not let them read users. Give the API client read access and try again.',
  busy: 'The ERP is busy or failing right now. Try again in a few minutes.',
  'not-severa': 'Something answered at this address, but not a Severa REST API. Check that the base URL points at the API (for example …/rest-api).',
};

/** Sorts a failure by what the admin can do about it, from the last HTTP status seen and the cause. */
export function classifyFailure(err: unknown, last: { path: string; status: number } | undefined): VerifyFailure {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof TransportError) {
    if (cause.kind === 'refused') return 'refused-address';
    if (cause.kind === 'tls') return 'tls';
    if (cause.kind === 'too-large') return 'not-severa';
    return 'unreachable';
  }
  const status = last?.status ?? 0;
  if (status === 0) return 'unreachable';
  if (status === 401) return 'credentials';
  if (last?.path === wire.paths.token && (status === 400 || status === 403)) return 'credentials';
  if (status === 403) return 'permission';
  if (status === 429 || status >= 500) return 'busy';
  return 'not-severa';
}

export async function checkSeveraConnection(options: ErpConnectionCheckOptions & { clientId: string; clientSecret: string }): Promise<{ usersSeen: number }> {
  const log = options.logger.child({ component: 'erp-verifier' });
  let last: { path: string; status: number } | undefined;
  const client = createSeveraClient({
    baseUrl: options.baseUrl,
    // Only the shape of the first users page is checked; no date-time is interpreted.
    timezone: 'UTC',
    credentials: async () => ({ clientId: options.clientId, clientSecret: options.clientSecret }),
    clock: options.clock,
    logger: options.logger,
    agent: options.agent,
    requestTimeoutMs: options.timeoutMs,
    // Someone is waiting for the answer: report the first failure instead of backing off.
    maxRetries: 0,
    onRequest: (info) => {
      last = { path: info.path, status: info.status };
    },
  });
  try {
    await client.verify();
    let usersSeen = 0;
    for await (const page of client.users()) {
      usersSeen = page.length;
      break;
    }
    log.info('erp connection verified', { usersSeen, requests: client.stats().requests });
    return { usersSeen };
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    const failure = classifyFailure(err, last);
    log.warn('erp connection check failed', { failure, status: last?.status ?? 0 });
    // Severa's own explanation (an ExceptionModel message: bad credentials, a missing scope) says what to
    // change; for an address that is no Severa API whatever answered there is beside the point.
    const explained = failure === 'credentials' || failure === 'permission';
    const explanation = explained && err instanceof ErpRefusedError ? err.explanation : null;
    // The page words the failure in its reader's language; the ERP's explanation stays as the ERP said it.
    const pageTexts = [{ key: `connector.check.${failure}` }, ...erpSaidTexts(explanation)];
    throw new UpstreamError(VERIFY_MESSAGES[failure] + erpSaid(explanation), UPSTREAM, failure === 'busy' || failure === 'unreachable', { cause: err, pageTexts });
  }
}

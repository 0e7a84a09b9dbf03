/** Error answers: the published ExceptionModel, and the API gateway's plain-text 429. */
import type { ApiException } from './api-models';

const TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'PayloadTooLarge',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

export function exception(status: number, message: string, url: string | null): ApiException {
  return { error: { httpStatusCode: status, type: TYPES[status] ?? 'Error', details: [{ message, url, location: null }], stack: null } };
}

/** The gateway in front of Severa answers its limits in plain text, not in the ExceptionModel. */
export function quotaMessage(limit: number, period: '1s' | '1d'): string {
  return `API calls quota exceeded! maximum admitted ${limit} per ${period}.`;
}

/** The real per-second limit a public client reports for Severa. */
export const SEVERA_REQUESTS_PER_SECOND = 10;

export class BadRequest extends Error {}

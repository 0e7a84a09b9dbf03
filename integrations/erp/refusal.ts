/**
 * How an ERP's refusal of one request is worded in the error (and so in job-run records), and how such
 * a stored message is read back: pages then word it in their language by its kind, with the ERP's own
 * explanation quoted as the ERP gave it.
 */
import type { PageText } from '../../src/errors';

export type ErpRefusalKind = 'credentials' | 'redirect' | 'scope' | 'not-found' | 'status';

export interface ErpRefusal {
  kind: ErpRefusalKind;
  /** The request path without its query; empty for a refused sign-in. */
  path: string;
  status: number;
  /** What the ERP said about it, already shortened and stripped of anything like an email address. */
  explanation: string | null;
}

/** What the ERP said, appended to an English message; empty when it said nothing. */
export const erpSaid = (explanation: string | null): string => (explanation ? ` The ERP said: "${explanation}".` : '');

/** What the ERP said, as page texts: quoted as the ERP said it, in a sentence of the page's language. */
export const erpSaidTexts = (explanation: string | null): PageText[] => (explanation ? [{ key: 'connector.erpSaid', params: { text: explanation } }] : []);

export function erpRefusalMessage({ kind, path, status, explanation }: ErpRefusal): string {
  const said = erpSaid(explanation);
  switch (kind) {
    case 'credentials':
      return `ERP rejected the credentials (client ID and secret).${said}`;
    case 'redirect':
      return `ERP answered ${path} with a redirect (${status}); redirects are not followed.${said}`;
    case 'scope':
      return `ERP refused ${path} (403): the API client lacks a read scope or an add-on.${said}`;
    case 'not-found':
      return `ERP resource not found: ${path}.${said}`;
    case 'status':
      return `ERP answered ${path} with unexpected status ${status}.${said}`;
  }
}

/** The refusal as page texts (keys of the page catalogs): its kind, then what the ERP said. */
export const erpRefusalTexts = ({ kind, path, status, explanation }: ErpRefusal): PageText[] => [
  { key: `erp.refused.${kind}`, params: { path, status } },
  ...erpSaidTexts(explanation),
];

const SHAPES: ReadonlyArray<[ErpRefusalKind, RegExp]> = [
  ['credentials', /^ERP rejected the credentials \(client ID and secret\)\./],
  ['redirect', /^ERP answered (\S+) with a redirect \((\d+)\); redirects are not followed\./],
  ['scope', /^ERP refused (\S+) \((403)\): the API client lacks a read scope or an add-on\./],
  ['not-found', /^ERP resource not found: (\S+)\./],
  ['status', /^ERP answered (\S+) with unexpected status (\d+)\./],
];

/** The refusal a message of erpRefusalMessage describes; undefined for any other text. */
export function parseErpRefusal(message: string): ErpRefusal | undefined {
  for (const [kind, shape] of SHAPES) {
    const match = shape.exec(message);
    if (!match) continue;
    const rest = message.slice(match[0].length);
    const said = /^ The ERP said: "([\s\S]*)"\.$/.exec(rest);
    if (rest !== '' && !said) return undefined;
    // The wording names no status for these two; theirs is the usual one (a refused sign-in may have been a 400 or 403).
    const status = match[2] ? Number(match[2]) : kind === 'credentials' ? 401 : 404;
    return { kind, path: match[1] ?? '', status, explanation: said?.[1] ?? null };
  }
  return undefined;
}

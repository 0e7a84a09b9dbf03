import type { Refusal } from '../auth/users.service';
import { AppError, NotFoundError } from '../errors';
import type { Translate, WebMessageKey } from './i18n';
import { errorTexts } from './page-errors';

/** Worded for the user name, not the account: unknown names pause the same way, so this reveals nothing. */
export const lockedMessage = (until: string, t: Translate): string => t('auth.locked', { time: until.slice(11, 16) });

/** How a form shows a refused password or code: 423 with the pause, else 400 with the `wrong` text beside the form. */
export function refusalView(result: Refusal, wrong: WebMessageKey, t: Translate): { status: number; locals: Record<string, unknown> } {
  if (result.reason === 'locked') return { status: 423, locals: { error: lockedMessage(result.lockedUntil, t) } };
  return { status: 400, locals: { issues: [t(wrong)] } };
}

/**
 * A refusal a form shows beside itself (bad input, a conflict); undefined for anything the error
 * handler should answer instead (5xx, and 404s, which mean the form's object is gone).
 */
export function formRefusal(err: unknown, t: Translate): { status: number; issues: string[] } | undefined {
  if (!(err instanceof AppError) || err.status >= 500 || err instanceof NotFoundError) return undefined;
  return { status: err.status, issues: errorTexts(err, t) };
}

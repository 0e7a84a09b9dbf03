import type { Refusal } from '../auth/users.service';
import { AppError, NotFoundError } from '../errors';

/** Worded for the user name, not the account: unknown names pause the same way, so this reveals nothing. */
export const lockedMessage = (until: string): string =>
  `Too many failed sign-in attempts. Sign-in with this user name is paused until ${until.slice(11, 16)} UTC; try again then or ask an operator to unlock it.`;

/** How a form shows a refused password or code: 423 with the pause, else 400 with `wrong` beside the form. */
export function refusalView(result: Refusal, wrong: string): { status: number; locals: Record<string, unknown> } {
  if (result.reason === 'locked') return { status: 423, locals: { error: lockedMessage(result.lockedUntil) } };
  return { status: 400, locals: { issues: [wrong] } };
}

/**
 * A refusal a form shows beside itself (bad input, a conflict); undefined for anything the error
 * handler should answer instead (5xx, and 404s, which mean the form's object is gone).
 */
export function formRefusal(err: unknown): { status: number; issues: string[] } | undefined {
  if (!(err instanceof AppError) || err.status >= 500 || err instanceof NotFoundError) return undefined;
  const issues = 'issues' in err && Array.isArray(err.issues) && err.issues.length > 0 ? (err.issues as string[]) : [err.message];
  return { status: err.status, issues };
}

import { ZodError } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../errors';
import type { Translate, WebMessageKey } from './i18n';

/**
 * What a form calls its fields in the page's language, by the schema's top-level key. `hint` says what
 * the field takes, in place of the text for the issue's code, when the generic one would mislead (a
 * fraction stored for a percentage entered, a pattern only the field knows).
 */
export type FieldTexts = Record<string, { label: string; hint?: string }>;

/** The parts of a zod issue a page words; its `message` is zod's English (or a schema's) and never shown. */
export interface IssueLike {
  code?: string;
  path: readonly PropertyKey[];
  origin?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

function codeKey(issue: IssueLike): WebMessageKey {
  const text = issue.origin === 'string';
  const number = issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint';
  switch (issue.code) {
    case 'too_small':
      if (text) return Number(issue.minimum) <= 1 ? 'issue.required' : 'issue.tooShort';
      return number ? 'issue.tooSmall' : 'issue.tooFew';
    case 'too_big':
      if (text) return 'issue.tooLong';
      return number ? 'issue.tooBig' : 'issue.tooMany';
    case 'invalid_type':
      return issue.expected === 'number' ? 'issue.notNumber' : 'issue.required';
    case 'invalid_value':
    case 'invalid_enum_value':
      return 'issue.choose';
    case 'invalid_format':
    case 'invalid_string':
      return 'issue.format';
    default:
      return 'issue.invalid';
  }
}

/** One zod issue as the page's sentence: "Utilisation target (%): enter a number between 10 and 100". */
export function issueText(issue: IssueLike, t: Translate, fields: FieldTexts = {}): string {
  const field = fields[String(issue.path[0] ?? '')];
  const text = field?.hint ?? t(codeKey(issue), { minimum: String(issue.minimum ?? ''), maximum: String(issue.maximum ?? '') });
  return field ? t('issue.field', { label: field.label, text }) : text;
}

/** An error of ours as one sentence of the page: its page texts, else its English message. */
export const errorSentence = (err: AppError, t: Translate): string =>
  err.pageTexts && err.pageTexts.length > 0 ? err.pageTexts.map((p) => t(p.key, p.params)).join(' ') : err.message;

/**
 * An error of ours as the page's list of texts: a validation error's issues when it has any, else its
 * message. Errors without page texts keep their English message.
 */
export function errorTexts(err: AppError, t: Translate, fields: FieldTexts = {}): string[] {
  if (err instanceof ValidationError) {
    if (err.cause instanceof ZodError) return err.cause.issues.map((i) => issueText(i, t, fields));
    if (err.issueTexts && err.issueTexts.length > 0) return err.issueTexts.map((p) => t(p.key, p.params));
    if (err.issues.length > 0 && !err.pageTexts) return err.issues;
  }
  return [errorSentence(err, t)];
}

/**
 * What a form shows beside itself when saving failed: bad input, a conflict, or (with `upstream`) an
 * outside system's refusal; undefined for whatever the error page answers instead (5xx, and 404s, which
 * mean the form's object is gone).
 */
export function formIssues(err: unknown, t: Translate, fields: FieldTexts = {}, options: { upstream?: boolean } = {}): string[] | undefined {
  if (err instanceof ZodError) return err.issues.map((i) => issueText(i, t, fields));
  if (!(err instanceof AppError) || err instanceof NotFoundError) return undefined;
  if (err.status >= 500 && !(options.upstream && err.code === 'upstream')) return undefined;
  return errorTexts(err, t, fields);
}

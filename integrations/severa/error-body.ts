/**
 * Severa's error bodies (`ExceptionModel`: `{ error: { httpStatusCode, type, details: [{ message }] } }`)
 * say what is wrong ("Addon required", a missing scope). Their text is passed on so an admin can act on
 * it, but shortened, on one line, with anything shaped like an email address removed: it ends up in job
 * runs and logs, and an ERP may echo input back.
 */
import { exceptionModelSchema } from './wire';

const MAX_CHARS = 200;
const EMAIL = /[^\s@]+@[^\s@]+/g;

function clean(text: string): string {
  const line = text.replace(EMAIL, '[address]').replace(/[\p{Cc}\s]+/gu, ' ').trim();
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
}

/** The ERP's own explanation from an error body, or null when the body is not an ExceptionModel. */
export function erpExplanation(body: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = exceptionModelSchema.safeParse(json);
  if (!parsed.success) return null;
  const { type, details } = parsed.data.error;
  const messages = (details ?? []).flatMap((d) => (d.message?.trim() ? [d.message] : []));
  const said = [...new Set(messages)].join('; ');
  const text = type?.trim() && said ? `${type.trim()}: ${said}` : type?.trim() || said;
  return text ? clean(text) : null;
}

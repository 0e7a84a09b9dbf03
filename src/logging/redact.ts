/**
 * The last line of defence before a log line is written: personal data and secrets that slipped into a
 * message or meta object are replaced. Modules are expected to log technical IDs only.
 */
const REDACTED = '[redacted]';

const SENSITIVE_KEY = /(pass(word)?|secret|token|authorization|api[-_]?key|cookie|e-?mail|phone|mobile|ssn|social|address|birth)/i;
const NAME_KEY = /name$/i;
/** Keys ending in "name" that name things, not people. */
const SAFE_NAME_KEYS = new Set(['job', 'jobname', 'hostname', 'resourcename', 'secretname', 'eventname']);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|client_secret|clientSecret|secret|api[-_]?key|access_token|token)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi;
const SENDGRID_KEY = /\bSG\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;

export function redactString(value: string): string {
  return value
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(SENDGRID_KEY, REDACTED)
    .replace(KEY_VALUE_SECRET, `$1$2${REDACTED}`)
    .replace(EMAIL, REDACTED);
}

function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase();
  if (SENSITIVE_KEY.test(k)) return true;
  return NAME_KEY.test(k) && !SAFE_NAME_KEYS.has(k.replace(/[^a-z]/g, ''));
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { error: value.name, message: redactString(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

/**
 * Validates one ERP answer against the wire schema. Error messages name the resource, the page and
 * the failing field paths only: values could be personal data (names, emails) and must not leak.
 */
import { z } from 'zod';
import { UpstreamError } from '../../src/errors';

export const UPSTREAM = 'severa';
const MAX_LISTED_ISSUES = 5;

function describeIssues(error: z.ZodError): string {
  const listed = error.issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'} (${issue.code})`);
  const more = error.issues.length - listed.length;
  return listed.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

export function parseBody<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UpstreamError(`ERP returned a malformed ${what}: not JSON`, UPSTREAM, false);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new UpstreamError(`ERP returned a malformed ${what}: ${describeIssues(parsed.error)}`, UPSTREAM, false);
  }
  return parsed.data;
}

export function parsePage<T>(itemSchema: z.ZodType<T>, body: string, resource: string, page: number): T[] {
  return parseBody(z.array(itemSchema), body, `${resource} page ${page}`);
}

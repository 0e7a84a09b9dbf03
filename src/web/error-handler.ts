import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { AppError, NotFoundError, UnauthorizedError, UpstreamError, ValidationError } from '../errors';
import type { Logger } from '../logging/logger';
import { translator, type Translate, type WebMessageKey } from './i18n';
import { errorSentence, errorTexts, issueText } from './page-errors';

const ENGLISH = translator('en');

interface Problem {
  status: number;
  code: string;
  message: string;
  issues?: string[];
  /** The page's words for `message`, where the error is one of ours and not an error of its own. */
  pageKey?: WebMessageKey;
}

const isApi = (req: Request): boolean => req.path.startsWith('/api/');

/** Body-parser errors carry a `type` and a status; everything unknown is a 500 with a generic text. */
function toProblem(err: unknown): Problem {
  if (err instanceof ValidationError) return { status: 400, code: err.code, message: err.message, issues: err.issues };
  if (err instanceof AppError && err.status >= 500 && err.code === 'internal') return { status: err.status, code: err.code, message: 'Something went wrong', pageKey: 'error.failed' };
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ZodError) {
    return { status: 400, code: 'validation', message: 'The request is not valid', pageKey: 'error.invalidRequest', issues: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
  }
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return { status: 413, code: 'too_large', message: 'The request body is too large', pageKey: 'error.tooLarge' };
  if (type === 'entity.parse.failed') return { status: 400, code: 'validation', message: 'The request body is not valid JSON', pageKey: 'error.badJson' };
  if (type === 'parameters.too.many') return { status: 413, code: 'too_large', message: 'The form has too many fields', pageKey: 'error.tooManyFields' };
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return { status: 415, code: 'unsupported', message: 'Unsupported request encoding', pageKey: 'error.encoding' };
  // Any other client error the body parsers raise (a gzip body that does not inflate, a body shorter
  // than its Content-Length): a 4xx in our words, since their messages come from zlib and the socket.
  const status = (err as { status?: unknown; expose?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: unknown }).expose === true) {
    const tooLarge = status === 413;
    return { status, code: tooLarge ? 'too_large' : 'bad_request', message: tooLarge ? 'The request body is too large' : 'The request body could not be read', pageKey: tooLarge ? 'error.tooLarge' : 'error.unreadable' };
  }
  return { status: 500, code: 'internal', message: 'Something went wrong', pageKey: 'error.failed' };
}

/** The problem as the error page shows it: our own errors and issues in the page's language. */
function pageProblem(err: unknown, problem: Problem, t: Translate): Pick<Problem, 'status' | 'message' | 'issues'> {
  const { status } = problem;
  if (problem.pageKey) return { status, message: t(problem.pageKey), issues: err instanceof ZodError ? err.issues.map((i) => issueText(i, t)) : problem.issues };
  if (!(err instanceof AppError)) return { status, message: problem.message, issues: problem.issues };
  // An outside system's own words (or ours about its answer) are for the logs and staff's run pages.
  if (err instanceof UpstreamError && !err.pageTexts) return { status, message: t('error.upstream') };
  const worded = err instanceof ValidationError && (err.issues.length > 0 || (err.issueTexts?.length ?? 0) > 0 || err.cause instanceof ZodError);
  return { status, message: errorSentence(err, t), issues: worded ? errorTexts(err, t) : undefined };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError('Page not found', { pageTexts: [{ key: 'error.pageNotFound' }] }));
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toProblem(err);
    if (problem.status >= 500) {
      // Only the class name and request ID: messages of unknown errors may carry data we must not log.
      logger.error('request failed', { requestId: req.requestId, error: err instanceof Error ? err.name : typeof err, path: req.route?.path ?? null });
    }
    if (res.headersSent) return;
    if (isApi(req) || req.path === '/metrics') {
      res.status(problem.status).json({ error: { code: problem.code, message: problem.message, requestId: req.requestId, ...(problem.issues ? { issues: problem.issues } : {}) } });
      return;
    }
    if (err instanceof UnauthorizedError && req.method === 'GET') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (err instanceof UnauthorizedError) {
      res.redirect(303, '/login');
      return;
    }
    const t = typeof res.locals.t === 'function' ? (res.locals.t as Translate) : ENGLISH;
    res.status(problem.status).render('error.njk', { problem: pageProblem(err, problem, t), requestId: req.requestId });
  };
}

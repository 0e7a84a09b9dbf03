/**
 * Typed errors raised at the edges. Messages must never carry secrets, names or email addresses:
 * they end up in logs, job-run records and JSON error bodies.
 */
export class AppError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal';
  readonly pageTexts: readonly PageText[] | undefined;
  constructor(message: string, options?: AppErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.pageTexts = options?.pageTexts;
  }
}

/**
 * One sentence of a web page in the reader's language: a key of the page catalogs (src/web/i18n) and the
 * values it names. Pages show an error by these; the JSON API, logs and job records keep its English message.
 */
export interface PageText {
  key: string;
  params?: Record<string, string | number>;
}

export interface AppErrorOptions {
  cause?: unknown;
  /** The message as page sentences, in order; without them a page shows the English message. */
  pageTexts?: readonly PageText[];
}

export class ValidationError extends AppError {
  override readonly status = 400;
  override readonly code = 'validation';
  /** The issues as page texts, one per issue. A ZodError as `cause` instead lets the page word each field itself. */
  readonly issueTexts: readonly PageText[] | undefined;
  constructor(
    message: string,
    readonly issues: string[] = [],
    options?: AppErrorOptions & { issueTexts?: readonly PageText[] },
  ) {
    super(message, options);
    this.issueTexts = options?.issueTexts;
  }
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

export class ConflictError extends AppError {
  override readonly status = 409;
  override readonly code = 'conflict';
}

/**
 * The tenant is suspended or its contract has ended: admins may still sign in, read status and export
 * data, but nothing syncs, sends or issues API keys, and its API keys are not accepted.
 */
export class TenantInactiveError extends AppError {
  override readonly status = 403;
  override readonly code: string;
  constructor(readonly tenantStatus: string) {
    const suspended = tenantStatus === 'suspended';
    super(
      suspended
        ? 'The service for this organisation is suspended: nothing syncs, sends or issues API keys; data can still be read and exported'
        : 'The contract of this organisation has ended: nothing syncs, sends or issues API keys; data can still be read and exported until it is purged',
      { pageTexts: [{ key: suspended ? 'error.tenantSuspended' : 'error.tenantEnded' }] },
    );
    this.code = tenantStatus === 'suspended' ? 'tenant_suspended' : 'tenant_ended';
  }
}

/** An outside system (ERP, email provider, key vault) failed or answered something we cannot use. */
export class UpstreamError extends AppError {
  override readonly status = 502;
  override readonly code = 'upstream';
  constructor(
    message: string,
    readonly upstream: string,
    readonly retryable: boolean,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** Encrypted data could not be decrypted or authenticated (tampered, moved, or its key is gone). */
export class CryptoError extends AppError {
  override readonly code: string = 'crypto';
}

export class KeyNotFoundError extends CryptoError {
  override readonly code = 'key_not_found';
}

export class ConfigError extends AppError {
  override readonly code = 'config';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/**
 * Typed errors raised at the edges. Messages must never carry secrets, names or email addresses:
 * they end up in logs, job-run records and JSON error bodies.
 */
export class AppError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  override readonly status = 400;
  override readonly code = 'validation';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
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
    super(
      tenantStatus === 'suspended'
        ? 'The service for this organisation is suspended: nothing syncs, sends or issues API keys; data can still be read and exported'
        : 'The contract of this organisation has ended: nothing syncs, sends or issues API keys; data can still be read and exported until it is purged',
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
    options?: { cause?: unknown },
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

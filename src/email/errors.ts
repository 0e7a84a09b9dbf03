import { AppError } from '../errors';

export type EmailSendErrorKind = 'permanent' | 'retryable' | 'rate_limited' | 'unknown';

/**
 * A message could not be handed to the email provider. `kind` drives the delivery state machine:
 * permanent → give up on this message, retryable → back off and retry (the provider certainly did not
 * take it), rate_limited → wait at least `retryAfterMs`, unknown → the request left and no answer came
 * back, so the provider may have accepted it: never resent automatically. The reason never contains
 * the recipient address.
 */
export class EmailSendError extends AppError {
  override readonly status = 502;
  override readonly code = 'email_send';
  readonly kind: EmailSendErrorKind;
  readonly reason: string;
  readonly retryAfterMs: number | undefined;
  /** HTTP status from the provider, when there was an answer at all. */
  readonly providerStatus: number | undefined;

  constructor(input: {
    kind: EmailSendErrorKind;
    reason: string;
    retryAfterMs?: number;
    providerStatus?: number;
    cause?: unknown;
  }) {
    super(`Email send failed (${input.kind}): ${input.reason}`, { cause: input.cause });
    this.kind = input.kind;
    this.reason = input.reason;
    this.retryAfterMs = input.retryAfterMs;
    this.providerStatus = input.providerStatus;
  }
}

const EMAIL_ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/** Provider messages sometimes quote the recipient; strip anything address-shaped before it is kept. */
export function redactAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, '[address]');
}

/**
 * The narrow logging interface every module takes in its deps. Meta values must be technical IDs and
 * numbers; the redaction format is a safety net, not a licence to log personal data.
 */
export type LogMeta = Record<string, unknown>;

export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  child(meta: LogMeta): Logger;
}

import type { LogMeta, Logger } from '../../src/logging/logger';

export interface LogRecord {
  level: string;
  message: string;
  meta: LogMeta;
}

/** Collects log records in memory so tests can assert on what would have been written. */
export function createMemoryLogger(records: LogRecord[] = [], base: LogMeta = {}): Logger & { records: LogRecord[] } {
  const write = (level: string) => (message: string, meta: LogMeta = {}) => {
    records.push({ level, message, meta: { ...base, ...meta } });
  };
  return {
    records,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (meta) => createMemoryLogger(records, { ...base, ...meta }),
  };
}

import { Writable } from 'node:stream';
import winston from 'winston';
import { systemClock, type Clock } from '../clock';
import type { LogMeta, Logger } from './logger';
import { redactString, redactValue } from './redact';
import { currentRun, type RunLogSink } from './run-context';

/** Fields winston itself owns; they are never redacted or overwritten. */
const OWN_FIELDS = new Set(['level', 'message', 'timestamp']);

const redaction = winston.format((info) => {
  info.message = redactString(String(info.message));
  for (const key of Object.keys(info)) {
    if (OWN_FIELDS.has(key)) continue;
    const cleaned = redactValue({ [key]: info[key] }) as Record<string, unknown>;
    info[key] = cleaned[key];
  }
  return info;
});

/** Carries a line written during a job run to that run's sink; a symbol, so no output format prints it. */
const RUN_SINK = Symbol('runSink');

/** The run's own context, left out of the fields kept with each of its lines. */
const RUN_CONTEXT_FIELDS = new Set(['jobId', 'job', 'tenantId', 'slot', 'attempt', 'timestamp', 'level', 'message']);

/**
 * Every line carries the context fields, '-' when a line is not about a request, job or tenant. A line
 * written while a job run executes gets that run's ID, whichever module's logger wrote it.
 */
const context = winston.format((info) => {
  const run = currentRun();
  if (run) {
    info.jobId ??= run.runId;
    (info as Record<symbol, unknown>)[RUN_SINK] = run.sink;
  }
  info.tenantId ??= '-';
  if (info.requestId === undefined && info.jobId === undefined) info.jobId = '-';
  return info;
});

const pretty = winston.format.printf((info) => {
  const { timestamp, level, message, ...rest } = info;
  const ctx = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${ctx ? `  ${ctx}` : ''}`;
});

export interface LoggerOptions {
  level: string;
  format: 'pretty' | 'json';
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  stream?: NodeJS.WritableStream;
  /** Stamps each line; tests pass their own so log times follow the test's clock, not the machine's. */
  clock?: Clock;
}

/** Hands each redacted line of a job run to the run's sink (the formats have run by now). */
function runLogTransport(): winston.transport {
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string | symbol, unknown>, _encoding, done) {
      const sink = info[RUN_SINK] as RunLogSink | undefined;
      if (sink) {
        const meta = Object.fromEntries(Object.entries(info).filter(([k]) => !RUN_CONTEXT_FIELDS.has(k)));
        sink.write({ at: String(info.timestamp), level: String(info.level), message: String(info.message), meta });
      }
      done();
    },
  });
  return new winston.transports.Stream({ stream });
}

export function createLogger(options: LoggerOptions): Logger {
  const clock = options.clock ?? systemClock;
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const base = winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      context(),
      redaction(),
      winston.format.timestamp({ format: () => clock.now().toISOString() }),
      options.format === 'json' ? winston.format.json() : pretty,
    ),
    transports: [transport, runLogTransport()],
  });
  return wrap(base);
}

function wrap(w: winston.Logger): Logger {
  return {
    debug: (m, meta?: LogMeta) => w.debug(m, meta),
    info: (m, meta?: LogMeta) => w.info(m, meta),
    warn: (m, meta?: LogMeta) => w.warn(m, meta),
    error: (m, meta?: LogMeta) => w.error(m, meta),
    child: (meta) => wrap(w.child(meta)),
  };
}

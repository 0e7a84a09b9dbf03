/**
 * Every setting comes from the environment (optionally a .env file loaded by main.ts), validated here.
 * Defaults make a fresh checkout run with no cloud; production refuses the defaults that are unsafe.
 */
import net from 'node:net';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ConfigError } from './errors';
import { closestName } from './util/edit-distance';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** Whole numbers only: "1e3", "0x10" or " " are refused rather than read as 1000, 16 or 0. */
const int = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const text = raw.trim();
    if (!/^[+-]?\d+$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    const n = Number(text);
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${n} is out of range: set a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
const url = z.string().url('expected an absolute URL');

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyEntry = (entry: string): boolean => {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};
/**
 * Which proxies' X-Forwarded-For to believe: a hop count (0 = none), or the proxies' addresses and
 * subnets. A list is the safer choice wherever the app can also be reached without the proxy, since
 * a client that reaches it directly chooses the last X-Forwarded-For entry a hop count trusts.
 */
const trustProxy = z.string().transform((raw, ctx): number | string[] => {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops <= 10) return hops;
  }
  const entries = text.split(',').map((e) => e.trim());
  if (/^\d+$/.test(text) || entries.some((e) => !isProxyEntry(e))) {
    ctx.addIssue({ code: 'custom', message: 'expected a hop count from 0 to 10, or a comma-separated list of proxy addresses, subnets (10.40.0.0/23) or loopback, linklocal, uniquelocal' });
    return z.NEVER;
  }
  return entries;
});
const timezone = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), 'not a known IANA time zone: use a name such as Europe/Helsinki or UTC');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  HOST: z.string().min(1).optional(),
  PORT: int(0, 65535).default(3000),
  PUBLIC_BASE_URL: url.optional(),
  TRUST_PROXY: trustProxy.default(0),

  DB_KIND: z.enum(['sqlite', 'mssql']).default('sqlite'),
  SQLITE_FILE: z.string().min(1).optional(),
  DB_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  MSSQL_SERVER: z.string().min(1).optional(),
  MSSQL_PORT: int(1, 65535).default(1433),
  MSSQL_DATABASE: z.string().min(1).optional(),
  MSSQL_AUTH: z.enum(['entra', 'sql']).default('entra'),
  MSSQL_USER: z.string().min(1).optional(),
  MSSQL_PASSWORD: z.string().min(1).optional(),
  MSSQL_POOL_MAX: int(1, 100).default(10),

  SECRET_STORE: z.enum(['local', 'keyvault']).default('local'),
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  KEY_VAULT_URL: url.optional(),

  EMAIL_TRANSPORT: z.enum(['file', 'sendgrid']).default('file'),
  ALLOW_FILE_OUTBOX_IN_PRODUCTION: bool.default(false),
  EMAIL_FROM: z.string().email('expected an email address').default('insights@erp-insights.example'),
  SENDGRID_API_KEY_SECRET: z.string().min(1).default('sendgrid-api-key'),
  SENDGRID_BASE_URL: url.optional(),
  SENDGRID_SANDBOX: bool.default(false),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  EMAIL_CONCURRENCY: int(1, 50).default(4),

  ERP_REQUESTS_PER_SECOND: int(1, 100).default(5),
  ERP_TIMEOUT_MS: int(1000, 300000).default(30000),
  ERP_MAX_RETRIES: int(0, 10).default(5),
  SYNC_BACKFILL_MONTHS: int(1, 36).default(13),
  SYNC_REREAD_DAYS: int(0, 120).default(28),

  JOBS_ENABLED: bool.optional(),
  JOB_CONCURRENCY: int(1, 64).default(4),
  JOB_LEASE_SECONDS: int(10, 3600).default(120),
  JOB_MAX_ATTEMPTS: int(1, 20).default(5),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600).default(30),

  TENANT_RETENTION_MONTHS: int(1, 120).default(6),
  PERSON_RETENTION_MONTHS: int(1, 120).default(6),
  FACTS_RETENTION_MONTHS: int(1, 120).default(25),
  INSIGHTS_RETENTION_MONTHS: int(1, 120).default(13),
  DELIVERIES_RETENTION_MONTHS: int(1, 120).default(13),
  JOB_RUNS_RETENTION_DAYS: int(1, 3650).default(90),

  SESSION_IDLE_MINUTES: int(1, 1440).default(30),
  SESSION_ABSOLUTE_HOURS: int(1, 168).default(12),
  UNSUBSCRIBE_TOKEN_DAYS: int(1, 365).default(60),
  DEFAULT_TIMEZONE: timezone.default('Europe/Helsinki'),
  METRICS_TOKEN_SECRET: z.string().min(1).default('metrics-token'),
});

type Raw = z.infer<typeof schema>;

export interface Config extends Omit<Raw, 'LOG_FORMAT' | 'HOST' | 'PUBLIC_BASE_URL' | 'SQLITE_FILE' | 'JOBS_ENABLED'> {
  LOG_FORMAT: 'pretty' | 'json';
  HOST: string;
  PUBLIC_BASE_URL: string;
  SQLITE_FILE: string;
  JOBS_ENABLED: boolean;
  MASTER_KEY_FILE: string;
  SECRETS_FILE: string;
  OUTBOX_DIR: string;
  isProduction: boolean;
}

/** Rules that only apply when running for real customers: embedded conveniences are refused. */
function productionIssues(c: Partial<Raw>): string[] {
  if (c.NODE_ENV !== 'production') return [];
  const issues: string[] = [];
  if (c.SECRET_STORE === 'local' && !c.MASTER_KEY) {
    issues.push('MASTER_KEY: required in production with SECRET_STORE=local (a generated key is not allowed)');
  }
  if (c.EMAIL_TRANSPORT === 'file' && !c.ALLOW_FILE_OUTBOX_IN_PRODUCTION) {
    issues.push('EMAIL_TRANSPORT: the file outbox is refused in production unless ALLOW_FILE_OUTBOX_IN_PRODUCTION=true');
  }
  if (!c.PUBLIC_BASE_URL) issues.push('PUBLIC_BASE_URL: required in production');
  else if (!c.PUBLIC_BASE_URL.startsWith('https://')) issues.push('PUBLIC_BASE_URL: must use https in production');
  if (c.SENDGRID_BASE_URL && !c.SENDGRID_BASE_URL.startsWith('https://')) {
    issues.push('SENDGRID_BASE_URL: must use https in production');
  }
  if (c.DB_KIND === 'sqlite' && !c.DB_KEY && c.SECRET_STORE !== 'local') {
    issues.push('DB_KEY: required in production for the SQLite database');
  }
  return issues;
}

function dependencyIssues(c: Partial<Raw>): string[] {
  const issues: string[] = [];
  if (c.DB_KIND === 'mssql') {
    if (!c.MSSQL_SERVER) issues.push('MSSQL_SERVER: required when DB_KIND=mssql');
    if (!c.MSSQL_DATABASE) issues.push('MSSQL_DATABASE: required when DB_KIND=mssql');
    if (c.MSSQL_AUTH === 'sql' && (!c.MSSQL_USER || !c.MSSQL_PASSWORD)) {
      issues.push('MSSQL_USER: MSSQL_USER and MSSQL_PASSWORD are required when MSSQL_AUTH=sql');
    }
  }
  if (c.SECRET_STORE === 'keyvault' && !c.KEY_VAULT_URL) issues.push('KEY_VAULT_URL: required when SECRET_STORE=keyvault');
  return issues;
}

type Shape = typeof schema.shape;
const knownKeys = Object.keys(schema.shape) as (keyof Shape)[];

/** Each key on its own, so one bad value does not hide the others or the rules that need them. */
function parseEachKey(env: Record<string, string>): { values: Partial<Raw>; issues: string[] } {
  const values: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const key of knownKeys) {
    const parsed = schema.shape[key].safeParse(env[key]);
    if (parsed.success) values[key] = parsed.data;
    else issues.push(...parsed.error.issues.map((i) => `${key}: ${i.message}`));
  }
  return { values: values as Partial<Raw>, issues };
}

/**
 * A variable that is one slip away from a setting is almost certainly meant as that setting, and
 * ignoring it silently would run on the default. Short names get less slack, so HOME is not taken
 * for HOST; unrelated variables (PATH, LANG, …) are far from every setting and pass.
 */
function misspeltKeys(env: Record<string, string>): string[] {
  const known = new Set<string>(knownKeys);
  return Object.keys(env)
    .filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name) && !known.has(name))
    .flatMap((name) => {
      const meant = closestName(name, knownKeys, name.length < 6 ? 1 : 2);
      return meant ? [`${name}: not a setting; did you mean ${meant}? Rename it (it is ignored as it is)`] : [];
    });
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const { values, issues } = parseEachKey(cleaned);
  const flagged = new Set(issues.map((i) => i.split(':')[0]));
  const ruleIssues = [...dependencyIssues(values), ...productionIssues(values)].filter((i) => !flagged.has(i.split(':')[0]));
  const all = [...issues, ...ruleIssues, ...misspeltKeys(cleaned)];
  if (all.length > 0) throw new ConfigError(all);
  const c = schema.parse(cleaned);

  const isProduction = c.NODE_ENV === 'production';
  const dataDir = path.resolve(c.DATA_DIR);
  const port = c.PORT;
  return {
    ...c,
    DATA_DIR: dataDir,
    LOG_FORMAT: c.LOG_FORMAT ?? (isProduction ? 'json' : 'pretty'),
    HOST: c.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
    PUBLIC_BASE_URL: c.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    SQLITE_FILE: path.resolve(dataDir, c.SQLITE_FILE ?? 'erp-insights.db'),
    JOBS_ENABLED: c.JOBS_ENABLED ?? isProduction,
    MASTER_KEY_FILE: path.join(dataDir, 'master.key'),
    SECRETS_FILE: path.join(dataDir, 'secrets.enc'),
    OUTBOX_DIR: path.join(dataDir, 'outbox'),
    isProduction,
  };
}

/** The settings table for README, kept next to the schema so they cannot drift apart. */
export const configKeys: string[] = knownKeys;

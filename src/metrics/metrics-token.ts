import { ConfigError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';

const MIN_LENGTH = 32;

/**
 * The bearer token a Prometheus scraper presents at /metrics, kept in the secret store under
 * METRICS_TOKEN_SECRET. Absent: only staff sessions may read /metrics. Too short to be a random
 * token: refused at start rather than guarded weakly. The value is never logged or echoed.
 */
export async function readMetricsToken(secrets: SecretStore, secretName: string): Promise<string | undefined> {
  const token = (await secrets.get(secretName))?.trim();
  if (!token) return undefined;
  if (token.length < MIN_LENGTH) {
    throw new ConfigError([`METRICS_TOKEN_SECRET: the secret "${secretName}" holds fewer than ${MIN_LENGTH} characters; store a long random token there`]);
  }
  return token;
}

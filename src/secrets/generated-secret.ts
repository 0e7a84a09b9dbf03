import { randomBytes } from 'node:crypto';
import type { SecretStore } from './secret-store';

/**
 * A random key the service owns itself (database key, token signing key, CSRF key): read from the
 * secret store, created there on first use. Every replica then shares the same value.
 */
export async function generatedSecret(secrets: SecretStore, name: string): Promise<string> {
  const existing = await secrets.get(name);
  if (existing) return existing;
  const created = randomBytes(32).toString('base64');
  await secrets.set(name, created);
  return created;
}

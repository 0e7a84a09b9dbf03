/**
 * Where secrets live (ERP client credentials, the key-encryption key, the SendGrid API key).
 * Never the database, never a log line.
 */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /**
   * Deletes and purges where the store allows it; a vault with purge protection keeps an unreachable
   * soft-deleted copy until it purges it itself. Idempotent.
   */
  delete(name: string): Promise<void>;
  /** Cheap reachability probe for /ready. */
  ping(): Promise<void>;
}

/** Secret names are restricted so they are valid in Key Vault too (alphanumerics and dashes). */
export function secretName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9-]/g, '-')).join('--');
}

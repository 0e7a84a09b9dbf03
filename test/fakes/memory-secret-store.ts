import type { SecretStore } from '../../src/secrets/secret-store';

/** SecretStore held in a Map; `entries()` lets tests inspect what was stored. */
export function createMemorySecretStore(): SecretStore & { entries(): Map<string, string> } {
  const values = new Map<string, string>();
  return {
    entries: () => new Map(values),
    get: async (name) => values.get(name),
    set: async (name, value) => {
      values.set(name, value);
    },
    delete: async (name) => {
      values.delete(name);
    },
    ping: async () => undefined,
  };
}

import { ConfigError } from '../../src/errors';
import { readMetricsToken } from '../../src/metrics/metrics-token';
import { createMemorySecretStore } from '../fakes/memory-secret-store';

describe('metrics token from the secret store', () => {
  it('is absent when the secret is not set, so only staff sessions read /metrics', async () => {
    await expect(readMetricsToken(createMemorySecretStore(), 'metrics-token')).resolves.toBeUndefined();
  });

  it('is read from the named secret', async () => {
    const secrets = createMemorySecretStore();
    await secrets.set('scraper', ` ${'k'.repeat(40)}\n`);
    await expect(readMetricsToken(secrets, 'scraper')).resolves.toBe('k'.repeat(40));
  });

  it('refuses a short token, naming the setting and the secret but not the value', async () => {
    const secrets = createMemorySecretStore();
    await secrets.set('metrics-token', 'hunter2');
    const err = await readMetricsToken(secrets, 'metrics-token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('METRICS_TOKEN_SECRET');
    expect((err as ConfigError).message).toContain('"metrics-token"');
    expect((err as ConfigError).message).not.toContain('hunter2');
  });
});

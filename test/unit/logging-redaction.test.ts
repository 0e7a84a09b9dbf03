import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/logging/create-logger';

function capture(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { logger: createLogger({ level: 'debug', format, stream }), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('log redaction', () => {
  it('removes an email address from the message and from meta values', async () => {
    const { logger, lines } = capture('json');
    logger.info('sending to maija.virtanen@example.fi now', { note: 'cc liisa@example.com' });
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/@example/);
    expect(lines[0]).toContain('[redacted]');
  });

  it('removes bearer tokens, passwords and client secrets', async () => {
    const { logger, lines } = capture('json');
    logger.warn('upstream said Authorization: Bearer eyJhbGciOi.abcDEF123.xyz987', {
      url: 'https://erp.example/token?client_secret=s3cr3t-value&x=1',
      detail: 'password=hunter2hunter2',
    });
    await flush();
    const line = lines[0] ?? '';
    expect(line).not.toContain('eyJhbGciOi');
    expect(line).not.toContain('s3cr3t-value');
    expect(line).not.toContain('hunter2hunter2');
  });

  it('removes anything under personal or secret keys, however deep', async () => {
    const { logger, lines } = capture('json');
    logger.info('user mapped', {
      user: { firstName: 'Maija', lastName: 'Virtanen', phone: '+358401234567', guid: 'u-1' },
      clientSecret: 'abc',
      job: 'sync',
    });
    await flush();
    const parsed = JSON.parse(lines[0] ?? '{}');
    expect(parsed.user).toEqual({ firstName: '[redacted]', lastName: '[redacted]', phone: '[redacted]', guid: 'u-1' });
    expect(parsed.clientSecret).toBe('[redacted]');
    expect(parsed.job).toBe('sync');
  });

  it('puts UTC time, level and the context ids on every line', async () => {
    const { logger, lines } = capture('json');
    logger.child({ jobId: 'run-7', tenantId: 't-1' }).info('started');
    logger.info('no context');
    await flush();
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: 'info', jobId: 'run-7', tenantId: 't-1', message: 'started' });
    expect(a.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(b).toMatchObject({ jobId: '-', tenantId: '-' });
  });

  it('redacts in the readable development format too', async () => {
    const { logger, lines } = capture('pretty');
    logger.error('login failed for admin@customer.fi', { email: 'admin@customer.fi' });
    await flush();
    expect(lines[0]).not.toContain('customer.fi');
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z error/);
  });
});

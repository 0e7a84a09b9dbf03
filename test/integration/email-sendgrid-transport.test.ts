import { createSendGridTransport } from '../../integrations/sendgrid/sendgrid-transport';
import { fixedClock } from '../../src/clock';
import { EmailSendError } from '../../src/email/errors';
import type { OutgoingEmail } from '../../src/email/transport';
import { unsubscribeHeaders } from '../../src/email/unsubscribe-token';
import { createMemoryLogger } from '../fakes/memory-logger';
import { type SendGridCaptureServer, startSendGridCaptureServer } from '../fakes/sendgrid-capture-server';

const API_KEY = 'SG.test-key.0123456789abcdefghijklmnopqrstuvwxyz';
const ADDRESS = 'aino.virtanen@customer.example';
const UNSUBSCRIBE_URL = 'https://insights.example/u/tok-123';

interface SentBody {
  personalizations: unknown;
  from: unknown;
  subject: string;
  content: unknown;
  categories: string[];
  mail_settings: unknown;
  tracking_settings: { click_tracking: unknown; open_tracking: unknown };
}

function message(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: ADDRESS,
    subject: 'Viikko 47: 7,5 h kirjaamatta',
    html: '<p>Hei</p>',
    text: 'Hei',
    headers: unsubscribeHeaders(UNSUBSCRIBE_URL),
    categories: ['insights', 'weekly'],
    customArgs: { tenant_id: 'tenant-1', delivery_id: 'del-42' },
    ...overrides,
  };
}

describe('SendGrid transport against a loopback capture server', () => {
  let server: SendGridCaptureServer;
  const clock = fixedClock(new Date('2026-11-16T05:00:00Z'));

  beforeEach(async () => {
    server = await startSendGridCaptureServer();
  });
  afterEach(async () => {
    await server.close();
  });

  function transport(sandbox = false) {
    const logger = createMemoryLogger();
    const t = createSendGridTransport({
      apiKey: API_KEY,
      baseUrl: server.baseUrl,
      sandbox,
      from: { email: 'insights@service.example', name: 'ERP Insights' },
      logger,
      clock,
    });
    return { t, logger };
  }

  it('sends a real v3 mail/send request with both parts, headers, categories and custom args', async () => {
    server.respondWith({ status: 202, headers: { 'X-Message-Id': 'sg-abc' } });
    const { t, logger } = transport();

    await expect(t.send(message())).resolves.toEqual({ providerId: 'sg-abc' });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v3/mail/send');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const body = req.body as SentBody;
    expect(body.personalizations).toEqual([
      {
        to: [{ email: ADDRESS }],
        headers: { 'List-Unsubscribe': `<${UNSUBSCRIBE_URL}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        custom_args: { tenant_id: 'tenant-1', delivery_id: 'del-42' },
      },
    ]);
    expect(body.from).toEqual({ email: 'insights@service.example', name: 'ERP Insights' });
    expect(body.subject).toBe('Viikko 47: 7,5 h kirjaamatta');
    expect(body.content).toEqual([
      { type: 'text/plain', value: 'Hei' },
      { type: 'text/html', value: '<p>Hei</p>' },
    ]);
    expect(body.categories).toEqual(['insights', 'weekly']);
    expect(body.mail_settings).toEqual({ sandbox_mode: { enable: false } });
    expect(body.tracking_settings.click_tracking).toEqual({ enable: false, enable_text: false });
    expect(body.tracking_settings.open_tracking).toEqual({ enable: false });
    expect(JSON.stringify(logger.records)).not.toContain(ADDRESS);
    expect(logger.records).toEqual([
      expect.objectContaining({ level: 'info', meta: expect.objectContaining({ deliveryId: 'del-42', providerId: 'sg-abc' }) }),
    ]);
  });

  it('carries the API key only in the Authorization header and mail headers only in the body', async () => {
    const { t } = transport();
    await t.send(message());
    const req = server.requests[0]!;
    const otherHeaders = Object.entries(req.headers).filter(([name]) => name !== 'authorization');
    expect(JSON.stringify(otherHeaders)).not.toContain('test-key');
    expect(req.rawBody).not.toContain('test-key');
    expect(req.url).not.toContain('test-key');
    // @sendgrid/mail copies top-level mail headers onto the HTTP request; personalization headers are not.
    expect(req.headers['list-unsubscribe']).toBeUndefined();
  });

  it('sets sandbox mode when asked', async () => {
    const { t } = transport(true);
    server.respondWith({ status: 200 });
    await expect(t.send(message())).resolves.toEqual({ providerId: 'sandbox' });
    expect((server.requests[0]!.body as SentBody).mail_settings).toEqual({ sandbox_mode: { enable: true } });
  });

  it('maps 429 to rate_limited with the wait from X-RateLimit-Reset (epoch seconds)', async () => {
    const reset = Math.floor(clock.now().getTime() / 1000) + 42;
    server.respondWith({ status: 429, headers: { 'X-RateLimit-Reset': String(reset) }, body: { errors: [{ message: 'too many requests' }] } });
    const { t } = transport();
    const err = await t.send(message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailSendError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000, providerStatus: 429 });
  });

  it('maps 429 with only Retry-After', async () => {
    server.respondWith({ status: 429, headers: { 'Retry-After': '7' } });
    const err = await transport().t.send(message()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000 });
  });

  it('maps 5xx to retryable', async () => {
    server.respondWith({ status: 500, body: { errors: [{ message: 'internal error' }] } });
    const err = await transport().t.send(message()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'retryable', providerStatus: 500 });
  });

  it.each([400, 403, 413])('maps %i to permanent with a reason that has no address in it', async (status) => {
    server.respondWith({
      status,
      body: { errors: [{ message: `The to address ${ADDRESS} is invalid`, field: 'personalizations.0.to', help: null }] },
    });
    const { t, logger } = transport();
    const err = (await t.send(message()).catch((e: unknown) => e)) as EmailSendError;
    expect(err).toBeInstanceOf(EmailSendError);
    expect(err.kind).toBe('permanent');
    expect(err.reason).toBe('personalizations.0.to: The to address [address] is invalid');
    expect(err.message).not.toContain(ADDRESS);
    expect(JSON.stringify(logger.records)).not.toContain(ADDRESS);
  });

  it.each(['reset', 'hang'] as const)('maps a %s after the request was read to unknown: SendGrid may have taken it', async (fault) => {
    server.respondWith({ fault });
    const t = createSendGridTransport({ apiKey: API_KEY, baseUrl: server.baseUrl, from: { email: 'a@b.example' }, logger: createMemoryLogger(), clock, timeoutMs: 300 });
    const err = await t.send(message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailSendError);
    expect(err).toMatchObject({ kind: 'unknown', providerStatus: undefined });
    expect(server.messagesPerAddress()).toEqual({ [ADDRESS]: 1 });
  });

  it('maps a refused connection to retryable', async () => {
    const url = server.baseUrl;
    await server.close();
    const t = createSendGridTransport({ apiKey: API_KEY, baseUrl: url, from: { email: 'a@b.example' }, logger: createMemoryLogger(), clock });
    const err = await t.send(message()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'retryable' });
    server = await startSendGridCaptureServer();
  });
});

import { fixedClock } from '../../src/clock';
import { createTokenSigner, unsubscribeHeaders } from '../../src/email/unsubscribe-token';
import { ValidationError } from '../../src/errors';

const SECRET = 'a-test-signing-secret-of-at-least-32-bytes!';
const DAY = 24 * 60 * 60 * 1000;

function setup() {
  const clock = fixedClock(new Date('2026-11-16T05:00:00Z'));
  return { clock, signer: createTokenSigner({ secret: SECRET, clock }) };
}

const claims = { tenantId: 'tenant-1', personId: 'person-7', purpose: 'unsubscribe' as const, ttlDays: 30 };

describe('unsubscribe tokens', () => {
  it('round-trips the claims and is URL-safe', () => {
    const { signer } = setup();
    const token = signer.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token, 'unsubscribe')).toEqual({
      tenantId: 'tenant-1',
      personId: 'person-7',
      purpose: 'unsubscribe',
      expiresAt: new Date(Date.parse('2026-11-16T05:00:00Z') + 30 * DAY),
    });
  });

  it('rejects a token whose payload was changed', () => {
    const { signer } = setup();
    const [body, sig] = signer.sign(claims).split('.') as [string, string];
    const forged = Buffer.from(
      Buffer.from(body, 'base64url').toString('utf8').replace('person-7', 'person-8'),
      'utf8',
    ).toString('base64url');
    expect(() => signer.verify(`${forged}.${sig}`, 'unsubscribe')).toThrow(ValidationError);
  });

  it('rejects a changed signature, a truncated token and garbage', () => {
    const { signer } = setup();
    const token = signer.sign(claims);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(() => signer.verify(token.slice(0, -1) + last, 'unsubscribe')).toThrow(ValidationError);
    expect(() => signer.verify(token.slice(0, -4), 'unsubscribe')).toThrow(ValidationError);
    expect(() => signer.verify('not-a-token', 'unsubscribe')).toThrow(ValidationError);
    expect(() => signer.verify('', 'unsubscribe')).toThrow(ValidationError);
    expect(() => signer.verify(`${token}.extra`, 'unsubscribe')).toThrow(ValidationError);
  });

  it('rejects a token signed with another secret', () => {
    const { clock, signer } = setup();
    const other = createTokenSigner({ secret: 'another-secret-that-is-also-32-bytes-long', clock });
    expect(() => signer.verify(other.sign(claims), 'unsubscribe')).toThrow(ValidationError);
  });

  it('rejects a token used for another purpose', () => {
    const { signer } = setup();
    const token = signer.sign({ ...claims, purpose: 'preferences' });
    expect(signer.verify(token, 'preferences').purpose).toBe('preferences');
    expect(() => signer.verify(token, 'unsubscribe')).toThrow(ValidationError);
  });

  it('expires after ttlDays', () => {
    const { clock, signer } = setup();
    const token = signer.sign({ ...claims, ttlDays: 7 });
    clock.advance(7 * DAY - 1000);
    expect(signer.verify(token, 'unsubscribe').personId).toBe('person-7');
    clock.advance(1000);
    expect(() => signer.verify(token, 'unsubscribe')).toThrow('Invalid or expired link');
  });

  it('refuses a short secret and a non-positive ttl', () => {
    const { clock, signer } = setup();
    expect(() => createTokenSigner({ secret: 'short', clock })).toThrow(ValidationError);
    expect(() => signer.sign({ ...claims, ttlDays: 0 })).toThrow(ValidationError);
  });
});

describe('unsubscribeHeaders', () => {
  it('builds RFC 8058 one-click headers', () => {
    expect(unsubscribeHeaders('https://insights.example/u/abc.def')).toEqual({
      'List-Unsubscribe': '<https://insights.example/u/abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribeHeaders('http://127.0.0.1:3000/u/x')['List-Unsubscribe']).toBe('<http://127.0.0.1:3000/u/x>');
  });

  it('refuses anything but https (plain http only on loopback)', () => {
    expect(() => unsubscribeHeaders('http://insights.example/u/x')).toThrow(ValidationError);
    expect(() => unsubscribeHeaders('mailto:unsubscribe@insights.example')).toThrow(ValidationError);
    expect(() => unsubscribeHeaders('not a url')).toThrow(ValidationError);
  });
});

import { checkPasswordPolicy, createPasswordHasher } from '../../src/auth/passwords';
import { isCommonPassword } from '../../src/auth/common-passwords';
import { ValidationError } from '../../src/errors';
import { totpCode, totpStep, newTotpEnrolment } from '../../src/auth/totp';

test('scrypt hashes at the strong default verify the right password only and are salted', async () => {
  const { hash, verify } = createPasswordHasher();
  const a = await hash('Quiet-Harbour-Lantern-42');
  const b = await hash('Quiet-Harbour-Lantern-42');
  expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
  expect(a).not.toBe(b);
  expect(await verify('Quiet-Harbour-Lantern-42', a)).toBe(true);
  expect(await verify('Quiet-Harbour-Lantern-43', a)).toBe(false);
  expect(await verify('x', 'not-a-hash')).toBe(false);
});

test('the cost is injectable and travels in the hash, so hashes of either cost verify with either hasher', async () => {
  const cheap = createPasswordHasher({ cost: 16 });
  const strong = createPasswordHasher();
  const hash = await cheap.hash('Quiet-Harbour-Lantern-42');
  expect(hash).toMatch(/^scrypt\$16\$8\$1\$/);
  expect(await strong.verify('Quiet-Harbour-Lantern-42', hash)).toBe(true);
  expect(await cheap.verify('Quiet-Harbour-Lantern-42', await strong.hash('Quiet-Harbour-Lantern-42'))).toBe(true);
  expect(await cheap.dummyHash()).toMatch(/^scrypt\$16\$/);
  expect(() => createPasswordHasher({ cost: 1000 })).toThrow('power of two');
});

test.each(['password1234', 'Password1234!', 'qwertyuiop12', '123456789012', 'monkeymonkey', 'aaaaaaaaaaaa', 'Salasana2025!'])('rejects common password %s', (p) => {
  expect(isCommonPassword(p)).toBe(true);
  expect(() => checkPasswordPolicy(p)).toThrow(ValidationError);
});

test('accepts a long uncommon password and rejects short ones or ones containing the user name', () => {
  expect(() => checkPasswordPolicy('Quiet-Harbour-Lantern-42')).not.toThrow();
  expect(() => checkPasswordPolicy('Sh0rt-pass')).toThrow(/requirements/);
  expect(() => checkPasswordPolicy('alice-Harbour-Lantern', { username: 'alice' })).toThrow(ValidationError);
});

test('TOTP codes verify within one step of drift and not beyond', () => {
  const { secret, otpauthUri } = newTotpEnrolment('ops');
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
  const now = new Date('2026-03-02T08:00:00.000Z');
  const code = totpCode(secret, now);
  const step = Math.floor(now.getTime() / 30_000);
  expect(totpStep(secret, code, now)).toBe(step);
  // One step of drift is accepted and reported as the step the code was made for.
  expect(totpStep(secret, code, new Date(now.getTime() + 30_000))).toBe(step);
  expect(totpStep(secret, code, new Date(now.getTime() + 120_000))).toBeNull();
  expect(totpStep(secret, 'abcdef', now)).toBeNull();
});

import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError, type PageText } from '../errors';
import { isCommonPassword } from './common-passwords';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** OWASP's scrypt floor for N; maxmem must exceed 128 * N * r bytes or node refuses. */
export const STRONG_SCRYPT_COST = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export const MIN_PASSWORD_LENGTH = 12;

export interface PasswordHasher {
  /** Self-describing hash, so the cost can be raised later without breaking stored hashes. */
  hash(password: string): Promise<string>;
  /** Reads the cost from the stored hash, so hashes made at another cost still verify. */
  verify(password: string, stored: string): Promise<boolean>;
  /** A hash of a random password at this hasher's cost: verifying against it takes as long as a real one. */
  dummyHash(): Promise<string>;
}

/** Production uses the strong default; tests pass a small power of two so signing in costs nothing. */
export function createPasswordHasher(options: { cost: number } = { cost: STRONG_SCRYPT_COST }): PasswordHasher {
  const { cost } = options;
  if (!Number.isInteger(Math.log2(cost)) || cost < 2) throw new Error('The scrypt cost must be a power of two');
  async function hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: cost, r: R, p: P, maxmem: MAX_MEM });
    return ['scrypt', cost, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
  }
  let dummy: Promise<string> | undefined;
  return {
    hash,
    verify: verifyPassword,
    dummyHash() {
      dummy ??= hash(randomBytes(16).toString('hex'));
      return dummy;
    },
  };
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(saltText, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEM,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Throws ValidationError listing every rule the new password breaks. */
export function checkPasswordPolicy(password: string, context: { username?: string } = {}): void {
  const broken: Array<[string, PageText]> = [];
  if (password.length < MIN_PASSWORD_LENGTH) broken.push([`Use at least ${MIN_PASSWORD_LENGTH} characters.`, { key: 'password.tooShort', params: { min: MIN_PASSWORD_LENGTH } }]);
  if (password.length > 256) broken.push(['Use at most 256 characters.', { key: 'password.tooLong' }]);
  if (isCommonPassword(password)) broken.push(['This password is too common; choose something less predictable.', { key: 'password.common' }]);
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase())) {
    broken.push(['The password must not contain the user name.', { key: 'password.containsName' }]);
  }
  if (broken.length > 0) {
    throw new ValidationError('The password does not meet the requirements', broken.map(([issue]) => issue), {
      pageTexts: [{ key: 'error.weakPassword' }],
      issueTexts: broken.map(([, text]) => text),
    });
  }
}

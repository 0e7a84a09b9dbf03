import { ValidationError } from '../errors';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Rejecting '@' keeps email addresses out of the users table. */
export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new ValidationError('Invalid user name', ['Use 3–64 lowercase letters, digits, dots, dashes or underscores (not an email address).'], {
      pageTexts: [{ key: 'error.invalidUsername' }],
      issueTexts: [{ key: 'username.invalid' }],
    });
  }
}

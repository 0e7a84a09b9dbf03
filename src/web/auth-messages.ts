/** Worded for the user name, not the account: unknown names pause the same way, so this reveals nothing. */
export const lockedMessage = (until: string): string =>
  `Too many failed sign-in attempts. Sign-in with this user name is paused until ${until.slice(11, 16)} UTC; try again then or ask an operator to unlock it.`;

import { authenticator } from 'otplib';

const ISSUER = 'ERP Insights';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export function newTotpEnrolment(username: string): TotpEnrolment {
  const secret = authenticator.generateSecret(20);
  return { secret, otpauthUri: authenticator.keyuri(username, ISSUER, secret) };
}

/**
 * Accepts the current 30-second step and one step either side for clock drift. The epoch comes from
 * the injected clock so tests can freeze time.
 */
export function verifyTotp(secret: string, code: string, now: Date): boolean {
  if (!/^[0-9]{6}$/.test(code)) return false;
  const checker = authenticator.clone({ window: 1, epoch: now.getTime() });
  return checker.check(code, secret);
}

export function totpCode(secret: string, now: Date): string {
  return authenticator.clone({ epoch: now.getTime() }).generate(secret);
}

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

const STEP_MS = 30_000;

/**
 * The 30-second time step a code belongs to, accepting the current step and one either side for clock
 * drift; null when the code does not match. Callers remember the step so a code works only once. The
 * epoch comes from the injected clock so tests can freeze time.
 */
export function totpStep(secret: string, code: string, now: Date): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const delta = authenticator.clone({ window: 1, epoch: now.getTime() }).checkDelta(code, secret);
  return delta === null ? null : Math.floor(now.getTime() / STEP_MS) + delta;
}


export function totpCode(secret: string, now: Date): string {
  return authenticator.clone({ epoch: now.getTime() }).generate(secret);
}

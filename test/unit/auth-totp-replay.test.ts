import { totpCode } from '../../src/auth/totp';
import { createUsersService } from '../../src/auth/users.service';
import { fixedClock } from '../../src/clock';
import { plainCipher, testPasswords } from '../fakes/web-app';
import { createTestDb } from '../fakes/test-db';

describe('TOTP codes', () => {
  it('are accepted once: a code observed in use cannot sign in again, the next one can', async () => {
    const db = await createTestDb();
    const clock = fixedClock(new Date('2026-11-26T08:00:05.000Z'));
    const users = createUsersService({ db, clock, cipher: plainCipher, passwords: testPasswords });
    const { userId, enrolment } = await users.createStaffUser('ops-replay');
    const code = totpCode(enrolment.secret, clock.now());

    expect(await users.checkTotp(userId, code, { address: '127.0.0.1' })).toMatchObject({ ok: true });
    expect(await users.checkTotp(userId, code, { address: '127.0.0.1' })).toEqual({ ok: false, reason: 'invalid' });
    clock.advance(20_000);
    expect(await users.checkTotp(userId, code, { address: '127.0.0.1' })).toEqual({ ok: false, reason: 'invalid' });
    clock.advance(15_000);
    expect(await users.checkTotp(userId, totpCode(enrolment.secret, clock.now()), { address: '127.0.0.1' })).toMatchObject({ ok: true });
    await db.close();
  });
});

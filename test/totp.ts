import * as OTPAuth from 'otpauth';
import { nowIso } from '../server/db/tree.js';
import { newTotpSecret } from '../server/features/auth/totp.js';
export { clientFrom } from './factories.js';
import type { TestUser } from './factories.js';
import type { TestContext } from './harness.js';

// The second factor in tests: codes computed the way a phone's authenticator app computes them (otpauth, RFC 6238
// defaults), and accounts enrolled directly in the database for the tests that need one but are not about enrolling.

/** The code an authenticator app shows `steps` 30-second steps from now (negative: earlier). */
export function totpCode(secret: string, steps = 0): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: Date.now() + steps * 30_000,
  });
}

/** The current 30-second step. */
export function currentStep(): number {
  return OTPAuth.TOTP.counter({ period: 30 });
}

/**
 * Gives an account an enrolled second factor without going through the pages, as if its owner had enrolled a
 * minute ago (no code of this step used yet). Returns the secret, which only the phone and the test know.
 */
export async function enrolDirectly(ctx: TestContext, user: Pick<TestUser, 'id'>): Promise<string> {
  const secret = newTotpSecret();
  await ctx.db
    .updateTable('users')
    .set({
      totp_secret: ctx.app.keyring.encrypt(secret),
      totp_enabled_at: nowIso(),
      totp_last_step: currentStep() - 2,
    })
    .where('id', '=', user.id)
    .execute();
  return secret;
}

/**
 * As if time had passed since the last code was used: the replay rule refuses a step at or before the last one
 * accepted, and a test cannot wait 30 seconds for the next.
 */
export async function forgetUsedCodes(ctx: TestContext, user: Pick<TestUser, 'id'>): Promise<void> {
  await ctx.db
    .updateTable('users')
    .set({ totp_last_step: currentStep() - 2 })
    .where('id', '=', user.id)
    .execute();
}

import * as OTPAuth from 'otpauth';

// RFC 6238 as every authenticator app reads it by default: HMAC-SHA-1, 6 digits, 30-second steps. A code is
// accepted one step either side of now (a phone clock a little off, a code typed as it changes).

const algorithm = 'SHA1';
const digits = 6;
const period = 30;
const window = 1;

/** A fresh 160-bit secret (RFC 4226's recommended length), in base32 as people type it into an app. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans from the QR code. */
export function totpUri(input: { issuer: string; account: string; secret: string }): string {
  return new OTPAuth.TOTP({
    issuer: input.issuer,
    label: input.account,
    algorithm,
    digits,
    period,
    secret: OTPAuth.Secret.fromBase32(input.secret),
  }).toString();
}

/** People copy codes with a space in the middle ("123 456"); the schema lets that through, this takes it out. */
export function normalizeCode(code: string): string {
  return code.replace(/\s/g, '');
}

/**
 * The time step a code belongs to (within the window around `now`), or null when it is no code of this secret.
 * The caller refuses a step at or before the last one accepted: that is a replay.
 */
export function codeStep(secret: string, code: string, now = Date.now()): number | null {
  const token = normalizeCode(code);
  if (!/^\d{6}$/.test(token)) return null;
  const delta = OTPAuth.TOTP.validate({
    token,
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm,
    digits,
    period,
    timestamp: now,
    window,
  });
  return delta === null ? null : OTPAuth.TOTP.counter({ period, timestamp: now }) + delta;
}

import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app expects it: SHA-1, 6 digits, 30 seconds. */
const PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, username: string): TOTP {
  return new TOTP({
    issuer: 'koppel',
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

export function totpUri(secret: string, username: string): string {
  return totp(secret, username).toString();
}

/**
 * The time step of a valid code (one step of clock drift either way), or undefined. The caller refuses a
 * step at or before the last one accepted, so a code works once and an older one never again.
 */
export function totpStep(secret: string, username: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret, username).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

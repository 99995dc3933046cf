import path from 'node:path';
import { passwordProfiles, type PasswordProfile } from '../common/auth.js';

/** All configuration comes from environment variables (documented in README.md). */
export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  adminPassword: string | null;
  logLevel: string;
  /** Trust X-Forwarded-* from a reverse proxy (needed for Secure cookies behind TLS termination). */
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  /** Login attempts per minute from one address before 429. */
  loginRateLimit: number;
  /**
   * Admins and everyone allowed to reveal ID numbers must enrol a TOTP second factor before anything else. On unless
   * TUANJIAN_REQUIRE_TOTP=0: the test harnesses turn it off so that their fixtures log in with a password alone
   * (docs/ARCHITECTURE.md). An account that has enrolled needs its code at every login either way.
   */
  requireTotp: boolean;
  /** The name authenticator apps show beside the code. */
  totpIssuer: string;
  /** "standard": length and common passwords; "mlps" (等保) adds complexity, 90-day rotation and no reuse of the last 5. */
  passwordProfile: PasswordProfile;
  webDir: string;
  /** Master key for personal data (base64, 32 bytes); null: a key file in the data directory. */
  dataKey: string | null;
  /** Largest evidence screenshot and spreadsheet accepted, in bytes. */
  maxImageBytes: number;
  maxSpreadsheetBytes: number;
  /** 团课 hours an activist needs before becoming a candidate (发展对象); provinces differ. */
  minLectureHours: number;
  /** Base URL of the official-account API (https://api.weixin.qq.com); tests point it at a local fake. */
  wechatApiBase: string;
  /** Base URL of the WeCom robot webhook (https://qyapi.weixin.qq.com). */
  wecomApiBase: string;
  /** How the outside world reaches this server: shareable news links and the WeChat callback URL. */
  publicUrl: string;
};

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}

function flagFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'off', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

function urlFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function profileFromEnv(env: NodeJS.ProcessEnv): PasswordProfile {
  const raw = env.TUANJIAN_PASSWORD_PROFILE || 'standard';
  const profile = passwordProfiles.find((p) => p === raw);
  if (!profile) throw new Error(`TUANJIAN_PASSWORD_PROFILE must be standard or mlps, got "${raw}"`);
  return profile;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)');
  }
  return {
    port: intFromEnv(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.TUANJIAN_DATA_DIR || './data'),
    databaseUrl,
    adminPassword: env.TUANJIAN_ADMIN_PASSWORD || null,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TUANJIAN_TRUST_PROXY === '1' || env.TUANJIAN_TRUST_PROXY === 'true',
    sessionIdleMinutes: intFromEnv(env, 'TUANJIAN_SESSION_IDLE_MINUTES', 30),
    sessionAbsoluteHours: intFromEnv(env, 'TUANJIAN_SESSION_ABSOLUTE_HOURS', 12),
    lockoutThreshold: intFromEnv(env, 'TUANJIAN_LOCKOUT_THRESHOLD', 5),
    lockoutMinutes: intFromEnv(env, 'TUANJIAN_LOCKOUT_MINUTES', 15),
    loginRateLimit: intFromEnv(env, 'TUANJIAN_LOGIN_RATE_LIMIT', 30),
    requireTotp: flagFromEnv(env, 'TUANJIAN_REQUIRE_TOTP', true),
    totpIssuer: env.TUANJIAN_TOTP_ISSUER || '团建',
    passwordProfile: profileFromEnv(env),
    webDir: path.resolve(env.TUANJIAN_WEB_DIR || path.join(import.meta.dirname, '..', 'dist', 'web')),
    dataKey: env.TUANJIAN_DATA_KEY || null,
    maxImageBytes: intFromEnv(env, 'TUANJIAN_MAX_IMAGE_MB', 5) * 1024 * 1024,
    maxSpreadsheetBytes: intFromEnv(env, 'TUANJIAN_MAX_SPREADSHEET_MB', 100) * 1024 * 1024,
    minLectureHours: intFromEnv(env, 'TUANJIAN_MIN_LECTURE_HOURS', 8, 0),
    wechatApiBase: urlFromEnv(env, 'TUANJIAN_WECHAT_API_BASE', 'https://api.weixin.qq.com'),
    wecomApiBase: urlFromEnv(env, 'TUANJIAN_WECOM_API_BASE', 'https://qyapi.weixin.qq.com'),
    publicUrl: urlFromEnv(env, 'TUANJIAN_PUBLIC_URL', `http://${env.HOST || '127.0.0.1'}:${env.PORT || '3000'}`),
  };
}

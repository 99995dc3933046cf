import path from 'node:path';

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
  webDir: string;
  /** Master key for personal data (base64, 32 bytes); null: a key file in the data directory. */
  dataKey: string | null;
  /** Largest evidence screenshot and spreadsheet accepted, in bytes. */
  maxImageBytes: number;
  maxSpreadsheetBytes: number;
  /** 团课 hours an activist needs before becoming a candidate (发展对象); provinces differ. */
  minLectureHours: number;
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
    webDir: path.resolve(env.TUANJIAN_WEB_DIR || path.join(import.meta.dirname, '..', 'dist', 'web')),
    dataKey: env.TUANJIAN_DATA_KEY || null,
    maxImageBytes: intFromEnv(env, 'TUANJIAN_MAX_IMAGE_MB', 5) * 1024 * 1024,
    maxSpreadsheetBytes: intFromEnv(env, 'TUANJIAN_MAX_SPREADSHEET_MB', 100) * 1024 * 1024,
    minLectureHours: intFromEnv(env, 'TUANJIAN_MIN_LECTURE_HOURS', 8, 0),
  };
}

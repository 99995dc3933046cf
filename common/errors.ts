// Stable error codes: programs match on the code, people read the message.
export const errorCodes = [
  'validation_failed',
  'not_found',
  'unauthenticated',
  'invalid_credentials',
  'password_change_required',
  /** The role needs a TOTP second factor and none is enrolled yet. */
  'totp_enrolment_required',
  /** A TOTP code that is wrong, or was already used (replay). */
  'invalid_totp',
  /** The step between password and code took too long, or was already used: log in again. */
  'login_expired',
  'forbidden',
  'csrf_failed',
  'conflict',
  'org_not_empty',
  'org_dissolved',
  'invalid_move',
  'move_pending',
  'weak_password',
  'rate_limited',
  'file_too_large',
  'unsupported_file',
  'import_failed',
  /** The ID number is already registered by another org: a duplicate case was opened. */
  'duplicate_person',
  /** A league rule refuses the step (age, observation months, lecture hours, the 20% share, a review grade). */
  'rule_violation',
  /** WeChat refused a call made for the request, or could not be reached (502; details.errcode when it answered). */
  'wechat_api_error',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown; requestId?: string } };

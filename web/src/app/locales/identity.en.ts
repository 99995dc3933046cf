import type { identityZh } from './identity.zh.js';

// The second factor, the password profiles and the session actions on accounts (English). Merged into en.ts.
export const identityEn: Record<keyof typeof identityZh, string> = {
  'login.totpTitle': 'Two-step verification',
  'login.totpPrompt': 'Open the authenticator app on your phone and enter the 6-digit code it shows for "{username}".',
  'login.totpCode': 'Code',
  'login.totpRequired': 'Enter the 6-digit code',
  'login.totpSubmit': 'Verify and log in',
  'login.totpBack': 'Back to the password',

  'header.twoFactor': 'Two-step verification',

  'password.forcedOrExpired':
    'This is your first login, or your password was reset or has expired: set a new password to continue.',
  'password.ruleMlps':
    'At least 10 characters with three of: upper case, lower case, digits, symbols; not containing the username, not a common password, none of your last 5 passwords. Passwords must change every 90 days.',
  'password.tooShortMlps': 'The new password needs at least 10 characters',

  'totp.title': 'Two-step verification',
  'totp.subtitle': 'Logging in takes your password and a code from your phone: a leaked password alone is not enough',
  'totp.forced':
    'Your role (an administrator, or allowed to see full ID numbers) must turn on two-step verification before anything else.',
  'totp.step1': 'Install an authenticator app on your phone',
  'totp.step1Help':
    'Tencent Authenticator (WeChat mini program), Microsoft Authenticator, Google Authenticator or similar.',
  'totp.step2': 'Scan the QR code with the app',
  'totp.step2Help': 'If you cannot scan it, choose "enter a setup key", account {account}, time-based, with this key:',
  'totp.secret': 'Key',
  'totp.step3': 'Enter a code to turn it on',
  'totp.step3Help': 'Enter the 6 digits the app shows. The code changes every 30 seconds.',
  'totp.confirm': 'Turn on',
  'totp.done': 'Two-step verification is on: every login now asks for a code',
  'totp.enabledTitle': 'Two-step verification is on',
  'totp.enabledHelp':
    'Every login asks for the code from your authenticator app. If you change or lose your phone, ask the security administrator or your upper administrator to reset it.',
  'totp.back': 'Back to the start page',
  'totp.loadFailed': 'Two-step verification could not be set up',

  'users.status.totp': 'Two-step',
  'users.endSessions': 'End sessions',
  'users.endSessionsConfirm': 'End every session of "{name}"? Pages they have open log out at once.',
  'users.sessionsEnded': '{count} session(s) ended',
  'users.resetTotp': 'Reset two-step',
  'users.resetTotpConfirm':
    'Reset the two-step verification of "{name}"? Their sessions end; after logging in with the password they set up the authenticator again. Make sure they asked for it (a lost phone).',
  'users.totpReset': 'Two-step verification reset',
};

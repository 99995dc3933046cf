import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { findUserById, updateUser } from '../users/repo.js';
import { deleteUserSessions } from './repo.js';
import { openSession, type AuthPolicy, type NewSession } from './sessions.js';
import { codeStep, newTotpSecret, totpUri } from './totp.js';

// Enrolling a TOTP second factor: a secret is handed out (QR code and text) and becomes the account's factor only
// when a first code from the app proves it was copied right. Both the pending and the active secret are stored
// encrypted with the personal-data keyring; the active one never leaves the server.

const alreadyEnabled = () => conflict('已启用两步验证；如需更换手机，请联系安全管理员或上级管理员重置');

/**
 * The secret to enrol. Asking again before confirming hands out the same pending secret (a page opened twice
 * shows one QR code, not two of which only the last works).
 */
export async function startEnrolment(input: { db: Db; keyring: Keyring; policy: AuthPolicy; actor: Actor }) {
  const { db, keyring, actor } = input;
  const user = await findUserById(db, actor.userId);
  if (!user) throw notFound('用户');
  if (user.totp_secret !== null) throw alreadyEnabled();
  let secret: string;
  if (user.totp_pending_secret !== null) {
    secret = keyring.decrypt(user.totp_pending_secret);
  } else {
    secret = newTotpSecret();
    await updateUser(db, user.id, { totp_pending_secret: keyring.encrypt(secret) });
  }
  const issuer = input.policy.totpIssuer;
  return { secret, issuer, account: user.username, uri: totpUri({ issuer, account: user.username, secret }) };
}

/**
 * The first code makes the pending secret the account's factor. Every session of the account ends (they were
 * opened without it) and a new one opens for this browser.
 */
export async function confirmEnrolment(input: {
  db: Db;
  keyring: Keyring;
  policy: AuthPolicy;
  actor: Actor;
  code: string;
}): Promise<NewSession> {
  const { db, keyring, actor } = input;
  return db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, actor.userId);
    if (!user) throw notFound('用户');
    if (user.totp_secret !== null) throw alreadyEnabled();
    if (user.totp_pending_secret === null) throw conflict('请先开始设置两步验证');
    const step = codeStep(keyring.decrypt(user.totp_pending_secret), input.code);
    if (step === null) {
      throw new AppError('invalid_totp', 400, '验证码不正确：请输入验证器上当前显示的 6 位数字，并确认手机时间准确');
    }
    const at = nowIso();
    await updateUser(trx, user.id, {
      totp_secret: user.totp_pending_secret,
      totp_pending_secret: null,
      totp_enabled_at: at,
      // The confirming code is used: it cannot open a login afterwards.
      totp_last_step: step,
      updated_at: at,
    });
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, actor, { action: 'auth.totp_enabled', objectType: 'user', objectId: user.id });
    return openSession(trx, (await findUserById(trx, user.id))!, input.policy, actor.ip);
  });
}

import type { Executor } from '../db/schema.js';
import type { Actor } from '../http/actor.js';
import { recordAudit } from '../features/audit/service.js';
import type { Keyring } from './keyring.js';

/**
 * The one way a full personal value leaves the server: the caller has checked the permission and the object's
 * scope; this decrypts and writes the audit row in the caller's transaction, so no reveal goes unrecorded.
 */
export async function revealAudited(
  trx: Executor,
  keyring: Keyring,
  actor: Actor,
  input: { objectType: string; objectId: number; orgId: number; field: string; cipher: string },
): Promise<string> {
  const value = keyring.decrypt(input.cipher);
  await recordAudit(trx, actor, {
    action: 'personal.reveal',
    objectType: input.objectType,
    objectId: input.objectId,
    orgId: input.orgId,
    details: { field: input.field },
  });
  return value;
}

import type { ContactLogBody } from '../../../common/ledger.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { conflict, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { addToContactCount } from '../cadres/repo.js';
import { loadActiveCadre, loadVisibleCadre } from '../cadres/service.js';
import { deleteLink, insertLink, insertLog, updateContact } from './repo.js';
import { loadVisibleContact, presentContactDetail } from './service.js';

// "1 cadre + N youth": which cadres keep contact with which youth, and the log of those contacts. A cadre's
// contact_count follows its links in the same transaction, and the campaigns' cadre_contact_share with it.

/** Links a cadre in post to a youth; a link already there is refused (409), so a double click cannot count twice. */
export async function linkCadre(db: Db, actor: Actor, contactId: number, cadreId: number) {
  return db.transaction().execute(async (trx) => {
    const contact = await loadVisibleContact(trx, actor, contactId);
    const cadre = await loadActiveCadre(trx, actor, cadreId);
    if (!(await insertLink(trx, contact.id, cadre.id, nowIso()))) throw conflict('该团干部已在联系这名青年');
    await addToContactCount(trx, cadre.id, 1);
    await recordAudit(trx, actor, {
      action: 'contact.link',
      objectType: 'youth_contact',
      objectId: contact.id,
      orgId: contact.org_id,
      details: { cadreId: cadre.id },
    });
    await refreshOrgMetrics(trx, [cadre.org_id], ['cadre_contact_share']);
    return presentContactDetail(trx, actor, contact.id);
  });
}

export async function unlinkCadre(db: Db, actor: Actor, contactId: number, cadreId: number) {
  return db.transaction().execute(async (trx) => {
    const contact = await loadVisibleContact(trx, actor, contactId);
    const cadre = await loadVisibleCadre(trx, actor, cadreId);
    if (!(await deleteLink(trx, contact.id, cadre.id))) throw notFound('联系关系');
    await addToContactCount(trx, cadre.id, -1);
    await recordAudit(trx, actor, {
      action: 'contact.unlink',
      objectType: 'youth_contact',
      objectId: contact.id,
      orgId: contact.org_id,
      details: { cadreId: cadre.id },
    });
    await refreshOrgMetrics(trx, [cadre.org_id], ['cadre_contact_share']);
    return presentContactDetail(trx, actor, contact.id);
  });
}

/** One contact made (a chat, a call, a visit); the youth's last contact date follows the latest log. */
export async function addContactLog(db: Db, actor: Actor, contactId: number, body: ContactLogBody) {
  return db.transaction().execute(async (trx) => {
    const contact = await loadVisibleContact(trx, actor, contactId);
    const cadre = body.cadreId ? await loadVisibleCadre(trx, actor, body.cadreId) : null;
    const at = nowIso();
    const id = await insertLog(trx, {
      contact_id: contact.id,
      cadre_id: cadre?.id ?? null,
      on_date: body.onDate,
      channel: body.channel,
      note: body.note ?? null,
      created_by: actor.userId,
      created_at: at,
    });
    if (contact.last_contact_on === null || body.onDate > contact.last_contact_on) {
      await updateContact(trx, contact.id, { last_contact_on: body.onDate, updated_at: at });
    }
    // The note is about the youth: the audit row keeps the facts of the contact, not what was said.
    await recordAudit(trx, actor, {
      action: 'contact.log',
      objectType: 'youth_contact',
      objectId: contact.id,
      orgId: contact.org_id,
      details: { logId: id, onDate: body.onDate, channel: body.channel, cadreId: cadre?.id ?? null },
    });
    return presentContactDetail(trx, actor, contact.id);
  });
}

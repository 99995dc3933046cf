import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { MembershipStatus } from '../../../common/domain.js';
import { subtreeRange } from '../../db/tree.js';
import { actorCan, type Actor } from '../../http/actor.js';

// The "approved upward" rule of policy.ts (mayDecideFor) as SQL, so that an inbox lists exactly the objects whose
// single-object check passes: the approver holds people.approve and sees the org's parent, i.e. the org lies in
// the actor's subtree but is not the actor's own org.

/** The org (an alias of `orgs`) lies in the actor's subtree. */
export function seenBy(actor: Actor, orgAlias: string): RawBuilder<SqlBool> {
  if (actor.scopePath === null) return sql<SqlBool>`1 = 1`;
  const [lower, upper] = subtreeRange(actor.scopePath);
  const path = sql.ref(`${orgAlias}.path`);
  return sql<SqlBool>`(${path} >= ${lower} and ${path} < ${upper})`;
}

/** The actor may decide for the org (an alias of `orgs`): mayDecideFor in SQL. */
export function decidableBy(actor: Actor, orgAlias: string): RawBuilder<SqlBool> {
  if (!actorCan(actor, 'people.approve')) return sql<SqlBool>`1 = 0`;
  if (actor.scopePath === null) return sql<SqlBool>`${sql.ref(`${orgAlias}.parent_id`)} is not null`;
  return sql<SqlBool>`(${seenBy(actor, orgAlias)} and ${sql.ref(`${orgAlias}.path`)} <> ${actor.scopePath})`;
}

export const statusLabels: Record<MembershipStatus, string> = {
  normal: '正常',
  disabled: '禁用',
  aged_out: '满28周岁离团',
  lapsed: '自行脱团',
  withdrawn: '自愿退团',
  expelled: '开除团籍',
};

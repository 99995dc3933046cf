import { subtreeRange } from '../../db/tree.js';
import type { Executor } from '../../db/schema.js';
import type { OrgRow } from '../orgs/repo.js';
import { cleanText } from '../../spreadsheets/values.js';

export type ResolvedOrg = Pick<
  OrgRow,
  'id' | 'path' | 'name' | 'short_name' | 'level' | 'type' | 'is_direct' | 'status'
>;
export type OrgResolution = { org: ResolvedOrg } | { error: string };
/** An org of the subtree as the resolver keeps it (plain data: a member import hands it to a worker thread). */
export type SubtreeOrg = ResolvedOrg & { stat_code: string | null };

/**
 * The 所属组织 column: a 12-digit statistical code or an exact name (full or short), looked up only inside the
 * importing org's subtree, which the uploader sees. An org elsewhere — another county's — reads exactly like one
 * that does not exist. The subtree is loaded once (a province has about 22,000 orgs).
 */
export async function loadOrgResolver(db: Executor, root: ResolvedOrg) {
  const [lower, upper] = subtreeRange(root.path);
  const rows = await db
    .selectFrom('orgs')
    .select(['id', 'path', 'name', 'short_name', 'level', 'type', 'is_direct', 'status', 'stat_code'])
    .where('path', '>=', lower)
    .where('path', '<', upper)
    .execute();
  return orgResolverFrom(rows, root);
}

/** The resolver over a subtree already loaded (`rows`, the root among them or not). */
export function orgResolverFrom(rows: readonly SubtreeOrg[], root: ResolvedOrg) {
  const byCode = new Map<string, ResolvedOrg>();
  const byName = new Map<string, ResolvedOrg[]>();
  const byId = new Map<number, ResolvedOrg>();
  const add = (name: string | null, org: ResolvedOrg) => {
    if (!name) return;
    const key = cleanText(name);
    const list = byName.get(key) ?? [];
    if (!list.includes(org)) list.push(org);
    byName.set(key, list);
  };
  for (const row of rows) {
    if (row.stat_code) byCode.set(row.stat_code, row);
    byId.set(row.id, row);
    add(row.name, row);
  }
  // Short names (甲一村) only where they name one org and no full name already means it.
  for (const row of rows) if (row.short_name && !byName.has(cleanText(row.short_name))) add(row.short_name, row);

  return {
    root,
    rows,
    byId: (id: number) => byId.get(id),
    /** `label` names the column in messages (所属组织, 所在团支部). */
    resolve(text: string, label = '所属组织'): OrgResolution {
      if (text === '') return { org: root };
      const found = /^\d{12}$/.test(text) ? byCode.get(text) : undefined;
      const named = found ? [found] : (byName.get(text) ?? []);
      if (named.length === 0) return { error: `${label}“${text}”不存在或不在本次导入的组织范围内` };
      if (named.length > 1) return { error: `${label}“${text}”有重名，请填写 12 位统计用区划代码` };
      const org = named[0];
      if (org.status !== 'active') return { error: `${label}“${org.name}”已撤销，不能再登记` };
      return { org };
    },
  };
}

export type OrgResolver = ReturnType<typeof orgResolverFrom>;

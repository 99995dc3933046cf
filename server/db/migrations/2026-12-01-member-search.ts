import type { Kysely } from 'kysely';

// Frozen. The member register at province scale (bench/README.md, "Findings on the member register"):
// - members_org_name (org_id, full_name, id): a branch's page in name order straight from the index, and a
//   small subtree's page merged branch by branch (SQLite stops each branch early once the page is full);
// - members_name_org (full_name, id, org_id) replaces members_name (full_name, id): walking the name order of a
//   large scope checks each member's org from the index, without reading the row;
// - member_rollups: members per status in each org's whole subtree (itself included), kept with member_counts,
//   so that a province's total is one row instead of a sum over its 20,000 branches.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('members_org_name').on('members').columns(['org_id', 'full_name', 'id']).execute();
  await db.schema.createIndex('members_name_org').on('members').columns(['full_name', 'id', 'org_id']).execute();
  await db.schema.dropIndex('members_name').execute();

  await db.schema
    .createTable('member_rollups')
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('membership_status', 'varchar(24)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_rollups_pk', ['org_id', 'membership_status'])
    .execute();

  // Every org on a branch's path (its ids, top-down) gains the branch's counts.
  const counts = await db
    .selectFrom('member_counts')
    .innerJoin('orgs', 'orgs.id', 'member_counts.org_id')
    .select(['orgs.path', 'member_counts.membership_status as status', 'member_counts.count'])
    .execute();
  const sums = new Map<string, { orgId: number; status: string; count: number }>();
  for (const row of counts as { path: string; status: string; count: number }[]) {
    for (const part of row.path.split('/')) {
      if (part === '') continue;
      const key = `${part}:${row.status}`;
      const sum = sums.get(key) ?? { orgId: Number(part), status: row.status, count: 0 };
      sum.count += Number(row.count);
      sums.set(key, sum);
    }
  }
  const rows = [...sums.values()].map((s) => ({ org_id: s.orgId, membership_status: s.status, count: s.count }));
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('member_rollups')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_rollups').execute();
  await db.schema.createIndex('members_name').on('members').columns(['full_name', 'id']).execute();
  await db.schema.dropIndex('members_name_org').execute();
  await db.schema.dropIndex('members_org_name').execute();
}

import type { Kysely } from 'kysely';

// Frozen. Indexes measured by the benchmark (bench/README.md):
// - (path, status): counting active descendants is an index-only range scan, no lookup per row;
// - (depth, id): a province-wide search reads orgs in result order and stops at the limit instead of sorting all.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orgs_path_status').on('orgs').columns(['path', 'status']).execute();
  await db.schema.createIndex('orgs_depth_id').on('orgs').columns(['depth', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orgs_depth_id').execute();
  await db.schema.dropIndex('orgs_path_status').execute();
}

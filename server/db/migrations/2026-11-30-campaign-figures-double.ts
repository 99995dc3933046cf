import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen. Campaign figures in double precision on PostgreSQL, where `real` is a 4-byte float: a share of 1/3
// was stored as 0.33333334, a threshold of 0.9 as 0.89999998, and roll-up sums drifted with every change.
// SQLite's REAL is 8 bytes already. Thresholds typed by people get back their decimal value; statuses and
// roll-ups are exact again after their campaign is recomputed (any change of an indicator recomputes it).

const columns = [
  ['indicators', 'threshold'],
  ['indicator_status', 'value'],
  ['indicator_rollup', 'value_sum'],
  ['indicator_snapshots', 'value_sum'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of columns) {
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType('double precision'))
      .execute();
  }
  await sql`update indicators set threshold = round(threshold::numeric, 6)::double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of columns) {
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType('real'))
      .execute();
  }
}

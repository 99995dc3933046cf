import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * The checked rows of one import, kept on disk between the two passes: the validation pass writes every row
 * here (its org, natural key, normalised record or errors), the apply pass reads the valid ones back in row
 * order. A scratch SQLite file whatever the main database is: bounded memory for a million rows, duplicate keys
 * found by an index instead of a map in memory, and the spreadsheet is parsed once. Phones are already
 * protected (cipher, blind index, mask) when they get here. The file is removed when the import ends.
 */
export type SpoolInput = {
  row: number;
  orgId: number | null;
  /** Natural key within the org (a phone's blind index, kind + name …). */
  key: string | null;
  /** A second key with its own rule: unique in the file (an AppID) or always with the same value (a cadre's name). */
  alt?: string | null;
  altValue?: string | null;
  record: unknown;
  errors: string[];
  /** What the preview shows of the row (phones masked); kept for the first rows only. */
  display?: Record<string, string> | null;
};

export type SpoolRow = { row: number; orgId: number; key: string; alt: string | null; record: string };

export type Spool = {
  add: (rows: readonly SpoolInput[]) => void;
  /** Marks rows whose (org, key) an earlier row already has; returns how many. */
  markDuplicates: (message: (firstRow: number) => string) => number;
  /** alt keys: 'unique' — a later row repeating one is wrong; 'consistent' — a later row with another value is. */
  markAltConflicts: (mode: 'unique' | 'consistent', message: (firstRow: number, first: string) => string) => number;
  counts: () => { rows: number; errors: number };
  /** Valid rows in row order, a chunk at a time. */
  validChunks: (size: number) => Generator<SpoolRow[]>;
  /** Rows with errors in row order: row number and the joined message. */
  errorRows: () => Generator<{ row: number; error: string }>;
  firstRows: (limit: number) => { row: number; error: string | null; display: string | null }[];
  close: () => void;
};

export const messageSeparator = '；';

export function openSpool(dir: string): Spool {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `import-spool-${randomBytes(8).toString('hex')}.sqlite`);
  const db = new SQLite(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -32000');
  db.exec(`create table rows (
    row integer primary key, org_id integer, nkey text, alt text, alt_value text, record text, error text, display text
  )`);
  const insert = db.prepare(
    'insert into rows (row, org_id, nkey, alt, alt_value, record, error, display) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertMany = db.transaction((rows: readonly SpoolInput[]) => {
    for (const r of rows) {
      insert.run(
        r.row,
        r.orgId,
        r.key,
        r.alt ?? null,
        r.altValue ?? null,
        r.errors.length === 0 ? JSON.stringify(r.record) : null,
        r.errors.length === 0 ? null : r.errors.join(messageSeparator),
        r.display ? JSON.stringify(r.display) : null,
      );
    }
  });
  const appendError = db.prepare(
    `update rows set error = coalesce(error || '${messageSeparator}', '') || ?, record = null where row = ?`,
  );
  // Built once the rows are in (faster than maintaining them row by row), and only for the checks that run.
  const once = (statement: string) => {
    let done = false;
    return () => {
      if (!done) db.exec(statement);
      done = true;
    };
  };
  const keyIndex = once('create index rows_key on rows (org_id, nkey, row)');
  const altIndex = once('create index rows_alt on rows (alt, row)');

  return {
    add: (rows) => insertMany(rows),
    markDuplicates(message) {
      keyIndex();
      const groups = db
        .prepare('select org_id, nkey from rows where nkey is not null group by org_id, nkey having count(*) > 1')
        .all() as { org_id: number; nkey: string }[];
      const members = db.prepare('select row from rows where org_id = ? and nkey = ? order by row');
      let marked = 0;
      db.transaction(() => {
        for (const group of groups) {
          const [first, ...later] = (members.all(group.org_id, group.nkey) as { row: number }[]).map((r) => r.row);
          for (const row of later) appendError.run(message(first), row);
          marked += later.length;
        }
      })();
      return marked;
    },
    markAltConflicts(mode, message) {
      altIndex();
      const groups = db
        .prepare('select alt from rows where alt is not null group by alt having count(*) > 1')
        .all() as { alt: string }[];
      const members = db.prepare('select row, alt_value from rows where alt = ? order by row');
      let marked = 0;
      db.transaction(() => {
        for (const group of groups) {
          const [first, ...later] = members.all(group.alt) as { row: number; alt_value: string | null }[];
          for (const other of later) {
            if (mode === 'consistent' && other.alt_value === first.alt_value) continue;
            appendError.run(message(first.row, first.alt_value ?? ''), other.row);
            marked++;
          }
        }
      })();
      return marked;
    },
    counts() {
      const row = db.prepare('select count(*) as rows, count(error) as errors from rows').get() as {
        rows: number;
        errors: number;
      };
      return row;
    },
    *validChunks(size) {
      const page = db.prepare(
        'select row, org_id as orgId, nkey as key, alt, record from rows where row > ? and error is null order by row limit ?',
      );
      let after = 0;
      for (;;) {
        const rows = page.all(after, size) as SpoolRow[];
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1].row;
      }
    },
    *errorRows() {
      const page = db.prepare(
        'select row, error from rows where row > ? and error is not null order by row limit 1000',
      );
      let after = 0;
      for (;;) {
        const rows = page.all(after) as { row: number; error: string }[];
        if (rows.length === 0) return;
        yield* rows;
        after = rows[rows.length - 1].row;
      }
    },
    firstRows: (limit) =>
      db.prepare('select row, error, display from rows order by row limit ?').all(limit) as {
        row: number;
        error: string | null;
        display: string | null;
      }[],
    close() {
      db.close();
      fs.rmSync(file, { force: true });
    },
  };
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * The checked rows of one import, kept on disk between the two passes: the validation pass writes every row
 * here (its org, natural key, normalised record or errors), the apply pass reads the valid ones back in row
 * order. A scratch SQLite file whatever the main database is: bounded memory for a million rows, duplicate keys
 * found by a unique index as rows arrive (no long post-pass to block the event loop), and the spreadsheet is
 * parsed once. Phones are already protected (cipher, blind index, mask) when they get here. The file is removed
 * when the import ends.
 */
export type SpoolInput = {
  row: number;
  orgId: number | null;
  /** Natural key within the org (a phone's blind index, kind + name …): a later row repeating it is an error. */
  key: string | null;
  /** A second key that must be unique in the file (an AppID); also carried to the apply pass (a cadre's key). */
  alt?: string | null;
  record: unknown;
  errors: string[];
  /** What the preview shows of the row (phones masked); kept for the first rows only. */
  display?: Record<string, string> | null;
  /** An erroneous row the preview lists apart: its person is already registered in another org. */
  flag?: 'duplicate' | null;
};

export type SpoolRow = { row: number; orgId: number; key: string; alt: string | null; record: string };

export type SpoolRules = {
  duplicateMessage: (firstRow: number) => string;
  /** 'org' (default): the key is unique within each org; 'file': within the whole file (a person's ID number). */
  keyScope?: 'org' | 'file';
  /** When set, the alt key is unique in the file and a repeat gets this message. */
  altMessage?: (firstRow: number) => string;
};

export type Spool = {
  add: (rows: readonly SpoolInput[]) => void;
  counts: () => { rows: number; errors: number };
  /** Valid rows in row order, a chunk at a time. */
  validChunks: (size: number) => Generator<SpoolRow[]>;
  /** Rows with errors in row order: row number and the joined message. */
  errorRows: () => Generator<{ row: number; error: string }>;
  firstRows: (limit: number) => PreviewSource[];
  /** Flagged rows after `afterRow`, in row order. */
  flaggedRows: (afterRow: number, limit: number) => PreviewSource[];
  close: () => void;
};

export type PreviewSource = { row: number; error: string | null; display: string | null; flag: string | null };

export const messageSeparator = '；';

/** Where spools go; scratch files of imports that a crash left behind (older than a day) go when the next starts. */
export function spoolDir(dataDir: string): string {
  const dir = path.join(dataDir, 'import-spool');
  fs.mkdirSync(dir, { recursive: true });
  const dayAgo = Date.now() - 86_400_000;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file, { force: true });
  }
  return dir;
}

export function openSpool(dir: string, rules: SpoolRules): Spool {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `import-spool-${randomBytes(8).toString('hex')}.sqlite`);
  const db = new SQLite(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -32000');
  db.exec(`
    create table rows (row integer primary key, org_id integer, nkey text, alt text, record text, error text, display text, flag text);
    create index rows_flag on rows (flag, row) where flag is not null;
    create table seen_keys (org_id integer not null, nkey text not null, row integer not null, primary key (org_id, nkey)) without rowid;
    create table seen_alts (alt text primary key, row integer not null) without rowid;
  `);
  const insert = db.prepare(
    'insert into rows (row, org_id, nkey, alt, record, error, display, flag) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const seeKey = db.prepare('insert into seen_keys (org_id, nkey, row) values (?, ?, ?) on conflict do nothing');
  const firstWithKey = db.prepare('select row from seen_keys where org_id = ? and nkey = ?').pluck();
  const seeAlt = db.prepare('insert into seen_alts (alt, row) values (?, ?) on conflict do nothing');
  const firstWithAlt = db.prepare('select row from seen_alts where alt = ?').pluck();
  const keyOrg = (orgId: number) => (rules.keyScope === 'file' ? 0 : orgId);
  let rows = 0;
  let errors = 0;
  const insertMany = db.transaction((input: readonly SpoolInput[]) => {
    for (const r of input) {
      const messages = [...r.errors];
      if (r.key !== null && r.orgId !== null && seeKey.run(keyOrg(r.orgId), r.key, r.row).changes === 0) {
        messages.push(rules.duplicateMessage(firstWithKey.get(keyOrg(r.orgId), r.key) as number));
      }
      if (rules.altMessage && r.alt && seeAlt.run(r.alt, r.row).changes === 0) {
        messages.push(rules.altMessage(firstWithAlt.get(r.alt) as number));
      }
      const ok = messages.length === 0;
      insert.run(
        r.row,
        r.orgId,
        r.key,
        r.alt ?? null,
        ok ? JSON.stringify(r.record) : null,
        ok ? null : messages.join(messageSeparator),
        r.display ? JSON.stringify(r.display) : null,
        ok ? null : (r.flag ?? null),
      );
      rows++;
      if (!ok) errors++;
    }
  });

  return {
    add: (input) => insertMany(input),
    counts: () => ({ rows, errors }),
    *validChunks(size) {
      const page = db.prepare(
        'select row, org_id as orgId, nkey as key, alt, record from rows where row > ? and error is null order by row limit ?',
      );
      let after = 0;
      for (;;) {
        const chunk = page.all(after, size) as SpoolRow[];
        if (chunk.length === 0) return;
        yield chunk;
        after = chunk[chunk.length - 1].row;
      }
    },
    *errorRows() {
      const page = db.prepare(
        'select row, error from rows where row > ? and error is not null order by row limit 1000',
      );
      let after = 0;
      for (;;) {
        const chunk = page.all(after) as { row: number; error: string }[];
        if (chunk.length === 0) return;
        yield* chunk;
        after = chunk[chunk.length - 1].row;
      }
    },
    firstRows: (limit) =>
      db.prepare('select row, error, display, flag from rows order by row limit ?').all(limit) as PreviewSource[],
    flaggedRows: (afterRow, limit) =>
      db
        .prepare(
          'select row, error, display, flag from rows where flag is not null and row > ? order by flag, row limit ?',
        )
        .all(afterRow, limit) as PreviewSource[],
    close() {
      db.close();
      fs.rmSync(file, { force: true });
    },
  };
}

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { memberColumns } from '../server/features/imports/columns.js';

// The floor of the member import: the same CSV loaded by the database's own bulk path into a table of the same
// columns (all text), with no validation, no encryption and no duplicate checks — `.import` of the sqlite3 shell
// into a fresh file, `\copy` of psql (COPY … FROM STDIN) into a fresh table of the benchmark's database. Each run
// is timed from the start of the tool to its exit.

const run = promisify(execFile);
const table = 'member_rows_floor';
const createTable = `create table ${table} (${memberColumns.map((c) => `${snake(c.key)} text`).join(', ')})`;

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export type BulkFloor = { tool: string; rows: number; seconds: number[]; rowsPerSecond: number[] };

/** `sqlite3 <fresh file>` with `.mode csv` and `.import --skip 1`, `runs` times; checks the rows arrived. */
export async function sqliteBulkFloor(input: {
  csv: string;
  rows: number;
  dir: string;
  runs: number;
}): Promise<BulkFloor> {
  const seconds: number[] = [];
  for (let i = 0; i < input.runs; i++) {
    const file = path.join(input.dir, `bulk-floor-${i}.sqlite`);
    fs.rmSync(file, { force: true });
    const script = `.bail on\n.mode csv\n${createTable};\n.import --skip 1 '${input.csv}' ${table}\nselect count(*) from ${table};\n`;
    const started = performance.now();
    const { stdout } = await runWithInput('sqlite3', [file], script);
    seconds.push((performance.now() - started) / 1000);
    fs.rmSync(file, { force: true });
    if (Number(stdout.trim()) !== input.rows)
      throw new Error(`sqlite3 .import loaded ${stdout.trim()} rows, not ${input.rows}`);
  }
  return summary('sqlite3 .import', input.rows, seconds);
}

/** `psql -c "\copy … from '<csv>' with (format csv, header)"` into a fresh table, `runs` times; then dropped. */
export async function postgresBulkFloor(input: {
  csv: string;
  rows: number;
  url: string;
  runs: number;
}): Promise<BulkFloor> {
  const client = new pg.Client({ connectionString: input.url });
  await client.connect();
  const seconds: number[] = [];
  try {
    for (let i = 0; i < input.runs; i++) {
      await client.query(`drop table if exists ${table}`);
      await client.query(createTable);
      const started = performance.now();
      await run(
        'psql',
        [
          input.url,
          '-v',
          'ON_ERROR_STOP=1',
          '-q',
          '-c',
          `\\copy ${table} from '${input.csv}' with (format csv, header true)`,
        ],
        {
          env: { ...process.env, PGCLIENTENCODING: 'UTF8' },
        },
      );
      seconds.push((performance.now() - started) / 1000);
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      if (rows[0].n !== input.rows) throw new Error(`psql \\copy loaded ${rows[0].n} rows, not ${input.rows}`);
    }
  } finally {
    await client.query(`drop table if exists ${table}`);
    await client.end();
  }
  return summary('psql \\copy (COPY FROM STDIN)', input.rows, seconds);
}

function summary(tool: string, rows: number, seconds: number[]): BulkFloor {
  return {
    tool,
    rows,
    seconds: seconds.map((s) => Number(s.toFixed(3))),
    rowsPerSecond: seconds.map((s) => Math.round(rows / s)),
  };
}

function runWithInput(command: string, args: string[], input: string): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${stderr || error.message}`));
      else resolve({ stdout });
    });
    child.stdin!.end(input);
  });
}

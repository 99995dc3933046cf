import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { postgresToolTarget } from './manifest.js';

/**
 * Runs pg_dump or pg_restore in verbose mode against `databaseUrl`, calling `onTable` for each table whose data it
 * starts on (that is the progress of a long dump or restore). Fails with the tool's last lines of output.
 */
export async function runPostgresTool(
  tool: 'pg_dump' | 'pg_restore',
  databaseUrl: string,
  args: string[],
  onTable: (table: string) => void,
): Promise<void> {
  const target = postgresToolTarget(databaseUrl);
  const child = spawn(tool, [...args, '--verbose', `--dbname=${target.url}`], {
    env: target.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  // pg_dump: dumping contents of table "public.orgs"; pg_restore: processing data for table "public.orgs".
  const tableLine = /(?:dumping contents of|processing data for) table "(?:[^"]*\.)?([^"]+)"/;
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    const match = tableLine.exec(line);
    if (match) onTable(match[1]);
    tail.push(line);
    if (tail.length > 12) tail.shift();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `找不到 ${tool}：请安装与数据库服务器同一大版本的 PostgreSQL 客户端（如 apt install postgresql-client-15）`,
            )
          : error,
      ),
    );
    child.on('close', resolve);
  });
  if (code !== 0) {
    const said = tail.filter(
      (line) => !/: (dumping|processing|creating|reading|identifying|saving|executing|setting)\b/.test(line),
    );
    throw new Error(`${tool} 失败（退出码 ${String(code)}）：\n${(said.length > 0 ? said : tail).join('\n')}`);
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';

/**
 * Where every test process appends the server's log lines (in-process apps and child servers alike), so that
 * test/scan-logs.ts can prove, after the whole suite, that no log line holds an ID number, a phone or a password.
 */
export const testLogDir = path.resolve('.tmp', 'test-logs');

/** Appends what a child server writes to stdout and stderr to the suite's log directory. */
export function keepChildLogs(child: ChildProcess, label: string): void {
  fs.mkdirSync(testLogDir, { recursive: true });
  const file = path.join(testLogDir, `${label}-${process.pid}-${child.pid ?? 'unknown'}.log`);
  const append = (chunk: Buffer) => fs.appendFileSync(file, chunk);
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
}

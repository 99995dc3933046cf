import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { openTestDatabase } from '../test/harness.js';
import { keepChildLogs } from '../test/log-capture.js';

// The real entry point as an operator runs it: first start, second start, SIGTERM.

const { dataDir, databaseUrl } = await openTestDatabase();

type Started = { output: () => string; port: number; stop: () => Promise<number | null> };

async function startServer(extraEnv: Record<string, string> = {}): Promise<Started> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      TUANJIAN_DATA_DIR: dataDir,
      TUANJIAN_WEB_DIR: `${dataDir}/no-web`,
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  keepChildLogs(child, 'main');
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    output: () => output,
    port,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

test('the first start prints a generated admin password once; it logs in and must change it; SIGTERM exits cleanly', async () => {
  const first = await startServer();
  const match = /初始密码.*\n\s*\n\s+(\S+)/.exec(first.output());
  assert.ok(match, first.output());
  const password = match[1];
  const login = await fetch(`http://127.0.0.1:${first.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(login.status, 200);
  assert.equal(((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword, true);
  assert.equal(await first.stop(), 0, 'graceful shutdown exits 0');

  const second = await startServer();
  assert.doesNotMatch(second.output(), /初始密码/, 'the password is shown only once');
  assert.equal(await second.stop(), 0);
});

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../common/domain.js';
import type { Db } from '../server/db/schema.js';
import { hashPassword } from '../server/features/auth/passwords.js';
import { importDivisions } from '../server/features/orgs/import-divisions.js';
import { accountRow, insertUser } from '../server/features/users/repo.js';
import { openMigratedDatabase } from '../server/runtime.js';
import { keepChildLogs } from '../test/log-capture.js';

// The real server, started as a person would start it (`node --import tsx server/main.ts`), on a fresh SQLite
// data directory holding Shaanxi's league tree down to the townships and a few cadres with known passwords.

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Passes the password policy; every seeded user has it and none is asked to change it. */
export const e2ePassword = 'Qingnian-E2e-2026';
/** The system administrator's first password, given to the server by TUANJIAN_ADMIN_PASSWORD. */
export const firstAdminPassword = 'Shouci-Admin-2026';

export const zhouzhiStatCode = '610124000000';
export const lantianStatCode = '610122000000';

export type SeededOrg = { id: number; name: string; shortName: string | null };
export type SeededUser = { username: string; password: string };

/** What a test may add to the data directory before the server starts: more users, found orgs. */
export type SeedContext = {
  db: Db;
  orgs: E2eServer['orgs'];
  /** An account with the e2e password, not asked to change it. */
  addUser: (username: string, displayName: string, role: Role, orgId: number | null) => Promise<SeededUser>;
};

export type E2eServer = {
  url: string;
  dataDir: string;
  orgs: { zhouzhi: SeededOrg; lantian: SeededOrg; zhouzhiTownship: SeededOrg };
  /** Empty when started with `users: false`: the server then creates `admin` itself on first start. */
  users: Partial<Record<'zhouzhiAdmin' | 'lantianAdmin' | 'auditor', SeededUser>>;
  /** Everything the server wrote to stdout and stderr, for the failure message of a test. */
  output: () => string;
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function prepareData(
  dataDir: string,
  withUsers: boolean,
  seed: ((context: SeedContext) => Promise<void>) | undefined,
): Promise<Pick<E2eServer, 'orgs' | 'users'>> {
  const handle = await openMigratedDatabase({ databaseUrl: null, dataDir });
  try {
    const db = handle.db;
    await importDivisions({ db, provinceCode: '61', depth: 'township' });
    const org = async (statCode: string): Promise<SeededOrg> => {
      const row = await db
        .selectFrom('orgs')
        .select(['id', 'name', 'short_name'])
        .where('stat_code', '=', statCode)
        .executeTakeFirstOrThrow();
      return { id: row.id, name: row.name, shortName: row.short_name };
    };
    const zhouzhi = await org(zhouzhiStatCode);
    const lantian = await org(lantianStatCode);
    // A town of 周至县 (not a 街道), so that its short name is a plain place name a person would type.
    const township = await db
      .selectFrom('orgs')
      .select(['id', 'name', 'short_name'])
      .where('parent_id', '=', zhouzhi.id)
      .where('level', '=', 'township')
      .where('short_name', 'like', '%镇')
      .orderBy('stat_code')
      .executeTakeFirstOrThrow();
    const zhouzhiTownship = { id: township.id, name: township.name, shortName: township.short_name };

    const users: E2eServer['users'] = {};
    const passwordHash = await hashPassword(e2ePassword);
    const add = async (username: string, displayName: string, role: Role, orgId: number | null) => {
      await insertUser(db, accountRow({ username, displayName, role, orgId, passwordHash, mustChangePassword: false }));
      return { username, password: e2ePassword };
    };
    if (withUsers) {
      users.zhouzhiAdmin = await add('zhouzhi', '周至县团委管理员', 'org_admin', zhouzhi.id);
      users.lantianAdmin = await add('lantian', '蓝田县团委管理员', 'org_admin', lantian.id);
      users.auditor = await add('auditor', '审计管理员', 'audit_admin', null);
    }
    const orgs = { zhouzhi, lantian, zhouzhiTownship };
    await seed?.({ db, orgs, addUser: add });
    return { orgs, users };
  } finally {
    await handle.close();
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not answer /healthz within ${timeoutMs} ms:\n${output()}`);
}

function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startServer(
  options: {
    users?: boolean;
    seed?: (context: SeedContext) => Promise<void>;
    /** More environment for the server, e.g. TUANJIAN_REQUIRE_TOTP=1 for the second-factor tests. */
    env?: Record<string, string>;
  } = {},
): Promise<E2eServer> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build` before the browser tests');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-e2e-'));
  const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  let child: ChildProcess | null = null;
  const onExit = () => {
    child?.kill('SIGKILL');
    removeDataDir();
  };
  try {
    const seeded = await prepareData(dataDir, options.users ?? true, options.seed);
    // A snapshot of the build: a rebuild of dist/web while the tests run cannot pull the assets from under them.
    const webDir = path.join(dataDir, 'web');
    fs.cpSync(path.join(repoRoot, 'dist', 'web'), webDir, { recursive: true });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const chunks: string[] = [];
    const output = () => chunks.join('');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TUANJIAN_DATA_DIR: dataDir,
      TUANJIAN_ADMIN_PASSWORD: firstAdminPassword,
      LOG_LEVEL: 'warn',
      TUANJIAN_WEB_DIR: webDir,
      // The seeded admins log in with a password alone; e2e/auth.test.ts turns the second factor's requirement on.
      TUANJIAN_REQUIRE_TOTP: '0',
      ...options.env,
    };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    keepChildLogs(child, 'e2e');
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    // Should the test process die without its after-hooks, the server must not outlive it.
    process.once('exit', onExit);
    await waitForHealth(url, child, output, 30_000);
    const running = child;
    return {
      url,
      dataDir,
      ...seeded,
      output,
      stop: async () => {
        await stopChild(running);
        process.off('exit', onExit);
        removeDataDir();
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    process.off('exit', onExit);
    removeDataDir();
    throw error;
  }
}

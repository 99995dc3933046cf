import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { ensureFirstAdmin } from './features/auth/service.js';
import { loadDemo } from './demo.js';
import { openMigratedDatabase } from './runtime.js';
import { startScheduler } from './scheduler.js';

const config = loadConfig();
const handle = await openMigratedDatabase(config);
const app = await buildApp({ db: handle.db, config, sqliteWriter: handle.sqliteWriter });

const generated = await ensureFirstAdmin(handle.db, config.adminPassword);
if (generated) {
  // Printed once to the console, never to the structured log: the password is not kept anywhere in clear.
  process.stdout.write(
    `\n  首次启动：已创建系统管理员 admin，初始密码（仅显示这一次，首次登录须修改）：\n\n      ${generated}\n\n`,
  );
}
if (process.argv.includes('--demo'))
  await loadDemo(handle.db, app.keyring, (line) => process.stdout.write(`${line}\n`));

const scheduler = startScheduler(handle.db, config, app.log);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  scheduler.stop();
  await app.close();
  await handle.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.port, host: config.host });
process.stdout.write(`  团建已启动：http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/\n`);

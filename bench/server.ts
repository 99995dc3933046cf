import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openMigratedDatabase } from '../server/runtime.js';

// The server under benchmark, in its own process (as in production) so the load generator does not share its
// event loop. Configured by the same environment variables as server/main.ts; reports its port over IPC.

if (!process.send) throw new Error('bench/server.ts is started by bench/run.ts (it needs an IPC channel)');

const config = loadConfig(process.env);
const handle = await openMigratedDatabase(config);
const app = await buildApp({ db: handle.db, config, sqliteWriter: handle.sqliteWriter });
await app.listen({ host: '127.0.0.1', port: 0 });
process.send({ port: (app.server.address() as AddressInfo).port });

process.on('SIGTERM', () => {
  void (async () => {
    await app.close();
    await handle.close();
    process.exit(0);
  })();
});

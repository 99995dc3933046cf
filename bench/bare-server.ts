import { fork } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify from 'fastify';

// The floor of an HTTP read: a bare Fastify (the app's version) in a child process, as the app runs, answering
// each URL with the bytes the app answered it with, held in memory — no session, no validation, no database.
// What the app costs beyond this is its own work.

export type RecordedResponse = { url: string; contentType: string; body: Buffer };

/** Starts the bare server on 127.0.0.1 with these responses; resolves with its base URL and a stop function. */
export async function startBareServer(
  responses: readonly RecordedResponse[],
  dir: string,
): Promise<{ base: string; stop: () => Promise<void> }> {
  const file = path.join(dir, `bare-responses-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(responses.map((r) => ({ url: r.url, contentType: r.contentType, body: r.body.toString('base64') }))),
  );
  const child = fork(import.meta.filename, [file], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the benchmark dies (an uncaught error skips every finally), the bare server must not outlive it.
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bare server exited early (code ${code})`)));
      child.once('message', (message) => resolve((message as { port: number }).port));
    });
    return {
      base: `http://127.0.0.1:${port}`,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function serve(file: string) {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { url: string; contentType: string; body: string }[];
  const responses = new Map(stored.map((r) => [r.url, { type: r.contentType, body: Buffer.from(r.body, 'base64') }]));
  const app = Fastify({ logger: false });
  app.get('/*', async (request, reply) => {
    const response = responses.get(request.url);
    if (!response) return reply.status(404).send();
    return reply.type(response.type).send(response.body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send!({ port: (app.server.address() as AddressInfo).port });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (process.argv[1] === import.meta.filename) await serve(process.argv[2]);

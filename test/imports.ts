import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import type { JobItem } from '../common/imports.js';
import type { Client } from './factories.js';
import type { TestContext } from './harness.js';

// Uploads through POST /api/imports as a browser sends them (multipart/form-data), and waiting for the job the
// way the web app does: polling GET /api/jobs/:id.

export function multipartBody(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer; field?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----tuanjian${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function upload(
  client: Client,
  fields: Record<string, string>,
  file: string | { name: string; content: Buffer },
): Promise<LightMyRequestResponse> {
  const content = typeof file === 'string' ? { name: file.split('/').pop()!, content: fs.readFileSync(file) } : file;
  const body = multipartBody(fields, content);
  return client.request({ method: 'POST', url: '/api/imports', payload: body.payload, headers: body.headers });
}

/** Polls the job until it is done or failed (the runner is woken by the upload, so this is quick). */
export async function waitForJob(client: Client, jobId: number): Promise<JobItem> {
  for (let i = 0; i < 3000; i++) {
    const response = await client.get(`/api/jobs/${jobId}`);
    if (response.statusCode !== 200) throw new Error(`job ${jobId}: ${response.statusCode} ${response.body}`);
    const job = response.json<JobItem>();
    if (job.status === 'done' || job.status === 'failed') return job;
    await sleep(10);
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Uploads and waits: the finished job. */
export async function importFile(
  client: Client,
  fields: Record<string, string>,
  file: string | { name: string; content: Buffer },
): Promise<JobItem> {
  const response = await upload(client, fields, file);
  if (response.statusCode !== 202) throw new Error(`upload refused: ${response.statusCode} ${response.body}`);
  return waitForJob(client, response.json<{ jobId: number }>().jobId);
}

/** Rows in the ledger tables an import writes to (the audit log apart: queueing an upload is audited). */
export async function ledgerCounts(ctx: TestContext): Promise<Record<string, number>> {
  const tables = [
    'channels',
    'channel_readings',
    'cadres',
    'youth_contacts',
    'cadre_contacts',
    'campaign_plans',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

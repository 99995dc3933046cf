import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { CadreKind, ChannelKind, ChannelStatus, ContactCategory } from '../common/domain.js';
import type { Executor } from '../server/db/schema.js';
import { nowIso } from '../server/db/tree.js';
import { refreshOrgMetrics } from '../server/features/campaigns/engine.js';
import { addToContactCount } from '../server/features/cadres/repo.js';
import { namingIssue } from '../server/features/channels/naming.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import { storeFile } from '../server/files/store.js';
import { protectPhone } from '../server/personal-data/phone.js';
import { makeOrg, type Client } from './factories.js';
import type { TestContext } from './harness.js';

// Ledger objects written straight to the database, with what the routes would maintain alongside them (the
// protected phone columns, the naming flag, contact counts, the campaigns' figures). Missing orgs are made.

let sequence = 0;
const unique = () => `${++sequence}${randomBytes(2).toString('hex')}`;

/** A fresh, valid, never-repeated mobile number (139 + 8 digits). */
export function nextPhone(): string {
  sequence += 1;
  return `139${String((process.pid * 7919 + sequence) % 100_000_000).padStart(8, '0')}`;
}

/** A tiny valid PNG (1×1); `extra` bytes make distinct files. */
export function pngBytes(extra = ''): Buffer {
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082',
    'hex',
  );
  return Buffer.concat([png, Buffer.from(extra)]);
}

async function orgOf(ctx: TestContext, org?: OrgRow): Promise<OrgRow> {
  return org ?? makeOrg(ctx);
}

export type TestCadre = { id: number; orgId: number; fullName: string; phone: string | null };

export async function makeCadre(
  ctx: TestContext,
  input: {
    org?: OrgRow;
    fullName?: string;
    post?: string;
    kind?: CadreKind;
    phone?: string | null;
    status?: 'active' | 'left';
  } = {},
): Promise<TestCadre> {
  const org = await orgOf(ctx, input.org);
  const phone = input.phone === undefined ? nextPhone() : input.phone;
  const protectedPhone = phone ? protectPhone(ctx.app.keyring, phone) : null;
  const fullName = input.fullName ?? `干部${unique()}`;
  const at = nowIso();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('cadres')
      .values({
        org_id: org.id,
        full_name: fullName,
        post: input.post ?? '书记',
        kind: input.kind ?? 'part_time',
        phone_cipher: protectedPhone?.cipher ?? null,
        phone_index: protectedPhone?.index ?? null,
        phone_masked: protectedPhone?.masked ?? null,
        status: input.status ?? 'active',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await refreshOrgMetrics(trx, [org.id], ['cadre_contact_share']);
    return row.id;
  });
  return { id, orgId: org.id, fullName, phone };
}

export type TestChannel = { id: number; orgId: number; name: string; kind: ChannelKind };

export async function makeChannel(
  ctx: TestContext,
  input: { org?: OrgRow; kind?: ChannelKind; name?: string; status?: ChannelStatus; cadre?: TestCadre } = {},
): Promise<TestChannel> {
  const org = await orgOf(ctx, input.org);
  const kind = input.kind ?? 'tuanqing_group';
  const name = input.name ?? `测试群${unique()}`;
  const at = nowIso();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('channels')
      .values({
        org_id: org.id,
        kind,
        name,
        account_type: null,
        app_id: null,
        original_id: null,
        responsible_cadre_id: input.cadre?.id ?? null,
        created_on: null,
        status: input.status ?? 'active',
        naming_issue: namingIssue(kind, name, org),
        latest_count: null,
        latest_count_on: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await refreshOrgMetrics(trx, [org.id], ['channel_count', 'plan_completion', 'posts_per_channel']);
    return row.id;
  });
  return { id, orgId: org.id, name, kind };
}

/** A screenshot attached to a channel; returns the evidence id. */
export async function makeEvidence(ctx: TestContext, channel: TestChannel, fileName = '截图.png'): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const file = await storeFile(trx, ctx.dataDir, pngBytes(unique()), 'image/png');
    const row = await trx
      .insertInto('channel_evidence')
      .values({
        channel_id: channel.id,
        file_sha256: file.sha256,
        file_name: fileName,
        uploaded_by: null,
        uploaded_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

export type TestContact = { id: number; orgId: number; fullName: string; phone: string };

export async function makeContact(
  ctx: TestContext,
  input: { org?: OrgRow; fullName?: string; phone?: string; category?: ContactCategory; village?: string } = {},
): Promise<TestContact> {
  const org = await orgOf(ctx, input.org);
  const phone = input.phone ?? nextPhone();
  const { cipher, index, masked } = protectPhone(ctx.app.keyring, phone);
  const fullName = input.fullName ?? `青年${unique()}`;
  const at = nowIso();
  const row = await ctx.db
    .insertInto('youth_contacts')
    .values({
      org_id: org.id,
      full_name: fullName,
      phone_cipher: cipher,
      phone_index: index,
      phone_masked: masked,
      village: input.village ?? null,
      category: input.category ?? 'returnee',
      note: null,
      last_contact_on: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, orgId: org.id, fullName, phone };
}

async function link(trx: Executor, cadre: TestCadre, contact: TestContact): Promise<void> {
  await trx
    .insertInto('cadre_contacts')
    .values({ cadre_id: cadre.id, contact_id: contact.id, created_at: nowIso() })
    .execute();
  await addToContactCount(trx, cadre.id, 1);
}

/** Links youth to a cadre ("1 + N"), keeping contact_count and the campaigns' figures as the route does. */
export async function linkContact(ctx: TestContext, cadre: TestCadre, ...contacts: TestContact[]): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const contact of contacts) await link(trx, cadre, contact);
    await refreshOrgMetrics(trx, [cadre.orgId], ['cadre_contact_share']);
  });
}

/** A multipart/form-data request body with one file, as a browser sends it. */
export function multipartFile(bytes: Buffer, fileName: string, mime = 'image/png') {
  const boundary = `----tuanjian${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mime}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Uploads one screenshot to a channel through the API. */
export function uploadEvidence(client: Client, channelId: number, bytes = pngBytes(unique()), fileName = '截图.png') {
  return client.request({
    method: 'POST',
    url: `/api/channels/${channelId}/evidence`,
    ...multipartFile(bytes, fileName),
  });
}

/** An 11-digit mobile number standing alone (not a run of digits inside a hex hash such as a file's sha256). */
export const fullPhonePattern = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;

/**
 * The same client, noting every response that shows a full mobile number. Only the reveal routes may; a test
 * asserts that `leaks` stays empty.
 */
export function watchPhones(client: Client): Client & { leaks: string[] } {
  const leaks: string[] = [];
  const request = async (options: InjectOptions) => {
    const response = await client.request(options);
    const url = typeof options.url === 'string' ? options.url : JSON.stringify(options.url);
    if (!url.endsWith('/reveal-phone') && fullPhonePattern.test(response.body)) {
      leaks.push(`${options.method ?? 'GET'} ${url}`);
    }
    return response;
  };
  return {
    ...client,
    leaks,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) => request({ method: 'POST', url, ...(payload ? { payload } : {}) }),
    patch: (url, payload) => request({ method: 'PATCH', url, payload }),
  };
}

/**
 * Runs a write and checks that it appended exactly one audit row, of the given action, with no phone number in it.
 * Returns the write's response.
 */
export async function expectOneAuditRow<T extends { statusCode: number; body: string }>(
  ctx: TestContext,
  action: string,
  write: () => Promise<T>,
): Promise<T> {
  const last = await ctx.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const response = await write();
  assert.ok(response.statusCode < 300, `${action}: ${response.statusCode} ${response.body}`);
  const rows = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('id', '>', last?.id ?? 0)
    .execute();
  assert.deepEqual(
    rows.map((r) => r.action),
    [action],
  );
  assert.doesNotMatch(rows[0].details ?? '', fullPhonePattern);
  return response;
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { composeIdNumber } from '../common/id-number.js';
import type { MemberDetail, MemberStats } from '../common/members.js';
import type { TransferDetail, TransferItem } from '../common/transfers.js';
import type { Db } from '../server/db/schema.js';
import { insertOrgs } from '../server/features/orgs/repo.js';
import { apiSession, type ApiSession } from './api.js';
import { desktop, launchBrowser, logIn, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer, type SeededUser } from './server.js';

// The "done when" for transfers (组织关系转接): a member moves from a branch of 周至县 to a branch of 蓝田县
// after four approvals by four different people — the out-branch, the township above it, the in-branch, the
// township above that (the last one in the approval inbox of the browser) — and the member's timeline shows each
// step. Nobody decides a step that is not theirs.

type Event = { kind: string; actorName: string | null; details: Record<string, unknown> };
type Paged<T> = { items: T[]; total: number };

const sides = ['outBranch', 'outParent', 'inBranch', 'inParent'] as const;
type Side = (typeof sides)[number];

async function branchUnder(db: Db, parentId: number, name: string): Promise<number> {
  const at = new Date().toISOString();
  const [id] = await insertOrgs(db, [
    {
      parent_id: parentId,
      name,
      short_name: null,
      type: 'branch',
      level: 'village',
      is_direct: 0,
      region_code: null,
      stat_code: null,
      import_key: null,
      status: 'active',
      phone: null,
      email: null,
      industry: null,
      created_at: at,
      updated_at: at,
      dissolved_at: null,
    },
  ]);
  return id;
}

describe('transfer across two counties', { timeout: 240_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const orgs = { outBranch: 0, inBranch: 0 };
  const users = {} as Record<Side, SeededUser>;
  const apis = {} as Record<Side, ApiSession>;
  let memberId = 0;

  before(async () => {
    server = await startServer({
      seed: async ({ db, orgs: seeded, addUser }) => {
        const lantianTownship = await db
          .selectFrom('orgs')
          .select(['id', 'short_name'])
          .where('parent_id', '=', seeded.lantian.id)
          .where('level', '=', 'township')
          .orderBy('stat_code')
          .executeTakeFirstOrThrow();
        orgs.outBranch = await branchUnder(
          db,
          seeded.zhouzhiTownship.id,
          `共青团${seeded.zhouzhiTownship.shortName}东风村支部委员会`,
        );
        orgs.inBranch = await branchUnder(
          db,
          lantianTownship.id,
          `共青团${lantianTownship.short_name}前进村支部委员会`,
        );
        users.outBranch = await addUser('dongfeng', '东风村团支部书记', 'org_admin', orgs.outBranch);
        users.outParent = await addUser('yabai', '周至县乡镇团委书记', 'org_admin', seeded.zhouzhiTownship.id);
        users.inBranch = await addUser('qianjin', '前进村团支部书记', 'org_admin', orgs.inBranch);
        users.inParent = await addUser('lantian-town', '蓝田县乡镇团委书记', 'org_admin', lantianTownship.id);
      },
    });
    browser = await launchBrowser();
    for (const side of sides) apis[side] = await apiSession(server.url, users[side]);
    const member = await apis.outBranch.post<MemberDetail>('/api/members', {
      orgId: orgs.outBranch,
      fullName: '王建军',
      idNumber: composeIdNumber('610124', '1999-03-04', 321),
      joinedOn: '2015-05-04',
    });
    memberId = member.id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('four approvals by four people move the member, and the timeline shows each step', async () => {
    const { zhouzhi, lantian } = server!.orgs;
    const county = await apiSession(server!.url, server!.users.zhouzhiAdmin!);
    const lantianCounty = await apiSession(server!.url, server!.users.lantianAdmin!);
    const stats = async () => ({
      zhouzhi: (await county.get<MemberStats>(`/api/orgs/${zhouzhi.id}/member-stats`)).total,
      lantian: (await lantianCounty.get<MemberStats>(`/api/orgs/${lantian.id}/member-stats`)).total,
    });
    const before = await stats();

    // The out-branch asks for the transfer (就业/工作调动).
    const created = await apis.outBranch.post<{ ids: number[] }>('/api/transfers', {
      memberIds: [memberId],
      toOrgId: orgs.inBranch,
      reason: 'employment',
      note: '到蓝田县工作',
    });
    const transferId = created.ids[0];
    const detail = () => apis.outBranch.get<TransferDetail>(`/api/transfers/${transferId}`);
    const inbox = async (side: Side) =>
      (await apis[side].get<Paged<TransferItem>>('/api/transfers?awaiting=true')).items.map((t) => t.id);

    // Each step waits for its own side; those who may not decide it are refused and nothing moves. (The org above a
    // branch may also decide the branch's step, so it is not among the refused there.)
    const refuse = async (step: TransferItem['step'], refused: Side[]) => {
      for (const other of refused) {
        await assert.rejects(
          apis[other].post(`/api/transfers/${transferId}/approve`, {}),
          /HTTP 40[34]/,
          `${other} must not decide ${step}`,
        );
      }
      assert.equal((await detail()).step, step);
    };
    const order: { side: Side; step: TransferItem['step']; next: TransferItem['step']; refused: Side[] }[] = [
      { side: 'outBranch', step: 'out_branch', next: 'out_parent', refused: ['inBranch', 'inParent'] },
      { side: 'outParent', step: 'out_parent', next: 'in_branch', refused: ['outBranch', 'inBranch', 'inParent'] },
      { side: 'inBranch', step: 'in_branch', next: 'in_parent', refused: ['outBranch', 'outParent'] },
    ];
    for (const { side, step, next, refused } of order) {
      assert.equal((await detail()).step, step);
      assert.ok((await inbox(side)).includes(transferId), `${side} should have the transfer in its inbox`);
      await refuse(step, refused);
      await apis[side].post(`/api/transfers/${transferId}/approve`, { note: `${step} 同意` });
      assert.equal((await detail()).step, next);
    }
    await refuse('in_parent', ['outBranch', 'outParent', 'inBranch']);

    // The last step in the browser: the township above the in-branch approves in its approval inbox.
    await withPage(
      browser!,
      'transfer-in-parent',
      async (page) => {
        await logIn(page, server!.url, users.inParent);
        await page.goto(`${server!.url}/approvals?tab=transfers`);
        const row = page.getByTestId('transfers-table').locator(`tr[data-row-key="${transferId}"]`);
        await row.waitFor();
        assert.match(await row.innerText(), /王建军/);
        assert.match(await row.innerText(), /东风村支部委员会/);
        assert.match(await row.innerText(), /前进村支部委员会/);
        assert.doesNotMatch(await page.locator('body').innerText(), /\d{17}[\dXx]/);
        await screenshot(page, 'transfer-in-parent-inbox');
        await page.getByTestId(`transfer-approve-${transferId}`).click();
        await page.getByTestId('decision-note').fill('同意转入');
        await page.getByTestId('decision-submit-approve').click();
        await row.waitFor({ state: 'detached' });
        await page.getByText('没有等待您审批的组织关系转接').waitFor();
      },
      { viewport: desktop, serverOutput: () => server!.output() },
    );

    // The out side keeps seeing the finished transfer, with who decided each step.
    const done = await detail();
    assert.equal(done.step, 'done');
    assert.deepEqual(
      done.steps.map((s) => [s.step, s.decision]),
      [
        ['requested', 'requested'],
        ['out_branch', 'approved'],
        ['out_parent', 'approved'],
        ['in_branch', 'approved'],
        ['in_parent', 'approved'],
      ],
    );
    assert.equal(new Set(done.steps.slice(1).map((s) => s.actorName)).size, 4);

    // The member now belongs to the in-branch: its admin reads the record, the old branch no longer does.
    const moved = await apis.inBranch.get<MemberDetail>(`/api/members/${memberId}`);
    assert.equal(moved.orgId, orgs.inBranch);
    await assert.rejects(apis.outBranch.get(`/api/members/${memberId}`), /HTTP 404/);
    assert.deepEqual(await stats(), { zhouzhi: before.zhouzhi - 1, lantian: before.lantian + 1 });

    // The timeline: the request, each of the four approvals by its own person, and the move itself.
    const { items } = await apis.inBranch.get<{ items: Event[] }>(`/api/members/${memberId}/events`);
    const transferEvents = items.filter((e) => e.kind.startsWith('transfer') || e.kind === 'transferred');
    const stepsSeen = transferEvents.filter((e) => e.kind === 'transfer_step').map((e) => e.details.step);
    assert.deepEqual([...stepsSeen].sort(), ['in_branch', 'in_parent', 'out_branch', 'out_parent']);
    assert.ok(transferEvents.some((e) => e.kind === 'transfer_requested'));
    assert.ok(transferEvents.some((e) => e.kind === 'transferred'));
    const approvers = new Set(transferEvents.filter((e) => e.kind === 'transfer_step').map((e) => e.actorName));
    assert.equal(approvers.size, 4);
    assert.doesNotMatch(JSON.stringify(items), /\d{17}[\dXx]/);
  });
});

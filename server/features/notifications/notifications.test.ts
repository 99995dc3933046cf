import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DashboardResponse } from '../../../common/campaigns.js';
import { addDays, chinaToday } from '../../../common/dates.js';
import { createTestContext } from '../../../test/harness.js';
import { loginAs, makeTree } from '../../../test/factories.js';
import { insertChannels } from '../../../test/ledger-rows.js';
import { sendDeadlineReminders, takeDailySnapshots } from './service.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
const today = chinaToday();

const created = await countyAdmin.post('/api/campaigns', {
  rootOrgId: tree.countyA.id,
  name: '团青群建设',
  startsOn: addDays(today, -10),
  endsOn: addDays(today, 30),
  reminderDays: 7,
  indicators: [
    {
      name: '乡镇团青群不少于 10 个',
      metric: 'channel_count',
      channelKind: 'tuanqing_group',
      levels: ['township'],
      types: ['committee'],
      threshold: 10,
      deadline: addDays(today, 5),
    },
  ],
});
assert.equal(created.statusCode, 201, created.body);
const campaignId = created.json<{ id: number }>().id;
await insertChannels(ctx, tree.townA2, 'tuanqing_group', 10);

type Notifications = {
  items: {
    id: number;
    title: string;
    read: boolean;
    dueOn: string;
    dashboard: { campaignId: number; orgId: number } | null;
  }[];
  unread: number;
};

test('orgs behind schedule are reminded once before the deadline; those on track are not', async () => {
  assert.equal(await sendDeadlineReminders(ctx.db, addDays(today, -10)), 0, 'too early: outside the 7-day window');
  assert.equal(await sendDeadlineReminders(ctx.db, today), 1, 'town A1 lags, town A2 has its ten groups');
  assert.equal(await sendDeadlineReminders(ctx.db, today), 0, 'a second run (or a second instance) adds nothing');

  const laggard = await loginAs(ctx, 'org_editor', tree.townA1);
  const list = (await laggard.get('/api/notifications')).json<Notifications>();
  assert.equal(list.unread, 1);
  assert.match(list.items[0].title, /团青群建设/);
  assert.equal(list.items[0].dueOn, addDays(today, 5));
  assert.deepEqual(list.items[0].dashboard?.campaignId, campaignId, 'the reminder opens its dashboard');
  assert.equal(list.items[0].dashboard?.orgId, tree.townA1.id);
  const onTrack = await loginAs(ctx, 'org_editor', tree.townA2);
  assert.equal((await onTrack.get('/api/notifications')).json<Notifications>().items.length, 0);

  assert.equal((await laggard.post(`/api/notifications/${list.items[0].id}/read`)).statusCode, 200);
  assert.equal((await laggard.get('/api/notifications')).json<Notifications>().unread, 0);
  const colleague = await loginAs(ctx, 'org_admin', tree.townA1);
  assert.equal((await colleague.get('/api/notifications')).json<Notifications>().unread, 1, 'read per person');
  assert.equal((await colleague.post('/api/notifications/read-all')).statusCode, 200);
  assert.equal((await colleague.get('/api/notifications')).json<Notifications>().unread, 0);
  assert.equal((await onTrack.post(`/api/notifications/${list.items[0].id}/read`)).statusCode, 404, "another org's");
});

test('daily snapshots keep the trend, once a day, and the dashboard shows them before today', async () => {
  const yesterday = addDays(today, -1);
  const first = await takeDailySnapshots(ctx.db, yesterday);
  assert.ok(first > 0);
  assert.equal(await takeDailySnapshots(ctx.db, yesterday), 0, 'idempotent');
  await insertChannels(ctx, tree.townA1, 'tuanqing_group', 10);
  const dashboard = (
    await countyAdmin.get(`/api/campaigns/${campaignId}/dashboard?orgId=${tree.countyA.id}`)
  ).json<DashboardResponse>();
  assert.deepEqual(
    dashboard.trend.map((t) => [t.date, t.applicable, t.met]),
    [
      [yesterday, 2, 1],
      [today, 2, 2],
    ],
  );
});

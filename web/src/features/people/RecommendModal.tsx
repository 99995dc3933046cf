import { Alert, App, DatePicker, Modal, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { addYears } from '../../../../common/id-number.js';
import { recommendationMinMemberYears } from '../../../../common/people-rules.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import type { MemberRefusal, RecommendationItem } from '../../../../common/reviews.js';
import { ApiError, errorMessage } from '../../app/api.js';
import { useT, type Translate } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { memberApi, recommendationApi, type MemberItem } from './api.js';

type Props = { org: OrgDetail; quota: number; onClose: () => void; onDone: () => void };

/** Every page of a paged list, for the few hundred rows a branch holds at most. */
async function allPages<T>(load: (page: number) => Promise<{ items: T[]; total: number }>, max = 10): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= max; page += 1) {
    const result = await load(page);
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) break;
  }
  return items;
}

type Candidate = MemberItem & { problem: string | null };

/** Why a member may not be recommended on `on`, as the server would say it; null when they may. */
function problemOf(t: Translate, member: MemberItem, on: string, previous: RecommendationItem[]): string | null {
  if (member.politicalStatus !== 'member') return t('recommend.problem.party');
  const joinedBy = addYears(on, -recommendationMinMemberYears);
  if (member.joinedOn > joinedBy) return t('recommend.problem.tooNew', { date: joinedBy });
  const holding = previous.find((r) => r.memberId === member.id && r.validUntil >= on && r.recommendedOn <= on);
  if (holding) return t('recommend.problem.holding', { on: holding.recommendedOn, until: holding.validUntil });
  return null;
}

/**
 * 新一轮推优: the branch's normal members with whether each may be recommended (≥ 1 year a member, a league member
 * not yet in the party, no recommendation still valid), and at most the round's quota chosen.
 */
export function RecommendModal({ org, quota, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [on, setOn] = useState<Dayjs>(dayjs());
  const [selected, setSelected] = useState<number[]>([]);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<{ message: string; refusals: MemberRefusal[] } | null>(null);
  const { data, error, reload } = useLoad(async () => {
    const [members, previous] = await Promise.all([
      allPages((page) => memberApi.list({ orgId: org.id, scope: 'own', status: 'normal', page, pageSize: 100 })),
      allPages((page) => recommendationApi.list({ orgId: org.id, scope: 'own', page, pageSize: 100 })),
    ]);
    return { members, previous };
  }, [org.id]);
  const date = on.format('YYYY-MM-DD');
  const used = data ? data.previous.filter((r) => r.recommendedOn === date).length : 0;
  const left = Math.max(0, quota - used);
  // Those who may be recommended first: the secretary picks among them.
  const candidates: Candidate[] = (
    data?.members.map((m) => ({ ...m, problem: problemOf(t, m, date, data.previous) })) ?? []
  ).sort((a, b) => Number(a.problem !== null) - Number(b.problem !== null));
  const eligible = new Set(candidates.filter((c) => c.problem === null).map((c) => c.id));
  const chosen = selected.filter((id) => eligible.has(id));

  const submit = async () => {
    setSaving(true);
    setRefusal(null);
    try {
      const result = await recommendationApi.recommend(
        org.id,
        { recommendedOn: date, memberIds: chosen },
        { quiet: true },
      );
      void message.success(t('recommend.done', { n: result.items.length }));
      onDone();
    } catch (err) {
      const details = err instanceof ApiError ? (err.details as { refusals?: MemberRefusal[] } | undefined) : undefined;
      setRefusal({ message: errorMessage(err), refusals: details?.refusals ?? [] });
    } finally {
      setSaving(false);
    }
  };

  const columns: TableColumnsType<Candidate> = [
    { title: t('member.col.name'), dataIndex: 'fullName' },
    { title: t('member.col.joinedOn'), dataIndex: 'joinedOn', responsive: ['sm'] },
    {
      title: t('member.col.political'),
      dataIndex: 'politicalStatus',
      responsive: ['md'],
      render: (p: MemberItem['politicalStatus']) => t(`people.political.${p}`),
    },
    {
      title: t('recommend.col.eligibility'),
      key: 'problem',
      render: (_v, row) =>
        row.problem === null ? (
          <Tag color="success">{t('recommend.eligible')}</Tag>
        ) : (
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {row.problem}
          </Typography.Text>
        ),
    },
  ];

  return (
    <Modal
      open
      width={760}
      title={t('recommend.create')}
      okText={t('recommend.submit', { n: chosen.length })}
      okButtonProps={{ disabled: chosen.length === 0, ...{ 'data-testid': 'recommend-submit' } }}
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
    >
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <span>{t('recommend.col.on')}</span>
          <DatePicker
            value={on}
            allowClear={false}
            onChange={(d) => d && setOn(d)}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          />
          <Typography.Text type={chosen.length > left ? 'danger' : 'secondary'} data-testid="recommend-count">
            {t('recommend.chosen', { n: chosen.length, left, quota })}
          </Typography.Text>
        </Space>
        {refusal && (
          <Alert
            type="error"
            showIcon
            title={refusal.refusals.length > 0 ? t('recommend.refused') : refusal.message}
            description={
              refusal.refusals.length > 0 ? (
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {refusal.refusals.map((r) => (
                    <li key={r.memberId}>{r.message}</li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        )}
        {!data ? (
          <Pending error={error} reload={reload} />
        ) : (
          <Table<Candidate>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={candidates}
            pagination={false}
            scroll={{ y: 360 }}
            locale={{ emptyText: t('recommend.noMembers') }}
            rowSelection={{
              selectedRowKeys: chosen,
              onChange: (keys) => setSelected(keys.map(Number)),
              getCheckboxProps: (row) => ({
                disabled: row.problem !== null || (!chosen.includes(row.id) && chosen.length >= left),
              }),
              hideSelectAll: true,
            }}
          />
        )}
      </Space>
    </Modal>
  );
}

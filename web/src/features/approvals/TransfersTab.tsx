import { ArrowRightOutlined, CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import { App, Button, Space, Steps, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { TransferStep } from '../../../../common/domain.js';
import { openTransferSteps, type TransferItem } from '../../../../common/transfers.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { RefusalList } from '../admission/StepModals.js';
import { transferApi } from './api.js';
import { PersonCell, useActionsFixed } from './cells.js';
import { ApprovalsToolbar, DecisionModal, type Decision } from './DecisionModal.js';
import { refusedMembersOf } from './refusals.js';
import { notifyApprovalsChanged } from './summary.js';

/** 转出支部 → 转出上级 → 转入支部 → 转入上级, with the step waiting (or how it ended). */
export function TransferSteps({ step, compact = false }: { step: TransferStep; compact?: boolean }) {
  const t = useT();
  const index = openTransferSteps.findIndex((s) => s === step);
  const current = step === 'done' ? openTransferSteps.length : index;
  return (
    <Steps
      size="small"
      type={compact ? 'dot' : 'default'}
      responsive={false}
      current={current === -1 ? 0 : current}
      status={step === 'rejected' || step === 'withdrawn' ? 'error' : step === 'done' ? 'finish' : 'process'}
      items={openTransferSteps.map((s) => ({ title: t(`transferStep.${s}`) }))}
      style={{ minWidth: compact ? 320 : 440 }}
    />
  );
}

type Deciding = { transfers: TransferItem[]; decision: Decision };

/** 组织关系转接: each step decided by its own side; batch approval of the transfers at a step the actor decides. */
export function TransfersTab() {
  const t = useT();
  const actionsFixed = useActionsFixed();
  const { message, modal } = App.useApp();
  const [awaiting, setAwaiting] = useState(true);
  const [q, setQ] = useState<string | undefined>(undefined);
  const paging = usePaging();
  const { page } = paging;
  const [selected, setSelected] = useState<TransferItem[]>([]);
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [refused, setRefused] = useState<{ key: number; name: string; message: string }[] | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      transferApi.list({
        awaiting: awaiting ? 'true' : undefined,
        q,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [awaiting, q, page.current, page.pageSize],
  );
  const changed = () => {
    setSelected([]);
    reload();
    notifyApprovalsChanged();
  };

  const withdraw = (transfer: TransferItem) =>
    modal.confirm({
      title: t('approvals.withdraw'),
      content: transfer.memberName,
      onOk: async () => {
        await transferApi.withdraw(transfer.id);
        void message.success(t('approvals.withdrawn'));
        changed();
      },
    });

  const submit = async (note: string | null) => {
    if (!deciding) return;
    const { transfers, decision } = deciding;
    setRefused(null);
    if (decision === 'reject') {
      await transferApi.reject(transfers[0].id, note ?? '', { quiet: true });
    } else if (transfers.length === 1) {
      await transferApi.approve(transfers[0].id, note, { quiet: true });
    } else {
      try {
        await transferApi.approveMany(
          transfers.map((x) => x.id),
          note,
          { quiet: true },
        );
      } catch (error) {
        const list = refusedMembersOf(error);
        if (!list) throw error;
        setRefused(list.map((r) => ({ key: r.memberId, name: r.fullName, message: r.reason })));
        throw new Error(t('approvals.refusedCount', { n: list.length }));
      }
    }
    setDeciding(null);
    void message.success(
      decision === 'reject'
        ? t('approvals.rejected')
        : transfers.length > 1
          ? t('approvals.approvedMany', { n: transfers.length })
          : t('approvals.approved'),
    );
    changed();
  };

  const columns: TableColumnsType<TransferItem> = [
    {
      title: t('approvals.col.member'),
      dataIndex: 'memberName',
      render: (name: string, row) => (
        <PersonCell
          name={row.abilities.viewMember ? <Link to={`/people/members/${row.memberId}`}>{name}</Link> : name}
          idMasked={row.idMasked}
        />
      ),
    },
    {
      title: t('approvals.transfers.col.route'),
      key: 'route',
      render: (_v, row) => (
        <div className="tj-approvals-route" data-testid={`transfer-progress-${row.id}`}>
          <div>
            <Tag variant="filled">{t('approvals.transfers.out')}</Tag>
            {row.fromOrgName}
          </div>
          <div>
            <Tag variant="filled" color="blue">
              {t('approvals.transfers.in')}
            </Tag>
            {row.toOrgName}
          </div>
          <div className="tj-approvals-steps">
            {row.step === 'done' || row.step === 'rejected' || row.step === 'withdrawn' ? (
              <Tag color={row.step === 'done' ? 'success' : 'default'}>{t(`transferStep.${row.step}`)}</Tag>
            ) : (
              <TransferSteps step={row.step} compact />
            )}
          </div>
        </div>
      ),
    },
    {
      title: t('approvals.transfers.col.reason'),
      key: 'reason',
      responsive: ['xl'],
      render: (_v, row) => (
        <div style={{ maxWidth: 200 }}>
          <div>{t(`transferReason.${row.reason}`)}</div>
          {row.note && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.note}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('approvals.col.actions'),
      key: 'actions',
      fixed: actionsFixed,
      render: (_v, row) => (
        <Space size={4}>
          {row.abilities.approve && (
            <Button
              size="small"
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => setDeciding({ transfers: [row], decision: 'approve' })}
              data-testid={`transfer-approve-${row.id}`}
            >
              {t('approvals.approve')}
            </Button>
          )}
          {row.abilities.reject && (
            <Button
              size="small"
              danger
              icon={<CloseOutlined />}
              onClick={() => setDeciding({ transfers: [row], decision: 'reject' })}
              data-testid={`transfer-reject-${row.id}`}
            >
              {t('approvals.reject')}
            </Button>
          )}
          {row.abilities.withdraw && (
            <Button size="small" type="link" icon={<RollbackOutlined />} onClick={() => void withdraw(row)}>
              {t('approvals.withdraw')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const first = deciding?.transfers[0];
  return (
    <>
      <ApprovalsToolbar
        testId="transfers"
        awaiting={{
          value: awaiting,
          onChange: (next) => {
            setAwaiting(next);
            setSelected([]);
            paging.toFirstPage();
          },
        }}
        onSearch={(next) => {
          setQ(next);
          paging.toFirstPage();
        }}
        batch={{
          selected: selected.length,
          onClear: () => setSelected([]),
          onApprove: () => setDeciding({ transfers: selected, decision: 'approve' }),
        }}
      />
      <PagedTable<TransferItem>
        data-testid="transfers-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={awaiting ? t('approvals.transfers.empty') : t('approvals.transfers.emptyAll')}
        rowSelection={{
          selectedRowKeys: selected.map((x) => x.id),
          onChange: (_keys, rows) => setSelected(rows),
          getCheckboxProps: (row) => ({ disabled: !row.abilities.approve }),
          preserveSelectedRowKeys: true,
        }}
        expandable={{ expandedRowRender: (row) => <TransferHistory id={row.id} /> }}
      />
      {deciding && first && (
        <DecisionModal
          decision={deciding.decision}
          title={
            deciding.decision === 'reject'
              ? t('approvals.transfers.rejectTitle', { name: first.memberName })
              : deciding.transfers.length > 1
                ? t('approvals.transfers.batchTitle', { n: deciding.transfers.length })
                : t('approvals.transfers.approveTitle', {
                    name: first.memberName,
                    step: t(`transferStep.${first.step}`),
                  })
          }
          summary={
            <>
              {refused && <RefusalList refusals={refused} />}
              {deciding.transfers.length > 1 ? (
                <Typography.Text>{deciding.transfers.map((x) => x.memberName).join('、')}</Typography.Text>
              ) : (
                <Space size={6} wrap>
                  <span>{first.fromOrgName}</span>
                  <ArrowRightOutlined />
                  <span>{first.toOrgName}</span>
                </Space>
              )}
            </>
          }
          onClose={() => {
            setDeciding(null);
            setRefused(null);
          }}
          onSubmit={submit}
        />
      )}
    </>
  );
}

/** Who decided each step and when, with their notes. */
function TransferHistory({ id }: { id: number }) {
  const t = useT();
  const { data, error, reload } = useLoad(() => transferApi.detail(id), [id]);
  if (!data) return <Pending error={error} reload={reload} />;
  return (
    <div style={{ padding: '8px 16px 0' }}>
      <Typography.Text strong>{t('approvals.transfers.history')}</Typography.Text>
      <Timeline
        style={{ marginTop: 12 }}
        items={data.steps.map((s, i) => ({
          key: i,
          color: s.decision === 'rejected' ? 'red' : s.decision === 'withdrawn' ? 'gray' : 'green',
          content: (
            <div>
              <Space size={8} wrap>
                <strong>{t(`transferStep.${s.step}`)}</strong>
                <span>{t(`transferDecision.${s.decision}`)}</span>
                <span className="tj-secondary">
                  {s.actorName ?? '—'} · {formatDateTime(s.at)}
                </span>
              </Space>
              {s.note && <div className="tj-secondary">{s.note}</div>}
            </div>
          ),
        }))}
      />
    </div>
  );
}

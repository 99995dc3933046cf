import { ArrowRightOutlined, CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import { App, Button, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { MembershipStatus, RequestKind, RequestStatus } from '../../../../common/domain.js';
import type { MemberRequestItem } from '../../../../common/member-requests.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { requestApi } from './api.js';
import { PersonCell, RequestedCell, useActionsFixed } from './cells.js';
import { ApprovalsToolbar, DecisionModal, type Decision } from './DecisionModal.js';
import { notifyApprovalsChanged } from './summary.js';

const statusColors: Record<RequestStatus, string> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

export function MemberStatusTag({ status }: { status: MembershipStatus }) {
  const t = useT();
  return <Tag color={status === 'normal' ? 'green' : 'default'}>{t(`approvals.memberStatus.${status}`)}</Tag>;
}

/** Old → new, the old struck through, for a correction's name or ID number. */
function Change({ from, to }: { from: string; to: string }) {
  return (
    <Space size={6} wrap={false}>
      <Typography.Text delete type="secondary">
        {from}
      </Typography.Text>
      <ArrowRightOutlined style={{ color: 'rgba(0,0,0,.35)' }} />
      <span>{to}</span>
    </Space>
  );
}

/** 团籍变更 or 信息更正: requests of the branches below, approved or rejected one by one. */
export function RequestsTab({ kind }: { kind: RequestKind }) {
  const t = useT();
  const actionsFixed = useActionsFixed();
  const { message, modal } = App.useApp();
  const [awaiting, setAwaiting] = useState(true);
  const [q, setQ] = useState<string | undefined>(undefined);
  const paging = usePaging();
  const { page } = paging;
  const [deciding, setDeciding] = useState<{ request: MemberRequestItem; decision: Decision } | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      requestApi.list({
        kind,
        awaiting: awaiting ? 'true' : undefined,
        q,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [kind, awaiting, q, page.current, page.pageSize],
  );
  const changed = () => {
    reload();
    notifyApprovalsChanged();
  };

  const withdraw = (request: MemberRequestItem) =>
    modal.confirm({
      title: t('approvals.withdraw'),
      content: request.memberName,
      onOk: async () => {
        await requestApi.withdraw(request.id);
        void message.success(t('approvals.withdrawn'));
        changed();
      },
    });

  const columns: TableColumnsType<MemberRequestItem> = [
    {
      title: t('approvals.col.member'),
      dataIndex: 'memberName',
      render: (name: string, row) => (
        <PersonCell
          name={<Link to={`/people/members/${row.memberId}`}>{name}</Link>}
          idMasked={row.idMasked}
          org={row.orgName}
        />
      ),
    },
    kind === 'status'
      ? {
          title: t('approvals.requests.col.change'),
          key: 'change',
          render: (_v, row) => (
            <Space size={4} wrap={false}>
              <MemberStatusTag status={row.memberStatus} />
              <ArrowRightOutlined style={{ color: 'rgba(0,0,0,.35)' }} />
              {row.toStatus && <MemberStatusTag status={row.toStatus} />}
            </Space>
          ),
        }
      : {
          title: t('approvals.requests.col.correction'),
          key: 'correction',
          render: (_v, row) => (
            <div>
              {row.newName !== null && (
                <div>
                  {t('approvals.requests.name')}：<Change from={row.memberName} to={row.newName} />
                </div>
              )}
              {row.newIdMasked !== null && (
                <div className="tj-mono">
                  {t('approvals.requests.idNumber')}：<Change from={row.idMasked} to={row.newIdMasked} />
                </div>
              )}
            </div>
          ),
        },
    {
      title: t('approvals.col.reason'),
      dataIndex: 'reason',
      render: (reason: string, row) => (
        <div style={{ maxWidth: 260 }}>
          <div>{reason}</div>
          {row.decisionNote && (
            <Typography.Text type={row.status === 'rejected' ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
              {row.decisionNote}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('approvals.col.requested'),
      key: 'requested',
      responsive: ['lg'],
      render: (_v, row) => <RequestedCell by={row.requestedBy} at={row.requestedAt} />,
    },
    ...(awaiting
      ? []
      : [
          {
            title: t('approvals.col.status'),
            dataIndex: 'status',
            render: (status: RequestStatus) => <Tag color={statusColors[status]}>{t(`requestStatus.${status}`)}</Tag>,
          },
        ]),
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
              onClick={() => setDeciding({ request: row, decision: 'approve' })}
              data-testid={`request-approve-${row.id}`}
            >
              {t('approvals.approve')}
            </Button>
          )}
          {row.abilities.reject && (
            <Button
              size="small"
              danger
              icon={<CloseOutlined />}
              onClick={() => setDeciding({ request: row, decision: 'reject' })}
              data-testid={`request-reject-${row.id}`}
            >
              {t('approvals.reject')}
            </Button>
          )}
          {row.abilities.withdraw && (
            <Button size="small" icon={<RollbackOutlined />} onClick={() => void withdraw(row)}>
              {t('approvals.withdraw')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const emptyText = awaiting ? t(`approvals.requests.empty.${kind}`) : t('approvals.requests.emptyAll');
  return (
    <>
      <ApprovalsToolbar
        testId={`requests-${kind}`}
        awaiting={{
          value: awaiting,
          onChange: (next) => {
            setAwaiting(next);
            paging.toFirstPage();
          },
        }}
        onSearch={(next) => {
          setQ(next);
          paging.toFirstPage();
        }}
      />
      <PagedTable<MemberRequestItem>
        data-testid={`requests-${kind}-table`}
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={emptyText}
      />
      {deciding && (
        <DecisionModal
          decision={deciding.decision}
          title={t(
            deciding.decision === 'approve' ? 'approvals.requests.approveTitle' : 'approvals.requests.rejectTitle',
            { name: deciding.request.memberName },
          )}
          onClose={() => setDeciding(null)}
          onSubmit={async (note) => {
            const { request, decision } = deciding;
            if (decision === 'approve') await requestApi.approve(request.id, note, { quiet: true });
            else await requestApi.reject(request.id, note ?? '', { quiet: true });
            setDeciding(null);
            void message.success(t(decision === 'approve' ? 'approvals.approved' : 'approvals.rejected'));
            changed();
          }}
        />
      )}
    </>
  );
}

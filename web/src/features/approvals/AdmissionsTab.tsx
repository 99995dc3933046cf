import { CheckOutlined, ClockCircleOutlined, CloseOutlined } from '@ant-design/icons';
import { App, Button, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { ApplicantItem } from '../../../../common/applicants.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { applicantApi } from '../admission/api.js';
import { ApplicantDrawer } from '../admission/ApplicantDrawer.js';
import { ApproveAdmissionModal } from '../admission/StepModals.js';
import { PersonCell, useActionsFixed } from './cells.js';
import { ApprovalsToolbar, DecisionModal } from './DecisionModal.js';
import { notifyApprovalsChanged } from './summary.js';

/** 入团审批: applicants voted in by a branch below, awaiting the actor's committee; approved one by one or in a batch. */
export function AdmissionsTab() {
  const t = useT();
  const actionsFixed = useActionsFixed();
  const { message } = App.useApp();
  const [q, setQ] = useState<string | undefined>(undefined);
  const paging = usePaging();
  const { page } = paging;
  const [selected, setSelected] = useState<ApplicantItem[]>([]);
  const [approving, setApproving] = useState<ApplicantItem[] | null>(null);
  const [rejecting, setRejecting] = useState<ApplicantItem | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const { data, loading, reload } = useLoad(
    () => applicantApi.list({ awaiting: 'approval', q, page: page.current, pageSize: page.pageSize }),
    [q, page.current, page.pageSize],
  );
  const changed = () => {
    setSelected([]);
    reload();
    notifyApprovalsChanged();
  };

  const columns: TableColumnsType<ApplicantItem> = [
    {
      title: t('approvals.admissions.col.applicant'),
      dataIndex: 'fullName',
      render: (name: string, row) => (
        <PersonCell
          name={
            <Typography.Link onClick={() => setOpenId(row.id)} data-testid={`admission-open-${row.id}`}>
              {name}
            </Typography.Link>
          }
          extra={row.overdue.map((o) => (
            <Tooltip key={o.reason} title={o.message}>
              <Tag color="error" icon={<ClockCircleOutlined />} style={{ marginInlineStart: 8 }}>
                {t(`overdueReason.${o.reason}`)}
              </Tag>
            </Tooltip>
          ))}
          idMasked={row.idMasked}
          org={row.orgName}
        />
      ),
    },
    {
      title: t('approvals.admissions.col.ageSex'),
      key: 'age',
      responsive: ['lg'],
      render: (_v, row) => `${t(`applicant.sex.${row.sex}`)} · ${t('applicant.ageValue', { n: row.age })}`,
    },
    {
      title: t('approvals.admissions.col.dates'),
      key: 'dates',
      responsive: ['md'],
      render: (_v, row) => (
        <div className="tj-mono" style={{ fontSize: 12, lineHeight: '20px' }}>
          <div>
            {t('applicantStage.activist')} {row.activistOn ?? '—'}
          </div>
          <div>
            {t('applicantStage.candidate')} {row.candidateOn ?? '—'}
          </div>
          <div>
            {t('applicantStageDate.voted')} {row.voteOn ?? '—'}
          </div>
        </div>
      ),
    },
    {
      title: t('approvals.admissions.col.hours'),
      dataIndex: 'lectureHours',
      responsive: ['lg'],
      render: (n: number) => t('admission.card.hours', { n }),
    },
    {
      title: t('approvals.col.actions'),
      key: 'actions',
      fixed: actionsFixed,
      render: (_v, row) => (
        <Space size={4}>
          <Button
            size="small"
            type="primary"
            icon={<CheckOutlined />}
            onClick={() => setApproving([row])}
            data-testid={`admission-approve-${row.id}`}
          >
            {t('approvals.approve')}
          </Button>
          <Button
            size="small"
            danger
            icon={<CloseOutlined />}
            onClick={() => setRejecting(row)}
            data-testid={`admission-reject-${row.id}`}
          >
            {t('approvals.reject')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <ApprovalsToolbar
        testId="admissions"
        onSearch={(next) => {
          setQ(next);
          paging.toFirstPage();
        }}
        batch={{
          selected: selected.length,
          onClear: () => setSelected([]),
          onApprove: () => setApproving(selected),
        }}
      />
      <PagedTable<ApplicantItem>
        data-testid="admissions-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={q ? t('approvals.admissions.emptySearch') : t('approvals.admissions.empty')}
        rowSelection={{
          selectedRowKeys: selected.map((a) => a.id),
          onChange: (_keys, rows) => setSelected(rows),
          preserveSelectedRowKeys: true,
        }}
      />
      {approving && (
        <ApproveAdmissionModal
          applicants={approving}
          onClose={() => setApproving(null)}
          onDone={(result) => {
            setApproving(null);
            void message.success(t('approvals.admissions.approved', { n: result.approved.length }));
            changed();
          }}
        />
      )}
      {rejecting && (
        <DecisionModal
          decision="reject"
          title={t('approvals.admissions.rejectTitle', { name: rejecting.fullName })}
          onClose={() => setRejecting(null)}
          onSubmit={async (note) => {
            await applicantApi.reject(rejecting.id, note ?? '', { quiet: true });
            setRejecting(null);
            void message.success(t('approvals.rejected'));
            changed();
          }}
        />
      )}
      {openId !== null && <ApplicantDrawer applicantId={openId} onClose={() => setOpenId(null)} onChanged={changed} />}
    </>
  );
}

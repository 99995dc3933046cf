import { Badge, Card, Space, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import type { ApprovalsSummary } from '../../../../common/approvals.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { AdmissionsTab } from './AdmissionsTab.js';
import { DuplicatesTab } from './DuplicatesTab.js';
import { RequestsTab } from './RequestsTab.js';
import { useApprovalsSummary } from './summary.js';
import { TransfersTab } from './TransfersTab.js';
import './approvals.css';

const tabs = ['admissions', 'status', 'corrections', 'transfers', 'duplicates'] as const;
type Tab = (typeof tabs)[number];

const counts: Record<Tab, keyof ApprovalsSummary> = {
  admissions: 'admissions',
  status: 'statusRequests',
  corrections: 'corrections',
  transfers: 'transferSteps',
  duplicates: 'duplicates',
};

/** `/approvals?tab=`: everything the branches below ask of the actor's org, one tab per kind, each with its count. */
export function ApprovalsPage() {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const summary = useApprovalsSummary();
  const param = search.get('tab');
  const tab: Tab = tabs.find((x) => x === param) ?? 'admissions';

  const label = (key: Tab) => (
    <Space size={6}>
      {t(`approvals.tab.${key}`)}
      <Badge count={summary?.[counts[key]] ?? 0} size="small" overflowCount={999} />
    </Space>
  );
  const body = (key: Tab) => {
    switch (key) {
      case 'admissions':
        return <AdmissionsTab />;
      case 'status':
        return <RequestsTab kind="status" />;
      case 'corrections':
        return <RequestsTab kind="correction" />;
      case 'transfers':
        return <TransfersTab />;
      case 'duplicates':
        return <DuplicatesTab />;
    }
  };

  return (
    <>
      <PageHeader title={t('approvals.title')} subtitle={t('approvals.subtitle')} />
      <div className="tj-page-body">
        <Card variant="borderless" styles={{ body: { paddingTop: 4 } }}>
          <Tabs
            activeKey={tab}
            onChange={(key) => setSearch({ tab: key }, { replace: true })}
            destroyOnHidden
            items={tabs.map((key) => ({
              key,
              label: <span data-testid={`approvals-tab-${key}`}>{label(key)}</span>,
              children: body(key),
            }))}
          />
        </Card>
      </div>
    </>
  );
}

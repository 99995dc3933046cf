import { CloudUploadOutlined, DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { exportApi, type ExportKind } from '../imports/api.js';
import type { LedgerScope } from './api.js';

type CreateProps = { label: string; testId: string; onClick: () => void };

/** 登记 …: the primary button of a ledger list, shown only to those who may write the ledger. */
export function LedgerCreateButton({ label, testId, onClick }: CreateProps) {
  const { can } = useSession();
  if (!can('ledger.write')) return null;
  return (
    <Button type="primary" icon={<PlusOutlined />} onClick={onClick} data-testid={testId}>
      {label}
    </Button>
  );
}

type ActionsProps = {
  /** What is exported; also names the buttons' test ids (`channels-export`, `channels-import`). */
  kind: ExportKind;
  orgId: number;
  scope: LedgerScope;
  onImport: () => void;
  create: CreateProps;
};

/** The right side of a list that goes to and from Excel: export for every reader, import and 登记 for writers. */
export function LedgerListActions({ kind, orgId, scope, onImport, create }: ActionsProps) {
  const t = useT();
  const { can } = useSession();
  const [exporting, setExporting] = useState(false);
  const exportList = async () => {
    setExporting(true);
    try {
      await exportApi.download(kind, { orgId, scope });
    } catch {
      // The API client has shown the server's message.
    } finally {
      setExporting(false);
    }
  };

  return (
    <Space wrap size={8}>
      <Button
        icon={<DownloadOutlined />}
        loading={exporting}
        onClick={() => void exportList()}
        data-testid={`${kind}-export`}
      >
        {t('ledger.export')}
      </Button>
      {can('ledger.write') && (
        <Button icon={<CloudUploadOutlined />} onClick={onImport} data-testid={`${kind}-import`}>
          {t('import.fromExcel')}
        </Button>
      )}
      <LedgerCreateButton {...create} />
    </Space>
  );
}

type ScopeProps = {
  value: LedgerScope;
  onChange: (scope: LedgerScope) => void;
  /** The cadre list opens on the org's own cadres and offers that first; the other lists open on the subtree. */
  ownFirst?: boolean;
  testId?: string;
};

/** 含下级 / 仅本级: the whole subtree's records or the org's own. */
export function ScopeSwitch({ value, onChange, ownFirst = false, testId }: ScopeProps) {
  const t = useT();
  const subtree = { value: 'subtree' as const, label: t('ledger.scope.subtree') };
  const own = { value: 'own' as const, label: t('ledger.scope.own') };
  return (
    <Segmented<LedgerScope>
      value={value}
      onChange={onChange}
      options={ownFirst ? [own, subtree] : [subtree, own]}
      data-testid={testId}
    />
  );
}

import { CloudUploadOutlined, DownloadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import type { MembershipStatus } from '../../../../common/domain.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { ImportDialog } from '../imports/ImportDialog.js';
import { downloadMembers } from './api.js';

type Props = {
  org: OrgDetail;
  scope: 'own' | 'subtree';
  status?: MembershipStatus;
  onImported: () => void;
};

/** 导出名册 for every reader (masked, audited); 从 Excel 导入 for those who may write both ledger and people. */
export function MemberListActions({ org, scope, status, onImported }: Props) {
  const t = useT();
  const { can } = useSession();
  const [exporting, setExporting] = useState(false);
  const [importing, setImporting] = useState(false);
  const exportList = async () => {
    setExporting(true);
    try {
      await downloadMembers({ orgId: org.id, scope, status });
    } catch {
      // The API client has shown the server's message.
    } finally {
      setExporting(false);
    }
  };
  const mayImport = can('people.write') && can('ledger.write') && org.status === 'active';

  return (
    <>
      <Button
        icon={<DownloadOutlined />}
        loading={exporting}
        onClick={() => void exportList()}
        data-testid="members-export"
      >
        {t('member.export')}
      </Button>
      {mayImport && (
        <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)} data-testid="members-import">
          {t('member.import')}
        </Button>
      )}
      {importing && (
        <ImportDialog
          kind="members"
          orgId={org.id}
          orgName={org.name}
          onClose={() => setImporting(false)}
          onImported={onImported}
        />
      )}
    </>
  );
}

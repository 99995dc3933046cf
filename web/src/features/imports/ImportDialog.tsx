import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Space, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../app/i18n.js';
import { importApi, type ImportKind } from './api.js';
import { ImportResult } from './ImportResult.js';
import { useJob } from './useJob.js';

type Props = {
  kind: ImportKind;
  /** The org the rows belong under (the county of a plan table). */
  orgId: number;
  orgName?: string;
  campaignId?: number;
  onClose: () => void;
  /** A real (not dry-run) import finished: the page reloads what it shows. */
  onImported: () => void;
};

/** 从 Excel 导入: pick a file, check it first (dry run), then import it for real, watching the job's progress. */
export function ImportDialog({ kind, orgId, orgName, campaignId, onClose, onImported }: Props) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [starting, setStarting] = useState(false);
  const { job, pollError } = useJob(jobId);
  const running = starting || (jobId !== null && (!job || job.status === 'queued' || job.status === 'running'));
  const onImportedRef = useRef(onImported);
  onImportedRef.current = onImported;
  const finishedId = job && !dryRun && job.status === 'done' ? job.id : null;
  useEffect(() => {
    if (finishedId !== null) onImportedRef.current();
  }, [finishedId]);

  const start = async (asDryRun: boolean) => {
    if (!file) return;
    setStarting(true);
    setDryRun(asDryRun);
    setJobId(null);
    try {
      const { jobId: id } = await importApi.start({ kind, file, orgId, dryRun: asDryRun, campaignId });
      setJobId(id);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setStarting(false);
    }
  };

  const finishedReal = job?.status === 'done' && !dryRun;
  return (
    <Modal
      open
      title={t('import.title', { kind: t(`import.kind.${kind}`) })}
      width={780}
      onCancel={onClose}
      maskClosable={!running}
      footer={
        finishedReal ? (
          <Button type="primary" onClick={onClose}>
            {t('import.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              disabled={!file || running}
              loading={running && dryRun}
              onClick={() => void start(true)}
              data-testid="import-dry-run"
            >
              {t('import.dryRun')}
            </Button>
            <Button
              type="primary"
              disabled={!file || running}
              loading={running && !dryRun}
              onClick={() => void start(false)}
              data-testid="import-run"
            >
              {t('import.run')}
            </Button>
          </Space>
        )
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {orgName ? t('import.into', { org: orgName }) : null} {t(`import.hint.${kind}`)}
        </Typography.Text>
        <Button
          type="link"
          icon={<DownloadOutlined />}
          style={{ padding: 0 }}
          onClick={() => void importApi.downloadTemplate(kind).catch(() => undefined)}
          data-testid="import-template"
        >
          {t('import.template')}
        </Button>
        <Upload.Dragger
          accept=".xlsx,.csv"
          maxCount={1}
          multiple={false}
          disabled={running}
          fileList={file ? [{ uid: 'file', name: file.name, size: file.size, status: 'done' }] : []}
          beforeUpload={(chosen) => {
            setFile(chosen);
            setJobId(null);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setJobId(null);
          }}
          data-testid="import-file"
          className="tj-import-drop"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('import.choose')}</p>
          <p className="ant-upload-hint">{t('import.chooseHint')}</p>
        </Upload.Dragger>
        {pollError && <Alert type="warning" showIcon title={t('import.pollError', { message: pollError })} />}
        {job && <ImportResult job={job} />}
      </Space>
    </Modal>
  );
}

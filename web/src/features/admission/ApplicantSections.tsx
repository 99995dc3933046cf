import { DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Empty, List, Progress, Select, Space, Steps, Typography, Upload } from 'antd';
import { useState, type ReactNode } from 'react';
import { documentStages, type ApplicantDetail, type DocumentStage } from '../../../../common/applicants.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { applicantApi } from './api.js';

type Step = { key: string; date: string | null; extra?: ReactNode };

/** The pipeline as vertical steps with the date of each one done, the next one in progress. */
export function ApplicantProgress({ applicant: a }: { applicant: ApplicantDetail }) {
  const t = useT();
  const steps: Step[] = [
    { key: 'applied', date: a.appliedOn },
    { key: 'talked', date: a.talkedOn },
    {
      key: 'activist',
      date: a.activistOn,
      extra: a.candidateFrom && !a.candidateOn ? t('applicant.candidateFrom', { date: a.candidateFrom }) : null,
    },
    {
      key: 'candidate',
      date: a.candidateOn,
      extra: a.activistOn ? t('applicant.hoursProgress', { n: a.lectureHours, min: a.minLectureHours }) : null,
    },
    {
      key: 'voted',
      date: a.voteOn,
      extra: (
        <>
          {a.introducers.length > 0 && (
            <div>
              {t('applicant.introducers')}：{a.introducers.map((i) => i.fullName).join('、')}
            </div>
          )}
          {a.vote && (
            <div>{t('applicant.voteValue', { due: a.vote.due, present: a.vote.present, for: a.vote.for })}</div>
          )}
        </>
      ),
    },
    {
      key: 'approved',
      date: a.approvedOn,
      extra: a.approvedBy ? `${t('applicant.approvedBy')}：${a.approvedBy}` : null,
    },
    { key: 'ceremony', date: a.ceremonyOn },
  ];
  const current = steps.findIndex((s) => s.date === null);
  const closed = a.stage === 'withdrawn' || a.stage === 'rejected';
  return (
    <Steps
      className="tj-applicant-steps"
      orientation="vertical"
      size="small"
      current={current === -1 ? steps.length : current}
      status={closed ? 'error' : current === -1 ? 'finish' : 'process'}
      items={steps.map((step, index) => ({
        title: t(`applicant.step.${step.key}` as 'applicant.step.applied'),
        content: (
          <div data-testid={`applicant-step-${step.key}`}>
            <span className={step.date ? 'tj-mono' : 'tj-secondary'}>
              {step.date ?? (index === current && closed ? t(`applicantStage.${a.stage}`) : t('applicant.step.notYet'))}
            </span>
            {step.extra && <div className="tj-secondary">{step.extra}</div>}
          </div>
        ),
      }))}
    />
  );
}

/** 团课记录 and the hours against the minimum a candidate needs. */
export function ApplicantLectures({ applicant }: { applicant: ApplicantDetail }) {
  const t = useT();
  const percent = applicant.minLectureHours
    ? Math.min(100, Math.round((applicant.lectureHours / applicant.minLectureHours) * 100))
    : 100;
  return (
    <>
      <div className="tj-applicant-hours">
        <span data-testid="applicant-hours">
          {t('applicant.hoursProgress', { n: applicant.lectureHours, min: applicant.minLectureHours })}
        </span>
        <Progress percent={percent} showInfo={false} size="small" status={percent >= 100 ? 'success' : 'active'} />
      </div>
      {applicant.lectures.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('applicant.lecturesEmpty')}</Typography.Paragraph>
      ) : (
        <List
          size="small"
          dataSource={applicant.lectures}
          renderItem={(lecture) => (
            <List.Item key={lecture.id} extra={t('applicant.lectureHours', { n: lecture.hours })}>
              <Space size={12}>
                <span className="tj-mono">{lecture.heldOn}</span>
                <span>{lecture.title}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </>
  );
}

/** The stage a new document most likely belongs to: the step the applicant is at. */
function defaultDocumentStage(applicant: ApplicantDetail): DocumentStage {
  return documentStages.find((s) => s === applicant.stage) ?? 'applied';
}

/** 材料: the files filed per step (downloads as attachments), and an upload for those who may. */
export function ApplicantDocuments({ applicant, onUploaded }: { applicant: ApplicantDetail; onUploaded: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [stage, setStage] = useState<DocumentStage>(defaultDocumentStage(applicant));
  const [uploading, setUploading] = useState(false);

  const upload = async (file: File) => {
    setUploading(true);
    try {
      const document = await applicantApi.upload(applicant.id, stage, file);
      void message.success(t('applicant.uploaded', { name: document.fileName }));
      onUploaded();
    } catch {
      // The API client has shown the server's message.
    } finally {
      setUploading(false);
    }
  };

  return (
    <>
      {applicant.documents.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('applicant.documentsEmpty')} />
      ) : (
        <List
          size="small"
          dataSource={applicant.documents}
          renderItem={(doc) => (
            <List.Item
              key={doc.id}
              actions={[
                <a key="download" href={applicantApi.documentUrl(doc.id)} download={doc.fileName}>
                  <DownloadOutlined /> {t('applicant.download')}
                </a>,
              ]}
            >
              <List.Item.Meta
                avatar={<PaperClipOutlined />}
                title={doc.fileName}
                description={`${t(`documentStage.${doc.stage}`)} · ${formatDateTime(doc.uploadedAt)}${
                  doc.uploadedBy ? ` · ${doc.uploadedBy}` : ''
                }`}
              />
            </List.Item>
          )}
        />
      )}
      {applicant.abilities.upload && (
        <Space wrap size={8} style={{ marginTop: 8 }}>
          <Select<DocumentStage>
            value={stage}
            onChange={setStage}
            style={{ width: 160 }}
            aria-label={t('applicant.uploadStage')}
            options={documentStages.map((s) => ({ value: s, label: t(`documentStage.${s}`) }))}
          />
          <Upload
            showUploadList={false}
            accept=".pdf,image/png,image/jpeg,image/webp"
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={uploading} data-testid="applicant-upload">
              {t('applicant.upload')}
            </Button>
          </Upload>
        </Space>
      )}
    </>
  );
}

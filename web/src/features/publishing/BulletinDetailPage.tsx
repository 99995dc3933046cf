import { LinkOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, QRCode, Result, Row, Space, Spin, Steps, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { BulletinStatus } from '../../../../common/domain.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useLoad } from '../../app/useLoad.js';
import { bulletinApi, type BulletinDetail } from './api.js';
import { BulletinPreview } from './BulletinPreview.js';
import { DeliveriesTable } from './DeliveriesTable.js';
import { DeliveryDrawer } from './DeliveryDrawer.js';
import { BulletinStatusTag, TargetLabel } from './labels.js';
import { publishingPath } from './PublishingFrame.js';
import { ReviewActions } from './ReviewActions.js';
import './publishing.css';

/** While something is on its way, the page follows it without a manual refresh. */
const pollMs = 5000;

/** `/publishing/bulletins/:id`: the bulletin as readers will see it, where it stands, its review and deliveries. */
export function BulletinDetailPage() {
  const t = useT();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const { data, error, reload } = useLoad(
    () => (valid ? bulletinApi.detail(id) : Promise.resolve(undefined)),
    [id, valid],
  );
  const [fresh, setFresh] = useState<BulletinDetail | null>(null);
  const [openDelivery, setOpenDelivery] = useState<number | null>(null);
  const bulletin = fresh?.id === id && fresh.updatedAt >= (data?.updatedAt ?? '') ? fresh : data;

  const moving =
    bulletin !== undefined &&
    (bulletin.status === 'sending' ||
      (bulletin.status === 'approved' && (bulletin.sendAt === null || new Date(bulletin.sendAt) <= new Date())) ||
      bulletin.deliveries.some((d) => d.status === 'queued' || d.status === 'sending'));
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, [moving, reload]);

  if (!valid) return <NotFound />;
  if (!bulletin || bulletin.id !== id) {
    if (error) {
      return (
        <Result
          status={error.status === 404 ? '404' : 'error'}
          title={error.status === 404 ? t('pub.detail.notFound') : error.message}
          extra={
            <Link to="/publishing/bulletins">
              <Button type="primary">{t('pub.detail.backToList')}</Button>
            </Link>
          }
        />
      );
    }
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }

  const update = (next: BulletinDetail) => {
    setFresh(next);
    reload();
  };
  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.publishing') },
          { title: t('nav.publishing.bulletins'), to: publishingPath('bulletins', bulletin.orgId) },
          { title: bulletin.title },
        ]}
        title={bulletin.title}
        titleTestId="bulletin-title"
        tags={
          <>
            <BulletinStatusTag status={bulletin.status} />
            {bulletin.kind === 'issue' && (
              <Tag color="purple">
                {bulletin.issueNumber ? t('pub.issueNumber', { n: bulletin.issueNumber }) : t('bulletinKind.issue')}
              </Tag>
            )}
          </>
        }
        subtitle={bulletin.orgName}
        extra={<ReviewActions bulletin={bulletin} onDone={update} />}
      />
      <div className="tj-page-body">
        <Card variant="borderless" style={{ marginBottom: 16 }}>
          <StatusSteps bulletin={bulletin} />
        </Card>
        {bulletin.reviewNote && (bulletin.status === 'rejected' || bulletin.decidedAt) && (
          <Alert
            type={bulletin.status === 'rejected' ? 'warning' : 'info'}
            showIcon
            title={t(bulletin.status === 'rejected' ? 'pub.detail.rejectedBy' : 'pub.detail.noteBy', {
              name: bulletin.decidedByName ?? t('common.none'),
            })}
            description={bulletin.reviewNote}
            style={{ marginBottom: 16 }}
            data-testid="review-note"
          />
        )}
        <DeliveryTrouble bulletin={bulletin} />
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={15}>
            <Card variant="borderless" title={t('pub.detail.preview')}>
              <BulletinPreview bulletin={bulletin} />
            </Card>
          </Col>
          <Col xs={24} xl={9}>
            {/* A block, not antd's inline-flex: on the line's baseline it sat 10 px below the preview beside it. */}
            <Space orientation="vertical" size={16} style={{ width: '100%', display: 'flex' }}>
              <Card variant="borderless" title={t('pub.detail.info')} size="small">
                <InfoList bulletin={bulletin} />
              </Card>
              <ShareCard bulletin={bulletin} />
            </Space>
          </Col>
        </Row>
        <Card
          variant="borderless"
          title={t('pub.detail.deliveries')}
          style={{ marginTop: 16 }}
          extra={
            <Link to={`/publishing/deliveries?org=${bulletin.orgId}&bulletin=${bulletin.id}`}>
              {t('pub.detail.allDeliveries')}
            </Link>
          }
        >
          <DeliveriesTable
            data={{ items: bulletin.deliveries, total: bulletin.deliveries.length }}
            emptyText={t(
              bulletin.status === 'approved' && bulletin.sendAt
                ? 'pub.detail.noDeliveriesYet'
                : 'pub.detail.noDeliveries',
              { at: formatDateTime(bulletin.sendAt) },
            )}
            onOpen={(d) => setOpenDelivery(d.id)}
            onChanged={reload}
          />
        </Card>
      </div>
      {openDelivery !== null && (
        <DeliveryDrawer deliveryId={openDelivery} onClose={() => setOpenDelivery(null)} onChanged={reload} />
      )}
    </>
  );
}

/** Deliveries that need a person: failed ones (retry after fixing the cause) and uncertain ones (check, confirm). */
function DeliveryTrouble({ bulletin }: { bulletin: BulletinDetail }) {
  const t = useT();
  const failed = bulletin.deliveries.filter((d) => d.status === 'failed').length;
  const uncertain = bulletin.deliveries.filter((d) => d.status === 'uncertain').length;
  if (failed === 0 && uncertain === 0) return null;
  return (
    <Alert
      type={failed > 0 ? 'error' : 'warning'}
      showIcon
      title={[
        failed > 0 ? t('pub.detail.failedAlert', { n: failed }) : null,
        uncertain > 0 ? t('pub.detail.uncertainAlert', { n: uncertain }) : null,
      ]
        .filter(Boolean)
        .join('；')}
      description={t(failed > 0 ? 'pub.detail.failedHelp' : 'pub.detail.uncertainHelp')}
      style={{ marginBottom: 16 }}
      data-testid="delivery-trouble"
    />
  );
}

const stepOf: Record<BulletinStatus, number> = {
  draft: 0,
  withdrawn: 0,
  in_review: 1,
  rejected: 1,
  approved: 2,
  sending: 3,
  sent: 4,
};

function StatusSteps({ bulletin }: { bulletin: BulletinDetail }) {
  const t = useT();
  const current = stepOf[bulletin.status];
  const rejected = bulletin.status === 'rejected';
  const failed = bulletin.deliveries.some((d) => d.status === 'failed' || d.status === 'uncertain');
  return (
    <Steps
      size="small"
      current={current}
      status={rejected ? 'error' : bulletin.status === 'sent' ? 'finish' : failed ? 'error' : 'process'}
      data-testid="bulletin-steps"
      items={[
        { title: t('pub.step.draft'), content: formatWhen(bulletin.status === 'draft' ? bulletin.updatedAt : null) },
        {
          title: rejected ? t('bulletinStatus.rejected') : t('pub.step.review'),
          content: formatWhen(rejected ? bulletin.decidedAt : bulletin.submittedAt),
        },
        {
          title: t('pub.step.approved'),
          content: current >= 2 ? formatWhen(bulletin.decidedAt) : undefined,
        },
        {
          title: t('pub.step.sending'),
          content:
            bulletin.status === 'approved' && bulletin.sendAt
              ? t('pub.step.scheduledAt', { at: formatDateTime(bulletin.sendAt) })
              : undefined,
        },
        { title: t('pub.step.sent'), content: formatWhen(bulletin.publishedAt) },
      ]}
    />
  );
}

function formatWhen(iso: string | null): string | undefined {
  return iso ? formatDateTime(iso) : undefined;
}

function InfoList({ bulletin }: { bulletin: BulletinDetail }) {
  const t = useT();
  return (
    <Descriptions
      size="small"
      column={1}
      items={[
        { key: 'org', label: t('pub.col.org'), children: bulletin.orgName },
        { key: 'kind', label: t('pub.detail.kind'), children: t(`bulletinKind.${bulletin.kind}`) },
        { key: 'author', label: t('pub.field.author'), children: bulletin.author ?? t('common.none') },
        { key: 'createdBy', label: t('pub.col.createdBy'), children: bulletin.createdByName ?? t('common.none') },
        {
          key: 'sendAt',
          label: t('pub.field.sendAt'),
          children: bulletin.sendAt ? formatDateTime(bulletin.sendAt) : t('pub.sendOnApproval'),
        },
        { key: 'submitted', label: t('pub.detail.submittedAt'), children: formatDateTime(bulletin.submittedAt) },
        {
          key: 'decided',
          label: t('pub.detail.decided'),
          children: bulletin.decidedAt
            ? `${bulletin.decidedByName ?? ''} ${formatDateTime(bulletin.decidedAt)}`
            : t('common.none'),
        },
        {
          key: 'targets',
          label: t('pub.field.targets'),
          children:
            bulletin.targets.length === 0 ? (
              <Typography.Text type="warning">{t('pub.detail.noTargets')}</Typography.Text>
            ) : (
              <Space orientation="vertical" size={4}>
                {bulletin.targets.map((target) => (
                  <TargetLabel
                    key={target.id}
                    kind={target.kind}
                    channelName={target.channelName}
                    oaMode={target.oaMode}
                  />
                ))}
              </Space>
            ),
        },
      ]}
    />
  );
}

function ShareCard({ bulletin }: { bulletin: BulletinDetail }) {
  const t = useT();
  const [showQr, setShowQr] = useState(false);
  const toWeb = bulletin.targets.some((target) => target.kind === 'web');
  if (!bulletin.shareUrl) {
    if (!toWeb) return null;
    return (
      <Card variant="borderless" title={t('pub.share.title')} size="small">
        <Typography.Text type="secondary">{t('pub.share.notYet')}</Typography.Text>
      </Card>
    );
  }
  return (
    <Card variant="borderless" title={t('pub.share.title')} size="small" data-testid="share-card">
      <Typography.Paragraph
        copyable={{ text: bulletin.shareUrl, tooltips: [t('common.copy'), t('common.copied')] }}
        className="tj-mono tj-pub-share-url"
        data-testid="share-url"
      >
        {bulletin.shareUrl}
      </Typography.Paragraph>
      <Space wrap>
        <Button icon={<LinkOutlined />} href={bulletin.shareUrl} target="_blank" rel="noreferrer">
          {t('pub.share.open')}
        </Button>
        <Button onClick={() => setShowQr((v) => !v)}>{t(showQr ? 'pub.share.hideQr' : 'pub.share.showQr')}</Button>
      </Space>
      {showQr && (
        <div className="tj-pub-share-qr">
          <QRCode value={bulletin.shareUrl} size={160} bordered={false} />
          <Typography.Text type="secondary">{t('pub.share.qrHint')}</Typography.Text>
        </div>
      )}
    </Card>
  );
}

import { SaveOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Result, Row, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { BulletinKind } from '../../../../common/domain.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useCurrentSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from '../orgs/api.js';
import { bulletinApi, type BulletinDetail, type TargetInput } from './api.js';
import { ArticlePicker } from './ArticlePicker.js';
import { CoverUpload } from './CoverUpload.js';
import { publishingPath } from './PublishingFrame.js';
import { TargetsField } from './TargetsField.js';
import './publishing.css';

// TipTap loads with the editor, not with every page of the app.
const RichTextEditor = lazy(() => import('./RichTextEditor.js').then((m) => ({ default: m.RichTextEditor })));

type Values = {
  title: string;
  author?: string | null;
  digest?: string | null;
  contentHtml: string;
  coverSha256: string | null;
  targets: TargetInput[];
  sendAt: Dayjs | null;
  articleIds: number[];
};
const serverFields = [
  'title',
  'author',
  'digest',
  'contentHtml',
  'coverSha256',
  'targets',
  'sendAt',
  'articleIds',
] as const;

/** What the editor starts from: an existing bulletin, or a new one of an org. */
type Start = { org: { id: number; name: string }; kind: BulletinKind; bulletin: BulletinDetail | null };

/** `/publishing/bulletins/new?org=&kind=` and `/publishing/bulletins/:id/edit`: write or change a bulletin. */
export function BulletinEditPage() {
  const t = useT();
  const params = useParams();
  const [search] = useSearchParams();
  const { user } = useCurrentSession();
  const id = params.id === undefined ? null : Number(params.id);
  const orgParam = Number(search.get('org'));
  const kind: BulletinKind = search.get('kind') === 'issue' ? 'issue' : 'article';
  const [createdId, setCreatedId] = useState<number | null>(null);
  const { data, error, reload } = useLoad<Start | null>(async () => {
    if (id !== null) {
      if (!Number.isInteger(id) || id <= 0) return null;
      const bulletin = await bulletinApi.detail(id);
      return { org: { id: bulletin.orgId, name: bulletin.orgName }, kind: bulletin.kind, bulletin };
    }
    const orgId = Number.isInteger(orgParam) && orgParam > 0 ? orgParam : user.orgId;
    if (orgId === null) return null;
    const org = await orgApi.detail(orgId);
    return { org: { id: org.id, name: org.name }, kind, bulletin: null };
  }, [id, orgParam, kind, user.orgId]);

  if (data === null) return <NotFound />;
  if (!data) {
    if (error) {
      return (
        <Result
          status={error.status === 404 ? '404' : 'error'}
          title={error.message}
          extra={<Button onClick={reload}>{t('common.refresh')}</Button>}
        />
      );
    }
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  if (data.bulletin && !data.bulletin.abilities.update) {
    return (
      <Result
        status="info"
        title={t('pub.edit.locked')}
        extra={
          <Link to={`/publishing/bulletins/${data.bulletin.id}`}>
            <Button type="primary">{t('pub.edit.toDetail')}</Button>
          </Link>
        }
      />
    );
  }
  // The form that created a bulletin stays mounted when the address moves to that bulletin (its editor, undo history
  // and any error stay); another bulletin starts a fresh form.
  const key = data.bulletin && data.bulletin.id !== createdId ? data.bulletin.id : 'new';
  return <BulletinForm key={key} start={data} onCreated={setCreatedId} />;
}

function initialValues({ bulletin }: Start): Values {
  if (!bulletin) {
    return {
      title: '',
      author: null,
      digest: null,
      contentHtml: '',
      coverSha256: null,
      targets: [{ kind: 'web' }],
      sendAt: null,
      articleIds: [],
    };
  }
  return {
    title: bulletin.title,
    author: bulletin.author,
    digest: bulletin.digest,
    contentHtml: bulletin.contentHtml,
    coverSha256: bulletin.coverSha256,
    targets: bulletin.targets.map((target): TargetInput => {
      if (target.kind === 'official_account' && target.channelId !== null) {
        return {
          kind: 'official_account',
          channelId: target.channelId,
          oaMode: target.oaMode ?? 'mass_send',
          tagId: target.tagId,
        };
      }
      if (target.kind === 'wecom_robot' && target.channelId !== null) {
        return { kind: 'wecom_robot', channelId: target.channelId };
      }
      return { kind: 'web' };
    }),
    sendAt: bulletin.sendAt ? dayjs(bulletin.sendAt) : null,
    articleIds: bulletin.articles.map((a) => a.id),
  };
}

function BulletinForm({ start, onCreated }: { start: Start; onCreated: (id: number) => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const watchedTargets = Form.useWatch('targets', form);
  // WeChat's draft limits, told while writing; the server refuses them at submission (a warning: the news pages take more).
  const toAccount = (watchedTargets ?? []).some((target) => target.kind === 'official_account');
  const [bulletin, setBulletin] = useState(start.bulletin);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { org, kind } = start;
  const issue = kind === 'issue';

  const save = async (): Promise<BulletinDetail | null> => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return null;
    }
    const body = {
      title: values.title,
      author: values.author ?? null,
      digest: values.digest ?? null,
      contentHtml: issue ? '' : (values.contentHtml ?? ''),
      coverSha256: values.coverSha256 ?? null,
      targets: values.targets ?? [],
      sendAt: values.sendAt ? values.sendAt.toISOString() : null,
      ...(issue ? { articleIds: values.articleIds ?? [] } : {}),
    };
    try {
      const saved = bulletin
        ? await bulletinApi.update(bulletin.id, body, { quiet: true })
        : await bulletinApi.create({ ...body, orgId: org.id, kind }, { quiet: true });
      setBulletin(saved);
      return saved;
    } catch (err) {
      if (!applyServerErrors(form, err, serverFields)) setError(errorMessage(err));
      return null;
    }
  };

  const run = async (action: 'save' | 'submit') => {
    setBusy(action);
    setError(null);
    try {
      const created = !bulletin;
      const saved = await save();
      if (!saved) return;
      // A new bulletin's editor moves to its own address, so that saving again changes it rather than adding one.
      const stay = () => {
        if (created) onCreated(saved.id);
        if (created) void navigate(`/publishing/bulletins/${saved.id}/edit`, { replace: true });
      };
      if (action === 'save') {
        void message.success(t('pub.edit.saved'));
        stay();
        return;
      }
      try {
        await bulletinApi.submit(saved.id, { quiet: true });
      } catch (err) {
        setError(errorMessage(err));
        stay();
        return;
      }
      void message.success(t('pub.edit.submitted'));
      void navigate(`/publishing/bulletins/${saved.id}`);
    } finally {
      setBusy(null);
    }
  };

  const title = bulletin
    ? t(issue ? 'pub.edit.editIssue' : 'pub.edit.editArticle')
    : t(issue ? 'pub.edit.newIssue' : 'pub.edit.newArticle');
  const listPath = publishingPath('bulletins', org.id);
  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.publishing') },
          { title: t('nav.publishing.bulletins'), to: listPath },
          ...(bulletin ? [{ title: bulletin.title, to: `/publishing/bulletins/${bulletin.id}` }] : []),
          { title },
        ]}
        title={title}
        titleTestId="bulletin-edit-title"
        subtitle={t('pub.edit.subtitle', { org: org.name })}
        extra={
          <>
            <Button onClick={() => void navigate(bulletin ? `/publishing/bulletins/${bulletin.id}` : listPath)}>
              {t('common.cancel')}
            </Button>
            <Button
              icon={<SaveOutlined />}
              loading={busy === 'save'}
              disabled={busy !== null}
              onClick={() => void run('save')}
            >
              {t('pub.action.saveDraft')}
            </Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={busy === 'submit'}
              disabled={busy !== null}
              onClick={() => void run('submit')}
            >
              {t('pub.action.submit')}
            </Button>
          </>
        }
      />
      <div className="tj-page-body">
        {bulletin?.status === 'rejected' && bulletin.reviewNote && (
          <Alert
            type="warning"
            showIcon
            title={t('pub.detail.rejectedBy', { name: bulletin.decidedByName ?? t('common.none') })}
            description={bulletin.reviewNote}
            style={{ marginBottom: 16 }}
            data-testid="review-note"
          />
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="edit-error" />}
        <Form<Values> form={form} layout="vertical" initialValues={initialValues(start)}>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={16}>
              <Card variant="borderless">
                <Form.Item
                  name="title"
                  label={t('pub.field.title')}
                  rules={[
                    { required: true, whitespace: true, message: t('pub.field.titleRequired') },
                    ...(toAccount
                      ? [{ max: 32, warningOnly: true, message: t('pub.field.titleTooLongForAccount') }]
                      : []),
                  ]}
                >
                  <Input size="large" maxLength={120} showCount placeholder={t('pub.field.titlePlaceholder')} />
                </Form.Item>
                <Row gutter={16}>
                  <Col xs={24} md={8}>
                    <Form.Item
                      name="author"
                      label={t('pub.field.author')}
                      rules={
                        toAccount
                          ? [{ max: 16, warningOnly: true, message: t('pub.field.authorTooLongForAccount') }]
                          : []
                      }
                    >
                      <Input maxLength={30} placeholder={t('pub.field.authorPlaceholder')} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={16}>
                    <Form.Item name="digest" label={t('pub.field.digest')} tooltip={t('pub.field.digestHelp')}>
                      <Input.TextArea
                        maxLength={120}
                        showCount
                        autoSize={{ minRows: 1, maxRows: 3 }}
                        placeholder={t('pub.field.digestPlaceholder')}
                      />
                    </Form.Item>
                  </Col>
                </Row>
                {issue ? (
                  <Form.Item name="articleIds" label={t('pub.issue.articles')} extra={t('pub.issue.help')}>
                    <ArticlePicker orgId={org.id} known={bulletin?.articles} />
                  </Form.Item>
                ) : (
                  <Form.Item name="contentHtml" label={t('pub.field.content')}>
                    <LazyEditor orgId={org.id} />
                  </Form.Item>
                )}
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card variant="borderless" title={t('pub.field.cover')} size="small" className="tj-pub-side-card">
                <Form.Item
                  name="coverSha256"
                  extra={t(issue ? 'pub.field.coverHelpIssue' : 'pub.field.coverHelp')}
                  style={{ marginBottom: 0 }}
                >
                  <CoverUpload orgId={org.id} />
                </Form.Item>
              </Card>
              <Card variant="borderless" title={t('pub.field.targets')} size="small" className="tj-pub-side-card">
                <Form.Item name="targets" style={{ marginBottom: 0 }}>
                  <TargetsField orgId={org.id} />
                </Form.Item>
              </Card>
              <Card variant="borderless" title={t('pub.field.sendAt')} size="small" className="tj-pub-side-card">
                <Form.Item name="sendAt" extra={t('pub.field.sendAtHelp')} style={{ marginBottom: 0 }}>
                  <DatePicker
                    showTime={{ format: 'HH:mm', minuteStep: 5 }}
                    format="YYYY-MM-DD HH:mm"
                    placeholder={t('pub.sendOnApproval')}
                    aria-label={t('pub.field.sendAt')}
                    disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                    style={{ width: '100%' }}
                    data-testid="send-at"
                  />
                </Form.Item>
              </Card>
              <Typography.Paragraph type="secondary" className="tj-pub-flow-hint">
                {t('pub.edit.flowHint')}
              </Typography.Paragraph>
            </Col>
          </Row>
        </Form>
      </div>
    </>
  );
}

/** The editor behind a spinner while its code loads; a Form.Item passes value, onChange and id through. */
function LazyEditor(props: { orgId: number; value?: string; onChange?: (html: string) => void; id?: string }) {
  return (
    <Suspense
      fallback={
        <div className="tj-center-block tj-editor" style={{ minHeight: 460 }}>
          <Spin />
        </div>
      }
    >
      <RichTextEditor {...props} />
    </Suspense>
  );
}

import { CalendarOutlined, EditOutlined, PlusOutlined, StarOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Result,
  Row,
  Select,
  Spin,
  Switch,
  Table,
  Tag,
  type DescriptionsProps,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { chinaToday } from '../../../../common/dates.js';
import { cadreGrades, type CadreGrade } from '../../../../common/domain.js';
import type { CadreAssessmentItem, CadreDetail, CadreTrainingItem } from '../../../../common/ledger.js';
import { FormModal } from '../../app/FormModal.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useLoad } from '../../app/useLoad.js';
import { cadreApi } from '../ledger/api.js';
import { CadreFormModal } from '../ledger/CadreFormModal.js';
import { PhoneText } from '../ledger/PhoneText.js';
import { cadreRecordApi } from './api.js';
import { CadreGradeTag, TermText } from './cadreLabels.js';
import { peoplePath } from './PeopleHeader.js';
import { RevealText } from '../../app/RevealText.js';
import './people.css';

type Dialog = 'edit' | 'term' | 'training' | 'assessment';

/** `/people/cadres/:id`: a cadre's record, term and reserve standing, trainings and yearly assessments. */
export function CadreDetailPage() {
  const t = useT();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const { data, error } = useLoad(
    () => (valid ? cadreRecordApi.detail(id) : Promise.resolve(undefined)),
    [id, version],
  );
  const changed = () => {
    setDialog(null);
    setVersion((v) => v + 1);
  };

  if (!valid) return <NotFound />;
  const cadre = data?.id === id ? data : undefined;
  if (error && !cadre) {
    return (
      <Result
        status="404"
        title={t('cadres.notFound')}
        subTitle={error.message}
        extra={
          <Link to="/people/cadres">
            <Button type="primary">{t('people.nav.cadres')}</Button>
          </Link>
        }
      />
    );
  }
  if (!cadre) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  const mayUpdate = cadre.abilities.update;

  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.people') },
          { title: t('people.nav.cadres'), to: peoplePath('cadres', cadre.orgId) },
          { title: cadre.orgName, to: peoplePath('cadres', cadre.orgId) },
          { title: cadre.fullName },
        ]}
        title={cadre.fullName}
        titleTestId="cadre-title"
        tags={
          <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
            <Tag color={cadre.status === 'active' ? 'success' : 'default'}>{t(`cadreStatus.${cadre.status}`)}</Tag>
            <Tag>{t(`cadreKind.${cadre.kind}`)}</Tag>
            {cadre.inReserve && <Tag color="gold">{t('cadres.reserveTag')}</Tag>}
            {cadre.termEnded && <Tag color="warning">{t('cadres.termEnded')}</Tag>}
          </span>
        }
        subtitle={`${cadre.orgName} · ${cadre.post}`}
        extra={
          mayUpdate
            ? [
                <Button key="edit" icon={<EditOutlined />} onClick={() => setDialog('edit')}>
                  {t('common.edit')}
                </Button>,
                <Button
                  key="term"
                  icon={<CalendarOutlined />}
                  onClick={() => setDialog('term')}
                  data-testid="cadre-term"
                >
                  {t('cadres.termEdit')}
                </Button>,
              ]
            : undefined
        }
      />
      <div className="tj-page-body">
        <Card variant="borderless" title={t('cadres.profile')}>
          <CadreProfile cadre={cadre} />
        </Card>
        <Row gutter={[16, 16]}>
          <Col xs={24} xxl={14}>
            <Card
              variant="borderless"
              title={t('cadres.trainings')}
              extra={
                mayUpdate && (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => setDialog('training')}>
                    {t('cadres.addTraining')}
                  </Button>
                )
              }
            >
              <TrainingTable items={cadre.trainings} />
            </Card>
          </Col>
          <Col xs={24} xxl={10}>
            <Card
              variant="borderless"
              title={t('cadres.assessments')}
              extra={
                mayUpdate && (
                  <Button size="small" icon={<StarOutlined />} onClick={() => setDialog('assessment')}>
                    {t('cadres.assess')}
                  </Button>
                )
              }
            >
              <AssessmentTable items={cadre.assessments} />
            </Card>
          </Col>
        </Row>
      </div>
      {dialog === 'edit' && (
        <CadreFormModal
          cadre={cadre}
          defaultOrg={{ id: cadre.orgId, name: cadre.orgName }}
          onClose={() => setDialog(null)}
          onDone={changed}
        />
      )}
      {dialog === 'term' && <TermModal cadre={cadre} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'training' && <TrainingModal cadre={cadre} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'assessment' && <AssessmentModal cadre={cadre} onClose={() => setDialog(null)} onDone={changed} />}
    </>
  );
}

function CadreProfile({ cadre }: { cadre: CadreDetail }) {
  const t = useT();
  const none = t('common.none');
  const items: DescriptionsProps['items'] = [
    {
      key: 'org',
      label: t('ledger.col.org'),
      children: <Link to={peoplePath('cadres', cadre.orgId)}>{cadre.orgName}</Link>,
    },
    { key: 'post', label: t('cadre.col.post'), children: cadre.post },
    { key: 'kind', label: t('cadre.col.kind'), children: t(`cadreKind.${cadre.kind}`) },
    {
      key: 'id',
      label: t('member.col.idNumber'),
      children: (
        <RevealText
          masked={cadre.idMasked}
          mayReveal={cadre.abilities.revealIdNumber}
          reveal={async () => (await cadreRecordApi.revealId(cadre.id)).idNumber}
          testId="cadre-id"
        />
      ),
    },
    {
      key: 'birth',
      label: t('member.col.birthDate'),
      children: cadre.birthDate ? `${cadre.birthDate}（${t('member.ageValue', { n: cadre.age ?? 0 })}）` : none,
    },
    {
      key: 'member',
      label: t('cadres.memberRecord'),
      children: cadre.memberId ? (
        <Link to={`/people/members/${cadre.memberId}`}>{t('cadres.openMember')}</Link>
      ) : (
        <span className="tj-secondary">{t('cadres.noMember')}</span>
      ),
    },
    {
      key: 'phone',
      label: t('ledger.col.phone'),
      children: (
        <span style={{ whiteSpace: 'nowrap' }}>
          <PhoneText
            masked={cadre.phoneMasked}
            mayReveal={cadre.abilities.revealPhone}
            reveal={() => cadreApi.revealPhone(cadre.id)}
            testId="cadre-phone"
          />
        </span>
      ),
    },
    { key: 'term', label: t('cadres.col.term'), children: <TermText cadre={cadre} /> },
    {
      key: 'reserve',
      label: t('cadres.reserve'),
      children: cadre.inReserve ? <Tag color="gold">{t('cadres.reserveTag')}</Tag> : t('common.no'),
    },
    {
      key: 'contacts',
      label: t('cadre.col.contacts'),
      children: (
        <span>
          {cadre.contactCount}
          {cadre.contactCount < 20 && (
            <Tag color="warning" style={{ marginLeft: 8 }}>
              {t('cadres.belowTarget')}
            </Tag>
          )}
        </span>
      ),
    },
    { key: 'created', label: t('member.detail.createdAt'), children: formatDateTime(cadre.createdAt) },
    { key: 'updated', label: t('member.detail.updatedAt'), children: formatDateTime(cadre.updatedAt) },
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 2, lg: 2, xl: 3 }}
      items={items}
      styles={{ label: { whiteSpace: 'nowrap' } }}
    />
  );
}

function TrainingTable({ items }: { items: CadreTrainingItem[] }) {
  const t = useT();
  return (
    <Table<CadreTrainingItem>
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={items.length > 10 ? { pageSize: 10 } : false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('cadres.noTrainings') }}
      columns={[
        { title: t('cadres.training.title'), dataIndex: 'title' },
        {
          title: t('cadres.training.organizer'),
          dataIndex: 'organizer',
          render: (v: string | null) => v ?? t('common.none'),
        },
        {
          title: t('cadres.training.dates'),
          key: 'dates',
          render: (_v, row) =>
            row.endOn && row.endOn !== row.startOn ? `${row.startOn} 至 ${row.endOn}` : row.startOn,
        },
        {
          title: t('cadres.training.hours'),
          dataIndex: 'hours',
          align: 'right',
          render: (v: number | null) => v ?? t('common.none'),
        },
      ]}
    />
  );
}

const nowrap = () => ({ style: { whiteSpace: 'nowrap' as const } });

function AssessmentTable({ items }: { items: CadreAssessmentItem[] }) {
  const t = useT();
  return (
    <Table<CadreAssessmentItem>
      rowKey="year"
      size="small"
      dataSource={items}
      pagination={false}
      locale={{ emptyText: t('cadres.noAssessments') }}
      columns={[
        {
          title: t('cadres.assessment.year'),
          dataIndex: 'year',
          onCell: nowrap,
          render: (y: number) => t('review.year', { year: y }),
        },
        {
          title: t('cadres.assessment.grade'),
          onHeaderCell: nowrap,
          dataIndex: 'grade',
          render: (g: CadreGrade) => <CadreGradeTag grade={g} />,
        },
        { title: t('cadres.assessment.note'), dataIndex: 'note', render: (v: string | null) => v ?? t('common.none') },
      ]}
    />
  );
}

type ModalProps = { cadre: CadreDetail; onClose: () => void; onDone: () => void };

/**
 * 任期与后备: the term, the reserve pool and the ID number (under 28 it links the member record, which must exist).
 * The ID number field starts empty: it is never sent back in full, and an empty field keeps it.
 */
function TermModal({ cadre, onClose, onDone }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  type Values = { termStart: Dayjs | null; termEnd: Dayjs | null; inReserve: boolean; idNumber: string };
  const [form] = Form.useForm<Values>();
  const day = (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);
  return (
    <FormModal<Values>
      form={form}
      title={`${t('cadres.termEdit')} · ${cadre.fullName}`}
      width={560}
      submitTestId="cadre-term-submit"
      initialValues={{
        termStart: cadre.termStart ? dayjs(cadre.termStart) : null,
        termEnd: cadre.termEnd ? dayjs(cadre.termEnd) : null,
        inReserve: cadre.inReserve,
        idNumber: '',
      }}
      fields={['termStart', 'termEnd', 'inReserve', 'idNumber']}
      onCancel={onClose}
      onSave={async (values) => {
        const idNumber = values.idNumber.trim();
        await cadreApi.update(
          cadre.id,
          {
            termStart: day(values.termStart),
            termEnd: day(values.termEnd),
            inReserve: values.inReserve,
            ...(idNumber ? { idNumber } : {}),
          },
          { quiet: true },
        );
        void message.success(t('ledger.saved'));
        onDone();
      }}
    >
      <div className="tj-form-row">
        <Form.Item name="termStart" label={t('cadres.termStart')} style={{ flex: 1 }}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="termEnd" label={t('cadres.termEnd')} style={{ flex: 1 }} extra={t('cadres.termHelp')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </div>
      <Form.Item name="inReserve" label={t('cadres.reserve')} valuePropName="checked" extra={t('cadres.reserveHelp')}>
        <Switch data-testid="cadre-reserve" />
      </Form.Item>
      <Form.Item
        name="idNumber"
        label={t('member.col.idNumber')}
        extra={cadre.idMasked ? t('member.detail.phoneKeep', { masked: cadre.idMasked }) : t('cadres.idHelp')}
      >
        <Input maxLength={40} autoComplete="off" className="tj-mono" />
      </Form.Item>
    </FormModal>
  );
}

function TrainingModal({ cadre, onClose, onDone }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  type Values = { title: string; organizer: string; dates: [Dayjs, Dayjs | null]; hours: number | null };
  const [form] = Form.useForm<Values>();
  return (
    <FormModal<Values>
      form={form}
      title={`${t('cadres.addTraining')} · ${cadre.fullName}`}
      width={560}
      initialValues={{ title: '', organizer: '', hours: null }}
      fields={['title', 'organizer', 'hours']}
      onCancel={onClose}
      onSave={async (values) => {
        const [start, end] = values.dates;
        await cadreRecordApi.addTraining(
          cadre.id,
          {
            title: values.title.trim(),
            organizer: values.organizer.trim() || null,
            startOn: start.format('YYYY-MM-DD'),
            endOn: end ? end.format('YYYY-MM-DD') : null,
            hours: values.hours,
          },
          { quiet: true },
        );
        void message.success(t('ledger.saved'));
        onDone();
      }}
    >
      <Form.Item
        name="title"
        label={t('cadres.training.title')}
        rules={[{ required: true, whitespace: true, message: t('cadres.training.titleRequired') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="organizer" label={t('cadres.training.organizer')}>
        <Input maxLength={100} />
      </Form.Item>
      <div className="tj-form-row">
        <Form.Item
          name="dates"
          label={t('cadres.training.dates')}
          rules={[{ required: true, message: t('cadres.training.datesRequired') }]}
          style={{ flex: 2 }}
        >
          <DatePicker.RangePicker
            allowEmpty={[false, true]}
            disabledDate={(d) => d.isAfter(dayjs(chinaToday()).add(1, 'year'), 'day')}
          />
        </Form.Item>
        <Form.Item name="hours" label={t('cadres.training.hours')} style={{ flex: 1 }}>
          <InputNumber min={0.5} max={2000} step={0.5} style={{ width: '100%' }} />
        </Form.Item>
      </div>
    </FormModal>
  );
}

function AssessmentModal({ cadre, onClose, onDone }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const thisYear = Number(chinaToday().slice(0, 4));
  type Values = { year: number; grade: CadreGrade; note: string };
  const [form] = Form.useForm<Values>();
  return (
    <FormModal<Values>
      form={form}
      title={`${t('cadres.assess')} · ${cadre.fullName}`}
      width={480}
      initialValues={{ year: thisYear, grade: 'competent', note: '' }}
      fields={['grade', 'note']}
      onCancel={onClose}
      onSave={async (values) => {
        await cadreRecordApi.assess(
          cadre.id,
          values.year,
          { grade: values.grade, note: values.note.trim() || null },
          { quiet: true },
        );
        void message.success(t('ledger.saved'));
        onDone();
      }}
    >
      <div className="tj-form-row">
        <Form.Item name="year" label={t('cadres.assessment.year')} style={{ width: 140 }}>
          <Select
            options={Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => ({
              value: y,
              label: t('review.year', { year: y }),
            }))}
          />
        </Form.Item>
        <Form.Item name="grade" label={t('cadres.assessment.grade')} style={{ flex: 1 }}>
          <Select options={cadreGrades.map((g) => ({ value: g, label: t(`cadres.grade.${g}`) }))} />
        </Form.Item>
      </div>
      <Form.Item name="note" label={t('cadres.assessment.note')} extra={t('cadres.assessment.replaceHint')}>
        <Input.TextArea rows={3} maxLength={400} showCount />
      </Form.Item>
    </FormModal>
  );
}

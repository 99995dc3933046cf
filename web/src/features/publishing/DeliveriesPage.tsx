import { Card, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { deliveryStatuses } from '../../../../common/domain.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { useUrlPaging } from '../people/useUrlPaging.js';
import { deliveryApi } from './api.js';
import { DeliveriesTable } from './DeliveriesTable.js';
import { DeliveryDrawer } from './DeliveryDrawer.js';
import { PublishingFrame } from './PublishingFrame.js';
import { WeeklyPostsChart } from './WeeklyPostsChart.js';

/** `/publishing/deliveries?org=&status=&bulletin=`: 投递记录, every delivery of the org and below, and the weekly posts. */
export function DeliveriesPage() {
  return <PublishingFrame section="deliveries">{(org) => <Deliveries org={org} />}</PublishingFrame>;
}

function Deliveries({ org }: { org: OrgDetail }) {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const paging = useUrlPaging();
  const { page } = paging;
  const status = deliveryStatuses.find((s) => s === search.get('status'));
  const bulletinParam = Number(search.get('bulletin'));
  const bulletinId = Number.isInteger(bulletinParam) && bulletinParam > 0 ? bulletinParam : undefined;
  const [open, setOpen] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const { data, loading } = useLoad(
    () => deliveryApi.list({ orgId: org.id, status, bulletinId, page: page.current, pageSize: page.pageSize }),
    [org.id, status, bulletinId, page.current, page.pageSize, version],
  );
  const setParam = (name: 'status' | 'bulletin', value: string | undefined) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('page');
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  const bulletinTitle = bulletinId ? data?.items.find((d) => d.bulletinId === bulletinId)?.bulletinTitle : undefined;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <WeeklyPostsChart orgId={org.id} />
      <Card variant="borderless" title={t('pub.deliveries.listTitle')}>
        <div className="tj-toolbar">
          <Space wrap size={8}>
            <Select<string>
              allowClear
              placeholder={t('pub.filter.status')}
              aria-label={t('pub.filter.status')}
              value={status}
              onChange={(v) => setParam('status', v)}
              options={deliveryStatuses.map((s) => ({ value: s, label: t(`deliveryStatus.${s}`) }))}
              style={{ width: 140 }}
              data-testid="delivery-status-filter"
            />
            {bulletinId && (
              <Tag closable onClose={() => setParam('bulletin', undefined)} color="blue">
                {t('pub.deliveries.ofBulletin', { title: bulletinTitle ?? `#${bulletinId}` })}
              </Tag>
            )}
          </Space>
        </div>
        <DeliveriesTable
          data={data}
          paging={paging}
          loading={loading}
          showBulletin
          emptyText={status || bulletinId ? t('pub.deliveries.emptyFiltered') : t('pub.deliveries.empty')}
          onOpen={(d) => setOpen(d.id)}
          onChanged={() => setVersion((v) => v + 1)}
        />
      </Card>
      {open !== null && (
        <DeliveryDrawer deliveryId={open} onClose={() => setOpen(null)} onChanged={() => setVersion((v) => v + 1)} />
      )}
    </Space>
  );
}

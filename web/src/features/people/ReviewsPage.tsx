import { Card, Select, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { chinaToday } from '../../../../common/dates.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PeopleFrame } from './PeopleFrame.js';
import { Recommendations } from './Recommendations.js';
import { ReviewSheet } from './ReviewSheet.js';

const tabs = ['review', 'recommend'] as const;
type Tab = (typeof tabs)[number];

/** `/people/reviews?org=&tab=&year=`: 教育评议与注册 and 推优入党 of a branch (read-only above the branches). */
export function ReviewsPage() {
  const t = useT();
  return (
    <PeopleFrame section="reviews" subtitle={t('review.subtitle')}>
      {(org) => <Reviews org={org} />}
    </PeopleFrame>
  );
}

function Reviews({ org }: { org: OrgDetail }) {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const tab: Tab = tabs.find((x) => x === search.get('tab')) ?? 'review';
  const thisYear = Number(chinaToday().slice(0, 4));
  const yearParam = Number(search.get('year'));
  const year = yearParam >= thisYear - 10 && yearParam <= thisYear ? yearParam : thisYear;
  const set = (key: string, value: string) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set(key, value);
        next.delete('page');
        return next;
      },
      { replace: true },
    );

  return (
    <Card variant="borderless" styles={{ body: { paddingTop: 4 } }}>
      <Tabs
        activeKey={tab}
        onChange={(key) => set('tab', key)}
        tabBarExtraContent={
          tab === 'review' ? (
            <Select<number>
              value={year}
              onChange={(y) => set('year', String(y))}
              style={{ width: 120 }}
              options={Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => ({
                value: y,
                label: t('review.year', { year: y }),
              }))}
              data-testid="review-year"
            />
          ) : undefined
        }
        items={[
          {
            key: 'review',
            label: t('review.tab.review'),
            children: <ReviewSheet key={`${org.id}-${year}`} org={org} year={year} />,
          },
          { key: 'recommend', label: t('review.tab.recommend'), children: <Recommendations org={org} /> },
        ]}
        destroyOnHidden
      />
    </Card>
  );
}

import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Empty, Select, Space, Typography } from 'antd';
import { useMemo } from 'react';
import { maxIssueArticles } from '../../../../common/publishing.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { bulletinApi } from './api.js';

type Props = {
  orgId: number;
  value?: number[];
  onChange?: (ids: number[]) => void;
  /** Titles of articles already in the issue, shown even if they no longer appear in the search. */
  known?: { id: number; title: string }[];
  id?: string;
};

/** The articles of an issue, in order: approved or sent articles of the org, at most eight (one WeChat draft). */
export function ArticlePicker({ orgId, value = [], onChange, known = [], id }: Props) {
  const t = useT();
  const { data, loading } = useLoad(async () => {
    const [approved, sent] = await Promise.all(
      (['approved', 'sent'] as const).map((status) =>
        bulletinApi.list({ orgId, kind: 'article', status, page: 1, pageSize: 100 }),
      ),
    );
    return [...approved.items, ...sent.items]
      .filter((b) => b.orgId === orgId)
      .sort((a, b) => (b.publishedAt ?? b.updatedAt).localeCompare(a.publishedAt ?? a.updatedAt));
  }, [orgId]);
  const titles = useMemo(() => {
    const map = new Map<number, string>(known.map((a) => [a.id, a.title]));
    for (const article of data ?? []) map.set(article.id, article.title);
    return map;
  }, [data, known]);

  const move = (index: number, by: -1 | 1) => {
    const next = [...value];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item);
    onChange?.(next);
  };

  return (
    <div id={id} data-testid="article-picker">
      <Select<number | null>
        value={null}
        onChange={(articleId) => {
          if (articleId !== null && !value.includes(articleId)) onChange?.([...value, articleId]);
        }}
        loading={loading}
        disabled={value.length >= maxIssueArticles}
        placeholder={
          value.length >= maxIssueArticles ? t('pub.issue.full', { n: maxIssueArticles }) : t('pub.issue.pickArticles')
        }
        aria-label={t('pub.issue.addArticle')}
        showSearch={{ optionFilterProp: 'label' }}
        options={(data ?? []).filter((a) => !value.includes(a.id)).map((a) => ({ value: a.id, label: a.title }))}
        notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pub.issue.noArticles')} />}
        style={{ width: '100%' }}
        data-testid="article-add"
      />
      {value.length === 0 ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('pub.issue.emptyHint', { n: maxIssueArticles })}
        </Typography.Paragraph>
      ) : (
        <ol className="tj-pub-issue-list">
          {value.map((articleId, index) => (
            <li key={articleId}>
              <span className="tj-pub-issue-index">{index + 1}</span>
              <span className="tj-pub-issue-title">{titles.get(articleId) ?? `#${articleId}`}</span>
              <Space size={0}>
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowUpOutlined />}
                  aria-label={t('pub.issue.up')}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                />
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  aria-label={t('pub.issue.down')}
                  disabled={index === value.length - 1}
                  onClick={() => move(index, 1)}
                />
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('pub.issue.remove')}
                  onClick={() => onChange?.(value.filter((x) => x !== articleId))}
                />
              </Space>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

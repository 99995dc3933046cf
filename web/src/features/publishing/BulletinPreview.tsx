import { Empty, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import type { BulletinDetail } from './api.js';
import { BulletinStatusTag } from './labels.js';

/**
 * The bulletin as a reader sees it, in a phone-width column like a WeChat article. contentHtml has passed the
 * server's allow-list sanitiser (server/features/publishing/sanitize.ts) before it was stored, which is what makes
 * rendering it as HTML here safe.
 */
export function BulletinPreview({ bulletin }: { bulletin: BulletinDetail }) {
  const t = useT();
  return (
    <article className="tj-pub-preview" data-testid="bulletin-preview">
      <h1 className="tj-pub-preview-title">{bulletin.title}</h1>
      <div className="tj-pub-preview-meta">
        {bulletin.author && <span>{bulletin.author}</span>}
        <span className="tj-pub-preview-org">{bulletin.orgName}</span>
        <span>{formatDateTime(bulletin.publishedAt ?? bulletin.sendAt ?? bulletin.updatedAt)}</span>
      </div>
      {bulletin.coverUrl && <img className="tj-pub-preview-cover" src={bulletin.coverUrl} alt="" />}
      {bulletin.digest && <p className="tj-pub-preview-digest">{bulletin.digest}</p>}
      {bulletin.kind === 'issue' ? (
        bulletin.articles.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pub.issue.noneChosen')} />
        ) : (
          <ol className="tj-pub-issue-list tj-pub-issue-list-read">
            {bulletin.articles.map((article, index) => (
              <li key={article.id}>
                <span className="tj-pub-issue-index">{index + 1}</span>
                <Link className="tj-pub-issue-title" to={`/publishing/bulletins/${article.id}`}>
                  {article.title}
                </Link>
                <BulletinStatusTag status={article.status} />
              </li>
            ))}
          </ol>
        )
      ) : bulletin.contentHtml ? (
        <div className="tj-article" dangerouslySetInnerHTML={{ __html: bulletin.contentHtml }} />
      ) : (
        <Typography.Text type="secondary">{t('pub.detail.noContent')}</Typography.Text>
      )}
    </article>
  );
}

import { Breadcrumb, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

type Crumb = { title: ReactNode; to?: string };

type Props = {
  title: ReactNode;
  subtitle?: ReactNode;
  breadcrumb?: Crumb[];
  tags?: ReactNode;
  extra?: ReactNode;
  titleTestId?: string;
};

/** The white band at the top of every page, as in Ant Design Pro: breadcrumb, title, tags and actions. */
export function PageHeader({ title, subtitle, breadcrumb, tags, extra, titleTestId }: Props) {
  return (
    <div className="tj-page-header">
      {breadcrumb && breadcrumb.length > 0 && (
        <Breadcrumb
          className="tj-page-breadcrumb"
          items={breadcrumb.map((crumb) => ({
            title: crumb.to ? <Link to={crumb.to}>{crumb.title}</Link> : crumb.title,
          }))}
        />
      )}
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div className="tj-page-heading">
          <Flex align="center" gap={12} wrap>
            <Typography.Title level={3} className="tj-page-title" data-testid={titleTestId}>
              {title}
            </Typography.Title>
            {tags}
          </Flex>
          {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
        </div>
        {extra && (
          <Flex gap={8} wrap className="tj-page-extra">
            {extra}
          </Flex>
        )}
      </Flex>
    </div>
  );
}

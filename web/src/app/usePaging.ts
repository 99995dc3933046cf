import type { TablePaginationConfig } from 'antd';
import { useState } from 'react';
import { formatCount } from './format.js';
import { useT } from './i18n.js';

export type Page = { current: number; pageSize: number };

/**
 * The page a server-paged table shows and the pagination that goes with it: 20, 50 or 100 a page and the total.
 * A new page size starts again at the first page; so does a new filter, through `toFirstPage`.
 */
export function usePaging(initialPageSize = 20) {
  const t = useT();
  const [page, setPage] = useState<Page>({ current: 1, pageSize: initialPageSize });
  const toFirstPage = () => setPage((p) => ({ ...p, current: 1 }));
  const pagination = (total: number): TablePaginationConfig => ({
    current: page.current,
    pageSize: page.pageSize,
    total,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100],
    showTotal: (n) => t('common.total', { n: formatCount(n) }),
    onChange: (current, pageSize) => setPage({ current: pageSize === page.pageSize ? current : 1, pageSize }),
  });
  return { page, toFirstPage, pagination };
}

export type Paging = ReturnType<typeof usePaging>;

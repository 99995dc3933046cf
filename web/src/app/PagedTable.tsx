import { Empty, Table, type TableProps } from 'antd';
import type { Paging } from './usePaging.js';

type Props<T> = Omit<TableProps<T>, 'dataSource' | 'locale' | 'pagination'> & {
  /** One page of rows as the server sent it; undefined while the first page loads. */
  data: { items: T[]; total: number } | undefined;
  paging: Paging;
  emptyText: string;
  'data-testid'?: string;
};

/** A table of server-paged rows keyed by id: scrolls sideways on a narrow screen, says so when empty. */
export function PagedTable<T extends { id: number }>({ data, paging, emptyText, ...table }: Props<T>) {
  return (
    <Table<T>
      rowKey="id"
      scroll={{ x: 'max-content' }}
      {...table}
      dataSource={data?.items ?? []}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
      pagination={paging.pagination(data?.total ?? 0)}
    />
  );
}

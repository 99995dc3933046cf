import { useSearchParams } from 'react-router-dom';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import type { Paging } from '../../app/usePaging.js';

const pageSizes = [20, 50, 100];

/**
 * usePaging with the page in the address (`?page=&size=`), so that coming back from a member's record returns to
 * the same page of the list. A new filter goes back to the first page through `toFirstPage`.
 */
export function useUrlPaging(): Paging {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const current = Math.max(1, Math.floor(Number(search.get('page')) || 1));
  const sizeParam = Number(search.get('size'));
  const pageSize = pageSizes.includes(sizeParam) ? sizeParam : 20;
  const set = (page: number, size: number) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (page > 1) next.set('page', String(page));
        else next.delete('page');
        if (size !== 20) next.set('size', String(size));
        else next.delete('size');
        return next;
      },
      { replace: true },
    );
  return {
    page: { current, pageSize },
    toFirstPage: () => set(1, pageSize),
    pagination: (total) => ({
      current,
      pageSize,
      total,
      showSizeChanger: true,
      pageSizeOptions: pageSizes,
      showTotal: (n) => t('common.total', { n: formatCount(n) }),
      onChange: (page, size) => set(size === pageSize ? page : 1, size),
    }),
  };
}

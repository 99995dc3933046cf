import dayjs from 'dayjs';

// Chinese conventions in both languages: the people reading these are Chinese cadres, the English switch
// is for visitors and developers.
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const value = dayjs(iso);
  return value.isValid() ? value.format('YYYY-MM-DD HH:mm') : iso;
}

export function formatCount(n: number): string {
  return n.toLocaleString('zh-CN');
}

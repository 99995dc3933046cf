import dayjs, { type Dayjs } from 'dayjs';

/** A picked day as the API wants it: 'YYYY-MM-DD'. */
export function toIsoDate(day: Dayjs): string {
  return day.format('YYYY-MM-DD');
}

/** For DatePicker's disabledDate: the steps of the pipeline are recorded after they happened, never ahead. */
export function notFuture(day: Dayjs): boolean {
  return day.isAfter(dayjs(), 'day');
}

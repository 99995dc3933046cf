import dayjs from 'dayjs';
import type { Lang } from '../../app/i18n.js';

/** A log line's time, to the second: retries come 30 s apart. */
export function formatLogTime(iso: string): string {
  const value = dayjs(iso);
  return value.isValid() ? value.format('YYYY-MM-DD HH:mm:ss') : iso;
}

/** The schedules people choose from; anything else is a custom cron expression. */
export const cronPresets = [
  { key: 'weeklyMon9', cron: '0 9 * * 1' },
  { key: 'weeklyFri17', cron: '0 17 * * 5' },
  { key: 'daily8', cron: '0 8 * * *' },
  { key: 'workdays8', cron: '0 8 * * 1-5' },
  { key: 'monthly1', cron: '0 9 1 * *' },
] as const;
export type CronPreset = (typeof cronPresets)[number]['key'];

const weekdaysZh = ['日', '一', '二', '三', '四', '五', '六', '日'];
const weekdaysEn = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const number = /^\d{1,2}$/;

/**
 * A cron expression in words for the common shapes (每天 8:00, 每周一 9:00, 每周一、三、五 …, 每月 1 日 9:00,
 * 工作日); null for anything else, which is then shown as written.
 */
export function describeCron(cron: string, lang: Lang): string | null {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  if (!number.test(minute) || !number.test(hour) || month !== '*') return null;
  const m = Number(minute);
  const h = Number(hour);
  if (m > 59 || h > 23) return null;
  const time = `${h}:${String(m).padStart(2, '0')}`;
  const zh = lang === 'zh';

  if (dom === '*' && dow === '*') return zh ? `每天 ${time}` : `Every day at ${time}`;
  if (dom === '*' && dow === '1-5') return zh ? `工作日（周一至周五）${time}` : `Weekdays at ${time}`;
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const days = dow.split(',').map(Number);
    return zh
      ? `每周${days.map((d) => weekdaysZh[d]).join('、')} ${time}`
      : `Every ${days.map((d) => weekdaysEn[d]).join(', ')} at ${time}`;
  }
  if (dow === '*' && number.test(dom) && Number(dom) >= 1 && Number(dom) <= 31) {
    return zh ? `每月 ${Number(dom)} 日 ${time}` : `Day ${Number(dom)} of every month at ${time}`;
  }
  if (dow === '*' && dom === 'L') return zh ? `每月最后一天 ${time}` : `Last day of every month at ${time}`;
  return null;
}

/** Monday of the week as the weekly series are labelled (the server sends ISO dates or ISO weeks). */
export function weekLabel(week: string): string {
  const date = dayjs(week);
  if (/^\d{4}-\d{2}-\d{2}/.test(week) && date.isValid()) return date.format('MM-DD');
  return week;
}

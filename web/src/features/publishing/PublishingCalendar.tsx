import { Badge, Calendar, Card, Space, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { seriesApi, type CalendarEvent } from './api.js';

const kindStatus: Record<CalendarEvent['kind'], 'success' | 'processing' | 'warning'> = {
  sent: 'success',
  scheduled: 'processing',
  series_run: 'warning',
};

/** At most this many lines in a day's cell; the rest is counted. */
const perCell = 3;

/**
 * 发布日历: what went out (已发送), what is scheduled (待发送) and when each mobile bulletin is due (手机报) for the
 * month shown, of the org and the orgs below it.
 */
export function PublishingCalendar({ orgId, version }: { orgId: number; version: number }) {
  const t = useT();
  const navigate = useNavigate();
  // The day shown as chosen (today at first); its month is the one loaded.
  const [value, setValue] = useState(() => dayjs());
  const month = value.startOf('month');
  // The grid shows six weeks around the month: ask for all of them.
  const from = month.startOf('week').subtract(7, 'day');
  const to = month.endOf('month').add(14, 'day');
  const { data } = useLoad(
    () => seriesApi.calendar(orgId, from.format('YYYY-MM-DD'), to.format('YYYY-MM-DD')),
    [orgId, month.valueOf(), version],
  );
  const byDay = useMemo(() => {
    const map = new Map<string, CalendarEvent[]>();
    const items = data?.items ?? [];
    // A run that already has its issue scheduled shows once, as the issue.
    const issued = new Set(
      items.filter((e) => e.kind !== 'series_run' && e.seriesId !== null).map((e) => `${e.seriesId}@${e.at}`),
    );
    for (const event of items) {
      if (event.kind === 'series_run' && issued.has(`${event.seriesId}@${event.at}`)) continue;
      const day = dayjs(event.at).format('YYYY-MM-DD');
      map.set(day, [...(map.get(day) ?? []), event]);
    }
    return map;
  }, [data]);

  const cell = (date: Dayjs) => {
    const events = byDay.get(date.format('YYYY-MM-DD')) ?? [];
    if (events.length === 0) return null;
    return (
      <ul className="tj-pub-cal-events">
        {events.slice(0, perCell).map((event, index) => (
          <li key={`${event.kind}-${event.bulletinId ?? event.seriesId}-${index}`}>
            <Tooltip title={`${dayjs(event.at).format('HH:mm')} ${t(`pub.cal.${event.kind}`)}：${event.title}`}>
              <Badge
                status={kindStatus[event.kind]}
                text={
                  <span
                    className={event.bulletinId ? 'tj-pub-cal-link' : undefined}
                    onClick={(e) => {
                      if (!event.bulletinId) return;
                      e.stopPropagation();
                      void navigate(`/publishing/bulletins/${event.bulletinId}`);
                    }}
                  >
                    {dayjs(event.at).format('HH:mm')} {event.title}
                  </span>
                }
              />
            </Tooltip>
          </li>
        ))}
        {events.length > perCell && (
          <li className="tj-secondary">{t('pub.cal.more', { n: events.length - perCell })}</li>
        )}
      </ul>
    );
  };

  return (
    <Card
      variant="borderless"
      title={t('pub.cal.title')}
      extra={
        <Space size={16} wrap>
          {(['sent', 'scheduled', 'series_run'] as const).map((kind) => (
            <Badge key={kind} status={kindStatus[kind]} text={t(`pub.cal.${kind}`)} />
          ))}
        </Space>
      }
      data-testid="publishing-calendar"
    >
      <Calendar
        value={value}
        onPanelChange={(next) => setValue(next)}
        onSelect={(next) => setValue(next)}
        cellRender={(date, info) => (info.type === 'date' ? cell(date) : null)}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('pub.cal.hint')}
      </Typography.Paragraph>
    </Card>
  );
}

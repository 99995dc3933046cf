import { Space, Tag } from 'antd';
import type { CadreGrade } from '../../../../common/domain.js';
import type { CadreItem } from '../../../../common/ledger.js';
import { useT } from '../../app/i18n.js';

/** 任期 2024-01-01 至 2026-12-31, with 已届满 once it has ended (the branch should hold its election). */
export function TermText({ cadre }: { cadre: Pick<CadreItem, 'termStart' | 'termEnd' | 'termEnded'> }) {
  const t = useT();
  if (!cadre.termStart && !cadre.termEnd) return <span className="tj-secondary">{t('cadres.noTerm')}</span>;
  return (
    <Space size={4} wrap={false}>
      <span>
        {cadre.termStart ?? '?'} {t('cadres.termTo')} {cadre.termEnd ?? t('cadres.termOpen')}
      </span>
      {cadre.termEnded && <Tag color="warning">{t('cadres.termEnded')}</Tag>}
    </Space>
  );
}

const gradeColors: Record<CadreGrade, string> = {
  excellent: 'gold',
  competent: 'green',
  basic: 'blue',
  incompetent: 'red',
};

export function CadreGradeTag({ grade }: { grade: CadreGrade }) {
  const t = useT();
  return <Tag color={gradeColors[grade]}>{t(`cadres.grade.${grade}`)}</Tag>;
}

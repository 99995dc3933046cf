import { chinaToday } from '../../../common/dates.js';
import { dataQualityChecks, dataQualityLabels, type DataQualityCheck } from '../../../common/data-quality.js';
import type { Db } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { pageWindow } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { countCheck, listCheck } from './checks.js';

// What makes a ledger hollow, for an org's subtree: each figure and the list behind it (checks.ts).

export async function dataQualityFigures(db: Db, actor: Actor, orgId: number) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const input = { path: org.path, today: chinaToday() };
  const figures = [];
  for (const check of dataQualityChecks) {
    figures.push({ check, label: dataQualityLabels[check], count: await countCheck(db, check, input) });
  }
  return { orgId: org.id, asOf: input.today, figures };
}

export async function dataQualityList(
  db: Db,
  actor: Actor,
  orgId: number,
  check: DataQualityCheck,
  page: { page: number; pageSize: number },
) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const input = { path: org.path, today: chinaToday() };
  return {
    check,
    label: dataQualityLabels[check],
    items: await listCheck(db, check, input, pageWindow(page)),
    total: await countCheck(db, check, input),
  };
}

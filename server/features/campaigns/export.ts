import ExcelJS from 'exceljs';
import type { IndicatorStatus, OrgLevel } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { neutralizeFormula } from '../../spreadsheets/writer.js';
import { recordAudit } from '../audit/service.js';
import { getDashboard } from './dashboard.js';

const levelNames: Record<OrgLevel, string> = {
  province: '省级',
  city: '市级',
  county: '县级',
  township: '乡镇级',
  village: '村级',
};
const statusNames: Record<IndicatorStatus, string> = {
  met: '已达标',
  not_yet_due: '未到期',
  overdue: '已逾期',
  not_met: '未达标',
};

type Tally = { applicable: number; met: number; share: number | null };

/**
 * The roll-up table of a dashboard as xlsx: the org and each of its children, per indicator how many orgs it
 * applies to, how many meet it, the share, and the org's own status. The same figures as the page.
 */
export async function rollupWorkbook(
  db: Db,
  actor: Actor,
  input: { campaignId: number; orgId: number },
): Promise<{ fileName: string; bytes: Buffer }> {
  const dashboard = await getDashboard(db, actor, input.campaignId, input.orgId);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('汇总表', { views: [{ state: 'frozen', ySplit: 3 }] });
  const columns = 2 + dashboard.indicators.length * 4;
  sheet.addRow([neutralizeFormula(`${dashboard.campaign.name} · ${dashboard.org.name} · 截至 ${dashboard.today}`)]);
  sheet.mergeCells(1, 1, 1, columns);
  sheet.getRow(1).font = { bold: true, size: 14 };
  const groupRow = ['', ''];
  const headerRow = ['组织', '层级'];
  for (const indicator of dashboard.indicators) {
    groupRow.push(neutralizeFormula(indicator.name), '', '', '');
    headerRow.push('适用数', '达标数', '达标率', '本级状态');
  }
  sheet.addRow(groupRow);
  sheet.addRow(headerRow);
  dashboard.indicators.forEach((_, i) => sheet.mergeCells(2, 3 + i * 4, 2, 6 + i * 4));
  for (const row of [2, 3]) sheet.getRow(row).font = { bold: true };

  const cells = (tally: Tally, own: { status: IndicatorStatus } | null) => [
    tally.applicable,
    tally.met,
    tally.share === null ? '' : Math.round(tally.share * 1000) / 1000,
    own ? statusNames[own.status] : '不适用',
  ];
  sheet.addRow([
    neutralizeFormula(`${dashboard.org.name}（合计）`),
    levelNames[dashboard.org.level],
    ...dashboard.indicators.flatMap((i) => cells(i.total, i.own)),
  ]);
  for (const child of dashboard.children) {
    sheet.addRow([
      neutralizeFormula(child.name),
      levelNames[child.level],
      ...child.indicators.flatMap((i) => cells(i, i.own)),
    ]);
  }
  sheet.getColumn(1).width = 36;
  dashboard.indicators.forEach((_, i) => {
    sheet.getColumn(5 + i * 4).numFmt = '0.0%';
  });
  await recordAudit(db, actor, {
    action: 'campaign.export',
    objectType: 'campaign',
    objectId: input.campaignId,
    orgId: input.orgId,
    details: { rows: dashboard.children.length + 1 },
  });
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  return { fileName: `${dashboard.campaign.name}-${dashboard.org.name}-汇总表-${dashboard.today}.xlsx`, bytes };
}

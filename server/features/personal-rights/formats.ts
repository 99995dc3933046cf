import { PassThrough } from 'node:stream';
import type { CopyFormat } from '../../../common/personal-rights.js';
import { createXlsxWriter, neutralizeFormula } from '../../spreadsheets/writer.js';
import type { Cell, Section } from './copy.js';

// The copy as a file a county clerk opens: xlsx (a sheet per section that has rows, a first sheet that lists
// them all), CSV (one file, one block per section, UTF-8 with a byte-order mark so that Excel on Chinese Windows
// reads it), or JSON (for another system: the same sections, rows as objects keyed by the Chinese headers).
// Text that a spreadsheet could take for a formula gets a leading apostrophe in xlsx and CSV.

export type CopyHeader = { fullName: string; generatedAt: string; orgName: string };

export const copyMime: Record<CopyFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const notice = '本文件为个人信息副本，含完整身份证号和手机号码，请妥善保管，仅交本人或其监护人。';

export async function renderCopy(format: CopyFormat, header: CopyHeader, sections: Section[]): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(JSON.stringify(jsonCopy(header, sections), null, 2));
    case 'csv':
      return Buffer.from(`\uFEFF${csvCopy(header, sections)}`);
    case 'xlsx':
      return xlsxCopy(header, sections);
  }
}

function jsonCopy(header: CopyHeader, sections: Section[]) {
  return {
    title: '个人信息副本',
    fullName: header.fullName,
    generatedAt: header.generatedAt,
    providedBy: header.orgName,
    notice,
    sections: sections.map((s) => ({
      key: s.key,
      title: s.title,
      rows: s.rows.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i] ?? null]))),
    })),
  };
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvCopy(header: CopyHeader, sections: Section[]): string {
  const lines: string[] = [
    csvCell('个人信息副本'),
    ['姓名', header.fullName].map(csvCell).join(','),
    ['生成时间', header.generatedAt].map(csvCell).join(','),
    ['提供单位', header.orgName].map(csvCell).join(','),
    csvCell(notice),
  ];
  for (const s of sections) {
    lines.push('', csvCell(`【${s.title}】共 ${s.rows.length} 条`));
    if (s.rows.length === 0) continue;
    lines.push(s.columns.map(csvCell).join(','));
    for (const row of s.rows) lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function xlsxCopy(header: CopyHeader, sections: Section[]): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const writer = createXlsxWriter(stream);
  const cover = writer.addSheet('说明', [
    { header: '项目', width: 24 },
    { header: '内容', width: 60 },
  ]);
  cover.addRow(['姓名', header.fullName]);
  cover.addRow(['生成时间', header.generatedAt]);
  cover.addRow(['提供单位', header.orgName]);
  cover.addRow(['说明', notice]);
  for (const s of sections)
    cover.addRow([s.title, s.rows.length === 0 ? '无记录' : `${s.rows.length} 条（见同名工作表）`]);
  cover.commit();
  for (const s of sections) {
    if (s.rows.length === 0) continue;
    // Every column as text: ID numbers and phones keep all their digits when the sheet is edited.
    const sheet = writer.addSheet(
      s.title.replace(/[[\]:*?/\\]/g, '').slice(0, 31),
      s.columns.map((c) => ({ header: c, width: Math.max(12, c.length * 2 + 4), text: true })),
    );
    for (const row of s.rows) sheet.addRow(row);
    sheet.commit();
  }
  await writer.finish();
  if (!stream.writableEnded) stream.end();
  await ended;
  return Buffer.concat(chunks);
}

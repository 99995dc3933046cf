import type { Readable } from 'node:stream';
import { importKindNames, type ImportKind } from '../../../common/imports.js';
import { createXlsxStream, neutralizeFormula } from '../../spreadsheets/writer.js';
import { columnsOf, examplePrefix } from './columns.js';

const sheetNames: Record<ImportKind, string> = {
  channels: '渠道',
  contacts: '联系青年',
  plans: '建群计划',
  members: '团员',
};

const generalNotes = [
  '带 * 的列必须填写；列的顺序可以调整，表头文字不要修改。',
  `第 2 行是示例（以“${examplePrefix}”开头的行不会导入），可以删除。`,
  '表头上方可以保留标题行；表中的空行会被跳过。',
  '手机号码、身份证号请设为文本格式填写，避免 Excel 改成科学计数法（如 1.38E+10）而丢失数字。',
  '先用“试导入”检查：有任何一行出错时整个文件都不会导入，可下载错误报告逐行修改后重新上传。',
  '同一文件重复导入不会重复登记：已有的记录只会更新，没有变化的保持不变。',
];

/**
 * The import template of a kind: the data sheet (headers with * for required columns, the header frozen, one
 * example row in grey) and a 填写说明 sheet explaining every column.
 */
export function templateWorkbook(kind: ImportKind): { stream: Readable; fileName: string; done: Promise<void> } {
  const columns = columnsOf[kind];
  const { writer, stream } = createXlsxStream();
  const data = writer.addSheet(
    sheetNames[kind],
    columns.map((c) => ({
      header: c.required ? `${c.header}*` : c.header,
      width: c.width,
      text: c.text === true || c.personal !== undefined,
    })),
  );
  data.addRow(
    columns.map((c) => c.example),
    { note: true },
  );
  data.commit();
  const help = writer.addSheet('填写说明', [
    { header: '列名', width: 22 },
    { header: '是否必填', width: 10 },
    { header: '说明', width: 70 },
    { header: '示例', width: 24 },
  ]);
  for (const c of columns) help.addRow([c.header, c.required ? '必填' : '选填', c.note, c.example]);
  help.addRow([]);
  generalNotes.forEach((note, i) => help.addRow([`注意 ${i + 1}`, '', note]));
  help.commit();
  return { stream, fileName: `${importKindNames[kind]}导入模板.xlsx`, done: writer.finish() };
}

/**
 * The same template as CSV: UTF-8 with a byte-order mark (Excel on Chinese Windows opens it as UTF-8 then, not
 * GB18030), the header and the example row. CSV has no cell formats: the 填写说明 stays in the xlsx template.
 */
export function templateCsv(kind: ImportKind): { body: Buffer; fileName: string } {
  const columns = columnsOf[kind];
  const line = (cells: readonly string[]) => cells.map(csvCell).join(',');
  const text = [line(columns.map((c) => (c.required ? `${c.header}*` : c.header))), line(columns.map((c) => c.example))]
    .map((l) => `${l}\r\n`)
    .join('');
  return {
    body: Buffer.concat([Buffer.from('\ufeff'), Buffer.from(text, 'utf8')]),
    fileName: `${importKindNames[kind]}导入模板.csv`,
  };
}

function csvCell(text: string): string {
  const safe = neutralizeFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

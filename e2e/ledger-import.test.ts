import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { addDays, chinaToday } from '../common/dates.js';
import { desktop, launchBrowser, logIn, screenshot, withPage } from './browser.js';
import { lantianStatCode, startServer, zhouzhiStatCode, type E2eServer } from './server.js';

// A county fills in its channels in Excel, the way people do (a merged title above the headers, a statistical
// code that Excel turned into a number, digits typed in full width), and imports the sheet through the dialog:
// a dry run first, then the real import. A sheet with mistakes is refused whole, row by row in Chinese, with an
// error report to download.

type Cell = string | number | Date | null;
const headers = ['名称*', '类型*', '所属组织', '建立日期', '成员数'];

async function channelSheet(title: string, rows: Cell[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('两群一号');
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, headers.length);
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('channels imported from Excel', { timeout: 180_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const statCodes: { township?: string; otherCounty?: string } = {};

  before(async () => {
    server = await startServer({
      seed: async ({ db, orgs }) => {
        const code = async (id: number) =>
          (await db.selectFrom('orgs').select('stat_code').where('id', '=', id).executeTakeFirstOrThrow()).stat_code!;
        statCodes.township = await code(orgs.zhouzhiTownship.id);
        // A township of another county: to a 周至 cadre it reads like one that does not exist.
        const lantianTownship = await db
          .selectFrom('orgs')
          .select('stat_code')
          .where('parent_id', '=', orgs.lantian.id)
          .where('level', '=', 'township')
          .orderBy('stat_code')
          .executeTakeFirstOrThrow();
        statCodes.otherCounty = lantianTownship.stat_code!;
      },
    });
    assert.ok(statCodes.township!.startsWith(zhouzhiStatCode.slice(0, 6)));
    assert.ok(statCodes.otherCounty!.startsWith(lantianStatCode.slice(0, 6)));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a county imports a channels sheet after a dry run; a sheet with mistakes imports nothing', () =>
    withPage(
      browser!,
      'ledger-import',
      async (page) => {
        const { zhouzhi, zhouzhiTownship: township } = server!.orgs;
        const today = chinaToday();
        const good = await channelSheet('周至县两群一号台账（11 月）', [
          // The township by its statistical code, which Excel keeps as a number; members in full-width digits.
          [
            `${township.shortName}返乡青年团青群`,
            '团青群',
            Number(statCodes.township),
            new Date('2025-09-01'),
            '１２０',
          ],
          [`青农${township.shortName}致富带头人群`, '青农微信群', township.name, '2025/10/8', 86],
          // No org: the county itself, the org the import is made into.
          ['周至青年之声', '其他微信群', null, null, 45],
        ]);
        const newName = `${township.shortName}新建团青群`;
        const bad = await channelSheet('周至县两群一号台账（补报）', [
          [newName, '团青群', Number(statCodes.township), null, 30],
          ['周至青年微信号', '微信号', null, null, null],
          ['蓝田团青群', '团青群', statCodes.otherCounty!, null, null],
          ['周至明日建群', '团青群', null, addDays(today, 30), null],
          [newName, '团青群', statCodes.township!, null, 31],
        ]);

        await logIn(page, server!.url, server!.users.zhouzhiAdmin!);
        await page.goto(`${server!.url}/ledger/${zhouzhi.id}?tab=channels`);
        await page.getByTestId('ledger-title').filter({ hasText: zhouzhi.name }).waitFor();
        const table = page.getByTestId('channels-table');
        await table.getByText('暂无').or(table.locator('.ant-empty')).first().waitFor();

        // Dry run: the counts, nothing written yet.
        let dialog = await openImport(page);
        await chooseFile(dialog, '周至县两群一号.xlsx', good);
        await dialog.getByTestId('import-dry-run').click();
        let result = await finished(dialog);
        assert.equal(await result.getAttribute('data-status'), 'done');
        assert.match(await result.innerText(), /预检完成，数据尚未写入/);
        assert.deepEqual(await counts(dialog), { rows: 3, create: 3, update: 0, unchanged: 0, errors: 0 });
        const preview = dialog.getByTestId('import-preview');
        assert.match(await preview.innerText(), /120/, 'full-width digits read as 120');
        await screenshot(page, 'import-dry-run');

        // The real import runs as a job; the dialog polls it until its progress reaches the last row.
        const started = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/imports');
        const polled: { status: string; progress: { done: number; total: number | null } }[] = [];
        page.on('response', (response) => {
          if (/^\/api\/jobs\/\d+$/.test(new URL(response.url()).pathname) && response.ok())
            void response.json().then((job: (typeof polled)[number]) => polled.push(job));
        });
        await dialog.getByTestId('import-run').click();
        assert.equal((await started).status(), 202);
        result = await finished(dialog);
        assert.equal(await result.getAttribute('data-status'), 'done');
        assert.match(await result.innerText(), /导入完成/);
        assert.deepEqual(polled.at(-1)?.progress, { done: 3, total: 3 });
        assert.deepEqual(await counts(dialog), { rows: 3, create: 3, update: 0, unchanged: 0, errors: 0 });
        await screenshot(page, 'import-done');
        await dialog.getByRole('button', { name: /^完\s*成$/ }).click();
        await dialog.waitFor({ state: 'detached' });

        // The channels are in the county's list, under their orgs.
        const row = (name: string) => table.locator('.ant-table-row').filter({ hasText: name });
        const first = row(`${township.shortName}返乡青年团青群`);
        await first.waitFor();
        assert.match(await first.innerText(), new RegExp(`团青微信群[\\s\\S]*${township.name}[\\s\\S]*120`));
        assert.match(await row(`青农${township.shortName}致富带头人群`).innerText(), /青农微信群[\s\S]*86/);
        assert.match(await row('周至青年之声').innerText(), new RegExp(zhouzhi.name));
        assert.equal(await table.locator('.ant-table-row').count(), 3);
        await screenshot(page, 'import-listed');

        // A sheet with mistakes: the real run refuses it whole, row by row, in Chinese.
        dialog = await openImport(page);
        await chooseFile(dialog, '周至县补报.xlsx', bad);
        await dialog.getByTestId('import-run').click();
        result = await finished(dialog);
        assert.equal(await result.getAttribute('data-status'), 'failed');
        assert.match(await result.innerText(), /共 4 行有错误，未导入任何数据/);
        assert.deepEqual(await counts(dialog), { rows: 5, create: 1, update: 0, unchanged: 0, errors: 4 });
        const errors = await dialog.getByTestId('import-errors').innerText();
        for (const expected of [
          /第 4 行：类型“微信号”应为：/,
          new RegExp(`第 5 行：所属组织“${statCodes.otherCounty}”不存在或不在本次导入的组织范围内`),
          /第 6 行：建立日期不能晚于今天/,
          /第 7 行：与第 3 行是同一组织的同类型、同名称渠道/,
        ]) {
          assert.match(errors, expected);
        }
        assert.doesNotMatch(errors, /^第 3 行/m, 'the good row is not an error');
        await screenshot(page, 'import-errors');

        const downloaded = page.waitForEvent('download');
        await dialog.getByTestId('import-error-report').click();
        const download = await downloaded;
        assert.match(download.suggestedFilename(), /\.xlsx$/);
        const report = new ExcelJS.Workbook();
        await report.xlsx.readFile(await download.path());
        const reportText = report.worksheets
          .flatMap((sheet) => sheet.getSheetValues())
          .map((cells) => (Array.isArray(cells) ? cells.map((cell) => cellText(cell)).join('|') : ''))
          .join('\n');
        assert.match(reportText, /错误/);
        assert.match(reportText, /类型“微信号”应为/);
        assert.match(reportText, /建立日期不能晚于今天/);

        // Nothing was written: not even the one good row.
        await dialog.getByRole('button', { name: /取\s*消/ }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.reload();
        await row(`${township.shortName}返乡青年团青群`).waitFor();
        assert.equal(await table.locator('.ant-table-row').count(), 3);
        assert.equal(await row(newName).count(), 0, 'a row of the refused sheet was imported');
        await screenshot(page, 'import-nothing-written');
      },
      { viewport: desktop, serverOutput: () => server!.output() },
    ));
});

async function openImport(page: Page): Promise<Locator> {
  await page.getByTestId('channels-import').click();
  const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('import-file') });
  await dialog.waitFor();
  return dialog;
}

async function chooseFile(dialog: Locator, name: string, bytes: Buffer): Promise<void> {
  await dialog.locator('input[type=file]').setInputFiles({
    name,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: bytes,
  });
  await dialog.getByText(name).waitFor();
}

/** The job's end as the dialog shows it (done or failed), once the polling has stopped. */
async function finished(dialog: Locator): Promise<Locator> {
  const result = dialog.locator('[data-testid=import-result]:is([data-status=done], [data-status=failed])');
  await result.waitFor({ timeout: 60_000 });
  return result;
}

async function counts(dialog: Locator): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const key of ['rows', 'create', 'update', 'unchanged', 'errors']) {
    const text = await dialog.getByTestId(`import-count-${key}`).locator('.ant-statistic-content-value').innerText();
    out[key] = Number(text.replace(/,/g, ''));
  }
  return out;
}

/** A cell of a downloaded sheet as text: the report writes plain strings and numbers. */
function cellText(cell: ExcelJS.CellValue): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

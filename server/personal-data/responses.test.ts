import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import { makeCadre, makeContact } from '../../test/ledger-factories.js';
import { makeApplicant, makeMember } from '../../test/people-factories.js';

// security.md: "Masked on the server in every list, detail and export … Test: no API response matches
// /\d{17}[\dXx]/ without reveal." Every GET route of the route table, as the province's admin who sees everyone,
// with every path parameter set to the id of each kind of record that holds an ID number or a phone.

const ctx = await createTestContext();
await ctx.app.ready();
const tree = await makeTree(ctx);
const admin = await loginAsFrom(ctx, 'org_admin', tree.province);
const member = await makeMember(ctx, { org: tree.villageA1, phone: '13912345678' });
const applicant = await makeApplicant(ctx, { org: tree.villageA1 });
const cadre = await makeCadre(ctx, { org: tree.townA1, phone: '13787654321' });
const contact = await makeContact(ctx, { org: tree.villageA1, phone: '13611112222' });
const fullIdPattern = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const secrets = [member.idNumber, applicant.idNumber, '13912345678', '13787654321', '13611112222'];

/** Every cell of every sheet, as text: an xlsx is a zip, so its bytes would hide what it holds. */
async function sheetText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
  return cells.join('\n');
}

test('no GET answer of any route holds a full ID number or phone: reveals are POSTs, audited', async () => {
  const reads = ctx.app.routeTable.filter((r) => r.method === 'GET');
  const ids = [...new Set([member.id, applicant.id, cadre.id, contact.id, tree.villageA1.id, tree.townA1.id])];
  let answered = 0;
  let sheetsWithMember = 0;
  const masked = `${member.idNumber.slice(0, 4)}**********${member.idNumber.slice(-4)}`;
  for (const route of reads) {
    const paths = route.url.includes(':') ? ids.map((id) => route.url.replace(/:(\w+)/g, String(id))) : [route.url];
    for (const path of paths) {
      const response = await admin.get(path);
      if (response.statusCode === 200) answered += 1;
      const body = String(response.headers['content-type']).includes('spreadsheetml')
        ? await sheetText(response.rawPayload)
        : response.body;
      assert.doesNotMatch(body, fullIdPattern, `GET ${path}`);
      if (body !== response.body && body.includes(masked)) sheetsWithMember += 1;
      for (const secret of secrets) assert.ok(!body.includes(secret), `GET ${path} holds a full number`);
    }
  }
  // The sweep read real records, not only 404s: lists, details, timelines and exports of the people above.
  assert.ok(answered > 40, `${answered} answers with content`);
  assert.ok(sheetsWithMember >= 1, 'the member register export was read, cell by cell');
  const revealed = await admin.post(`/api/members/${member.id}/reveal-id`);
  assert.equal(revealed.json<{ idNumber: string }>().idNumber, member.idNumber, 'the reveal does answer in full');
});

import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { addDays } from '../common/dates.js';
import { contactCategoryLabels } from '../common/imports.js';
import { contactColumns } from '../server/features/imports/columns.js';
import { chineseName, createRandom, deriveSeed, phoneNumber } from './random.js';

// The contact sheet a province uploads: N youth in runs of about 50 per village (as village lists pasted
// together are), the villages spread evenly over the province, each youth with the cadre who keeps contact
// with them — three cadres per village, not registered yet, so the import registers them and links every row. Written with exceljs's
// streaming writer, as a person's spreadsheet program would save it (inline strings, one sheet, the template's
// headers).

export type ImportVillage = { statCode: string; name: string };

/** Phone numbering of the import file (the province's own start at 1,000,000). */
export const importPhoneStart = { contacts: 60_000_000, cadres: 90_000_000 } as const;

export async function writeContactSheet(input: {
  file: string;
  rows: number;
  villages: readonly ImportVillage[];
  seed: number;
  asOf: string;
}): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const random = createRandom(deriveSeed(input.seed, 'import-file'));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: input.file,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet('联系青年');
  sheet.addRow(contactColumns.map((c) => c.header)).commit();
  const categories = Object.values(contactCategoryLabels);
  const cadreNames = new Map<number, string>();
  let lastVillage = -1;
  // About 50 rows per village (a village's list), over villages spread evenly across the province.
  const used = Math.min(input.villages.length, Math.max(1, Math.round(input.rows / 50)));
  for (let i = 0; i < input.rows; i++) {
    const villageIndex = Math.floor((Math.floor((i * used) / input.rows) * input.villages.length) / used);
    const village = input.villages[villageIndex];
    if (villageIndex !== lastVillage) cadreNames.clear();
    lastVillage = villageIndex;
    const cadreSerial = importPhoneStart.cadres + villageIndex * 3 + (i % 3);
    let cadreName = cadreNames.get(cadreSerial);
    if (cadreName === undefined) {
      // The same cadre phone always carries the same name: the import refuses a sheet that disagrees with itself.
      cadreName = chineseName(createRandom(deriveSeed(input.seed, `import-cadre:${cadreSerial}`)));
      cadreNames.set(cadreSerial, cadreName);
    }
    const values: Record<(typeof contactColumns)[number]['key'], string | null> = {
      fullName: chineseName(random),
      phone: phoneNumber(importPhoneStart.contacts + i),
      org: village.statCode,
      village: village.name,
      category: random.pick(categories),
      cadreName,
      cadrePhone: phoneNumber(cadreSerial),
      lastContactOn: random.chance(0.6) ? addDays(input.asOf, -random.int(1, 200)) : null,
      note: random.chance(0.05) ? '返乡创业' : null,
    };
    sheet.addRow(contactColumns.map((c) => values[c.key])).commit();
  }
  sheet.commit();
  await workbook.commit();
  return { bytes: fs.statSync(input.file).size, ms: Math.round(performance.now() - started) };
}

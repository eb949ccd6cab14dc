/**
 * The grade sheet ("Ведомость", manual §4.7) as an .xlsx workbook: a heading block (exam,
 * discipline, group, date), then № | candidate | IIN | group | start | end | honesty % |
 * decision | signature, and a line for the proctor's signature. Set up to print on A4
 * portrait, one page wide. A sheet is one exam's group (hundreds of rows at most), so the
 * workbook is built in memory.
 */
import ExcelJS from 'exceljs';
import type { GradeSheetHeader, GradeSheetRow, Locale } from '@proctor/db';
import { reportTexts } from './report-texts.ts';
import { EXCEL_DATE_TIME_FORMAT, formatWallDate, wallClock } from './wall-clock.ts';

export interface GradeSheet {
  header: GradeSheetHeader;
  rows: GradeSheetRow[];
}

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF8A94A6' } };
const boxed: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };

export async function gradeSheetXlsx({ header, rows }: GradeSheet, locale: Locale): Promise<Buffer> {
  const t = reportTexts(locale).gradeSheet;
  const texts = reportTexts(locale);
  const c = t.columns;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Proctor';
  workbook.title = `${t.title}: ${header.examName}`;
  const sheet = workbook.addWorksheet(t.sheet, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = [
    { width: 6 },
    { width: 34 },
    { width: 15 },
    { width: 14 },
    { width: 19, style: { numFmt: EXCEL_DATE_TIME_FORMAT } },
    { width: 19, style: { numFmt: EXCEL_DATE_TIME_FORMAT } },
    { width: 11 },
    { width: 16 },
    { width: 18 },
  ];

  const titleRow = sheet.addRow([t.title]);
  titleRow.font = { bold: true, size: 14 };
  sheet.mergeCells(titleRow.number, 1, titleRow.number, 9);
  const info: [string, string][] = [
    [t.exam, header.examName],
    [t.discipline, header.disciplineName],
    [t.group, header.groupName ?? t.allGroups],
    [t.date, formatWallDate(header.startsAt, header.timeZone)],
  ];
  for (const [label, value] of info) {
    const row = sheet.addRow([`${label}:`, null, value]);
    sheet.mergeCells(row.number, 1, row.number, 2);
    sheet.mergeCells(row.number, 3, row.number, 9);
    row.getCell(1).font = { bold: true };
  }
  sheet.addRow([]);

  const head = sheet.addRow([c.number, c.candidate, c.iin, c.group, c.start, c.end, c.honesty, c.decision, c.signature]);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', wrapText: true };
  head.eachCell((cell) => {
    cell.border = boxed;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
  });
  sheet.views = [{ state: 'frozen', ySplit: head.number }];
  // Every printed page repeats the column titles.
  sheet.pageSetup.printTitlesRow = `${head.number}:${head.number}`;

  rows.forEach((r, i) => {
    const row = sheet.addRow([
      i + 1,
      r.candidateName,
      r.iin,
      r.groupName,
      r.startedAt ? wallClock(r.startedAt, header.timeZone) : null,
      r.endedAt ? wallClock(r.endedAt, header.timeZone) : null,
      r.honesty,
      texts.decision[r.decision],
      null,
    ]);
    row.height = 22;
    for (let col = 1; col <= 9; col++) row.getCell(col).border = boxed;
  });
  sheet.autoFilter = { from: { row: head.number, column: 1 }, to: { row: head.number + rows.length, column: 9 } };

  sheet.addRow([]);
  sheet.addRow([`${t.total}: ${rows.length}`]);
  sheet.addRow([]);
  const sign = sheet.addRow([`${t.proctor}:`, null, '______________________________', null, null, `(${t.signatureLine})`]);
  sheet.mergeCells(sign.number, 1, sign.number, 2);
  sheet.mergeCells(sign.number, 3, sign.number, 5);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

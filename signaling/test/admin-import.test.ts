/**
 * Bulk import of candidates: CSV and XLSX (built here with exceljs), photos in a zip named
 * by IIN, every line validated and reported, all-or-nothing, size limits and hostile input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { ADMIN_UPLOAD_LIMITS, adminApi, type ImportIssue, type ImportPreview } from '../src/contract/api/admin.ts';
import { JPEG_BYTES, PNG_1PX, iin, makeZip, startAdminHarness, type AdminHarness, type FilePart } from './admin-harness.ts';

describe('candidate import', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(() => h?.close());

  const preview = (files: Record<string, FilePart>) => h.upload('POST', adminApi.previewImport.path, files);
  const commit = (files: Record<string, FilePart>) => h.upload('POST', adminApi.importCandidates.path, files);
  const csv = (text: string, filename = 'list.csv'): Record<string, FilePart> => ({ sheet: { filename, data: text, type: 'text/csv' } });
  const counts = async () => ({
    candidates: Number((await h.db.selectFrom('candidates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    groups: Number((await h.db.selectFrom('groups').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  });
  const candidate = (value: string) =>
    h.db
      .selectFrom('candidates as c')
      .leftJoin('groups as g', 'g.id', 'c.groupId')
      .select(['c.id', 'c.fullName', 'c.email', 'g.name as groupName', 'c.referencePhotoPath', 'c.archivedAt'])
      .where('c.iin', '=', value)
      .executeTakeFirst();
  const brief = (issues: ImportIssue[]) => issues.map((i) => ({ line: i.line, column: i.column, cell: i.cell, code: i.code }));

  it('imports a CSV (Russian Excel style: BOM, semicolons, quotes, CRLF) after a preview', async () => {
    const [a, b, c] = [iin('1996-03-12'), iin('1996-11-02', 'male'), iin('1997-01-30')];
    const text =
      '\uFEFFФИО;ИИН;Группа;E-mail\r\n' +
      `Қаналбекова Ұлдана Жеңісқызы;${a};ИС-101;uldana@example.kz\r\n` +
      `"Әбдіқадыров; Нұрсұлтан ""Нұрик""";${b.slice(0, 6)} ${b.slice(6)};ИС-101;\r\n` +
      ';;;\r\n' +
      `Үсенова Шаһизада;${c};  ис-102  ;\r\n`;
    const before = await counts();
    const shown = await preview(csv(text));
    assert.equal(shown.statusCode, 200, shown.body);
    const p = shown.json() as ImportPreview;
    assert.equal(p.valid, true, JSON.stringify(p.errors));
    assert.equal(p.format, 'csv');
    assert.deepEqual(p.rows.map((r) => [r.line, r.fullName, r.iin, r.group, r.action]), [
      [2, 'Қаналбекова Ұлдана Жеңісқызы', a, 'ИС-101', 'create'],
      [3, 'Әбдіқадыров; Нұрсұлтан "Нұрик"', b, 'ИС-101', 'create'],
      [5, 'Үсенова Шаһизада', c, 'ис-102', 'create'],
    ]);
    assert.deepEqual(p.summary, { rows: 3, create: 3, update: 0, newGroups: ['ИС-101', 'ис-102'], photos: 0 });
    assert.deepEqual(await counts(), before, 'a preview writes nothing');

    const done = await commit(csv(text));
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(done.json(), { created: 3, updated: 0, groupsCreated: 2, photos: 0 });
    assert.deepEqual(await candidate(a), { ...(await candidate(a))!, fullName: 'Қаналбекова Ұлдана Жеңісқызы', email: 'uldana@example.kz', groupName: 'ИС-101' });
    assert.equal((await candidate(b))!.fullName, 'Әбдіқадыров; Нұрсұлтан "Нұрик"');
    const log = await h.db.selectFrom('actionLog').select(['actorUserId', 'details']).where('action', '=', 'admin.candidates.imported').execute();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.actorUserId, h.demo.adminUserId);
    assert.equal((log[0]!.details as { created: number }).created, 3);

    // Again, with one name changed: the IIN identifies the person, so it is an update; an
    // existing group is found whatever its case.
    const again = text.replace('Үсенова Шаһизада', 'Үсенова Шаһизада Өмірзаққызы').replace('  ис-102  ', 'ИС-102');
    const second = (await preview(csv(again))).json() as ImportPreview;
    assert.deepEqual(second.summary, { rows: 3, create: 0, update: 3, newGroups: [], photos: 0 });
    assert.deepEqual((await commit(csv(again))).json(), { created: 0, updated: 3, groupsCreated: 0, photos: 0 });
    assert.deepEqual([(await candidate(c))!.fullName, (await candidate(c))!.groupName], ['Үсенова Шаһизада Өмірзаққызы', 'ис-102']);
  });

  it('imports an XLSX with Kazakh headers, numeric IINs, rich text and links', async () => {
    const [a, b] = [iin('2001-07-09'), iin('1999-12-31', 'male')];
    const zeroLed = iin('2002-01-05'); // starts with 0: a number cell drops it
    assert.ok(zeroLed.startsWith('0'));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Тізім');
    sheet.addRow(['Аты-жөні', 'ЖСН', 'Топ', 'Эл. пошта']);
    sheet.addRow(['Жүсіпбекова Гүлнұр Серікқызы', Number(a), 'ҚБ-21', { text: 'gulnur@example.kz', hyperlink: 'mailto:gulnur@example.kz' }]);
    sheet.addRow([{ richText: [{ text: 'Мәһдиев ' }, { font: { bold: true }, text: 'Ерқанат' }] }, b, 'ҚБ-21', null]);
    sheet.addRow(['Төлеуов Аңсар Серікұлы', Number(zeroLed), 'ҚБ-22', '']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const file = { sheet: { filename: 'тізім.xlsx', data, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } };

    const shown = (await preview(file)).json() as ImportPreview;
    assert.equal(shown.valid, true, JSON.stringify(shown.errors));
    assert.deepEqual([shown.format, shown.sheetName], ['xlsx', 'Тізім']);
    assert.deepEqual(shown.rows.map((r) => [r.line, r.fullName, r.iin, r.email]), [
      [2, 'Жүсіпбекова Гүлнұр Серікқызы', a, 'gulnur@example.kz'],
      [3, 'Мәһдиев Ерқанат', b, null],
      [4, 'Төлеуов Аңсар Серікұлы', zeroLed, null],
    ]);
    const done = await commit(file);
    assert.deepEqual(done.json(), { created: 3, updated: 0, groupsCreated: 2, photos: 0 });
    assert.equal((await candidate(a))!.fullName, 'Жүсіпбекова Гүлнұр Серікқызы');
    assert.equal((await candidate(zeroLed))!.groupName, 'ҚБ-22');
  });

  it('reports every bad line and imports nothing when any line is bad', async () => {
    const good = iin();
    const dupe = iin();
    const notChecked = dupe.slice(0, 11) + String((Number(dupe[11]) + 1) % 10);
    const text = [
      'full name,iin,group,email',
      `Good Person,${good},Z-1,good@example.org`,
      `,${notChecked},Z-1,not-an-email`,
      `Second Good,${dupe},Z-2,`,
      `Dupe Person,${dupe},,`,
    ].join('\n');
    const before = await counts();

    const shown = await preview(csv(text));
    assert.equal(shown.statusCode, 200);
    const p = shown.json() as ImportPreview;
    assert.equal(p.valid, false);
    assert.deepEqual(brief(p.errors), [
      { line: 3, column: 'fullName', cell: 'A', code: 'required' },
      { line: 3, column: 'iin', cell: 'B', code: 'iin_checksum' },
      { line: 3, column: 'email', cell: 'D', code: 'email_invalid' },
      { line: 5, column: 'iin', cell: 'B', code: 'iin_duplicate' },
      { line: 5, column: 'group', cell: 'C', code: 'required' },
    ]);
    assert.equal(p.errors[3]!.params.otherLine, 4);
    assert.deepEqual(p.rows.map((r) => r.action), ['create', 'invalid', 'create', 'invalid']);

    const refused = await commit(csv(text));
    assert.equal(refused.statusCode, 400);
    const body = refused.json();
    assert.equal(body.error.code, 'bad_request');
    assert.deepEqual(brief(body.issues), brief(p.errors));
    assert.equal(body.errorsTotal, 5);
    assert.deepEqual(new Set(body.issues.map((i: ImportIssue) => i.line)), new Set([3, 5]));
    assert.deepEqual(await counts(), before, 'not even the good lines or their groups');
    assert.equal(await candidate(good), undefined);
  });

  it('attaches photos from a zip by IIN; all or nothing for photos too', async () => {
    const [a, b, c] = [iin(), iin(), iin()];
    const text = `ФИО,ИИН,Группа\nФото Бір,${a},Ф-1\nФото Екі,${b},Ф-1\nФотосыз Үш,${c},Ф-1\n`;
    const zip = makeZip({
      [`${a}.jpg`]: JPEG_BYTES,
      [`фото/${b}.PNG`]: PNG_1PX, // folders and upper-case extensions are fine
      'readme.txt': 'hello',
      [`${iin()}.jpg`]: JPEG_BYTES, // nobody in the list
      '__MACOSX/._x.jpg': 'mac junk',
    });
    const files = { ...csv(text), photos: { filename: 'photos.zip', data: zip, type: 'application/zip' } };
    const shown = (await preview(files)).json() as ImportPreview;
    assert.equal(shown.valid, true, JSON.stringify(shown.errors));
    assert.deepEqual(shown.rows.map((r) => r.photo), [true, true, false]);
    assert.deepEqual(shown.warnings.map((w) => w.code).sort(), ['photo_ignored', 'photo_unmatched']);
    assert.equal(shown.summary.photos, 2);

    const done = await commit(files);
    assert.deepEqual(done.json(), { created: 3, updated: 0, groupsCreated: 1, photos: 2 });
    const withA = (await candidate(a))!;
    assert.match(withA.referencePhotoPath!, new RegExp(`^${withA.id.slice(0, 2)}/${withA.id}-[0-9a-f]{12}\\.jpg$`));
    assert.deepEqual(fs.readFileSync(path.join(h.photosDir, withA.referencePhotoPath!)), JPEG_BYTES);
    assert.match((await candidate(b))!.referencePhotoPath!, /\.png$/);
    assert.equal((await candidate(c))!.referencePhotoPath, null);
    const served = await h.api('GET', `/api/admin/candidates/${withA.id}/photo`);
    assert.deepEqual([served.statusCode, served.headers['content-type']], [200, 'image/jpeg']);

    // A text file dressed as a photo fails its line; nothing is imported, no file is left behind.
    const d = iin();
    const filesBefore = fs.readdirSync(h.photosDir, { recursive: true }).length;
    const badZip = makeZip({ [`${d}.jpg`]: '<?php system($_GET["c"]); ?>', [`${a}.jpg`]: PNG_1PX });
    const badFiles = { ...csv(`ФИО,ИИН,Группа\nЖаңа Адам,${d},Ф-1\nФото Бір,${a},Ф-1\n`), photos: { filename: 'p.zip', data: badZip } };
    const refused = await commit(badFiles);
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(brief(refused.json().issues), [{ line: 2, column: 'photo', cell: null, code: 'photo_type' }]);
    assert.equal(await candidate(d), undefined);
    assert.equal((await candidate(a))!.referencePhotoPath, withA.referencePhotoPath, 'the old photo stays');
    assert.equal(fs.readdirSync(h.photosDir, { recursive: true }).length, filesBefore);

    // A photo over the limit (a tiny deflated zip that inflates to more) is refused unread.
    const big = makeZip({ [`${d}.jpg`]: Buffer.concat([JPEG_BYTES, Buffer.alloc(ADMIN_UPLOAD_LIMITS.photoBytes)]) });
    const tooBig = (await preview({ ...csv(`ФИО,ИИН,Группа\nЖаңа Адам,${d},Ф-1\n`), photos: { filename: 'p.zip', data: big } })).json();
    assert.deepEqual(brief(tooBig.errors), [{ line: 2, column: 'photo', cell: null, code: 'photo_too_large' }]);
  });

  it('stores SQL-looking and formula-looking text verbatim and harmlessly', async () => {
    const [a, b] = [iin(), iin()];
    const nasty = `Robert'); DROP TABLE candidates; --`;
    const formula = '=HYPERLINK("http://evil.test","x")';
    const text = `ФИО;ИИН;Группа\n"${nasty}";${a};"1' OR '1'='1"\n"${formula.replaceAll('"', '""')}";${b};<script>alert(1)</script>\n`;
    const done = await commit(csv(text));
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await candidate(a))!.fullName, nasty);
    assert.equal((await candidate(a))!.groupName, "1' OR '1'='1");
    assert.equal((await candidate(b))!.fullName, formula);
    assert.equal((await candidate(b))!.groupName, '<script>alert(1)</script>');
    assert.ok((await counts()).candidates > 2, 'the table is still there');
  });

  it('reads Windows-1251 CSV and header-less files in the documented order', async () => {
    const a = iin();
    const cp1251 = Buffer.from(
      new Uint8Array([...'ФИО;ИИН;Группа\n'].map(cp1251Byte).concat([...`Петров Пётр;${a};Гр-9\n`].map(cp1251Byte))),
    );
    const shown = (await preview({ sheet: { filename: 'win.csv', data: cp1251 } })).json() as ImportPreview;
    assert.equal(shown.valid, true, JSON.stringify(shown.errors));
    assert.equal(shown.rows[0]!.fullName, 'Петров Пётр');

    const b = iin();
    const headerless = (await preview(csv(`Сидоров Сидор,${b},Гр-9,s@example.org\n`))).json() as ImportPreview;
    assert.deepEqual(headerless.rows.map((r) => [r.line, r.fullName, r.iin, r.group, r.email]), [[1, 'Сидоров Сидор', b, 'Гр-9', 's@example.org']]);

    const noHeader = (await preview(csv('Имя,Фамилия\nА,Б\n'))).json() as ImportPreview;
    assert.deepEqual(brief(noHeader.errors), [{ line: 1, column: null, cell: null, code: 'header_missing' }]);
  });

  it('refuses wrong file types with a clear issue', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    const cases: [Record<string, FilePart>, string][] = [
      [{ sheet: { filename: 'old.xls', data: xls } }, 'sheet_type'],
      [{ sheet: { filename: 'photo.csv', data: PNG_1PX } }, 'sheet_type'],
      [{ sheet: { filename: 'broken.xlsx', data: makeZip({ 'hello.txt': 'not a workbook' }) } }, 'sheet_unreadable'],
      [{ sheet: { filename: 'empty.csv', data: '' } }, 'sheet_empty'],
      [{ sheet: { filename: 'blank.csv', data: '\n;;\n' } }, 'sheet_empty'],
      [{ ...csv(`ФИО,ИИН,Группа\nА,${iin()},Б\n`), photos: { filename: 'p.zip', data: 'not a zip' } }, 'zip_unreadable'],
    ];
    for (const [files, code] of cases) {
      const res = await preview(files);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().errors.map((i: ImportIssue) => i.code), [code], files.sheet!.filename);
      assert.equal(res.json().valid, false);
    }
    const noSheet = await h.upload('POST', adminApi.previewImport.path, { photos: { filename: 'p.zip', data: makeZip({}) } });
    assert.deepEqual([noSheet.statusCode, noSheet.json().error.field, noSheet.json().error.reason], [400, 'sheet', 'required']);
    const json = await h.api('POST', adminApi.previewImport.path, { sheet: 'a,b' });
    assert.equal(json.statusCode, 415);
  });

  it('refuses lines of archived groups, control characters and files with too many lines', async () => {
    const group = (await h.api('POST', adminApi.createGroup.path, { name: 'Архивная-1' })).json().group;
    assert.equal((await h.api('POST', `/api/admin/groups/${group.id}/archive`)).statusCode, 204);
    const text = `ФИО;ИИН;Группа\nА Б;${iin()};архивная-1\n"Қоңырау\u0007Ішінде";${iin()};Г-1\n`;
    const shown = (await preview(csv(text))).json() as ImportPreview;
    assert.deepEqual(brief(shown.errors), [
      { line: 2, column: 'group', cell: 'C', code: 'group_archived' },
      { line: 3, column: 'fullName', cell: 'A', code: 'control_chars' },
    ]);

    // Counted before any line is judged, so the IINs need not be valid.
    const rows = Array.from({ length: ADMIN_UPLOAD_LIMITS.importRows + 1 }, (_, i) => `Кандидат ${i};${String(i).padStart(12, '0')};Г-1`);
    const tooMany = (await preview(csv(`ФИО;ИИН;Группа\n${rows.join('\n')}\n`))).json() as ImportPreview;
    assert.deepEqual(brief(tooMany.errors), [{ line: null, column: 'file', cell: null, code: 'too_many_rows' }]);
    assert.equal(tooMany.errors[0]!.params.rows, ADMIN_UPLOAD_LIMITS.importRows + 1);
  });

  it('answers 413 for oversized uploads, before importing anything', async () => {
    const before = await counts();
    const bigSheet = Buffer.alloc(ADMIN_UPLOAD_LIMITS.sheetBytes + 1, 0x41);
    const sheet = await commit({ sheet: { filename: 'big.csv', data: bigSheet } });
    assert.equal(sheet.statusCode, 413);
    assert.deepEqual([sheet.json().error.code, sheet.json().error.field], ['payload_too_large', 'sheet']);
    assert.match(sheet.json().error.message, /larger than 5 MB/);

    const bigZip = Buffer.alloc(ADMIN_UPLOAD_LIMITS.zipBytes + 1);
    const zip = await commit({ ...csv(`ФИО,ИИН,Группа\nА,${iin()},Б\n`), photos: { filename: 'big.zip', data: bigZip } });
    assert.equal(zip.statusCode, 413);
    assert.equal(zip.json().error.code, 'payload_too_large');

    // Announced too large: refused from the Content-Length alone.
    const announced = await h.app.inject({
      method: 'POST',
      url: adminApi.importCandidates.path,
      headers: { cookie: h.adminCookie, origin: 'http://proctor.test', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(200 * 1024 * 1024) },
      payload: '--x--',
    });
    assert.equal(announced.statusCode, 413);
    assert.deepEqual(await counts(), before);
  });
});

/** Windows-1251 byte of a character (Cyrillic and ASCII only, enough for the test). */
function cp1251Byte(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code < 0x80) return code;
  if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
  if (ch === 'ё') return 0xb8;
  if (ch === 'Ё') return 0xa8;
  throw new Error(`no cp1251 byte for ${ch}`);
}

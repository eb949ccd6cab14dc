/**
 * report_exports (migration 0007) and its repository: the life cycle queued → running →
 * done/failed, settled rows staying settled, and the CHECKs that keep a file path inside
 * the reports directory and a "done" row always pointing at a file.
 */
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  createReportExport,
  getReportExport,
  markReportExportDone,
  markReportExportFailed,
  markReportExportRunning,
  setReportExportProgress,
  upsertUserByEmail,
} from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

describe('report exports', () => {
  let t: TestDatabase;
  let userId: string;
  const filters = { from: '2025-03-01', to: '2025-03-31', examIds: ['5d4b7a46-64c6-4c57-9a8f-52fbd2e6f1aa'] };

  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    userId = await upsertUserByEmail(t.db, { email: 'p@exports.test', fullName: 'Нұрланова Айгүл', role: 'proctor' });
  });

  it('moves from queued through running to done, keeping filters and locale', async () => {
    const id = await createReportExport(t.db, { kind: 'exam_report', requestedBy: userId, filters, locale: 'kk' });
    let row = await getReportExport(t.db, id);
    assert.deepEqual([row?.status, row?.progressRows, row?.totalRows, row?.filePath], ['queued', 0, null, null]);
    assert.deepEqual(row?.filters, filters);
    assert.equal(row?.locale, 'kk');

    assert.equal(await markReportExportRunning(t.db, id, 5000), true);
    await setReportExportProgress(t.db, id, 2000);
    row = await getReportExport(t.db, id);
    assert.deepEqual([row?.status, row?.progressRows, row?.totalRows], ['running', 2000, 5000]);

    await markReportExportDone(t.db, id, { filePath: `exports/${id}.xlsx`, bytes: 123456, rows: 5000 });
    row = await getReportExport(t.db, id);
    assert.deepEqual([row?.status, row?.progressRows, row?.bytes, row?.filePath], ['done', 5000, 123456, `exports/${id}.xlsx`]);
    assert.ok(row?.finishedAt instanceof Date);

    // Settled: a duplicate job neither restarts it nor marks it failed.
    assert.equal(await markReportExportRunning(t.db, id, 1), false);
    await markReportExportFailed(t.db, id, 'late failure');
    assert.equal((await getReportExport(t.db, id))?.status, 'done');
  });

  it('a failure keeps its reason and has no file', async () => {
    const id = await createReportExport(t.db, { kind: 'exam_report', requestedBy: userId, filters, locale: 'ru' });
    await markReportExportFailed(t.db, id, 'x'.repeat(5000));
    const row = await getReportExport(t.db, id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.error?.length, 2000, 'the reason is capped');
    assert.equal(row?.filePath, null);
    assert.equal(await markReportExportRunning(t.db, id, 1), false);
  });

  it('refuses file paths outside the reports directory and "done" without a file', async () => {
    const id = await createReportExport(t.db, { kind: 'exam_report', requestedBy: userId, filters, locale: 'en' });
    for (const filePath of ['/etc/passwd', '../secrets.xlsx', 'exports/../../x.xlsx']) {
      await assert.rejects(markReportExportDone(t.db, id, { filePath, bytes: 1, rows: 1 }), /check constraint/, filePath);
    }
    await assert.rejects(t.db.updateTable('reportExports').set({ status: 'done' }).where('id', '=', id).execute(), /check constraint/);
    await assert.rejects(
      // @ts-expect-error a kind the product does not know
      createReportExport(t.db, { kind: 'everything', requestedBy: userId, filters, locale: 'en' }),
      /check constraint/,
    );
    assert.equal((await getReportExport(t.db, id))?.status, 'queued');
  });
});

// The Results fixture (support/results-fixture.ts) as proctors and reviewers meet it:
// scoping to assigned exams, photo paths, filter choices, hostile search text, decisions and
// views with their audit entries, and the name copies following renames.
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  candidatePhotoPaths,
  getResultRow,
  listActionsForSession,
  listResults,
  listResultsByCandidate,
  markViewed,
  searchResultsChoices,
  setDecision,
  type ResultsViewer,
} from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { actor, admin, C, current, D, E, G, id, S, sessionNames, useResultsFixture, U } from './support/results-fixture.ts';

describe('results repository: scope, review and names', () => {
  let t: TestDatabase;
  let ids: ReturnType<typeof sessionNames>;
  useResultsFixture((db, names) => ((t = db), (ids = names)));

  it('shows a proctor only the sessions of exams assigned to them', async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    const p2: ResultsViewer = { userId: U.p2, role: 'proctor' };
    const p3: ResultsViewer = { userId: U.p3, role: 'proctor' };
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p1), ['s1', 's2', 's3', 's4']);
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p2), ['s5', 's6', 's7']);
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p3), []);
    assert.deepEqual(await ids({ examIds: [E.e2] }, 'startedAt', 'asc', p1), [], 'an exam filter never widens the scope');
    assert.deepEqual(await ids({ archived: true }, 'startedAt', 'asc', p1), []);
    const grouped = await listResultsByCandidate(t.db, p2, current, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
    assert.deepEqual(grouped.rows.map((r) => r.candidateId), [C.c1, C.c5, C.c3]);
  });

  it("gives a candidate's photo paths only to who may see the candidate", async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    assert.deepEqual(await candidatePhotoPaths(t.db, admin, C.c2), { verificationPhotoPath: 's2/verification/new.jpg', referencePhotoPath: null });
    assert.deepEqual(await candidatePhotoPaths(t.db, p1, C.c1), { verificationPhotoPath: null, referencePhotoPath: 'photos/c1.jpg' });
    assert.equal(await candidatePhotoPaths(t.db, p1, C.c5), undefined, 'c5 sits only exams of another proctor');
    assert.equal(await candidatePhotoPaths(t.db, { userId: U.p3, role: 'proctor' }, C.c1), undefined, 'a proctor without exams');
    assert.equal(await candidatePhotoPaths(t.db, admin, id(9, 9)), undefined);
  });

  it('searches the filter choices over every exam, group and discipline in the viewer’s scope', async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    const names = async (viewer: ResultsViewer, kind: 'exam' | 'group' | 'discipline', more: { search?: string; ids?: string[]; limit?: number } = {}) =>
      (await searchResultsChoices(t.db, viewer, { kind, limit: 20, ...more })).items.map((c) => c.name);
    assert.deepEqual(await names(admin, 'exam', { search: 'ЭКОЛОГ' }), ['Экология test', 'Экология: қысқы сессия']);
    assert.deepEqual(await names(admin, 'exam', { search: '%' }), [], '% is literal');
    assert.deepEqual((await names(admin, 'group')).sort(), ['Группа 1', 'Группа 10', 'Группа 2'].sort());
    assert.deepEqual(await names(admin, 'discipline', { search: 'тіл' }), ['Қазақ тілі']);
    // A proctor: their exams, the groups that sat them, those exams' disciplines.
    assert.deepEqual(await names(p1, 'exam'), ['Экология test']);
    assert.deepEqual((await names(p1, 'group')).sort(), ['Группа 1', 'Группа 10', 'Группа 2'].sort());
    assert.deepEqual(await names(p1, 'discipline'), ['Экология']);
    assert.deepEqual((await names({ userId: U.p2, role: 'proctor' }, 'group')).sort(), ['Группа 1', 'Группа 2'].sort(), 'only groups that sat their exam');
    assert.deepEqual(await names({ userId: U.p3, role: 'proctor' }, 'exam'), []);
    // Named ids (the chosen values' labels) stay within the scope.
    assert.deepEqual(await names(admin, 'exam', { ids: [E.e2] }), ['Қазақ тілі: емтихан']);
    assert.deepEqual(await names(p1, 'exam', { ids: [E.e2] }), []);
    assert.deepEqual(await names(admin, 'exam', { ids: [] }), []);
    // Paging by "more": the first `limit`, and whether there are others.
    const two = await searchResultsChoices(t.db, admin, { kind: 'exam', limit: 2 });
    assert.deepEqual([two.items.length, two.more], [2, true]);
    const all = await searchResultsChoices(t.db, admin, { kind: 'exam', limit: 3 });
    assert.deepEqual([all.items.length, all.more], [3, false]);
    assert.deepEqual(Object.keys(all.items[0]!).sort(), ['archived', 'id', 'name', 'startsAt', 'timeZone']);
    assert.equal(all.items.find((c) => c.id === E.e2)!.timeZone, 'Asia/Aqtobe');
  });

  it('treats SQL-looking search text as text', async () => {
    for (const search of ["'; DROP TABLE exam_sessions; --", "' OR '1'='1", '\\', "%' OR 1=1 --", 'a\u0000b'.replace('\u0000', '')]) {
      const r = await listResults(t.db, admin, { ...current, search }, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
      assert.deepEqual([r.rows.length, r.total], [0, 0], search);
    }
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM exam_sessions`.execute(t.db);
    assert.equal(rows[0]!.n, 9);
  });

  it('changes a decision once, logging from → to in the same transaction', async () => {
    const change = await setDecision(t.db, { sessionId: S.s1, decision: 'admitted', actor });
    assert.deepEqual(change, { examId: E.e1, from: 'none', to: 'admitted', changed: true });
    assert.equal((await getResultRow(t.db, S.s1))?.decision, 'admitted');
    const again = await setDecision(t.db, { sessionId: S.s1, decision: 'admitted', actor });
    assert.deepEqual(again, { examId: E.e1, from: 'admitted', to: 'admitted', changed: false });
    const log = await listActionsForSession(t.db, S.s1);
    assert.equal(log.length, 1, 'no entry for a no-op');
    assert.deepEqual(
      [log[0]!.action, log[0]!.details, log[0]!.actorUserId, log[0]!.actorName, log[0]!.actorIin],
      ['session.decision_changed', { from: 'none', to: 'admitted' }, U.p1, actor.fullName, actor.iin],
    );
    assert.equal(await setDecision(t.db, { sessionId: id(9, 9), decision: 'admitted', actor }), undefined);
  });

  it('rolls the decision back when the audit entry cannot be written', async () => {
    await assert.rejects(setDecision(t.db, { sessionId: S.s2, decision: 'annulled', actor: { ...actor, iin: null, fullName: null as unknown as string } }));
    assert.equal((await getResultRow(t.db, S.s2))?.decision, 'admitted');
    assert.deepEqual(await listActionsForSession(t.db, S.s2), []);
  });

  it('marks a session viewed on the first view and logs every view', async () => {
    assert.deepEqual(await markViewed(t.db, { sessionId: S.s3, actor }), { examId: E.e1, firstView: true });
    assert.deepEqual(await markViewed(t.db, { sessionId: S.s3, actor }), { examId: E.e1, firstView: false });
    assert.equal((await getResultRow(t.db, S.s3))?.reviewStatus, 'viewed');
    assert.deepEqual((await listActionsForSession(t.db, S.s3)).map((e) => e.action), ['session.viewed', 'session.viewed']);
    assert.equal(await markViewed(t.db, { sessionId: id(9, 9), actor }), undefined);
  });

  it('keeps the name copies in step with renames and group moves', async () => {
    await t.db.updateTable('candidates').set({ fullName: 'Абдукаримова Зарина Ерланқызы', groupId: G.g2 }).where('id', '=', C.c1).execute();
    await t.db.updateTable('groups').set({ name: 'Группа 2А' }).where('id', '=', G.g2).execute();
    await t.db.updateTable('exams').set({ name: 'Қазақ тілі (қайта тапсыру)', disciplineId: D.ecology }).where('id', '=', E.e2).execute();
    const row = await getResultRow(t.db, S.s5);
    assert.deepEqual(
      [row?.candidateName, row?.groupId, row?.groupName, row?.examName],
      ['Абдукаримова Зарина Ерланқызы', G.g2, 'Группа 2А', 'Қазақ тілі (қайта тапсыру)'],
    );
    assert.deepEqual(await ids({ search: 'ерланқызы' }), ['s1', 's5']);
    assert.deepEqual(await ids({ search: 'группа 2а' }), ['s1', 's3', 's5', 's6']);
    assert.deepEqual(await ids({ disciplineIds: [D.kazakh] }), []);
    await assert.rejects(
      t.db.insertInto('examSessions').values({ examId: E.e1, candidateId: id(9, 9) }).execute(),
      /candidate .* does not exist/,
    );
  });
});

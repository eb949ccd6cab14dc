// The realistic demo seed: sizes, Kazakh and Russian names, valid IINs, spread over six
// weeks, every status/decision/violation type present, deterministic, idempotent, and every
// Results filter, sort and the grouping showing something on it.
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  DECISIONS,
  getUserByEmail,
  listResults,
  listResultsByCandidate,
  MEDIA_DEMO_PROCTOR_EMAIL,
  REALISTIC_DEMO_GROUPS,
  RESULTS_SORT_KEYS,
  type ResultsFilters,
  type ResultsViewer,
  SESSION_STATUSES,
  seedMediaDemo,
  seedRealisticDemo,
  VIOLATION_TYPES,
  type RealisticDemo,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

const NOW = new Date('2026-03-02T09:30:00Z');
const DAY = 86_400_000;

function validIin(iin: string): boolean {
  const d = [...iin].map(Number);
  const sum = (w: number[]) => d.slice(0, 11).reduce((s, x, i) => s + x * w[i]!, 0) % 11;
  let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return /^\d{12}$/.test(iin) && check !== 10 && check === d[11];
}

describe('realistic demo seed', () => {
  let t: TestDatabase;
  let demo: RealisticDemo;
  let seedMs: number;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    await seedMediaDemo(t.db, { now: NOW });
    const t0 = performance.now();
    demo = await seedRealisticDemo(t.db, { seed: 7, now: NOW });
    seedMs = performance.now() - t0;
  });

  const count = async (query: string) =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(query)}`.execute(t.db)).rows[0]!.n;
  const admin = async (): Promise<ResultsViewer> => ({
    userId: (await t.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow()).id,
    role: 'admin',
  });

  it('creates 8 exams, 5 groups, 300 candidates and 1000 sessions quickly', async () => {
    assert.equal(demo.created, true);
    assert.equal(demo.examIds.length, 8);
    assert.ok(seedMs < 15_000, `seeded in ${seedMs} ms`);
    const groups = await t.db.selectFrom('groups').select('name').where('name', 'in', [...REALISTIC_DEMO_GROUPS]).execute();
    assert.equal(groups.length, 5);
    assert.equal(await count(`candidates c JOIN groups g ON g.id = c.group_id WHERE g.name IN ('ИС-22-1', 'ИС-22-2', 'ВТ-23-1', 'ЭК-21-3', 'ҚТ-22-1')`), 300);
    assert.equal(await count(`exam_sessions WHERE exam_id IN (${demo.examIds.map((id) => `'${id}'`).join(',')})`), 1000);
    const disciplines = await t.db.selectFrom('exams as e').innerJoin('disciplines as d', 'd.id', 'e.disciplineId').select('d.name').where('e.id', 'in', demo.examIds).execute();
    assert.ok(new Set(disciplines.map((d) => d.name)).size >= 3);
    assert.ok(disciplines.some((d) => /[әғқңөұүһі]/i.test(d.name)) && disciplines.some((d) => /^[а-яё ]+$/i.test(d.name)));
  });

  it('uses Kazakh and Russian names with every Kazakh letter, and valid unique IINs', async () => {
    const candidates = await t.db.selectFrom('candidates').select(['fullName', 'iin']).execute();
    const names = candidates.map((c) => c.fullName).join(' ').toLowerCase();
    for (const letter of 'әғқңөұүһі') assert.ok(names.includes(letter), letter);
    assert.ok(/ович|овна|евич|евна/.test(names) && /ұлы|қызы/.test(names));
    assert.ok(candidates.every((c) => validIin(c.iin!)), 'IIN check digits');
    assert.equal(new Set(candidates.map((c) => c.iin)).size, candidates.length);
  });

  it('spreads sessions over the past six weeks with every status, decision and review status', async () => {
    const sessions = await t.db.selectFrom('examSessions').selectAll().where('examId', 'in', demo.examIds).execute();
    const started = sessions.filter((s) => s.startedAt).map((s) => s.startedAt!.getTime());
    assert.ok(Math.min(...started) >= NOW.getTime() - 42 * DAY && Math.max(...started) <= NOW.getTime());
    assert.deepEqual(new Set(sessions.map((s) => s.status)), new Set(SESSION_STATUSES));
    assert.deepEqual(new Set(sessions.map((s) => s.decision)), new Set(DECISIONS));
    assert.deepEqual(new Set(sessions.map((s) => s.reviewStatus)), new Set(['viewed', 'not_viewed']));
    const archived = sessions.filter((s) => s.archived).length;
    assert.ok(archived > 0 && archived < 200, `${archived} archived`);
    const honesty = sessions.flatMap((s) => (s.honesty === null ? [] : [s.honesty]));
    assert.ok(Math.min(...honesty) < 40 && Math.max(...honesty) === 100);
    for (const s of sessions) {
      assert.equal(s.startedAt === null, s.status === 'not_started');
      assert.equal(s.endedAt !== null, s.status === 'finished');
      if (s.endedAt) assert.ok(s.endedAt > s.startedAt!);
    }
  });

  it('adds attempts, connection events and violations of every type with plausible durations', async () => {
    const types = await t.db.selectFrom('violations').select('type').distinct().execute();
    assert.deepEqual(new Set(types.map((r) => r.type)), new Set(VIOLATION_TYPES));
    assert.ok((await count('violations')) > 2000);
    assert.equal(await count('violations WHERE ends_at - starts_at > interval \'10 minutes\' OR attempt_id IS NULL'), 0);
    assert.ok((await count('violations WHERE snapshot_path IS NOT NULL')) > 1000);
    assert.ok((await count('attempts WHERE number > 1')) > 20, 'reconnects');
    assert.equal(await count(`exam_sessions s WHERE s.started_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = s.id)`), 0);
    const kinds = await t.db.selectFrom('connectionEvents').select('kind').distinct().execute();
    assert.ok(kinds.length >= 6, kinds.map((k) => k.kind).join());
  });

  it('is idempotent', async () => {
    const before = [await count('exam_sessions'), await count('violations'), await count('candidates')];
    const again = await seedRealisticDemo(t.db, { seed: 7, now: NOW });
    assert.equal(again.created, false);
    assert.deepEqual(again.examIds, demo.examIds);
    assert.deepEqual([await count('exam_sessions'), await count('violations'), await count('candidates')], before);
  });

  it('is deterministic for a seed and a date', async () => {
    const other = await createTestDatabase();
    try {
      const copy = await seedRealisticDemo(other.db, { seed: 7, now: NOW });
      assert.deepEqual(copy.examIds, demo.examIds);
      const fingerprint = async (db: TestDatabase['db']) =>
        (
          await sql<{ f: string }>`
            SELECT md5(string_agg(s.id || c.iin || c.full_name || s.status || coalesce(s.honesty, -1) || s.decision, ',' ORDER BY s.id)) AS f
            FROM exam_sessions s JOIN candidates c ON c.id = s.candidate_id WHERE s.exam_id = ANY(${demo.examIds}::uuid[])`.execute(db)
        ).rows[0]!.f;
      assert.equal(await fingerprint(other.db), await fingerprint(t.db));
    } finally {
      await other.drop();
    }
  });

  it('gives every Results filter, sort and the grouping something to show', async () => {
    const viewer = await admin();
    const current: ResultsFilters = { archived: false };
    const total = async (filters: Partial<ResultsFilters>, v = viewer) =>
      (await listResults(t.db, v, { ...current, ...filters }, { sort: 'startedAt', direction: 'desc', page: 1, pageSize: 10 })).total;
    const exams = await t.db.selectFrom('exams').select(['id', 'disciplineId']).where('id', 'in', demo.examIds).execute();
    const groups = await t.db.selectFrom('groups').select('id').where('name', 'in', [...REALISTIC_DEMO_GROUPS]).execute();
    for (const e of exams) {
      assert.ok((await total({ examIds: [e.id] })) > 0);
      assert.ok((await total({ disciplineIds: [e.disciplineId] })) > 0);
    }
    for (const g of groups) assert.ok((await total({ groupIds: [g.id] })) > 0);
    for (const status of SESSION_STATUSES) assert.ok((await total({ statuses: [status] })) > 0, status);
    for (const decision of DECISIONS) assert.ok((await total({ decisions: [decision] })) > 0, decision);
    assert.ok((await total({ search: 'ов' })) > 0);
    assert.ok((await total({ search: 'ис-22' })) > 0);
    assert.ok((await total({ startedFrom: new Date(NOW.getTime() - 7 * DAY), startedTo: NOW })) > 0);
    assert.ok((await total({ honestyMin: 0, honestyMax: 50 })) > 0);
    assert.ok((await total({ archived: true })) > 0);
    for (const sort of RESULTS_SORT_KEYS) {
      for (const direction of ['asc', 'desc'] as const) {
        const page = await listResults(t.db, viewer, current, { sort, direction, page: 1, pageSize: 50 });
        assert.equal(page.rows.length, 50, `${sort} ${direction}`);
      }
    }
    const grouped = await listResultsByCandidate(t.db, viewer, current, { sort: 'sessions', direction: 'desc', page: 1, pageSize: 10 });
    assert.ok(grouped.rows[0]!.sessionCount >= 3 && grouped.total >= 300);

    const proctor = await getUserByEmail(t.db, MEDIA_DEMO_PROCTOR_EMAIL);
    const own = await total({}, { userId: proctor!.id, role: 'proctor' });
    assert.ok(own > 0 && own < (await total({})), `the demo proctor sees ${own}`);
  });
});

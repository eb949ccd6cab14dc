import { createTestDatabase } from './src/testing.ts';
import { listResults } from './src/index.ts';
const t = await createTestDatabase();
const db = t.db;
const { id: d } = await db.insertInto('disciplines').values({ name: 'X' }).returning('id').executeTakeFirstOrThrow();
const { id: e } = await db.insertInto('exams').values({ name: 'E', disciplineId: d, startsAt: new Date(0), endsAt: new Date(1000) }).returning('id').executeTakeFirstOrThrow();
for (let i = 0; i < 7; i++) { const { id: c } = await db.insertInto('candidates').values({ fullName: 'C' + i, iin: String(100000000000 + i) }).returning('id').executeTakeFirstOrThrow(); await db.insertInto('examSessions').values({ examId: e, candidateId: c }).execute(); }
const u = { userId: '00000000-0000-4000-8000-000000000000', role: 'admin' as const };
for (let i = 0; i < 3; i++) { const t0 = performance.now(); const r = await listResults(db, u, { archived: false }, { sort: 'startedAt', direction: 'asc', page: 1, pageSize: 3, countBudgetMs: 40 }); console.log(r.total, r.totalExact, performance.now() - t0); }
await t.drop();

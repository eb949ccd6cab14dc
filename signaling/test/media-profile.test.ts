/**
 * An exam's media profile (#11) through the admin API on a real database: new exams get
 * the default, an admin sets and reads it back, an edit without it keeps it, the change is
 * in the audit log, and anything outside MEDIA_PROFILE_IDS is refused naming the field.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILE_IDS } from '@proctor/values';
import { ADMIN_DEFAULT_WEIGHTS, adminApi, adminPath, type AdminExam, type ExamInput } from '../src/contract/api/admin.ts';
import { startAdminHarness, type AdminHarness } from './admin-harness.ts';

describe('exam media profile (admin API)', () => {
  let h: AdminHarness;
  let input: ExamInput;
  beforeAll(async () => {
    h = await startAdminHarness();
    const discipline = (await h.api('POST', adminApi.createDiscipline.path, { name: 'Физика (медиа)' })).json().discipline;
    input = {
      name: 'Физика — медиапрофиль',
      disciplineId: discipline.id,
      startsAt: '2026-06-01T04:00:00.000Z',
      endsAt: '2026-06-01T07:00:00.000Z',
      timeZone: 'Asia/Almaty',
      proctoringMode: 'online',
      violationWeights: ADMIN_DEFAULT_WEIGHTS,
      honestyThreshold: 70,
      countTechnical: false,
    };
  });
  afterAll(() => h?.close());

  const get = async (id: string) => (await h.api('GET', adminPath(adminApi.getExam.path, id))).json().exam as AdminExam;
  const put = (id: string, body: unknown) => h.api('PUT', adminPath(adminApi.updateExam.path, id), body);

  it('gives a new exam the default profile, and creates one with a chosen profile', async () => {
    const plain = await h.api('POST', adminApi.createExam.path, input);
    assert.equal(plain.statusCode, 201, plain.body);
    assert.equal((plain.json().exam as AdminExam).mediaProfile, DEFAULT_MEDIA_PROFILE);
    const high = await h.api('POST', adminApi.createExam.path, { ...input, name: 'Физика — HD', mediaProfile: 'high' });
    assert.equal(high.statusCode, 201, high.body);
    assert.equal((await get(high.json().exam.id)).mediaProfile, 'high');
  });

  it('sets every profile and reads it back; an edit without the field keeps it; the change is audited', async () => {
    const id = (await h.api('POST', adminApi.createExam.path, { ...input, name: 'Физика — правка' })).json().exam.id as string;
    for (const profile of MEDIA_PROFILE_IDS) {
      const res = await put(id, { ...input, name: 'Физика — правка', mediaProfile: profile });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json().exam as AdminExam).mediaProfile, profile);
      assert.equal((await get(id)).mediaProfile, profile);
    }
    const kept = await put(id, { ...input, name: 'Физика — правка 2' });
    assert.equal(kept.statusCode, 200, kept.body);
    assert.equal((await get(id)).mediaProfile, MEDIA_PROFILE_IDS.at(-1));
    const audit = await h.db
      .selectFrom('actionLog')
      .select('details')
      .where('action', '=', 'admin.exam.updated')
      .where(({ eb, ref }) => eb(ref('details', '->>').key('examId' as never), '=', id))
      .orderBy('id')
      .execute();
    const changed = audit.map((a) => (a.details as { changes: Record<string, { from: unknown; to: unknown }> }).changes.mediaProfile).filter(Boolean);
    // grid → grid is no change; then each step is one entry.
    assert.deepEqual(changed, [
      { from: 'grid', to: 'balanced' },
      { from: 'balanced', to: 'high' },
    ]);
  });

  it('refuses a profile outside the set, naming the field, and changes nothing', async () => {
    const id = (await h.api('POST', adminApi.createExam.path, { ...input, name: 'Физика — плохо', mediaProfile: 'balanced' })).json().exam.id as string;
    for (const bad of ['ultra', 'GRID', '', 3, null, ['grid']]) {
      const res = await put(id, { ...input, name: 'Физика — плохо', mediaProfile: bad });
      assert.equal(res.statusCode, 400, `${JSON.stringify(bad)}: ${res.body}`);
      assert.deepEqual([res.json().error.field, res.json().error.reason], ['mediaProfile', 'invalid'], JSON.stringify(bad));
      const created = await h.api('POST', adminApi.createExam.path, { ...input, name: 'Физика — не создан', mediaProfile: bad });
      assert.equal(created.statusCode, 400, JSON.stringify(bad));
    }
    assert.equal((await get(id)).mediaProfile, 'balanced');
    const none = await h.db.selectFrom('exams').select('id').where('name', '=', 'Физика — не создан').execute();
    assert.deepEqual(none, []);
  });
});

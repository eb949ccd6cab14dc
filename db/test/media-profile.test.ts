/** exams.media_profile (0024, #11): the profile's name, 'grid' unless set, only names from @proctor/values. */
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILE_IDS } from '@proctor/values';
import { createExam, getExam, updateExam } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

describe('exams.media_profile', () => {
  let t: TestDatabase;
  let disciplineId: string;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    disciplineId = (await t.db.insertInto('disciplines').values({ name: 'D' }).returning('id').executeTakeFirstOrThrow()).id;
  });

  const window = { startsAt: new Date('2026-01-01T08:00:00Z'), endsAt: new Date('2026-01-01T10:00:00Z') };

  it("gives a new exam the grid profile, the module's default", async () => {
    const id = await createExam(t.db, { name: 'Default', disciplineId, ...window });
    assert.equal((await getExam(t.db, id))?.mediaProfile, 'grid');
    assert.equal(DEFAULT_MEDIA_PROFILE, 'grid');
  });

  it('stores every profile of the module and changes it on update', async () => {
    for (const profile of MEDIA_PROFILE_IDS) {
      const id = await createExam(t.db, { name: `P ${profile}`, disciplineId, ...window, mediaProfile: profile });
      assert.equal((await getExam(t.db, id))?.mediaProfile, profile);
    }
    const id = await createExam(t.db, { name: 'Changed', disciplineId, ...window });
    await updateExam(t.db, id, { mediaProfile: 'high' });
    assert.equal((await getExam(t.db, id))?.mediaProfile, 'high');
  });

  it('refuses a name outside the set, and NULL', async () => {
    const id = await createExam(t.db, { name: 'Bad', disciplineId, ...window });
    await assert.rejects(sql`UPDATE exams SET media_profile = 'ultra' WHERE id = ${id}`.execute(t.db), /exams_media_profile_check/);
    await assert.rejects(sql`UPDATE exams SET media_profile = NULL WHERE id = ${id}`.execute(t.db), /null value/);
  });

  it("checks exactly the module's set (a new profile needs a migration)", async () => {
    const { rows } = await sql<{ def: string }>`
      SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'exams_media_profile_check'`.execute(t.db);
    const names = [...(rows[0]?.def ?? '').matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
    assert.deepEqual(names.sort(), [...MEDIA_PROFILE_IDS].sort());
  });
});

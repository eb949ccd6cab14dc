/**
 * The contract repeats a few of the database's values because the web bundle must not
 * import @proctor/db; these checks keep the copies equal. (Violation types, weights and the
 * other closed sets are no copies: both import them from @proctor/values.)
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_RETENTION_DAYS, RETAINED_KINDS } from '@proctor/db';
import { createTestDatabase } from '@proctor/db/testing';
import { OTHER_PERSON_SIMILARITY as SERVER_OTHER_PERSON, VERIFICATION_MIN_SIMILARITY as SERVER_VERIFICATION } from '@proctor/recorder';
import { ADMIN_DEFAULT_RETENTION, RETENTION_KINDS } from '../src/contract/api/admin.ts';
import { OTHER_PERSON_SIMILARITY, VERIFICATION_MIN_SIMILARITY } from '../src/contract/api/journey.ts';

describe('contract copies of database value sets', () => {
  it('has the same retention kinds and defaults, which are what a new exam gets', async () => {
    assert.deepEqual([...RETENTION_KINDS], [...RETAINED_KINDS]);
    assert.deepEqual(ADMIN_DEFAULT_RETENTION, DEFAULT_RETENTION_DAYS);
    const t = await createTestDatabase();
    try {
      const discipline = await t.db.insertInto('disciplines').values({ name: 'D' }).returning('id').executeTakeFirstOrThrow();
      const exam = await t.db
        .insertInto('exams')
        .values({ name: 'E', disciplineId: discipline.id, startsAt: new Date('2026-01-01T08:00:00Z'), endsAt: new Date('2026-01-01T10:00:00Z') })
        .returning(['retentionRecordingsDays', 'retentionSnapshotsDays', 'retentionPhotosDays', 'retentionViolationsDays'])
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { recordings: exam.retentionRecordingsDays, snapshots: exam.retentionSnapshotsDays, photos: exam.retentionPhotosDays, violations: exam.retentionViolationsDays },
        DEFAULT_RETENTION_DAYS,
      );
    } finally {
      await t.drop();
    }
  });

  it('has the face thresholds the server applies (the browser compares with the same model)', () => {
    assert.equal(VERIFICATION_MIN_SIMILARITY, SERVER_VERIFICATION);
    assert.equal(OTHER_PERSON_SIMILARITY, SERVER_OTHER_PERSON);
  });
});

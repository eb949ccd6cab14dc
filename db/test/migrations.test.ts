import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(() => t?.drop());

  it('apply on a fresh database, then are a no-op', async () => {
    assert.deepEqual(await migrateToLatest(t.db), ['0001_initial', '0002_login_failures', '0003_results', '0004_results_candidate_summary', '0005_candidate_journey', '0006_honesty_weights', '0007_report_exports', '0009_statistics', '0010_assessment_sign_on', '0015_room_leases', '0016_data_protection', '0018_honesty_short_sessions', '0021_violation_report_keys', '0022_api_keys', '0024_exam_media_profile', '0025_webhooks', '0026_lti', '0029_device_segments', '0031_lti_proctoring', '0033_recording_gaps']);
    assert.deepEqual(await migrateToLatest(t.db), []);
  });

  it('apply a lower number merged after a higher one was applied (numbered by issue)', async () => {
    // As on a database that ran 0016 before 0015 existed in the code.
    await sql`DROP TABLE room_leases`.execute(t.db);
    await sql`DELETE FROM kysely_migration WHERE name = '0015_room_leases'`.execute(t.db);
    assert.deepEqual(await migrateToLatest(t.db), ['0015_room_leases']);
  });

  it('create every table of the data model', async () => {
    const { rows } = await sql<{ tableName: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(t.db);
    assert.deepEqual(
      rows.map((r) => r.tableName),
      [
        'action_log', 'api_keys', 'attempts', 'candidate_results', 'candidates', 'connection_events', 'device_segments', 'disciplines', 'domain_event_outbox', 'evidence_items', 'evidence_keys', 'exam_proctors',
        'exam_sessions', 'exams', 'external_refs', 'groups', 'integrations', 'login_failures', 'lti_deep_links', 'lti_grade_targets', 'lti_keys', 'lti_links', 'lti_nonces', 'lti_platforms',
        'lti_proctoring_attempts', 'lti_users', 'password_resets', 'rate_limit_hits', 'recording_gaps', 'recordings', 'report_exports', 'room_leases', 'session_data_removals', 'session_statistics', 'sign_on_uses', 'user_sessions', 'users', 'verifications',
        'violation_reports', 'violation_tallies', 'violations', 'webhook_deliveries', 'webhook_endpoints',
      ],
    );
  });

  it('create the trigram search indexes (pg_trgm is available here)', async () => {
    const { rows } = await sql<{ indexname: string }>`
      SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm%' ORDER BY indexname`.execute(t.db);
    assert.deepEqual(
      rows.map((r) => r.indexname),
      ['candidates_full_name_trgm_idx', 'exams_name_trgm_idx', 'groups_name_trgm_idx'],
    );
  });

  it('make e-mails unique regardless of case', async () => {
    await t.db.insertInto('users').values({ email: 'Proctor@Example.org', fullName: 'A', role: 'proctor' }).execute();
    await assert.rejects(
      t.db.insertInto('users').values({ email: 'proctor@example.ORG', fullName: 'B', role: 'proctor' }).execute(),
      /duplicate key/,
    );
  });

  it('enforce value checks', async () => {
    await assert.rejects(
      t.db.insertInto('users').values({ email: 'x@example.org', fullName: 'X', role: 'proctor', iin: '123' }).execute(),
      /check constraint/,
    );
    await assert.rejects(
      // @ts-expect-error role outside the allowed set
      t.db.insertInto('users').values({ email: 'y@example.org', fullName: 'Y', role: 'student' }).execute(),
      /check constraint/,
    );
  });

  it('give exams the default settings', async () => {
    const { id: disciplineId } = await t.db.insertInto('disciplines').values({ name: 'D' }).returning('id').executeTakeFirstOrThrow();
    const exam = await t.db
      .insertInto('exams')
      .values({ name: 'E', disciplineId, startsAt: new Date('2025-01-01T08:00:00Z'), endsAt: new Date('2025-01-01T10:00:00Z') })
      .returningAll()
      .executeTakeFirstOrThrow();
    assert.equal(exam.timeZone, 'Asia/Almaty');
    assert.equal(exam.proctoringMode, 'online');
    assert.equal(exam.honestyThreshold, 70);
    assert.equal(exam.countTechnical, false);
    // Keys of jsonb stay snake_case (CamelCasePlugin must not rewrite data).
    // 0006 made weights multipliers of the share of session time (see src/honesty.ts).
    assert.equal(exam.violationWeights.no_face, 2);
    assert.equal(exam.violationWeights.focus_lost, 1.5);
    assert.ok(exam.startsAt instanceof Date);
  });
});

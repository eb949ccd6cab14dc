// Honesty becomes "weight × share of session time" (src/honesty.ts) instead of "weight points
// per occurrence", so weights are now multipliers (Constructor/Examus-like: absence 2,
// stranger 3, a glance 1). New exams get the new defaults; exams still carrying the old
// untouched defaults are moved to the new ones. Exams an admin tuned keep their numbers
// (now read as multipliers) — the admin sees them on the exam form. Literals are frozen here
// on purpose: a migration never changes with the code.
import { type Kysely, sql } from 'kysely';

const OLD_DEFAULT = `{
  "no_face": 5, "multiple_faces": 10, "other_person": 15, "head_turned": 2, "voice": 3,
  "focus_lost": 5, "tab_hidden": 5, "fullscreen_exit": 3, "copy": 3, "paste": 5, "cut": 3,
  "second_display": 10, "screen_share_stopped": 5, "camera_stopped": 5,
  "microphone_stopped": 3, "network_lost": 1
}`;

const NEW_DEFAULT = `{
  "no_face": 2, "multiple_faces": 2, "other_person": 3, "head_turned": 1, "voice": 1,
  "focus_lost": 1.5, "tab_hidden": 1.5, "fullscreen_exit": 1, "copy": 2, "paste": 3, "cut": 2,
  "second_display": 2, "screen_share_stopped": 1, "camera_stopped": 1,
  "microphone_stopped": 1, "network_lost": 1
}`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE exams ALTER COLUMN violation_weights SET DEFAULT '${NEW_DEFAULT}'::jsonb`).execute(db);
  await sql.raw(`UPDATE exams SET violation_weights = '${NEW_DEFAULT}'::jsonb WHERE violation_weights = '${OLD_DEFAULT}'::jsonb`).execute(db);
  // Ingestion closes and merges a session's open findings of one type and source.
  await sql.raw('CREATE INDEX violations_session_type_source_idx ON violations (session_id, type, source, starts_at)').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP INDEX violations_session_type_source_idx').execute(db);
  await sql.raw(`UPDATE exams SET violation_weights = '${OLD_DEFAULT}'::jsonb WHERE violation_weights = '${NEW_DEFAULT}'::jsonb`).execute(db);
  await sql.raw(`ALTER TABLE exams ALTER COLUMN violation_weights SET DEFAULT '${OLD_DEFAULT}'::jsonb`).execute(db);
}

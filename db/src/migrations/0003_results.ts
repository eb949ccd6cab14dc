// The Results page (one row per exam session, filterable and sortable on every column)
// must answer in tens of milliseconds with a million sessions. Sorting by candidate, group
// or exam name through joins makes PostgreSQL read whole tables (measured in
// bench/results/README.md), so exam_sessions carries copies of those names, kept exact by
// triggers, and every sort order gets one btree that filters `archived` first and ends in
// the tie-breaking id. With that, a page is an index scan that stops after pageSize rows.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    // Copies for sorting, filtering and grouping without joins. No foreign keys: the
    // sources (candidates, exams) already enforce them and the triggers below copy them.
    `ALTER TABLE exam_sessions
      ADD COLUMN candidate_name text COLLATE name_order,
      ADD COLUMN group_id uuid,
      ADD COLUMN group_name text COLLATE name_order,
      ADD COLUMN exam_name text COLLATE name_order,
      ADD COLUMN discipline_id uuid`,
    `UPDATE exam_sessions s
      SET candidate_name = c.full_name, group_id = c.group_id, group_name = g.name,
          exam_name = e.name, discipline_id = e.discipline_id
      FROM candidates c LEFT JOIN groups g ON g.id = c.group_id, exams e
      WHERE c.id = s.candidate_id AND e.id = s.exam_id`,
    `ALTER TABLE exam_sessions
      ALTER COLUMN candidate_name SET NOT NULL,
      ALTER COLUMN exam_name SET NOT NULL,
      ALTER COLUMN discipline_id SET NOT NULL`,

    // A new or re-pointed session copies from its candidate and exam. Every write path
    // (repositories, seeds, imports) gets the copies right without knowing about them.
    `CREATE FUNCTION exam_sessions_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT c.full_name, c.group_id, g.name INTO NEW.candidate_name, NEW.group_id, NEW.group_name
        FROM candidates c LEFT JOIN groups g ON g.id = c.group_id WHERE c.id = NEW.candidate_id;
      IF NOT FOUND THEN
        -- Otherwise the NOT NULL copy would fail first with a misleading message.
        RAISE EXCEPTION 'candidate % does not exist', NEW.candidate_id USING ERRCODE = 'foreign_key_violation';
      END IF;
      SELECT e.name, e.discipline_id INTO NEW.exam_name, NEW.discipline_id FROM exams e WHERE e.id = NEW.exam_id;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'exam % does not exist', NEW.exam_id USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NEW;
    END
    $$`,
    `CREATE TRIGGER exam_sessions_copy_names BEFORE INSERT OR UPDATE OF exam_id, candidate_id ON exam_sessions
      FOR EACH ROW EXECUTE FUNCTION exam_sessions_copy_names()`,

    // Renames and group moves reach the copies. WHEN skips the no-op updates of upserts.
    `CREATE FUNCTION candidates_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE exam_sessions
        SET candidate_name = NEW.full_name, group_id = NEW.group_id,
            group_name = (SELECT name FROM groups WHERE id = NEW.group_id)
        WHERE candidate_id = NEW.id;
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER candidates_copy_names AFTER UPDATE OF full_name, group_id ON candidates
      FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name OR OLD.group_id IS DISTINCT FROM NEW.group_id)
      EXECUTE FUNCTION candidates_copy_names()`,
    `CREATE FUNCTION groups_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE exam_sessions SET group_name = NEW.name WHERE group_id = NEW.id;
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER groups_copy_names AFTER UPDATE OF name ON groups
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
      EXECUTE FUNCTION groups_copy_names()`,
    `CREATE FUNCTION exams_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE exam_sessions SET exam_name = NEW.name, discipline_id = NEW.discipline_id WHERE exam_id = NEW.id;
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER exams_copy_names AFTER UPDATE OF name, discipline_id ON exams
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.discipline_id IS DISTINCT FROM NEW.discipline_id)
      EXECUTE FUNCTION exams_copy_names()`,

    // Status and decision sort in their life-cycle order, not alphabetically by code. The
    // repository calls the same functions, so the planner matches these expression indexes;
    // it also relies on the numbers following the order of SESSION_STATUSES and DECISIONS.
    `CREATE FUNCTION session_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE status WHEN 'not_started' THEN 0 WHEN 'in_progress' THEN 1 WHEN 'finished' THEN 2 END`,
    `CREATE FUNCTION decision_rank(decision text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE decision WHEN 'none' THEN 0 WHEN 'admitted' THEN 1 WHEN 'not_admitted' THEN 2 WHEN 'annulled' THEN 3 END`,

    // Superseded by the indexes below, which lead with archived and end in id.
    'DROP INDEX exam_sessions_archived_started_at_idx',
    'DROP INDEX exam_sessions_started_at_idx',
    'DROP INDEX exam_sessions_ended_at_idx',
    'DROP INDEX exam_sessions_status_idx',
    'DROP INDEX exam_sessions_honesty_idx',
    'DROP INDEX exam_sessions_decision_idx',
    'DROP INDEX exam_sessions_candidate_id_idx',

    // One per sort key; scanned forwards for asc and backwards for desc. NULLs count as the
    // largest value, except a missing start (not started), which counts as the earliest so
    // that the default newest-first view opens with sessions that actually ran.
    // Status, decision and review status have only a few values each, so their indexes
    // continue with the start time: "in progress, newest first" or "undecided, newest first"
    // is a range of one index instead of a scan past every other value.
    // INCLUDE (exam_id, status, decision): a proctor's scope (exam_id) and the status and
    // decision filters are checked in the index while it is walked, so a filter whose rows
    // all sit late in the sort order costs index entries, not table reads. The planner
    // assumes matches are spread evenly; with a proctor's forty exams they rarely are.
    // The candidate index also carries what the grouped view aggregates, which it groups
    // by (candidate_name, candidate_id) in index order without touching the table.
    `CREATE INDEX exam_sessions_results_candidate_idx ON exam_sessions (archived, candidate_name, candidate_id, id)
      INCLUDE (exam_id, status, decision, started_at, ended_at, honesty, review_status)`,
    'CREATE INDEX exam_sessions_results_group_idx ON exam_sessions (archived, group_name, candidate_name, candidate_id, id) INCLUDE (exam_id, status, decision)',
    `CREATE INDEX exam_sessions_results_status_idx ON exam_sessions (archived, session_status_rank(status), started_at NULLS FIRST, id)
      INCLUDE (exam_id, status, decision)`,
    'CREATE INDEX exam_sessions_results_started_at_idx ON exam_sessions (archived, started_at NULLS FIRST, id) INCLUDE (exam_id, status, decision)',
    'CREATE INDEX exam_sessions_results_ended_at_idx ON exam_sessions (archived, ended_at, id) INCLUDE (exam_id, status, decision)',
    'CREATE INDEX exam_sessions_results_honesty_idx ON exam_sessions (archived, honesty, id) INCLUDE (exam_id, status, decision)',
    'CREATE INDEX exam_sessions_results_exam_idx ON exam_sessions (archived, exam_name, id) INCLUDE (exam_id, status, decision)',
    `CREATE INDEX exam_sessions_results_decision_idx ON exam_sessions (archived, decision_rank(decision), started_at NULLS FIRST, id)
      INCLUDE (exam_id, status, decision)`,
    `CREATE INDEX exam_sessions_results_review_idx ON exam_sessions (archived, review_status, started_at NULLS FIRST, id)
      INCLUDE (exam_id, status, decision)`,
    // Exam (and a proctor's exams), candidate (search, "Expand"), group and discipline
    // filters; with `archived` in the key their counts never read the table.
    'CREATE INDEX exam_sessions_exam_id_archived_idx ON exam_sessions (exam_id, archived)',
    'CREATE INDEX exam_sessions_candidate_id_idx ON exam_sessions (candidate_id, archived)',
    'CREATE INDEX exam_sessions_group_id_idx ON exam_sessions (group_id, archived)',
    'CREATE INDEX exam_sessions_discipline_id_idx ON exam_sessions (discipline_id, archived)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP INDEX exam_sessions_results_candidate_idx',
    'DROP INDEX exam_sessions_results_group_idx',
    'DROP INDEX exam_sessions_results_status_idx',
    'DROP INDEX exam_sessions_results_started_at_idx',
    'DROP INDEX exam_sessions_results_ended_at_idx',
    'DROP INDEX exam_sessions_results_honesty_idx',
    'DROP INDEX exam_sessions_results_exam_idx',
    'DROP INDEX exam_sessions_results_decision_idx',
    'DROP INDEX exam_sessions_results_review_idx',
    'DROP INDEX exam_sessions_exam_id_archived_idx',
    'DROP INDEX exam_sessions_candidate_id_idx',
    'DROP INDEX exam_sessions_group_id_idx',
    'DROP INDEX exam_sessions_discipline_id_idx',
    'CREATE INDEX exam_sessions_candidate_id_idx ON exam_sessions (candidate_id)',
    'CREATE INDEX exam_sessions_archived_started_at_idx ON exam_sessions (archived, started_at DESC NULLS LAST)',
    'CREATE INDEX exam_sessions_started_at_idx ON exam_sessions (started_at)',
    'CREATE INDEX exam_sessions_ended_at_idx ON exam_sessions (ended_at)',
    'CREATE INDEX exam_sessions_status_idx ON exam_sessions (status)',
    'CREATE INDEX exam_sessions_honesty_idx ON exam_sessions (honesty)',
    'CREATE INDEX exam_sessions_decision_idx ON exam_sessions (decision)',
    'DROP FUNCTION session_status_rank(text)',
    'DROP FUNCTION decision_rank(text)',
    'DROP TRIGGER exams_copy_names ON exams',
    'DROP FUNCTION exams_copy_names()',
    'DROP TRIGGER groups_copy_names ON groups',
    'DROP FUNCTION groups_copy_names()',
    'DROP TRIGGER candidates_copy_names ON candidates',
    'DROP FUNCTION candidates_copy_names()',
    'DROP TRIGGER exam_sessions_copy_names ON exam_sessions',
    'DROP FUNCTION exam_sessions_copy_names()',
    `ALTER TABLE exam_sessions
      DROP COLUMN candidate_name, DROP COLUMN group_id, DROP COLUMN group_name,
      DROP COLUMN exam_name, DROP COLUMN discipline_id`,
  ]);
}

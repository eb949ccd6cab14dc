// The Results page grouped by candidate, sorted by an aggregate (number of sessions, latest
// start or end, lowest honesty), has to aggregate every session it covers before it can
// sort: about 0.3 s for the 600 000 current sessions of bench/results. For the common case
// of an admin with no filter but the archive toggle, this table holds those aggregates per
// candidate and archive flag, kept exact by statement triggers on exam_sessions, so the page
// is an index range again. Any other filter still aggregates on the fly (over fewer rows).
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE TABLE candidate_results (
      candidate_id uuid NOT NULL,
      archived boolean NOT NULL,
      candidate_name text COLLATE name_order NOT NULL,
      session_count integer NOT NULL,
      first_started_at timestamptz,
      last_started_at timestamptz,
      last_ended_at timestamptz,
      min_honesty integer,
      avg_honesty integer,
      not_viewed_count integer NOT NULL,
      undecided_count integer NOT NULL,
      PRIMARY KEY (candidate_id, archived)
    )`,
    // The sort orders of the grouped view (results.repository.ts GROUPED_ORDER).
    'CREATE INDEX candidate_results_sessions_idx ON candidate_results (archived, session_count, candidate_name, candidate_id)',
    'CREATE INDEX candidate_results_started_idx ON candidate_results (archived, last_started_at, candidate_name, candidate_id)',
    'CREATE INDEX candidate_results_ended_idx ON candidate_results (archived, last_ended_at, candidate_name, candidate_id)',
    'CREATE INDEX candidate_results_honesty_idx ON candidate_results (archived, min_honesty, candidate_name, candidate_id)',

    // Recomputes the rows of the given candidates from their sessions. The candidate rows
    // are locked first, in id order: two transactions changing one candidate's sessions
    // then recompute one after the other, and the second one's statements (each with a
    // fresh snapshot under READ COMMITTED) see the first one's sessions.
    `CREATE FUNCTION candidate_results_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM candidates WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
      DELETE FROM candidate_results r WHERE r.candidate_id = ANY(ids)
        AND NOT EXISTS (SELECT 1 FROM exam_sessions s WHERE s.candidate_id = r.candidate_id AND s.archived = r.archived);
      INSERT INTO candidate_results
      SELECT s.candidate_id, s.archived, min(s.candidate_name), count(*), min(s.started_at), max(s.started_at),
             max(s.ended_at), min(s.honesty), round(avg(s.honesty))::integer,
             count(*) FILTER (WHERE s.review_status = 'not_viewed'), count(*) FILTER (WHERE s.decision = 'none')
      FROM exam_sessions s WHERE s.candidate_id = ANY(ids)
      GROUP BY s.candidate_id, s.archived
      ON CONFLICT (candidate_id, archived) DO UPDATE SET
        candidate_name = excluded.candidate_name, session_count = excluded.session_count,
        first_started_at = excluded.first_started_at, last_started_at = excluded.last_started_at,
        last_ended_at = excluded.last_ended_at, min_honesty = excluded.min_honesty,
        avg_honesty = excluded.avg_honesty, not_viewed_count = excluded.not_viewed_count,
        undecided_count = excluded.undecided_count;
    END
    $$`,
    // Statement triggers with transition tables: a bulk insert or update refreshes each
    // affected candidate once, not once per row.
    `CREATE FUNCTION candidate_results_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM candidate_results_refresh(ARRAY(SELECT DISTINCT candidate_id FROM changed));
      RETURN NULL;
    END
    $$`,
    `CREATE FUNCTION candidate_results_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM candidate_results_refresh(ARRAY(SELECT candidate_id FROM old_rows UNION SELECT candidate_id FROM new_rows));
      RETURN NULL;
    END
    $$`,
    `CREATE FUNCTION candidate_results_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM candidate_results_refresh(ARRAY(SELECT DISTINCT candidate_id FROM changed));
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER candidate_results_insert AFTER INSERT ON exam_sessions
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION candidate_results_after_insert()`,
    `CREATE TRIGGER candidate_results_update AFTER UPDATE ON exam_sessions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION candidate_results_after_update()`,
    `CREATE TRIGGER candidate_results_delete AFTER DELETE ON exam_sessions
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION candidate_results_after_delete()`,

    'SELECT candidate_results_refresh(ARRAY(SELECT DISTINCT candidate_id FROM exam_sessions))',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP TRIGGER candidate_results_insert ON exam_sessions',
    'DROP TRIGGER candidate_results_update ON exam_sessions',
    'DROP TRIGGER candidate_results_delete ON exam_sessions',
    'DROP FUNCTION candidate_results_after_insert()',
    'DROP FUNCTION candidate_results_after_update()',
    'DROP FUNCTION candidate_results_after_delete()',
    'DROP FUNCTION candidate_results_refresh(uuid[])',
    'DROP TABLE candidate_results',
  ]);
}

// The Statistics page (manual §4) aggregates a year of sessions at a time. Measured on
// bench/statistics (see bench/statistics/README.md), two things made that slow:
//
// 1. Sessions by start time: the Results indexes all lead with `archived`, so a date range
//    over both current and archived sessions read the whole table. One covering index on
//    started_at with what the statistics filter and aggregate makes it an index-only range;
//    another gives connection events an index-only path to their session's exam and filters.
// 2. Per-session figures (attempts, time offline between attempts, violations): computing
//    them for half a million sessions per request means a window over every attempt and a
//    count over millions of violations. `session_statistics` keeps them per session, exact,
//    maintained by statement triggers on attempts and violations (transition tables: a bulk
//    load refreshes each session once, not once per row).
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE INDEX exam_sessions_statistics_idx ON exam_sessions (started_at)
      INCLUDE (id, exam_id, candidate_id, group_id, discipline_id, honesty, decision) WHERE started_at IS NOT NULL`,
    // Connection events are found by time and joined to their session (started or not) for
    // its exam and the filters: an index-only source for that join instead of the table.
    'CREATE INDEX exam_sessions_scope_idx ON exam_sessions (id) INCLUDE (exam_id, group_id, discipline_id)',

    `CREATE TABLE session_statistics (
      session_id uuid PRIMARY KEY REFERENCES exam_sessions (id) ON DELETE CASCADE,
      connections integer NOT NULL DEFAULT 0 CHECK (connections >= 0),
      offline_ms bigint NOT NULL DEFAULT 0 CHECK (offline_ms >= 0),
      violations integer NOT NULL DEFAULT 0 CHECK (violations >= 0)
    )`,

    // Attempts of the given sessions: how many, and the time from each attempt's end to the
    // next one's start. The session rows are locked first, in id order: two transactions
    // changing one session's attempts then refresh one after the other, and the second one's
    // INSERT (a new statement, so a fresh snapshot under READ COMMITTED) sees the first's rows.
    `CREATE FUNCTION session_statistics_refresh_attempts(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM exam_sessions WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
      INSERT INTO session_statistics (session_id, connections, offline_ms)
      SELECT s.id, coalesce(a.connections, 0), coalesce(a.offline_ms, 0)
      FROM exam_sessions s
      LEFT JOIN (
        SELECT g.session_id, count(*)::int AS connections,
               coalesce(round(sum(extract(epoch FROM greatest(g.gap, interval '0')) * 1000)), 0)::bigint AS offline_ms
        FROM (SELECT a.session_id, a.started_at - lag(a.ended_at) OVER (PARTITION BY a.session_id ORDER BY a.number) AS gap
              FROM attempts a WHERE a.session_id = ANY(ids)) g
        GROUP BY g.session_id
      ) a ON a.session_id = s.id
      WHERE s.id = ANY(ids)
      ON CONFLICT (session_id) DO UPDATE SET connections = excluded.connections, offline_ms = excluded.offline_ms;
    END
    $$`,
    `CREATE FUNCTION session_statistics_attempts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM session_statistics_refresh_attempts(ARRAY(SELECT DISTINCT session_id FROM new_rows));
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM session_statistics_refresh_attempts(ARRAY(SELECT session_id FROM old_rows UNION SELECT session_id FROM new_rows));
      ELSE
        PERFORM session_statistics_refresh_attempts(ARRAY(SELECT DISTINCT session_id FROM old_rows));
      END IF;
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER session_statistics_attempts_insert AFTER INSERT ON attempts
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_statistics_attempts_changed()`,
    `CREATE TRIGGER session_statistics_attempts_update AFTER UPDATE ON attempts
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_statistics_attempts_changed()`,
    `CREATE TRIGGER session_statistics_attempts_delete AFTER DELETE ON attempts
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_statistics_attempts_changed()`,

    // Violations are counted by delta: `violations + n` is applied under the row lock, so
    // concurrent inserts for one session add up without any further locking. A violation
    // never moves to another session (nothing updates session_id).
    `CREATE FUNCTION session_statistics_violations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        -- In session order: two bulk inserts then lock shared rows in the same order and
        -- wait for each other instead of deadlocking (seen loading bench data in parallel).
        INSERT INTO session_statistics (session_id, violations)
        SELECT session_id, count(*) FROM new_rows GROUP BY session_id ORDER BY session_id
        ON CONFLICT (session_id) DO UPDATE SET violations = session_statistics.violations + excluded.violations;
      ELSE
        UPDATE session_statistics st SET violations = greatest(0, st.violations - d.n)
        FROM (SELECT session_id, count(*)::int AS n FROM old_rows GROUP BY session_id) d
        WHERE st.session_id = d.session_id;
      END IF;
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER session_statistics_violations_insert AFTER INSERT ON violations
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_statistics_violations_changed()`,
    `CREATE TRIGGER session_statistics_violations_delete AFTER DELETE ON violations
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_statistics_violations_changed()`,

    // Existing data.
    `INSERT INTO session_statistics (session_id, connections, offline_ms, violations)
     SELECT s.id, coalesce(a.connections, 0), coalesce(a.offline_ms, 0), coalesce(v.n, 0)
     FROM exam_sessions s
     LEFT JOIN (
       SELECT g.session_id, count(*)::int AS connections,
              coalesce(round(sum(extract(epoch FROM greatest(g.gap, interval '0')) * 1000)), 0)::bigint AS offline_ms
       FROM (SELECT a.session_id, a.started_at - lag(a.ended_at) OVER (PARTITION BY a.session_id ORDER BY a.number) AS gap FROM attempts a) g
       GROUP BY g.session_id
     ) a ON a.session_id = s.id
     LEFT JOIN (SELECT session_id, count(*)::int AS n FROM violations GROUP BY session_id) v ON v.session_id = s.id
     WHERE a.session_id IS NOT NULL OR v.session_id IS NOT NULL`,
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP TRIGGER session_statistics_violations_insert ON violations',
    'DROP TRIGGER session_statistics_violations_delete ON violations',
    'DROP FUNCTION session_statistics_violations_changed()',
    'DROP TRIGGER session_statistics_attempts_insert ON attempts',
    'DROP TRIGGER session_statistics_attempts_update ON attempts',
    'DROP TRIGGER session_statistics_attempts_delete ON attempts',
    'DROP FUNCTION session_statistics_attempts_changed()',
    'DROP FUNCTION session_statistics_refresh_attempts(uuid[])',
    'DROP TABLE session_statistics',
    'DROP INDEX exam_sessions_statistics_idx',
    'DROP INDEX exam_sessions_scope_idx',
  ]);
}

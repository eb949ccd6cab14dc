// Bulk data at production scale (a million sessions, ten million violations) for the Results
// benchmark. Every row is generated inside PostgreSQL with INSERT … SELECT generate_series,
// never row by row from Node. Values come from a hash of the row number (hashint8extended),
// so the same options always give the same data, and they follow the shapes of real use:
// exams taken by whole groups, most sessions finished with high honesty, a few live exams,
// older records archived. Only for scratch databases: it drops and rebuilds indexes and
// keys around the load (as pg_restore does) and leaves the violations table unlogged.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../schema.ts';
import { DEFAULT_VIOLATION_WEIGHTS, VIOLATION_CATEGORY, VIOLATION_TYPES } from '../violation-types.ts';
import {
  DISCIPLINES,
  EXAM_KINDS,
  FEMALE_NAMES,
  FEMALE_PATRONYMICS_KK,
  FEMALE_PATRONYMICS_RU,
  GROUP_PROGRAMMES,
  MALE_NAMES,
  MALE_PATRONYMICS_KK,
  MALE_PATRONYMICS_RU,
  RUSSIAN_FIRST_NAMES,
  SURNAMES,
} from '../seed/names.ts';

export interface ScaleDataOptions {
  sessions: number;
  violations: number;
  /** Defaults: sessions / 10 candidates, sessions / 500 exams, candidates / 100 groups. */
  candidates?: number;
  exams?: number;
  groups?: number;
  disciplines?: number;
  proctors?: number;
  /** Exams open right now (their sessions are in progress or not started). Default 10. */
  liveExams?: number;
  /** Exam start times spread over this many days before `now`. Default 730. */
  days?: number;
  now?: Date;
  /** Called after each step, e.g. for progress output. */
  onProgress?: (step: string, ms: number) => void;
}

export interface ScaleDataSample {
  sessions: number;
  violations: number;
  candidates: number;
  /** Ids to build queries with, in generation order (exams newest first). */
  examIds: string[];
  groupIds: string[];
  disciplineIds: string[];
  proctorUserIds: string[];
  adminUserId: string;
  candidateIds: string[];
}

const SAMPLE = 20;

type Step = ((name: string, fn: () => Promise<unknown>) => Promise<void>) & { report(name: string): void };

function stepper(onProgress: ScaleDataOptions['onProgress']): Step {
  let last = performance.now();
  const report = (name: string) => {
    const now = performance.now();
    onProgress?.(name, now - last);
    last = now;
  };
  return Object.assign(
    async (name: string, fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      onProgress?.(name, performance.now() - t0);
      last = performance.now();
    },
    { report },
  );
}

/** Uniform in [0, 1), determined by the row number and a per-column salt. */
function u(n: RawBuilder<unknown>, salt: number): RawBuilder<number> {
  return sql<number>`((hashint8extended(${n}::bigint, ${sql.lit(salt)}) & 2147483647)::float8 / 2147483648)`;
}

/** Integer in [0, k). */
function pick(n: RawBuilder<unknown>, salt: number, k: RawBuilder<unknown> | number): RawBuilder<number> {
  return sql<number>`floor(${u(n, salt)} * ${k})::int`;
}

export function generateScaleData(db: Kysely<DB>, opts: ScaleDataOptions): Promise<ScaleDataSample> {
  // One connection for the session settings below; the violation load adds two more.
  return db.connection().execute((conn) => generate(db, conn, opts));
}

async function generate(pool: Kysely<DB>, db: Kysely<DB>, opts: ScaleDataOptions): Promise<ScaleDataSample> {
  const sessions = opts.sessions;
  const candidates = opts.candidates ?? Math.max(1, Math.floor(sessions / 10));
  const exams = opts.exams ?? Math.max(1, Math.ceil(sessions / 500));
  const groups = opts.groups ?? Math.max(1, Math.ceil(candidates / 100));
  const disciplines = opts.disciplines ?? 40;
  const proctors = opts.proctors ?? 100;
  const liveExams = Math.min(opts.liveExams ?? 10, exams);
  const days = opts.days ?? 730;
  const now = opts.now ?? new Date();
  // An exam seats this many consecutive candidates (whole groups), so each candidate sits
  // about sessions / candidates exams.
  const seats = Math.ceil(sessions / exams);
  if (seats > candidates) throw new Error('need at least sessions / exams candidates');

  const step = stepper(opts.onProgress);
  const i = sql.ref('i');
  const k = sql.ref('k');
  const v = sql.ref('v');
  const arr = (values: readonly string[]) => sql`(${[...values]}::text[])`;

  // Hash joins of the generators against the index tables stay in memory.
  await sql`SET work_mem = '256MB'`.execute(db);
  await sql`SET maintenance_work_mem = '512MB'`.execute(db);
  await sql`SET synchronous_commit = off`.execute(db);

  await step('reference data', async () => {
    await sql`
      INSERT INTO disciplines (name)
      SELECT ${arr(DISCIPLINES)}[1 + i % ${DISCIPLINES.length}] || CASE WHEN i >= ${DISCIPLINES.length} THEN ' ' || (i / ${DISCIPLINES.length} + 1) ELSE '' END
      FROM generate_series(0, ${disciplines - 1}) i`.execute(db);
    await sql`CREATE UNLOGGED TABLE scale_disciplines AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id FROM disciplines`.execute(db);
    await sql`
      INSERT INTO groups (name)
      SELECT ${arr(GROUP_PROGRAMMES)}[1 + i % ${GROUP_PROGRAMMES.length}] || '-' || (18 + (i / ${GROUP_PROGRAMMES.length}) % 8)
             || '-' || (i / ${GROUP_PROGRAMMES.length * 8} + 1)
      FROM generate_series(0, ${groups - 1}) i`.execute(db);
    await sql`CREATE UNLOGGED TABLE scale_groups AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id FROM groups`.execute(db);
    // idx 0 is the newest exam; the first liveExams are open now.
    await sql`
      INSERT INTO exams (name, discipline_id, starts_at, ends_at)
      SELECT d.name || ': ' || ${arr(EXAM_KINDS)}[1 + ${pick(i, 1, EXAM_KINDS.length)}], d.id, x.starts_at, x.starts_at + interval '3 hours'
      FROM generate_series(0, ${exams - 1}) i
      JOIN scale_disciplines sd ON sd.idx = ${pick(i, 2, disciplines)}
      JOIN disciplines d ON d.id = sd.id
      CROSS JOIN LATERAL (SELECT CASE WHEN i < ${liveExams} THEN ${now}::timestamptz - interval '1 hour'
        ELSE ${now}::timestamptz - make_interval(days => 1) - (i - ${liveExams}) * make_interval(mins => ${Math.floor((days * 1440) / exams)})
        END AS starts_at) x`.execute(db);
    await sql`
      CREATE UNLOGGED TABLE scale_exams AS
      SELECT (row_number() OVER (ORDER BY starts_at DESC, id) - 1)::int AS idx, id, starts_at, name, discipline_id FROM exams`.execute(db);
    await sql`CREATE UNIQUE INDEX ON scale_exams (idx)`.execute(db);
    await sql`
      INSERT INTO users (email, full_name, role, locale)
      SELECT 'proctor' || i || '@scale.test', ${arr(SURNAMES)}[1 + ${pick(i, 3, SURNAMES.length)}] || ' ' || ${arr(MALE_NAMES)}[1 + ${pick(i, 4, MALE_NAMES.length)}],
             'proctor', 'kk'
      FROM generate_series(0, ${proctors - 1}) i`.execute(db);
    await sql`INSERT INTO users (email, full_name, role) VALUES ('admin@scale.test', 'Әкімші', 'admin')`.execute(db);
    await sql`CREATE UNLOGGED TABLE scale_proctors AS SELECT (row_number() OVER (ORDER BY email) - 1)::int AS idx, id FROM users WHERE role = 'proctor'`.execute(db);
    // Two proctors per exam.
    await sql`
      INSERT INTO exam_proctors (exam_id, user_id)
      SELECT DISTINCT e.id, p.id FROM scale_exams e
      JOIN scale_proctors p ON p.idx IN (e.idx % ${proctors}, (e.idx + ${Math.floor(proctors / 2)}) % ${proctors})`.execute(db);
  });

  await step(`${candidates} candidates`, async () => {
    const female = sql`(i % 2 = 1)`;
    await sql`
      INSERT INTO candidates (full_name, iin, group_id, reference_photo_path)
      SELECT f.surname || ' ' || f.first || ' ' || CASE
               WHEN f.first = ANY(${arr([...RUSSIAN_FIRST_NAMES])}) THEN
                 CASE WHEN ${female} THEN ${arr(FEMALE_PATRONYMICS_RU)}[1 + ${pick(i, 7, FEMALE_PATRONYMICS_RU.length)}]
                      ELSE ${arr(MALE_PATRONYMICS_RU)}[1 + ${pick(i, 7, MALE_PATRONYMICS_RU.length)}] END
               ELSE
                 CASE WHEN ${female} THEN ${arr(FEMALE_PATRONYMICS_KK)}[1 + ${pick(i, 7, FEMALE_PATRONYMICS_KK.length)}]
                      ELSE ${arr(MALE_PATRONYMICS_KK)}[1 + ${pick(i, 7, MALE_PATRONYMICS_KK.length)}] END
             END,
             lpad(i::text, 12, '0'),
             g.id,
             CASE WHEN ${u(i, 8)} < 0.7 THEN 'photos/' || lpad(i::text, 12, '0') || '.jpg' END
      FROM generate_series(0, ${candidates - 1}) i
      CROSS JOIN LATERAL (SELECT
        ${arr(SURNAMES)}[1 + ${pick(i, 5, SURNAMES.length)}] || CASE WHEN ${female} THEN 'а' ELSE '' END AS surname,
        CASE WHEN ${female} THEN ${arr(FEMALE_NAMES)}[1 + ${pick(i, 6, FEMALE_NAMES.length)}]
             ELSE ${arr(MALE_NAMES)}[1 + ${pick(i, 6, MALE_NAMES.length)}] END AS first) f
      JOIN scale_groups g ON g.idx = i * ${groups} / ${candidates}`.execute(db);
    await sql`
      CREATE UNLOGGED TABLE scale_candidates AS
      SELECT (row_number() OVER (ORDER BY c.iin) - 1)::int AS idx, c.id, c.full_name, c.group_id, g.name AS group_name
      FROM candidates c LEFT JOIN groups g ON g.id = c.group_id`.execute(db);
    await sql`CREATE UNIQUE INDEX ON scale_candidates (idx)`.execute(db);
  });

  // Sessions are written exam by exam, oldest exam first, as enrolment creates them in
  // practice (so an exam's sessions share table pages). An exam's seats are a block of
  // consecutive candidates, i.e. whole groups. The name copies come from the same join
  // the copy trigger would run row by row, and the per-candidate aggregates are computed
  // once at the end instead of after every chunk, so both triggers are off during the load
  // (their own behaviour is tested in db/test/results.test.ts).
  const chunk = 100_000;
  await withIndexesRebuilt(pool, db, 'exam_sessions', { keys: false }, step, async () => {
    await sql`ALTER TABLE exam_sessions DISABLE TRIGGER exam_sessions_copy_names`.execute(db);
    await sql`ALTER TABLE exam_sessions DISABLE TRIGGER candidate_results_insert`.execute(db);
    for (let from = 0; from < sessions; from += chunk) {
      const to = Math.min(sessions, from + chunk) - 1;
      await step(`sessions ${to + 1}/${sessions}`, () =>
        sql`
          INSERT INTO exam_sessions (exam_id, candidate_id, status, started_at, ended_at, honesty, decision, review_status, archived,
                                     candidate_name, group_id, group_name, exam_name, discipline_id)
          SELECT e.id, c.id, x.status,
            CASE WHEN x.status <> 'not_started' THEN x.started_at END,
            CASE WHEN x.status = 'finished' THEN x.started_at + make_interval(secs => 900 + ${pick(k, 12, 7200)}) END,
            CASE WHEN x.status <> 'not_started' THEN 100 - floor(100 * power(${u(k, 13)}, 3))::int END,
            x.decision,
            CASE WHEN x.decision <> 'none' OR ${u(k, 15)} < 0.3 THEN 'viewed' ELSE 'not_viewed' END,
            e.starts_at < ${now}::timestamptz - interval '1 year',
            c.full_name, c.group_id, c.group_name, e.name, e.discipline_id
          FROM generate_series(${from}::int, ${to}::int) k
          JOIN scale_exams e ON e.idx = ${exams - 1} - k / ${seats}
          JOIN scale_candidates c ON c.idx = (e.idx::bigint * ${seats} + k % ${seats}) % ${candidates}
          CROSS JOIN LATERAL (SELECT
            CASE WHEN e.idx < ${liveExams} THEN (CASE WHEN ${u(k, 10)} < 0.8 THEN 'in_progress' ELSE 'not_started' END)
                 WHEN ${u(k, 10)} < 0.02 THEN 'not_started' ELSE 'finished' END AS status,
            e.starts_at + make_interval(secs => ${pick(k, 11, 1800)}) AS started_at,
            CASE WHEN e.idx < ${liveExams} OR e.starts_at > ${now}::timestamptz - interval '14 days' THEN
                   (CASE WHEN ${u(k, 14)} < 0.2 THEN 'admitted' ELSE 'none' END)
                 ELSE (ARRAY['admitted','admitted','admitted','admitted','admitted','admitted','admitted','not_admitted','annulled','none'])[1 + ${pick(k, 14, 10)}]
            END AS decision) x`.execute(db),
      );
    }
    await sql`ALTER TABLE exam_sessions ENABLE TRIGGER exam_sessions_copy_names`.execute(db);
    await sql`ALTER TABLE exam_sessions ENABLE TRIGGER candidate_results_insert`.execute(db);
  });
  await step('per-candidate aggregates', () => sql`SELECT candidate_results_refresh(ARRAY(SELECT id FROM candidates))`.execute(db));

  await sql`
    CREATE UNLOGGED TABLE scale_sessions AS
    SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id, started_at, coalesce(ended_at, started_at + interval '1 hour') AS ended_at
    FROM exam_sessions WHERE started_at IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX ON scale_sessions (idx)`.execute(db);
  const { rows: startedRows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM scale_sessions`.execute(db);
  const started = startedRows[0]?.n ?? 0;

  if (opts.violations > 0 && started > 0) {
    // Unlogged: ten million rows skip the write-ahead log (about as much again in writes).
    // Reads, which the benchmark measures, are the same; the database is thrown away after.
    await sql`ALTER TABLE violations SET UNLOGGED`.execute(db);
    await withIndexesRebuilt(pool, db, 'violations', { keys: true }, step, () => loadViolations(pool, opts.violations, started, step));
  }

  await step('vacuum analyze', async () => {
    // Sets the visibility map (index-only scans) and planner statistics, as autovacuum would.
    await sql`VACUUM ANALYZE`.execute(db);
  });

  const ids = async (table: string) =>
    (await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} ORDER BY idx LIMIT ${SAMPLE}`.execute(db)).rows.map((r) => r.id);
  const sample: ScaleDataSample = {
    sessions,
    violations: opts.violations,
    candidates,
    examIds: await ids('scale_exams'),
    groupIds: await ids('scale_groups'),
    disciplineIds: await ids('scale_disciplines'),
    proctorUserIds: await ids('scale_proctors'),
    candidateIds: await ids('scale_candidates'),
    adminUserId: (await sql<{ id: string }>`SELECT id FROM users WHERE role = 'admin'`.execute(db)).rows[0]!.id,
  };
  for (const table of ['scale_disciplines', 'scale_groups', 'scale_exams', 'scale_proctors', 'scale_candidates', 'scale_sessions']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  return sample;
}

/**
 * Runs `load` with the table's secondary indexes (and, with `keys`, its own primary, unique
 * and foreign keys) dropped, then rebuilds them, two at a time. Building a btree once is
 * many times faster than millions of random insertions into it; pg_restore does the same.
 */
async function withIndexesRebuilt(
  pool: Kysely<DB>,
  db: Kysely<DB>,
  table: string,
  opts: { keys: boolean },
  step: Step,
  load: () => Promise<void>,
): Promise<void> {
  const { rows: constraints } = opts.keys
    ? await sql<{ name: string; def: string; type: string }>`
        SELECT conname AS name, pg_get_constraintdef(oid) AS def, contype AS type FROM pg_constraint
        WHERE conrelid = ${table}::regclass AND contype IN ('p', 'u', 'f')`.execute(db)
    : { rows: [] };
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    SELECT indexname AS name, indexdef AS def FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = ${table}
      AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = ${table}::regclass)`.execute(db);
  for (const c of constraints) await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(c.name)}`.execute(db);
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(db);

  await load();

  await step(`${table}: ${indexes.length} indexes, ${constraints.length} keys rebuilt`, async () => {
    const addKey = (c: { name: string; def: string }) =>
      sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(c.name)} ${sql.raw(c.def)}`.execute(db);
    // Primary and unique keys before foreign keys, which may point at them.
    for (const c of constraints.filter((c) => c.type !== 'f')) await addKey(c);
    const queue = [...indexes];
    const builder = () =>
      pool.connection().execute(async (conn) => {
        await sql`SET maintenance_work_mem = '512MB'`.execute(conn);
        for (let ix = queue.shift(); ix; ix = queue.shift()) await sql.raw(ix.def).execute(conn);
      });
    await Promise.all([builder(), builder()]);
    for (const c of constraints.filter((c) => c.type === 'f')) await addKey(c);
  });
}

/**
 * Ten violations per started session on average, spread by hash (so some sessions have
 * none and some many), with per-type durations and a snapshot for the camera/screen ones.
 */
async function loadViolations(pool: Kysely<DB>, total: number, started: number, step: Step): Promise<void> {

  // Weighted type choice: each type appears in proportion to its frequency in practice.
  const frequency: Record<string, number> = {
    focus_lost: 20, tab_hidden: 14, head_turned: 14, no_face: 10, voice: 10, fullscreen_exit: 6,
    multiple_faces: 4, copy: 4, paste: 4, network_lost: 4, other_person: 2, cut: 2,
    camera_stopped: 2, screen_share_stopped: 2, microphone_stopped: 1, second_display: 1,
  };
  const bag = VIOLATION_TYPES.flatMap((t) => Array<string>(frequency[t] ?? 1).fill(t));
  const categories = bag.map((t) => VIOLATION_CATEGORY[t as keyof typeof VIOLATION_CATEGORY]);
  // Seconds a violation lasts: short for key presses, longer for an absent face.
  const maxSeconds = bag.map((t) => (['copy', 'paste', 'cut'].includes(t) ? 1 : (DEFAULT_VIOLATION_WEIGHTS[t as keyof typeof DEFAULT_VIOLATION_WEIGHTS] ?? 3) * 12));
  const withSnapshot = ['no_face', 'multiple_faces', 'other_person', 'head_turned', 'focus_lost', 'tab_hidden', 'fullscreen_exit', 'second_display'];
  const v = sql.ref('v');

  const insertRange = (from: number, to: number) => sql`
    INSERT INTO violations (session_id, type, category, starts_at, ends_at, confidence, snapshot_path, source)
    SELECT s.id, t.type, t.category, t.starts_at, t.starts_at + make_interval(secs => 1 + ${pick(v, 22, sql`t.max_seconds`)}),
      CASE WHEN t.source = 'server' THEN round((0.6 + 0.4 * ${u(v, 23)})::numeric, 2) END,
      CASE WHEN t.type = ANY(${withSnapshot}::text[]) THEN 'snapshots/' || s.id || '/' || v || '.jpg' END,
      t.source
    FROM generate_series(${from}::int, ${to}::int) v
    JOIN scale_sessions s ON s.idx = ${pick(v, 20, started)}
    CROSS JOIN LATERAL (SELECT ${pick(v, 21, bag.length)} + 1 AS j) j
    CROSS JOIN LATERAL (SELECT
      (${bag}::text[])[j.j] AS type,
      (${categories}::text[])[j.j] AS category,
      (${maxSeconds}::int[])[j.j] AS max_seconds,
      CASE WHEN (${bag}::text[])[j.j] IN ('no_face', 'multiple_faces', 'other_person', 'head_turned', 'voice') THEN 'server' ELSE 'client' END AS source,
      s.started_at + (s.ended_at - s.started_at) * ${u(v, 24)} * 0.95 AS starts_at) t`;

  // Two connections load halves of the range at once (the machine has two cores), in
  // chunks so progress shows.
  const chunk = 1_000_000;
  const half = Math.ceil(total / 2);
  let done = 0;
  const worker = (from: number, to: number) =>
    pool.connection().execute(async (conn) => {
      await sql`SET work_mem = '256MB'`.execute(conn);
      await sql`SET synchronous_commit = off`.execute(conn);
      for (let a = from; a < to; a += chunk) {
        const b = Math.min(to, a + chunk);
        await insertRange(a, b - 1).execute(conn);
        done += b - a;
        step.report(`violations ${done}/${total}`);
      }
    });
  await step('violations loaded', () => Promise.all([worker(0, half), worker(half, total)]));
}

// Data protection (issue 16): retention that really deletes, erasure on request, a
// tamper-evident chain over each session's evidence, and rate limits shared by all nodes.
//
// - exams.retention_*_days: per exam and kind, days after the exam's end that recordings,
//   snapshots, verification photos and violations are kept (NULL = until erased). Existing
//   exams get NULL, so an upgrade deletes nothing by itself; new exams get the defaults.
// - session_data_removals: what was removed from a session, when and why, so reports say
//   "deleted under the retention policy" instead of "missing", and jobs don't recreate it
//   (snapshots from recordings, honesty from no violations).
// - violation_tallies: per session and type, how many violations were removed; statistics
//   add them to the rows still present, so numbers stay what they were.
// - candidates.erased_at: an erased candidate keeps a pseudonym and no IIN, e-mail or photo;
//   their sessions keep timings, honesty and decisions (anonymised statistics).
// - action_log stays append-only, except one narrow redaction: inside a transaction that set
//   `proctor.erasure = on`, an UPDATE may change only the actor's name and IIN and the
//   details (an erased candidate's personal data), never who, what, when or which session.
// - evidence_keys / evidence_items: per session an append-only hash chain, each entry signed
//   with the Ed25519 key of the process that wrote it (see recorder/src/evidence/).
// - rate_limit_hits: per-address request counters in fixed windows, shared by every node
//   (UNLOGGED: a crash may reset counters, which only forgives a few requests).
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const KINDS = ['recordings', 'snapshots', 'photos', 'violations'];
// Defaults for new exams, frozen here (db/src/data-protection.ts has the live copy).
const NEW_EXAM_DAYS: Record<string, number> = { recordings: 180, snapshots: 180, photos: 180, violations: 365 };

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    ...KINDS.map((k) => `ALTER TABLE exams ADD COLUMN retention_${k}_days integer CHECK (retention_${k}_days BETWEEN 1 AND 3650)`),
    // After the ADD, so existing rows stay NULL (kept) and only new exams get a limit.
    ...KINDS.map((k) => `ALTER TABLE exams ALTER COLUMN retention_${k}_days SET DEFAULT ${NEW_EXAM_DAYS[k]}`),

    `CREATE TABLE session_data_removals (
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('recordings', 'snapshots', 'photos', 'violations')),
      reason text NOT NULL CHECK (reason IN ('retention', 'erasure')),
      items integer NOT NULL DEFAULT 0 CHECK (items >= 0),
      removed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, kind)
    )`,

    `CREATE TABLE violation_tallies (
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      type text NOT NULL,
      category text NOT NULL CHECK (category IN ('behaviour', 'technical')),
      n integer NOT NULL CHECK (n > 0),
      PRIMARY KEY (session_id, type)
    )`,

    'ALTER TABLE candidates ADD COLUMN erased_at timestamptz',
    'ALTER TABLE candidates ALTER COLUMN iin DROP NOT NULL',
    'ALTER TABLE candidates ADD CONSTRAINT candidates_iin_unless_erased CHECK (iin IS NOT NULL OR erased_at IS NOT NULL)',

    `CREATE OR REPLACE FUNCTION action_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('proctor.erasure', true) = 'on'
         AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.at = OLD.at
         AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
         AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'action_log is append-only (% rejected)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`,

    `CREATE TABLE evidence_keys (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      public_key text NOT NULL,
      node_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE evidence_items (
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      seq integer NOT NULL CHECK (seq >= 1),
      kind text NOT NULL CHECK (kind IN ('recording', 'device_segment', 'snapshot', 'violation')),
      item_id uuid NOT NULL,
      action text NOT NULL CHECK (action IN ('sealed', 'removed')),
      digest text CHECK (digest ~ '^[0-9a-f]{64}$'),
      reason text,
      recorded_at timestamptz NOT NULL,
      prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      entry_hash text NOT NULL CHECK (entry_hash ~ '^[0-9a-f]{64}$'),
      signature text NOT NULL,
      key_id text NOT NULL REFERENCES evidence_keys (id),
      PRIMARY KEY (session_id, seq),
      CHECK ((action = 'sealed') = (digest IS NOT NULL)),
      CHECK ((seq = 1) = (prev_hash IS NULL))
    )`,
    'CREATE INDEX evidence_items_item_idx ON evidence_items (item_id)',
    // The chain is append-only; only deleting its session (a cascade, trigger depth > 1) removes it.
    `CREATE FUNCTION evidence_items_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
      RAISE EXCEPTION 'evidence_items is append-only (% rejected)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`,
    `CREATE TRIGGER evidence_items_append_only BEFORE UPDATE OR DELETE ON evidence_items
      FOR EACH ROW EXECUTE FUNCTION evidence_items_reject_change()`,

    `CREATE UNLOGGED TABLE rate_limit_hits (
      key text PRIMARY KEY,
      hits integer NOT NULL CHECK (hits >= 1),
      resets_at timestamptz NOT NULL
    )`,
    'CREATE INDEX rate_limit_hits_resets_at_idx ON rate_limit_hits (resets_at)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP TABLE rate_limit_hits',
    'DROP TABLE evidence_items',
    'DROP FUNCTION evidence_items_reject_change()',
    'DROP TABLE evidence_keys',
    `CREATE OR REPLACE FUNCTION action_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'action_log is append-only (% rejected)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`,
    'ALTER TABLE candidates DROP CONSTRAINT candidates_iin_unless_erased',
    'ALTER TABLE candidates ALTER COLUMN iin SET NOT NULL',
    'ALTER TABLE candidates DROP COLUMN erased_at',
    'DROP TABLE violation_tallies',
    'DROP TABLE session_data_removals',
    ...KINDS.map((k) => `ALTER TABLE exams DROP COLUMN retention_${k}_days`),
  ]);
}

import { type Kysely, sql } from 'kysely';
import type { MediaKind, RecordingSource } from '../enums.ts';
import type { DB, Recording } from '../schema.ts';

export interface CreateRecordingInput {
  attemptId: string;
  source: RecordingSource;
  kind: MediaKind;
  codec: string;
  /** Relative to the recordings root, e.g. '<sessionId>/1/camera.webm'. */
  path: string;
  startedAt: Date;
}

function assertRelativePath(path: string): void {
  // The database CHECK rejects these too; failing here gives the caller a clearer message.
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.split(/[\\/]/).includes('..')) {
    throw new Error(`Recording path must be relative to the recordings root: ${JSON.stringify(path)}`);
  }
}

/** Registers a recording that has just started; its session is taken from the attempt. */
export async function createRecording(db: Kysely<DB>, input: CreateRecordingInput): Promise<string> {
  assertRelativePath(input.path);
  const row = await db
    .insertInto('recordings')
    .columns(['attemptId', 'sessionId', 'source', 'kind', 'codec', 'path', 'startedAt'])
    .expression((eb) =>
      eb
        .selectFrom('attempts')
        .select((s) => [
          'id as attemptId',
          'sessionId',
          s.val(input.source).as('source'),
          s.val(input.kind).as('kind'),
          s.val(input.codec).as('codec'),
          s.val(input.path).as('path'),
          // A bare parameter in a select list is typed text; timestamptz needs the cast.
          s.cast<Date>(s.val(input.startedAt), 'timestamptz').as('startedAt'),
        ])
        .where('id', '=', input.attemptId),
    )
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new Error(`Attempt ${input.attemptId} does not exist`);
  return row.id;
}

/** The writer closed the file. Only a recording still in progress changes; returns whether it did. */
export async function stopRecording(
  db: Kysely<DB>,
  id: string,
  stop: { endedAt: Date; bytes: number },
): Promise<boolean> {
  const result = await db
    .updateTable('recordings')
    .set((eb) => ({
      status: 'stopped',
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, ${stop.endedAt}::timestamptz)`,
      bytes: stop.bytes,
    }))
    .where('id', '=', id)
    .where('status', '=', 'recording')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Post-processing (remux, duration probe) succeeded; the file is ready for playback.
 * A conversion (RTP dump → WebM) also gives the new file's `path` and the wall clock of its
 * first frame (`startedAt`), which may be later than the row's start (e.g. the first key
 * frame); ended_at is kept at or after it.
 */
export async function markFinalised(
  db: Kysely<DB>,
  id: string,
  done: { durationMs: number; bytes: number; path?: string; startedAt?: Date },
): Promise<boolean> {
  if (done.path !== undefined) assertRelativePath(done.path);
  const startedAt = done.startedAt;
  const result = await db
    .updateTable('recordings')
    .set((eb) => ({
      status: 'finalised',
      durationMs: done.durationMs,
      bytes: done.bytes,
      ...(done.path !== undefined ? { path: done.path } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      endedAt:
        startedAt !== undefined
          ? sql<Date>`greatest(${startedAt}::timestamptz, coalesce(${eb.ref('endedAt')}, now()))`
          : eb.fn.coalesce('endedAt', sql<Date>`greatest(${eb.ref('startedAt')}, now())`),
    }))
    .where('id', '=', id)
    .where('status', 'in', ['recording', 'stopped'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records why a recording is unusable. A finalised recording stays finalised. */
export async function markFailed(db: Kysely<DB>, id: string, error: string): Promise<boolean> {
  const result = await db
    .updateTable('recordings')
    .set((eb) => ({
      status: 'failed',
      error,
      endedAt: eb.fn.coalesce('endedAt', sql<Date>`greatest(${eb.ref('startedAt')}, now())`),
    }))
    .where('id', '=', id)
    .where('status', '<>', 'finalised')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function getRecording(db: Kysely<DB>, id: string): Promise<Recording | undefined> {
  return db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
}

export type RecordingListItem = Recording & { attemptNumber: number };

/** The session's recordings grouped by attempt, for the report's players and downloads. */
export function listRecordings(db: Kysely<DB>, sessionId: string): Promise<RecordingListItem[]> {
  return db
    .selectFrom('recordings as r')
    .innerJoin('attempts as a', 'a.id', 'r.attemptId')
    .selectAll('r')
    .select('a.number as attemptNumber')
    .where('r.sessionId', '=', sessionId)
    .orderBy('a.number')
    .orderBy('r.source')
    .orderBy('r.startedAt')
    .execute();
}

/**
 * Crash recovery when a media node starts: recordings its attempts left in 'recording'
 * become 'stopped' (size unknown here, bytes unchanged) and are returned so the recorder
 * can try to finalise the partial files.
 */
export function stopOpenRecordingsOnNode(
  db: Kysely<DB>,
  nodeId: string,
  at: Date,
): Promise<{ id: string; sessionId: string; path: string }[]> {
  return db
    .updateTable('recordings')
    .set((eb) => ({
      status: 'stopped',
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, ${at}::timestamptz)`,
    }))
    .where('status', '=', 'recording')
    .where('attemptId', 'in', (eb) => eb.selectFrom('attempts').select('id').where('nodeId', '=', nodeId))
    .returning(['id', 'sessionId', 'path'])
    .execute();
}

/** What the `recording.ready` domain event says about a recording (its exam and attempt number). */
export function getRecordingEventFacts(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('recordings as r')
    .innerJoin('attempts as a', 'a.id', 'r.attemptId')
    .innerJoin('examSessions as s', 's.id', 'r.sessionId')
    .select(['r.id', 'r.sessionId', 's.examId', 'a.number as attemptNumber', 'r.source', 'r.durationMs', 'r.bytes', 'r.status'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/**
 * After crash recovery: the real end and size of an interrupted recording, read from its
 * dump (its last whole record), replace the restart time stopOpenRecordingsOnNode wrote.
 */
export async function settleRecoveredRecording(
  db: Kysely<DB>,
  id: string,
  found: { endedAt: Date; bytes: number },
): Promise<boolean> {
  const result = await db
    .updateTable('recordings')
    .set((eb) => ({
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, ${found.endedAt}::timestamptz)`,
      bytes: found.bytes,
    }))
    .where('id', '=', id)
    .where('status', '=', 'stopped')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

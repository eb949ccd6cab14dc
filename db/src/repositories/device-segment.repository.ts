// Segments the candidate's device recorded and uploaded (#12), and the coverage facts the
// "which spans are missing" answer is computed from.
import type { Kysely } from 'kysely';
import type { DB, DeviceSegment, DeviceSegmentSource } from '../schema.ts';
import { listSessionRecordingGaps } from './recording-gap.repository.ts';

export interface AddDeviceSegmentInput {
  sessionId: string;
  source: DeviceSegmentSource;
  startedAt: Date;
  endedAt: Date;
  sha256: string;
  bytes: number;
  /** Relative to the recordings root. */
  path: string;
}

/**
 * Stores a verified segment; its attempt is the session's attempt that was running at its
 * start (none while the candidate was offline). Returns the row and whether it is new: the
 * same (session, source, start) uploaded again keeps the first row.
 */
export async function addDeviceSegment(db: Kysely<DB>, input: AddDeviceSegmentInput): Promise<{ segment: DeviceSegment; created: boolean }> {
  if (input.path === '' || input.path.startsWith('/') || input.path.split(/[\\/]/).includes('..')) {
    throw new Error(`Device segment path must be relative to the recordings root: ${JSON.stringify(input.path)}`);
  }
  if (!(input.endedAt.getTime() > input.startedAt.getTime())) throw new Error('A device segment must end after it starts.');
  const attempt = await db
    .selectFrom('attempts')
    .select('id')
    .where('sessionId', '=', input.sessionId)
    .where('startedAt', '<=', input.startedAt)
    .where((eb) => eb.or([eb('endedAt', 'is', null), eb('endedAt', '>', input.startedAt)]))
    .orderBy('startedAt', 'desc')
    .executeTakeFirst();
  const inserted = await db
    .insertInto('deviceSegments')
    .values({
      sessionId: input.sessionId,
      attemptId: attempt?.id ?? null,
      source: input.source,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      sha256: input.sha256,
      bytes: input.bytes,
      path: input.path,
    })
    .onConflict((oc) => oc.columns(['sessionId', 'source', 'startedAt']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { segment: inserted, created: true };
  const existing = await db
    .selectFrom('deviceSegments')
    .selectAll()
    .where('sessionId', '=', input.sessionId)
    .where('source', '=', input.source)
    .where('startedAt', '=', input.startedAt)
    .executeTakeFirstOrThrow();
  return { segment: existing, created: false };
}

/** The session's device segments in time order (report, evidence). */
export function listDeviceSegments(db: Kysely<DB>, sessionId: string): Promise<DeviceSegment[]> {
  return db.selectFrom('deviceSegments').selectAll().where('sessionId', '=', sessionId).orderBy('startedAt').orderBy('source').execute();
}

export function getDeviceSegment(db: Kysely<DB>, id: string): Promise<DeviceSegment | undefined> {
  return db.selectFrom('deviceSegments').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * What the missing-spans computation needs: the attempts, the server's recordings with the
 * holes inside them, and the segments already uploaded.
 */
export async function sessionCoverageFacts(db: Kysely<DB>, sessionId: string) {
  const [attempts, recordings, gaps, segments] = await Promise.all([
    db.selectFrom('attempts').select(['startedAt', 'endedAt']).where('sessionId', '=', sessionId).orderBy('startedAt').execute(),
    db
      .selectFrom('recordings')
      .select(['id', 'source', 'startedAt', 'endedAt', 'durationMs', 'status'])
      .where('sessionId', '=', sessionId)
      .execute(),
    listSessionRecordingGaps(db, sessionId),
    db.selectFrom('deviceSegments').select(['source', 'startedAt', 'endedAt']).where('sessionId', '=', sessionId).execute(),
  ]);
  return { attempts, recordings, gaps, segments };
}

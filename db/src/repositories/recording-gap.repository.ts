// Holes inside running server recordings (#12): where a track got no media while its
// recording went on (a dropped link that came back on the same producer).
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

export interface RecordingGapInput {
  recordingId: string;
  startedAt: Date;
  endedAt: Date;
}

/** Stores one hole; an empty or inverted span is ignored (returns false). */
export async function addRecordingGap(db: Kysely<DB>, gap: RecordingGapInput): Promise<boolean> {
  if (!(gap.endedAt.getTime() > gap.startedAt.getTime())) return false;
  await db.insertInto('recordingGaps').values(gap).execute();
  return true;
}

/** The holes of all recordings of a session, in time order. */
export function listSessionRecordingGaps(db: Kysely<DB>, sessionId: string) {
  return db
    .selectFrom('recordingGaps as g')
    .innerJoin('recordings as r', 'r.id', 'g.recordingId')
    .select(['g.recordingId', 'g.startedAt', 'g.endedAt'])
    .where('r.sessionId', '=', sessionId)
    .orderBy('g.startedAt')
    .execute();
}

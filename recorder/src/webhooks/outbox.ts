/**
 * Domain events this process raises (recording.ready). The jobs process has no event bus;
 * it writes the outbox table and a media node publishes the rows on its bus (see
 * signaling/src/events/outbox-relay.ts). The payload must match signaling's contract
 * (`contract/domain-events.ts`), which checks it again when it reads the row.
 */
import { appendOutboxEvent, getRecordingEventFacts } from '@proctor/db';
import type { Db } from '../db.ts';

export async function raiseRecordingReady(db: Db, recordingId: string): Promise<void> {
  const r = await getRecordingEventFacts(db, recordingId);
  if (!r || r.status !== 'finalised') return;
  await appendOutboxEvent(db, 'recording.ready', {
    recordingId: r.id,
    sessionId: r.sessionId,
    examId: r.examId,
    attempt: r.attemptNumber,
    source: r.source,
    durationMs: r.durationMs,
    bytes: r.bytes,
    at: new Date().toISOString(),
  });
}

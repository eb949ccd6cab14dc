// Holes inside a server recording (#12): spans a track that kept recording got no media (the
// candidate's link dropped and came back on the same producer). The recorder's tap writes one
// row when the media comes back (or at the stop, for a silent tail). The device-segment
// "missing spans" answer subtracts them, so the page uploads what the drop cost. Frozen once
// shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE recording_gaps (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      recording_id uuid NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      CHECK (ended_at > started_at)
    )`.execute(db);
  await sql`CREATE INDEX recording_gaps_recording ON recording_gaps (recording_id, started_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE recording_gaps`.execute(db);
}

// A media profile per exam (#11): what a candidate's page sends (camera size, frame rate and
// simulcast layers, screen rate and bitrate, Opus mono with DTX). The numbers live once in
// @proctor/values (media-profiles.ts); the column keeps only the profile's name. Existing
// and new exams get 'grid', the profile chosen for the proctor's grid. The set is frozen
// here like the other CHECKs: a new profile needs a new migration. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE exams
      ADD COLUMN media_profile text NOT NULL DEFAULT 'grid'
        CONSTRAINT exams_media_profile_check CHECK (media_profile IN ('grid', 'balanced', 'high'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE exams DROP COLUMN media_profile`.execute(db);
}

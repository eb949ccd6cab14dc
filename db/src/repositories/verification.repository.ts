import type { Kysely } from 'kysely';
import type { DB, Verification } from '../schema.ts';
import type { VerificationResult } from '../verification-results.ts';

export interface NewVerificationInput {
  sessionId: string;
  attemptId?: string | null;
  startedAt: Date;
  endedAt: Date;
  result: VerificationResult;
  similarity?: number | null;
  /** Relative to the recordings root, e.g. '<sessionId>/verification/<id>-face.jpg'. */
  facePhotoPath: string;
  documentPhotoPath?: string | null;
}

function assertRelativePath(path: string): void {
  // The database CHECK rejects these too; failing here gives the caller a clearer message.
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.split(/[\\/]/).includes('..')) {
    throw new Error(`Verification photo path must be relative to the recordings root: ${JSON.stringify(path)}`);
  }
}

/** Stores one identity check; returns the new row. */
export async function insertVerification(db: Kysely<DB>, input: NewVerificationInput): Promise<Verification> {
  assertRelativePath(input.facePhotoPath);
  if (input.documentPhotoPath != null) assertRelativePath(input.documentPhotoPath);
  return db
    .insertInto('verifications')
    .values({
      sessionId: input.sessionId,
      attemptId: input.attemptId ?? null,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      result: input.result,
      similarity: input.similarity ?? null,
      facePhotoPath: input.facePhotoPath,
      documentPhotoPath: input.documentPhotoPath ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The session's most recent verification (the one the journey and the photo report show), or null. */
export async function latestVerification(db: Kysely<DB>, sessionId: string): Promise<Verification | null> {
  const row = await db
    .selectFrom('verifications')
    .selectAll()
    .where('sessionId', '=', sessionId)
    .orderBy('startedAt', 'desc')
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** How many of the session's identity checks failed (the candidate's retries are counted by this). */
export async function countFailedVerifications(db: Kysely<DB>, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('verifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sessionId', '=', sessionId)
    .where('result', '=', 'failed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

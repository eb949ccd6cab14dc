// A candidate's latest photo (manual §2.1.1.1, "Фото — последнее фото кандидата"): the face
// photo of their most recent identity verification, else the reference photo an admin gave.
// Results rows carry both paths; the node checks which file exists and serves that one.
import { type ExpressionBuilder, type Kysely, type Expression, sql } from 'kysely';
import type { DB } from '../schema.ts';
import type { UserRole } from '../enums.ts';

export interface CandidatePhotoPaths {
  /** Face photo of the candidate's latest verification, relative to the recordings root. */
  verificationPhotoPath: string | null;
  /** The admin's reference photo, relative to the photos directory. */
  referencePhotoPath: string | null;
}

/**
 * The face photo of the latest verification of `candidateId` over all their sessions: their
 * few sessions by the candidate index, then each session's newest verification by its index.
 */
export function latestVerificationPhoto(eb: ExpressionBuilder<any, any>, candidateId: Expression<string>) {
  return eb
    .selectFrom('verifications as pv')
    .innerJoin('examSessions as ps', 'ps.id', 'pv.sessionId')
    .select('pv.facePhotoPath')
    .where('ps.candidateId', '=', candidateId)
    .orderBy('pv.startedAt', 'desc')
    .orderBy('pv.createdAt', 'desc')
    .limit(1);
}

/**
 * The candidate's photo paths, or undefined when the candidate does not exist or the viewer
 * may not see them: a proctor sees candidates with a session in an exam assigned to them.
 */
export async function candidatePhotoPaths(
  db: Kysely<DB>,
  viewer: { userId: string; role: UserRole },
  candidateId: string,
): Promise<CandidatePhotoPaths | undefined> {
  let query = db
    .selectFrom('candidates as c')
    .select((eb) => [latestVerificationPhoto(eb, sql.ref('c.id')).as('verificationPhotoPath'), 'c.referencePhotoPath'])
    .where('c.id', '=', candidateId);
  if (viewer.role !== 'admin') {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('examSessions as s')
          .innerJoin('examProctors as ep', 'ep.examId', 's.examId')
          .select(sql.lit(1).as('one'))
          .whereRef('s.candidateId', '=', 'c.id')
          .where('ep.userId', '=', viewer.userId),
      ),
    );
  }
  return query.executeTakeFirst();
}

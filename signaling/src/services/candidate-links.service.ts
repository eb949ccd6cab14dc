/**
 * The exam's candidate links: one signed token per session, minted here on the server and
 * valid until the exam's end plus a grace period. Listing them is audited, because a link
 * is the candidate's whole identity.
 */
import type { Kysely } from 'kysely';
import { appendAction, getExam, listExamLinkSessions, type DB } from '@proctor/db';
import { LINK_GRACE_SECONDS, type CandidateLinksResponse } from '../contract/api/journey.ts';
import { mintToken } from '../auth/token.ts';
import { assertExamAccess } from '../domain/access.ts';
import { DomainError } from '../domain/errors.ts';
import type { SessionUser } from './auth.service.ts';

export interface CandidateLinksDeps {
  db: Kysely<DB>;
  tokenSecret: string;
  /** Origin users open, e.g. https://proctor.example.org. */
  publicOrigin: string;
}

/** The candidate page's path; the token rides in its query once (web/src/lib/token.ts removes it). */
export const CANDIDATE_PAGE = '/exam';

export class CandidateLinksService {
  constructor(private readonly deps: CandidateLinksDeps) {}

  async list(user: SessionUser, examId: string, now = new Date()): Promise<CandidateLinksResponse> {
    await assertExamAccess(this.deps.db, user, examId);
    const exam = await getExam(this.deps.db, examId);
    if (!exam) throw new DomainError('not_found', 'There is no such exam.');
    const expiresAt = new Date(exam.endsAt.getTime() + LINK_GRACE_SECONDS * 1000);
    const ttlSeconds = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
    const expired = ttlSeconds <= 0 || exam.archivedAt !== null;
    const sessions = await listExamLinkSessions(this.deps.db, examId);
    await appendAction(this.deps.db, {
      actorUserId: user.id,
      actorName: user.fullName,
      actorIin: user.iin,
      action: 'exam.candidate_links_viewed',
      details: { examId, count: sessions.length },
    });
    return {
      examId,
      examName: exam.name,
      examEndsAt: exam.endsAt.toISOString(),
      timeZone: exam.timeZone,
      expiresAt: expiresAt.toISOString(),
      expired,
      links: sessions.map((s) => ({
        sessionId: s.sessionId,
        candidateName: s.candidateName,
        groupName: s.groupName,
        status: s.status,
        url:
          expired || s.status === 'finished'
            ? null
            : `${this.deps.publicOrigin}${CANDIDATE_PAGE}?token=${mintToken({ role: 'candidate', sessionId: s.sessionId }, this.deps.tokenSecret, ttlSeconds)}`,
      })),
    };
  }
}

/**
 * The live proctoring panel (manual §3): exams to watch and the "Add student" dialog's
 * candidate list. HTTP-free; access follows the Results rules (assertExamAccess).
 */
import type { Kysely } from 'kysely';
import { getLiveExam, listExamCandidates, listExamGroups, listLiveExams, type DB } from '@proctor/db';
import type { LiveCandidatesResponse, LiveExamsResponse, liveCandidatesQuery } from '../contract/api/live.ts';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { assertExamAccess } from '../domain/access.ts';
import type { SessionUser } from './auth.service.ts';

/** The panel lists exams within this distance of now (running, about to start, just ended). */
const WINDOW_MS = 12 * 3600_000;

export class LiveService {
  constructor(private readonly db: Kysely<DB>) {}

  async exams(user: SessionUser, now = new Date()): Promise<LiveExamsResponse> {
    const rows = await listLiveExams(this.db, { userId: user.id, role: user.role }, {
      from: new Date(now.getTime() - WINDOW_MS),
      to: new Date(now.getTime() + WINDOW_MS),
    });
    return {
      now: now.toISOString(),
      exams: rows.map((r) => ({
        examId: r.id,
        name: r.name,
        disciplineName: r.disciplineName,
        startsAt: r.startsAt.toISOString(),
        endsAt: r.endsAt.toISOString(),
        timeZone: r.timeZone,
        sessions: r.sessions,
        inProgress: r.inProgress,
        finished: r.finished,
      })),
    };
  }

  async candidates(user: SessionUser, examId: string, q: z.output<typeof liveCandidatesQuery>): Promise<LiveCandidatesResponse> {
    await assertExamAccess(this.db, user, examId);
    const exam = await getLiveExam(this.db, examId);
    if (!exam) throw new DomainError('not_found', 'There is no such exam.');
    const [groups, page] = await Promise.all([
      listExamGroups(this.db, examId),
      listExamCandidates(this.db, examId, {
        groupId: q.groupId,
        search: q.search || undefined,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      }),
    ]);
    return {
      exam: {
        examId: exam.id,
        name: exam.name,
        disciplineName: exam.disciplineName,
        startsAt: exam.startsAt.toISOString(),
        endsAt: exam.endsAt.toISOString(),
        timeZone: exam.timeZone,
      },
      groups,
      rows: page.rows.map((r) => ({ sessionId: r.sessionId, candidateName: r.candidateName, groupName: r.groupName, status: r.status })),
      total: page.total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}

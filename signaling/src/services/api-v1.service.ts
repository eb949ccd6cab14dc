/**
 * The `/api/v1` REST API for LMS integrations (#13). HTTP-free and thin: sessions come from
 * the Results service, one session's detail from the detailed report, both called as a
 * read-only system viewer once the key's own scope was checked here. A per-exam key sees
 * only its exam; another exam or one of its sessions answers 404, like an unknown id.
 */
import type { Kysely } from 'kysely';
import { getExam, getSessionExamId, listApiExamCandidates, listApiExams, type DB } from '@proctor/db';
import { resultsQuery, type ResultRow } from '../contract/api/results.ts';
import type { ApiKeyScope, v1Api, V1SessionDetail } from '../contract/api/v1.ts';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import type { ApiPrincipal } from './api-key.service.ts';
import type { ReportService } from './report.service.ts';
import type { ResultsService, StaffUser } from './results.service.ts';

type Page = { page: number; pageSize: number };
type Out<K extends keyof typeof v1Api> = z.output<(typeof v1Api)[K]['response']>;

export interface ApiV1ServiceDeps {
  db: Kysely<DB>;
  results: Pick<ResultsService, 'list'>;
  report: Pick<ReportService, 'report'>;
  /** Origin of the report links (PUBLIC_URL's). */
  publicOrigin: string;
}

/**
 * The staff identity the reused services see: admin-wide reads, because the key's exam
 * was already enforced here. Never written anywhere (these reads log nothing).
 */
const SYSTEM_VIEWER: StaffUser = { id: '00000000-0000-0000-0000-000000000000', role: 'admin', fullName: 'API', iin: null };

const noExam = () => new DomainError('not_found', 'There is no such exam.');
const noSession = () => new DomainError('not_found', 'There is no such exam session.');
const iso = (d: Date) => d.toISOString();

export function summary(row: ResultRow): Out<'examSessions'>['items'][number] {
  return {
    id: row.sessionId,
    examId: row.examId,
    candidateId: row.candidateId,
    candidateName: row.candidateName,
    group: row.groupName,
    status: row.status,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    honesty: row.honesty,
    decision: row.decision,
    reviewStatus: row.reviewStatus,
  };
}

export class ApiV1Service {
  constructor(private readonly deps: ApiV1ServiceDeps) {}

  /** Each v1 route needs one scope; a key without it gets 403 naming the scope. */
  assertScope(p: ApiPrincipal, scope: ApiKeyScope): void {
    if (!p.scopes.includes(scope)) throw new DomainError('forbidden', `This API key has no "${scope}" scope; an administrator can create one that has it.`);
  }

  async exams(p: ApiPrincipal, q: Page): Promise<Out<'listExams'>> {
    const { rows, total } = await listApiExams(this.deps.db, { examId: p.examId, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return {
      items: rows.map((e) => ({
        id: e.id,
        name: e.name,
        discipline: e.disciplineName,
        startsAt: iso(e.startsAt),
        endsAt: iso(e.endsAt),
        timeZone: e.timeZone,
        proctoringMode: e.proctoringMode,
        mediaProfile: e.mediaProfile,
        archived: e.archivedAt !== null,
        sessionCount: e.sessionCount,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async candidates(p: ApiPrincipal, examId: string): Promise<Out<'examCandidates'>> {
    await this.#assertExam(p, examId);
    const rows = await listApiExamCandidates(this.deps.db, examId, p.integrationId);
    return { items: rows.map((c) => ({ id: c.id, fullName: c.fullName, iin: c.iin, group: c.groupName, externalId: c.externalId, sessionId: c.sessionId })) };
  }

  async sessions(p: ApiPrincipal, examId: string, q: Page): Promise<Out<'examSessions'>> {
    await this.#assertExam(p, examId);
    const query = resultsQuery.parse({ examId, page: String(q.page), pageSize: String(q.pageSize) });
    const page = await this.deps.results.list(SYSTEM_VIEWER, query);
    if (page.groupBy !== 'none') throw new Error('unreachable: ungrouped query');
    return { items: page.rows.map(summary), total: page.total, totalExact: page.totalExact, page: page.page, pageSize: page.pageSize };
  }

  async session(p: ApiPrincipal, sessionId: string): Promise<V1SessionDetail> {
    const examId = await getSessionExamId(this.deps.db, sessionId);
    if (!examId || (p.examId !== null && p.examId !== examId)) throw noSession();
    const r = await this.deps.report.report(SYSTEM_VIEWER, sessionId);
    const base = `${this.deps.publicOrigin}/results/${encodeURIComponent(sessionId)}`;
    return {
      session: summary(r.session),
      honesty: r.honesty,
      violations: r.violations,
      recordings: r.attempts.flatMap((a) => a.recordings.map((rec) => ({ ...rec, attemptNumber: a.number }))),
      links: { report: base, photoReport: `${base}/photo` },
    };
  }

  async #assertExam(p: ApiPrincipal, examId: string): Promise<void> {
    if (p.examId !== null && p.examId !== examId) throw noExam();
    if (!(await getExam(this.deps.db, examId))) throw noExam();
  }
}

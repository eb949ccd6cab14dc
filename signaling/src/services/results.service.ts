/**
 * The Results page (manual §2): listing, grouping, expanding and deciding, with the access
 * rules. HTTP-free (routes/results.routes.ts maps requests onto it). Every change to a row
 * is published as a domain event; the socket subscriber pushes the row through
 * `emitSessionChanged`, so open pages update without reloading.
 *
 * The contract's enums and the repository's both come from @proctor/values, so contract
 * values pass into the repository and repository rows out as contract types unchanged.
 */
import type { Kysely } from 'kysely';
import {
  candidatePhotoPaths,
  getResultRow,
  latestAttempt,
  listCandidateResults,
  listResults,
  listResultsByCandidate,
  markViewed,
  searchResultsChoices,
  setDecision,
  unassignedExamIds,
  type CandidatePhotoPaths,
  type CandidateResultRow as DbCandidateRow,
  type ActionActor,
  type DB,
  type ResultRow as DbResultRow,
  type ResultsFilters,
  type ResultsViewer,
} from '@proctor/db';
import type {
  CandidateResultRow,
  CandidateSessionsQuery,
  CandidateSessionsResponse,
  Decision,
  ResultRow,
  ResultsChoicesResponse,
  ResultsChoiceKind,
  ResultsQuery,
  ResultsResponse,
  SessionRowResponse,
} from '../contract/api/results.ts';
import type { AttemptRef } from '../contract/events.ts';
import { DomainError } from '../domain/errors.ts';
import { assertSessionAccess } from '../domain/access.ts';
import type { SessionUser } from './auth.service.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { CandidatePhotos, PhotoFile } from './candidate-photo.service.ts';

/** Who acts: the signed-in user (its name and IIN are copied into audit entries). */
export type StaffUser = Pick<SessionUser, 'id' | 'role' | 'fullName' | 'iin'>;

/** Delivers a changed row to the exam's proctors (socket.io room `exam:<examId>:proctors`). */
/** `attempt`: the session's latest attempt when the row was read (#12: pages drop rows of older ones). */
export type EmitSessionChanged = (examId: string, row: ResultRow, attempt: AttemptRef) => void;

export interface ResultsServiceDeps {
  db: Kysely<DB>;
  emitSessionChanged: EmitSessionChanged;
  photos: CandidatePhotos;
  /** Decisions and first views are published as domain events; the Results push subscribes. */
  events: EventBus;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Photo URL lookups by candidate, shared by the rows of one answer. */
type PhotoUrls = Map<string, Promise<string | null>>;

/** The filter part, which both query schemas share. */
function toFilters(q: Omit<CandidateSessionsQuery, 'sort' | 'dir'>): ResultsFilters {
  return {
    search: q.search,
    examIds: q.examId,
    startedFrom: q.from,
    startedTo: q.to,
    groupIds: q.groupId,
    disciplineIds: q.disciplineId,
    statuses: q.status,
    honestyMin: q.honestyMin,
    honestyMax: q.honestyMax,
    decisions: q.decision,
    archived: q.archived,
  };
}

const viewerOf = (user: StaffUser): ResultsViewer => ({ userId: user.id, role: user.role });
const actorOf = (user: StaffUser) => ({ userId: user.id, fullName: user.fullName, iin: user.iin });

export class ResultsService {
  constructor(private readonly deps: ResultsServiceDeps) {}

  /**
   * A repository row as the contract's, its photo paths turned into a URL of a file that
   * exists. `urls` shares the lookups among the rows of one answer (a candidate's rows have one photo).
   */
  async toRow({ verificationPhotoPath, referencePhotoPath, ...row }: DbResultRow, urls: PhotoUrls = new Map()): Promise<ResultRow> {
    const photoUrl = await this.#photoUrl(row.candidateId, { verificationPhotoPath, referencePhotoPath }, urls);
    return { ...row, photoUrl, startedAt: iso(row.startedAt), endedAt: iso(row.endedAt) };
  }

  async #candidateRow({ verificationPhotoPath, referencePhotoPath, ...row }: DbCandidateRow): Promise<CandidateResultRow> {
    const photoUrl = await this.#photoUrl(row.candidateId, { verificationPhotoPath, referencePhotoPath }, new Map());
    return { ...row, photoUrl, firstStartedAt: iso(row.firstStartedAt), lastStartedAt: iso(row.lastStartedAt), lastEndedAt: iso(row.lastEndedAt) };
  }

  #photoUrl(candidateId: string, paths: CandidatePhotoPaths, urls: PhotoUrls): Promise<string | null> {
    let url = urls.get(candidateId);
    if (!url) {
      url = this.deps.photos.urlOf(candidateId, paths);
      urls.set(candidateId, url);
    }
    return url;
  }

  #rows(rows: DbResultRow[]): Promise<ResultRow[]> {
    const urls: PhotoUrls = new Map();
    return Promise.all(rows.map((row) => this.toRow(row, urls)));
  }

  async list(user: StaffUser, q: ResultsQuery): Promise<ResultsResponse> {
    await this.assertExamFilterAllowed(user, q.examId);
    const filters = toFilters(q);
    const paging = { direction: q.dir, page: q.page, pageSize: q.pageSize };
    if (q.groupBy === 'candidate') {
      const result = await listResultsByCandidate(this.deps.db, viewerOf(user), filters, { ...paging, sort: q.sort });
      return { groupBy: 'candidate', rows: await Promise.all(result.rows.map((row) => this.#candidateRow(row))), total: result.total, totalExact: result.totalExact, page: q.page, pageSize: q.pageSize };
    }
    const result = await listResults(this.deps.db, viewerOf(user), filters, { ...paging, sort: q.sort });
    return { groupBy: 'none', rows: await this.#rows(result.rows), total: result.total, totalExact: result.totalExact, page: q.page, pageSize: q.pageSize };
  }

  /** "Expand": the candidate's sessions visible to the user under the same filters. */
  async candidateSessions(user: StaffUser, candidateId: string, q: CandidateSessionsQuery): Promise<CandidateSessionsResponse> {
    await this.assertExamFilterAllowed(user, q.examId);
    const rows = await listCandidateResults(this.deps.db, viewerOf(user), candidateId, toFilters(q), { sort: q.sort, direction: q.dir });
    return { rows: await this.#rows(rows) };
  }

  /** Filter choices as the user types (exams newest first), within what the user may see. */
  async choices(user: StaffUser, q: { kind: ResultsChoiceKind; search?: string; id?: string[]; limit: number }): Promise<ResultsChoicesResponse> {
    const { items, more } = await searchResultsChoices(this.deps.db, viewerOf(user), { kind: q.kind, search: q.search, ids: q.id, limit: q.limit });
    return { items: items.map((c) => ({ ...c, startsAt: iso(c.startsAt) })), more };
  }

  /** The file of a candidate's row photo; 404 alike for no photo and for a candidate the user may not see. */
  async candidatePhoto(user: StaffUser, candidateId: string): Promise<PhotoFile> {
    const paths = await candidatePhotoPaths(this.deps.db, viewerOf(user), candidateId);
    const photo = paths ? await this.deps.photos.pick(paths) : null;
    if (!photo) throw new DomainError('not_found', 'This candidate has no photo.');
    return photo;
  }

  /** The reviewer's decision (manual §2.1.1, §2.4.4); audit-logged, pushed to the exam's proctors. */
  async setDecision(user: StaffUser, sessionId: string, decision: Decision): Promise<SessionRowResponse> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    return this.#decide(sessionId, decision, actorOf(user));
  }

  /**
   * The same decision from an API key (/api/v1): its exam was checked by the caller; the
   * audit entry names the key's integration, `details` says which key.
   */
  async setDecisionByApi(actor: { fullName: string; details: Record<string, unknown> }, sessionId: string, decision: Decision): Promise<SessionRowResponse> {
    return this.#decide(sessionId, decision, { userId: null, fullName: actor.fullName, iin: null }, actor.details);
  }

  async #decide(sessionId: string, decision: Decision, actor: ActionActor, details?: Record<string, unknown>): Promise<SessionRowResponse> {
    const change = await setDecision(this.deps.db, { sessionId, decision, actor, ...(details ? { details } : {}) });
    if (!change) throw noSuchSession();
    const row = await this.row(sessionId);
    if (change.changed) await this.deps.events.publish('decision.changed', { sessionId, examId: change.examId, decision, at: new Date().toISOString() });
    return { row };
  }

  /** A staff member opened the session's report: logged each time; "Viewed" from the first. */
  async markViewed(user: StaffUser, sessionId: string): Promise<SessionRowResponse> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    const view = await markViewed(this.deps.db, { sessionId, actor: actorOf(user) });
    if (!view) throw noSuchSession();
    const row = await this.row(sessionId);
    if (view.firstView) await this.deps.events.publish('session.updated', { sessionId });
    return { row };
  }

  /** Pushes the session's current row (the socket subscriber of the session events calls it). */
  async publishSession(sessionId: string): Promise<void> {
    // The attempt is read first: a row read after it is at least as new as that attempt.
    const attempt = await latestAttempt(this.deps.db, sessionId);
    const row = await getResultRow(this.deps.db, sessionId);
    if (row) this.deps.emitSessionChanged(row.examId, await this.toRow(row), { attempt: attempt?.number ?? 0, attemptId: attempt?.id ?? null });
  }

  private async row(sessionId: string): Promise<ResultRow> {
    const row = await getResultRow(this.deps.db, sessionId);
    if (!row) throw noSuchSession();
    return this.toRow(row);
  }

  /**
   * Scoping already hides other exams' sessions; naming one explicitly is refused with 403
   * so the proctor learns why the table is empty instead of seeing "no results".
   */
  private async assertExamFilterAllowed(user: StaffUser, examIds: string[] | undefined): Promise<void> {
    if (user.role === 'admin' || !examIds?.length) return;
    const refused = await unassignedExamIds(this.deps.db, user.id, examIds);
    if (refused.length) {
      throw new DomainError('forbidden', `You are not assigned to exam${refused.length > 1 ? 's' : ''} ${refused.join(', ')}.`);
    }
  }
}

const noSuchSession = () => new DomainError('not_found', 'There is no such exam session.');

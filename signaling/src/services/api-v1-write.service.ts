/**
 * The write side of `/api/v1` (#13): exams, an exam's candidates, a candidate's link and a
 * session's decision, for keys with the `write` scope. HTTP-free and thin: exams go through
 * the admin service (same checks, framing check, audit and honesty recompute as the admin
 * form), decisions through the Results service (same event, same audit entry), links are
 * minted like the sign-on and candidate links. Every audit entry names the key
 * (`API: <integration or key name>`, the key's id and prefix in its details).
 *
 * A per-exam key writes only to its exam (others answer 404) and cannot create exams (403).
 */
import type { Kysely } from 'kysely';
import {
  appendAction,
  createCandidate,
  ensureDiscipline,
  ensureExamSession,
  ensureGroup,
  findCandidatesByEmail,
  findExternalRef,
  getCandidate,
  getCandidatesByIins,
  getExam,
  getResultRow,
  getSessionExamId,
  inTransaction,
  linkExternalRef,
  lockExternalId,
  updateCandidate,
  type DB,
} from '@proctor/db';
import { DEFAULT_VIOLATION_WEIGHTS } from '@proctor/values';
import type { z } from 'zod';
import { LINK_GRACE_SECONDS } from '../contract/api/journey.ts';
import type { v1Api, V1CandidatesUpsert, V1ExamCreate, V1ExamUpdate } from '../contract/api/v1.ts';
import type { Decision } from '../contract/api/results.ts';
import { mintToken } from '../auth/token.ts';
import { DomainError } from '../domain/errors.ts';
import type { AdminExam } from '../contract/api/admin.ts';
import type { AuditActor } from './admin-context.ts';
import type { AdminExamService } from './admin-exam.service.ts';
import type { ApiPrincipal } from './api-key.service.ts';
import type { ResultsService } from './results.service.ts';
import { CANDIDATE_PAGE } from './candidate-links.service.ts';

type Out<K extends keyof typeof v1Api> = z.output<(typeof v1Api)[K]['response']>;

export interface ApiV1WriteDeps {
  db: Kysely<DB>;
  admin: Pick<AdminExamService, 'createExam' | 'updateExam' | 'getExam'>;
  results: Pick<ResultsService, 'setDecisionByApi'>;
  /** Signs candidate links; without it the link route answers 503. */
  tokenSecret: string | null;
  publicOrigin: string;
  now?: () => Date;
}

const noExam = () => new DomainError('not_found', 'There is no such exam.');
const noSession = () => new DomainError('not_found', 'There is no such exam session.');
const conflict = (message: string) => new DomainError('conflict', message);

/** The audit identity of a key. */
function actorOf(p: ApiPrincipal): AuditActor & { details: Record<string, unknown> } {
  return { id: null, fullName: `API: ${p.name}`, iin: null, details: { via: 'api', apiKeyId: p.keyId, integrationId: p.integrationId } };
}

function examView(e: AdminExam): Out<'createExam'> {
  return {
    id: e.id,
    name: e.name,
    discipline: e.disciplineName,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    timeZone: e.timeZone,
    proctoringMode: e.proctoringMode,
    mediaProfile: e.mediaProfile,
    archived: e.archivedAt !== null,
    sessionCount: e.sessionCount,
    violationWeights: e.violationWeights,
    honestyThreshold: e.honestyThreshold,
    countTechnical: e.countTechnical,
    assessmentUrl: e.assessmentUrl,
    assessmentMode: e.assessmentMode,
  };
}

export class ApiV1WriteService {
  constructor(private readonly deps: ApiV1WriteDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async createExam(p: ApiPrincipal, body: V1ExamCreate): Promise<Out<'createExam'>> {
    if (p.examId !== null) throw new DomainError('forbidden', 'This API key is limited to one exam; it cannot create exams.');
    const disciplineId = await ensureDiscipline(this.deps.db, body.discipline);
    const exam = await this.deps.admin.createExam(actorOf(p), {
      name: body.name,
      disciplineId,
      startsAt: body.startsAt,
      endsAt: body.endsAt,
      timeZone: body.timeZone ?? 'Asia/Almaty',
      proctoringMode: body.proctoringMode ?? 'online',
      violationWeights: { ...DEFAULT_VIOLATION_WEIGHTS, ...body.violationWeights },
      honestyThreshold: body.honestyThreshold ?? 70,
      countTechnical: body.countTechnical ?? false,
      assessmentUrl: body.assessmentUrl ?? null,
      assessmentMode: body.assessmentMode ?? 'frame',
    });
    return examView(exam);
  }

  async updateExam(p: ApiPrincipal, examId: string, body: V1ExamUpdate): Promise<Out<'updateExam'>> {
    await this.#assertExam(p, examId);
    const e = await this.deps.admin.getExam(examId);
    const startsAt = body.startsAt ?? new Date(e.startsAt);
    const endsAt = body.endsAt ?? new Date(e.endsAt);
    if (endsAt.getTime() <= startsAt.getTime()) throw new DomainError('bad_request', 'endsAt: ends_before_starts');
    const exam = await this.deps.admin.updateExam(actorOf(p), examId, {
      name: body.name ?? e.name,
      disciplineId: body.discipline ? await ensureDiscipline(this.deps.db, body.discipline) : e.disciplineId,
      startsAt,
      endsAt,
      timeZone: body.timeZone ?? e.timeZone,
      proctoringMode: body.proctoringMode ?? e.proctoringMode,
      violationWeights: { ...e.violationWeights, ...body.violationWeights },
      honestyThreshold: body.honestyThreshold ?? e.honestyThreshold,
      countTechnical: body.countTechnical ?? e.countTechnical,
      assessmentUrl: body.assessmentUrl === undefined ? e.assessmentUrl : body.assessmentUrl,
      assessmentMode: body.assessmentMode ?? e.assessmentMode,
    });
    return examView(exam);
  }

  /**
   * Creates or updates each candidate and gives them a session in the exam. A candidate is
   * matched by externalId (the key's integration's id for them), then by IIN (a person),
   * then by e-mail (only when exactly one candidate has it); sending the same list again
   * changes nothing. One transaction: a refused candidate leaves the whole list unapplied.
   */
  async upsertCandidates(p: ApiPrincipal, examId: string, body: V1CandidatesUpsert): Promise<Out<'upsertCandidates'>> {
    await this.#assertExam(p, examId);
    if (!p.integrationId && body.candidates.some((c) => c.externalId)) {
      throw new DomainError('bad_request', 'candidates: externalId needs an API key that belongs to an integration (Administration → API keys)');
    }
    const seen = new Set<string>();
    for (const [i, c] of body.candidates.entries()) {
      for (const k of [`iin:${c.iin}`, c.externalId ? `ext:${c.externalId}` : '']) {
        if (k && seen.has(k)) throw new DomainError('bad_request', `candidates.${i}: the same ${k.split(':')[0] === 'iin' ? 'IIN' : 'externalId'} is in the list twice`);
        if (k) seen.add(k);
      }
    }
    const actor = actorOf(p);
    const items = await inTransaction(this.deps.db, async (trx) => {
      const out: Out<'upsertCandidates'>['items'] = [];
      for (const [i, c] of body.candidates.entries()) {
        const integrationId = p.integrationId;
        if (integrationId && c.externalId) await lockExternalId(trx, integrationId, 'candidate', c.externalId);
        const groupId = c.group ? await ensureGroup(trx, c.group) : c.group === null ? null : undefined;
        const linked = integrationId && c.externalId ? await findExternalRef(trx, integrationId, 'candidate', c.externalId) : undefined;
        const [byIin] = await getCandidatesByIins(trx, [c.iin]);
        if (linked && byIin && byIin.id !== linked) throw conflict(`candidates.${i}.iin: this IIN belongs to another candidate than externalId ${c.externalId}`);
        let id = linked ?? byIin?.id;
        if (!id && c.email) {
          const byEmail = await findCandidatesByEmail(trx, c.email);
          if (byEmail.length === 1) id = byEmail[0]!.id;
        }
        let result: 'created' | 'updated' | 'unchanged';
        if (id) {
          const before = await getCandidate(trx, id);
          if (!before) throw new Error('unreachable: a matched candidate vanished');
          if (before.erasedAt) throw conflict(`candidates.${i}: this candidate's data was erased; they cannot be added again under the same record`);
          const next = { fullName: c.fullName, iin: c.iin, groupId: groupId === undefined ? before.groupId : groupId, email: c.email === undefined ? before.email : c.email };
          const same = before.fullName === next.fullName && before.iin === next.iin && before.groupId === next.groupId && before.email === next.email;
          if (!same) await updateCandidate(trx, id, next);
          result = same ? 'unchanged' : 'updated';
        } else {
          id = await createCandidate(trx, { fullName: c.fullName, iin: c.iin, groupId: groupId ?? null, email: c.email ?? null });
          result = 'created';
        }
        if (integrationId && c.externalId && !linked) await linkExternalRef(trx, { integrationId, kind: 'candidate', externalId: c.externalId, localId: id });
        const sessionId = await ensureExamSession(trx, examId, id);
        if (result !== 'unchanged') {
          await appendAction(trx, {
            actorUserId: null,
            actorName: actor.fullName,
            actorIin: null,
            action: result === 'created' ? 'admin.candidate.created' : 'admin.candidate.updated',
            details: { ...actor.details, candidateId: id, examId, externalId: c.externalId ?? null },
          });
        }
        out.push({ id, externalId: c.externalId ?? null, sessionId, result });
      }
      return out;
    });
    return { items };
  }

  /** The candidate's own link (the candidate-links token), audit-logged: a link is the candidate's identity. */
  async signOnLink(p: ApiPrincipal, sessionId: string): Promise<Out<'signOnLink'>> {
    const examId = await this.#sessionExam(p, sessionId);
    if (!this.deps.tokenSecret) throw new DomainError('unavailable', 'Candidate links are not available on this server.');
    const exam = (await getExam(this.deps.db, examId))!;
    const row = await getResultRow(this.deps.db, sessionId);
    if (row?.status === 'finished') throw conflict('This session is finished; it takes no new link.');
    if (exam.archivedAt) throw conflict('This exam is archived; it takes no new links.');
    const expiresAt = new Date(exam.endsAt.getTime() + LINK_GRACE_SECONDS * 1000);
    const ttl = Math.floor((expiresAt.getTime() - this.#now().getTime()) / 1000);
    if (ttl <= 0) throw conflict("The exam's window is over; it takes no new links.");
    const actor = actorOf(p);
    await appendAction(this.deps.db, { actorUserId: null, actorName: actor.fullName, actorIin: null, sessionId, action: 'api.candidate_link_created', details: { ...actor.details, expiresAt: expiresAt.toISOString() } });
    const token = mintToken({ role: 'candidate', sessionId }, this.deps.tokenSecret, ttl);
    return { url: `${this.deps.publicOrigin}${CANDIDATE_PAGE}?token=${token}`, expiresAt: expiresAt.toISOString() };
  }

  async setDecision(p: ApiPrincipal, sessionId: string, decision: Decision) {
    await this.#sessionExam(p, sessionId);
    const actor = actorOf(p);
    return this.deps.results.setDecisionByApi({ fullName: actor.fullName, details: actor.details }, sessionId, decision);
  }

  async #sessionExam(p: ApiPrincipal, sessionId: string): Promise<string> {
    const examId = await getSessionExamId(this.deps.db, sessionId);
    if (!examId || (p.examId !== null && p.examId !== examId)) throw noSession();
    return examId;
  }

  async #assertExam(p: ApiPrincipal, examId: string): Promise<void> {
    if (p.examId !== null && p.examId !== examId) throw noExam();
    if (!(await getExam(this.deps.db, examId))) throw noExam();
  }
}

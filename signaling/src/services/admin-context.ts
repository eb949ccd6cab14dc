/**
 * What the admin entity services share (admin-*.service.ts): their dependencies, the base
 * class with the clock and the audit log, the list/paging helpers and the row mappers.
 *
 * Every change runs in one transaction with its `action_log` entry (`admin.<thing>.<verb>`,
 * with what changed), so there is no change without its audit record and vice versa.
 * Records are archived, never deleted: past exam sessions keep referring to them.
 */
import { appendAction, DEFAULT_VIOLATION_WEIGHTS, type AdminExamListItem as DbExamListItem, type CandidateListItem, type DB, type Exam, type UserListItem } from '@proctor/db';
import {
  ADMIN_VIOLATION_TYPES,
  adminApi,
  adminPath,
  type AdminCandidate,
  type AdminExamListItem,
  type AdminUser,
  type AdminViolationWeights,
  type candidateInput,
  type examInput,
  type newUserInput,
  type userInput,
  type adminCandidateListQuery,
  type adminExamListQuery,
  type adminListQuery,
  type adminUserListQuery,
} from '../contract/api/admin.ts';
import type { z } from 'zod';
import { AdminFieldError, DomainError } from '../domain/errors.ts';
import { type AuthService, type SessionUser } from './auth.service.ts';
import type { HonestyService } from './honesty.service.ts';
import { photoVersion, type PhotoStore } from './admin-photo.service.ts';
import type { FramingChecker } from './framing-check.service.ts';
import type { Kysely } from 'kysely';

export const notFound = (what: string) => new DomainError('not_found', `There is no such ${what}.`);
export const taken = (field: string, message: string) => new AdminFieldError('conflict', message, field, 'taken');

/** PostgreSQL unique violation (23505) on the given table's constraint. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === constraint;
}

export type ListQuery = z.output<typeof adminListQuery>;
export type ExamListQuery = z.output<typeof adminExamListQuery>;
export type CandidateListQuery = z.output<typeof adminCandidateListQuery>;
export type UserListQuery = z.output<typeof adminUserListQuery>;
export type ExamInput = z.output<typeof examInput>;
export type CandidateInput = z.output<typeof candidateInput>;
export type UserInput = z.output<typeof userInput>;
export type NewUserInput = z.output<typeof newUserInput>;

export const paging = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `{ field: { from, to } }` for the fields that differ (for the audit log). */
export function changes(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[key];
    const same = from instanceof Date && to instanceof Date ? from.getTime() === to.getTime() : JSON.stringify(from) === JSON.stringify(to);
    if (!same) out[key] = { from, to };
  }
  return out;
}

export function toWeights(stored: Exam['violationWeights']): AdminViolationWeights {
  const out = {} as AdminViolationWeights;
  for (const type of ADMIN_VIOLATION_TYPES) out[type] = stored?.[type] ?? DEFAULT_VIOLATION_WEIGHTS[type];
  return out;
}

export function toExamListItem(r: DbExamListItem): AdminExamListItem {
  return {
    id: r.id,
    name: r.name,
    disciplineId: r.disciplineId,
    disciplineName: r.disciplineName,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    timeZone: r.timeZone,
    proctoringMode: r.proctoringMode,
    archivedAt: iso(r.archivedAt),
    proctorCount: r.proctorCount,
    sessionCount: r.sessionCount,
  };
}

/** An erased record stays a pseudonym: it is never given personal data again (add the person anew). */
export const erased = () => new DomainError('conflict', "This candidate's personal data was erased; the record cannot be edited. Add the person as a new candidate.");

export function toCandidate(r: CandidateListItem): AdminCandidate {
  return {
    id: r.id,
    fullName: r.fullName,
    iin: r.iin,
    groupId: r.groupId,
    groupName: r.groupName,
    email: r.email,
    photoUrl: r.referencePhotoPath ? `${adminPath(adminApi.getCandidatePhoto.path, r.id)}?v=${photoVersion(r.referencePhotoPath)}` : null,
    archivedAt: iso(r.archivedAt),
    createdAt: r.createdAt.toISOString(),
    erasedAt: iso(r.erasedAt),
  };
}

export function toUser(r: UserListItem): AdminUser {
  return {
    id: r.id,
    email: r.email,
    fullName: r.fullName,
    iin: r.iin,
    role: r.role,
    locale: r.locale,
    hasPassword: r.hasPassword,
    examCount: r.examCount,
    archivedAt: iso(r.archivedAt),
    createdAt: r.createdAt.toISOString(),
  };
}

export interface AdminServiceDeps {
  db: Kysely<DB>;
  auth: AuthService;
  photos: PhotoStore;
  /** Where notable events go (the app's logger). */
  log: { info(obj: object, msg: string): void };
  now?: () => Date;
  /** Told when an exam's scoring (weights, countTechnical) changed, to recompute its sessions' honesty. */
  honesty?: Pick<HonestyService, 'scoringChanged'>;
  /** Reads a newly saved assessment URL's headers (may we frame it?); without it nothing is checked. */
  framing?: Pick<FramingChecker, 'check'>;
}

/** What every admin entity service has: its dependencies, the clock and the audit log. */
export abstract class AdminEntityService {
  protected readonly deps: AdminServiceDeps;

  constructor(deps: AdminServiceDeps) {
    this.deps = deps;
  }

  protected now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  protected async log(db: Kysely<DB>, actor: AuditActor, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAction(db, { actorUserId: actor.id, actorName: actor.fullName, actorIin: actor.iin, action, details, at: this.now() });
  }
}

/**
 * Who an audit entry names: a signed-in user, or an API key's integration (id null, the
 * key's name as the actor's name; contract/api/v1.ts).
 */
export interface AuditActor {
  id: string | null;
  fullName: string;
  iin: string | null;
}

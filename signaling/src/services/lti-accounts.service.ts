/**
 * What a verified LTI launch (#13) leads to. The exam: the placement's custom parameter
 * `proctor_exam` (an exam id here, then remembered for the resource link) or the resource
 * link's mapping. A learner becomes a candidate (matched by platform + sub, else by IIN from
 * `custom.iin` / `lis.person_sourcedid`, else created, with name and e-mail from the claims)
 * with a session of that exam, exactly like a sign-on link, and gets a candidate link token;
 * the AGS endpoint is remembered for the score. An instructor or administrator becomes a
 * proctor account (matched by platform + sub, else by e-mail, else created) assigned to the
 * exam. Everything for one launch happens in one transaction with its action-log entry.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  appendAction,
  assignProctor,
  ensureExamSession,
  findLtiLinkExam,
  findLtiUser,
  getCandidate,
  getCandidatesByIins,
  getExam,
  getUserByEmail,
  inTransaction,
  linkLtiUser,
  lockLtiSub,
  relinkLtiUser,
  setSessionReturnUrl,
  updateCandidate,
  upsertLtiGradeTarget,
  upsertLtiLink,
  type DB,
  type LtiPlatform,
  type User,
} from '@proctor/db';
import { LOCALES, type Locale } from '@proctor/values';
import { LTI_CLAIM, LTI_EXAM_CUSTOM_PARAM, type LtiLaunchClaims } from '../contract/api/lti.ts';
import { emailProblem, nameProblem, normalizeName } from '../contract/api/admin.ts';
import { urlProblem } from '../contract/api/assessment.ts';
import { LtiError } from './lti-launch.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IIN = /^[0-9]{12}$/;
const ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/';
const STAFF_ROLES = [
  `${ROLE}membership#Instructor`,
  `${ROLE}membership#Administrator`,
  `${ROLE}membership#ContentDeveloper`,
  `${ROLE}institution/person#Administrator`,
  `${ROLE}institution/person#Instructor`,
  `${ROLE}system/person#Administrator`,
];
const LEARNER_ROLES = [`${ROLE}membership#Learner`, `${ROLE}institution/person#Student`, `${ROLE}institution/person#Learner`];

export type LaunchRole = 'staff' | 'learner';

/** Instructor/Administrator wins over Learner (a teacher previewing as a student is still a teacher). */
export function launchRole(roles: string[]): LaunchRole | undefined {
  // Sub-roles (membership#Instructor#TeachingAssistant) and the short forms LTI 1.3 still allows.
  const has = (list: string[], short: string[]) => roles.some((r) => list.some((l) => r === l || r.startsWith(`${l}#`)) || short.includes(r));
  if (has(STAFF_ROLES, ['Instructor', 'Administrator'])) return 'staff';
  if (has(LEARNER_ROLES, ['Learner', 'Student'])) return 'learner';
  return undefined;
}

export interface LearnerOutcome {
  sessionId: string;
  examEndsAt: Date;
}

export interface StaffOutcome {
  user: User;
  examId: string;
}

function personName(c: LtiLaunchClaims): string {
  const candidates = [c.name, [c.given_name, c.family_name].filter(Boolean).join(' '), c.email, `LTI ${c.sub}`];
  for (const raw of candidates) {
    const name = normalizeName(raw ?? '').slice(0, 200);
    if (name && !nameProblem(name)) return name;
  }
  return `LTI ${c.sub.slice(0, 190)}`;
}

function personEmail(c: LtiLaunchClaims): string | null {
  const email = c.email?.trim();
  return email && !emailProblem(email) ? email : null;
}

function personIin(c: LtiLaunchClaims): string | null {
  const custom = c[LTI_CLAIM.custom]?.iin;
  const fromCustom = typeof custom === 'string' ? custom.replace(/\s+/g, '') : '';
  if (IIN.test(fromCustom)) return fromCustom;
  const sourced = c[LTI_CLAIM.lis]?.person_sourcedid?.replace(/\s+/g, '') ?? '';
  return IIN.test(sourced) ? sourced : null;
}

function resourceLinkOf(c: LtiLaunchClaims): { id: string; title?: string | null } {
  const link = c[LTI_CLAIM.resourceLink];
  if (!link) throw new LtiError('claims_invalid', 'resource_link: required');
  return link;
}

export function launchLocale(c: LtiLaunchClaims): Locale {
  const raw = (c[LTI_CLAIM.launchPresentation]?.locale ?? c.locale ?? '').toLowerCase().slice(0, 2);
  return (LOCALES as readonly string[]).includes(raw) ? (raw as Locale) : 'ru';
}

export class LtiAccountsService {
  constructor(private readonly deps: { db: Kysely<DB> }) {}

  /** The exam this launch opens: the custom parameter (remembered for the link) or the link's mapping. */
  async #exam(db: Kysely<DB>, platform: LtiPlatform, c: LtiLaunchClaims): Promise<{ id: string; endsAt: Date }> {
    const link = resourceLinkOf(c);
    const custom = c[LTI_CLAIM.custom]?.[LTI_EXAM_CUSTOM_PARAM];
    if (typeof custom === 'string' && custom.trim()) {
      const id = custom.trim().toLowerCase();
      const exam = UUID.test(id) ? await getExam(db, id) : undefined;
      if (!exam) throw new LtiError('no_exam', `custom ${LTI_EXAM_CUSTOM_PARAM}=${custom} names no exam here`);
      const context = c[LTI_CLAIM.context];
      await upsertLtiLink(db, {
        platformId: platform.id,
        resourceLinkId: link.id,
        examId: exam.id,
        contextId: context?.id ?? null,
        contextTitle: context?.title ?? context?.label ?? null,
        title: link.title ?? null,
      });
      return { id: exam.id, endsAt: exam.endsAt };
    }
    const mapped = await findLtiLinkExam(db, platform.id, link.id);
    const exam = mapped ? await getExam(db, mapped) : undefined;
    if (!exam) throw new LtiError('no_exam', `resource link ${link.id} is not linked to an exam and has no custom ${LTI_EXAM_CUSTOM_PARAM}`);
    return { id: exam.id, endsAt: exam.endsAt };
  }

  /** `within`: more of the same launch in its transaction (a proctoring start records its attempt); its refusal undoes all. */
  async learner(platform: LtiPlatform, c: LtiLaunchClaims, within?: (trx: Kysely<DB>, sessionId: string) => Promise<void>): Promise<LearnerOutcome> {
    return inTransaction(this.deps.db, async (trx) => {
      const exam = await this.#exam(trx, platform, c);
      await lockLtiSub(trx, platform.id, c.sub);
      const candidateId = await this.#candidate(trx, platform, c);
      const sessionId = await ensureExamSession(trx, exam.id, candidateId);
      const returnUrl = c[LTI_CLAIM.launchPresentation]?.return_url ?? null;
      await setSessionReturnUrl(trx, sessionId, returnUrl && !urlProblem(returnUrl) ? returnUrl : null);
      const ags = c[LTI_CLAIM.ags];
      if (ags && (ags.lineitems || ags.lineitem)) {
        await upsertLtiGradeTarget(trx, {
          sessionId,
          platformId: platform.id,
          sub: c.sub,
          resourceLinkId: resourceLinkOf(c).id,
          lineitemsUrl: ags.lineitems ?? null,
          // The platform's own line item is the activity's grade; ours is "Proctoring" (found or created by the job).
          lineitemUrl: ags.lineitems ? null : (ags.lineitem ?? null),
          scopes: ags.scope,
          locale: launchLocale(c),
        });
      }
      await within?.(trx, sessionId);
      await appendAction(trx, {
        actorUserId: null,
        actorName: personName(c),
        actorIin: personIin(c),
        sessionId,
        action: 'candidate.lti_launched',
        details: { platformId: platform.id, platform: platform.name, sub: c.sub, resourceLinkId: resourceLinkOf(c).id, examId: exam.id, candidateId },
      });
      return { sessionId, examEndsAt: exam.endsAt };
    });
  }

  async #candidate(db: Kysely<DB>, platform: LtiPlatform, c: LtiLaunchClaims): Promise<string> {
    const fullName = personName(c);
    const email = personEmail(c);
    const iin = personIin(c);
    const linked = await findLtiUser(db, platform.id, 'candidate', c.sub);
    // An erased candidate stays erased: the person's next launch makes a new candidate.
    const found = linked ? await getCandidate(db, linked) : undefined;
    const current = found?.erasedAt ? undefined : found;
    const [holder] = iin ? await getCandidatesByIins(db, [iin]) : [];
    if (current) {
      // An IIN that belongs to someone else is not moved over; the name and e-mail follow the LMS.
      const keepIin = iin && (!holder || holder.id === current.id) ? iin : current.iin;
      await db
        .updateTable('candidates')
        .set({ fullName, email: email ?? current.email, iin: keepIin, ...(keepIin ? {} : { iinSource: 'lti' as const }) })
        .where('id', '=', current.id)
        .execute();
      return current.id;
    }
    if (holder) {
      await updateCandidate(db, holder.id, { fullName, iin: holder.iin ?? iin!, groupId: holder.groupId, email: email ?? holder.email });
      await relinkLtiUser(db, platform.id, 'candidate', c.sub, holder.id);
      return holder.id;
    }
    const row = await db
      .insertInto('candidates')
      .values({ fullName, email, iin, groupId: null, iinSource: iin ? null : 'lti' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await relinkLtiUser(db, platform.id, 'candidate', c.sub, row.id);
    return row.id;
  }

  async staff(platform: LtiPlatform, c: LtiLaunchClaims): Promise<StaffOutcome> {
    return inTransaction(this.deps.db, async (trx) => {
      const exam = await this.#exam(trx, platform, c);
      await lockLtiSub(trx, platform.id, c.sub);
      const user = await this.#user(trx, platform, c);
      await assignProctor(trx, exam.id, user.id);
      return { user, examId: exam.id };
    });
  }

  /** The instructor's account alone (deep linking: the exam is what they are about to choose). */
  async staffAccount(platform: LtiPlatform, c: LtiLaunchClaims): Promise<User> {
    return inTransaction(this.deps.db, async (trx) => {
      await lockLtiSub(trx, platform.id, c.sub);
      return this.#user(trx, platform, c);
    });
  }

  async #user(db: Kysely<DB>, platform: LtiPlatform, c: LtiLaunchClaims): Promise<User> {
    const byId = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    const linked = await findLtiUser(db, platform.id, 'user', c.sub);
    const current = linked ? await byId(linked) : undefined;
    if (current) {
      if (current.archivedAt) throw new LtiError('account_conflict', `account ${current.id} of this instructor is archived`);
      return current;
    }
    const email = personEmail(c);
    const existing = email ? await getUserByEmail(db, email) : undefined;
    if (existing) {
      // A platform vouches for its teachers, not for our admins: an admin account is never taken over by a launch.
      if (existing.role !== 'proctor' || existing.archivedAt) {
        throw new LtiError('account_conflict', `e-mail ${email} belongs to a ${existing.archivedAt ? 'archived' : existing.role} account here`);
      }
      await linkLtiUser(db, platform.id, 'user', c.sub, existing.id);
      return existing;
    }
    // No e-mail from the platform: a unique address that can never receive mail (.invalid, RFC 2606).
    const address = email ?? `lti-${createHash('sha256').update(`${platform.id}/${c.sub}`).digest('hex').slice(0, 20)}@lti.invalid`;
    const created = await db
      .insertInto('users')
      .values({ email: address, fullName: personName(c), iin: null, role: 'proctor', locale: launchLocale(c), passwordHash: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await linkLtiUser(db, platform.id, 'user', c.sub, created.id);
    await appendAction(db, {
      actorUserId: null,
      actorName: created.fullName,
      actorIin: null,
      sessionId: null,
      action: 'user.lti_created',
      details: { platformId: platform.id, sub: c.sub, userId: created.id },
    });
    return created;
  }
}

/**
 * LTI Deep Linking (#13): an instructor places a proctored exam in a course. The verified
 * LtiDeepLinkingRequest becomes a one-use picker link (lti_deep_links; its random id is the
 * capability, so the picker also works inside the platform's frame where our cookies are
 * third-party); the instructor picks an exam or creates one (name, discipline, window,
 * assessment URL); the answer is an LtiDeepLinkingResponse JWT signed with our key (iss =
 * our client id, aud = the platform) carrying one ltiResourceLink to our launch URL with
 * `custom.proctor_exam` and a "Proctoring" line item, which the picker posts back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SignJWT } from 'jose';
import {
  appendAction,
  assignProctor,
  createExam,
  deleteExpiredLtiDeepLinks,
  ensureDiscipline,
  getExam,
  getLtiDeepLink,
  getLtiPlatform,
  inTransaction,
  insertLtiDeepLink,
  listPlaceableExams,
  useLtiDeepLink,
  type DB,
  type LtiPlatform,
  type User,
} from '@proctor/db';
import { LTI_KEY_ALG, ltiSigningKey } from '@proctor/recorder';
import type { z } from 'zod';
import {
  LTI_CLAIM,
  LTI_DEEP_LINK_TTL_SECONDS,
  LTI_EXAM_CUSTOM_PARAM,
  LTI_PATHS,
  type DeepLinkPicker,
  type DeepLinkResponse,
  type deepLinkChoice,
  type LtiLaunchClaims,
} from '../contract/api/lti.ts';
import { DomainError } from '../domain/errors.ts';

type Choice = z.output<typeof deepLinkChoice>;

const gone = () => new DomainError('not_found', 'This placement link is unknown or has expired. Start again from the course.');

export class LtiDeepLinkService {
  constructor(private readonly deps: { db: Kysely<DB>; publicOrigin: string; now?: () => Date }) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The picker's key for this request. */
  async start(platform: LtiPlatform, claims: LtiLaunchClaims, user: User): Promise<string> {
    const settings = claims[LTI_CLAIM.deepLinkingSettings]!;
    const now = this.#now();
    await deleteExpiredLtiDeepLinks(this.deps.db, now);
    const id = randomBytes(32).toString('base64url');
    await insertLtiDeepLink(this.deps.db, {
      id,
      platformId: platform.id,
      userId: user.id,
      deploymentId: claims[LTI_CLAIM.deploymentId],
      returnUrl: settings.deep_link_return_url,
      data: settings.data ?? null,
      expiresAt: new Date(now.getTime() + LTI_DEEP_LINK_TTL_SECONDS * 1000),
    });
    return id;
  }

  async #live(db: Kysely<DB>, key: string) {
    const row = key.length >= 32 && key.length <= 100 ? await getLtiDeepLink(db, key) : undefined;
    if (!row || row.usedAt || row.expiresAt.getTime() < this.#now().getTime()) throw gone();
    const platform = await getLtiPlatform(db, row.platformId);
    const user = await db.selectFrom('users').select(['id', 'fullName', 'iin', 'archivedAt']).where('id', '=', row.userId).executeTakeFirst();
    if (!platform || platform.archivedAt || !user || user.archivedAt) throw gone();
    return { row, platform, user };
  }

  async picker(key: string): Promise<DeepLinkPicker> {
    const { platform, user } = await this.#live(this.deps.db, key);
    const exams = await listPlaceableExams(this.deps.db);
    return {
      platformName: platform.name,
      instructorName: user.fullName,
      exams: exams.map((e) => ({ id: e.id, name: e.name, startsAt: e.startsAt.toISOString(), endsAt: e.endsAt.toISOString() })),
    };
  }

  async respond(key: string, choice: Choice): Promise<DeepLinkResponse> {
    const now = this.#now();
    const placed = await inTransaction(this.deps.db, async (trx) => {
      const { row, platform, user } = await this.#live(trx, key);
      if (!(await useLtiDeepLink(trx, key, now))) throw gone();
      let exam: { id: string; name: string };
      if ('examId' in choice) {
        const found = await getExam(trx, choice.examId);
        if (!found || found.archivedAt) throw new DomainError('not_found', 'There is no such exam.');
        exam = { id: found.id, name: found.name };
      } else {
        const c = choice.create;
        const disciplineId = await ensureDiscipline(trx, c.discipline);
        const id = await createExam(trx, { name: c.name, disciplineId, startsAt: c.startsAt, endsAt: c.endsAt, proctoringMode: 'online', assessmentUrl: c.assessmentUrl ?? null });
        exam = { id, name: c.name };
      }
      await assignProctor(trx, exam.id, user.id);
      await appendAction(trx, {
        actorUserId: user.id,
        actorName: user.fullName,
        actorIin: user.iin,
        sessionId: null,
        action: 'exam.lti_placed',
        details: { platformId: platform.id, examId: exam.id, created: !('examId' in choice) },
      });
      return { row, platform, exam };
    });
    const signing = await ltiSigningKey(this.deps.db);
    const { row, platform, exam } = placed;
    const jwt = await new SignJWT({
      nonce: randomUUID(),
      [LTI_CLAIM.messageType]: 'LtiDeepLinkingResponse',
      [LTI_CLAIM.version]: '1.3.0',
      [LTI_CLAIM.deploymentId]: row.deploymentId,
      [LTI_CLAIM.contentItems]: [
        {
          type: 'ltiResourceLink',
          title: exam.name,
          url: `${this.deps.publicOrigin}${LTI_PATHS.launch}`,
          custom: { [LTI_EXAM_CUSTOM_PARAM]: exam.id },
          lineItem: { scoreMaximum: 100, label: 'Proctoring', resourceId: exam.id, tag: 'proctoring' },
        },
      ],
      ...(row.data !== null ? { [LTI_CLAIM.data]: row.data } : {}),
    })
      .setProtectedHeader({ alg: LTI_KEY_ALG, kid: signing.kid, typ: 'JWT' })
      .setIssuer(platform.clientId)
      .setAudience(platform.issuer)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 5 * 60)
      .sign(signing.key);
    return { returnUrl: row.returnUrl, jwt };
  }
}

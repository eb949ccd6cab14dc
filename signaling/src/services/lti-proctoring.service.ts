/**
 * 1EdTech LTI Proctoring Services (#13). A platform that gates its quiz on proctoring sends
 * an LtiStartProctoring launch (verified like any launch, lti-launch.service.ts): the learner
 * becomes a candidate with a session of the exam, exactly as for a resource-link launch, and
 * the attempt is recorded with what the answer must carry back. The candidate journey
 * (consent, device check, identity check) runs as usual; once the learner is live under
 * proctoring, the exam page asks for our LtiStartAssessment message (assessment.service.ts)
 * and form-posts it to the platform's start_assessment_url inside the workspace's frame, so
 * the platform opens its quiz there, framed and guarded as any assessment. The platform's
 * LtiEndAssessment launch, or the session finishing here, ends the attempt.
 *
 * Attempt rules, per platform user and resource link: a number lower than one already seen
 * is refused (an old launch replayed); the same number again is a relaunch (a reloaded tab)
 * and takes the platform's newest data, unless its assessment has started, when session_data
 * may no longer change (that launch belongs to another sitting), or it has ended.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import { SignJWT } from 'jose';
import {
  appendAction,
  currentLtiProctoringAttempt,
  endLtiProctoringAttempt,
  endLtiProctoringAttemptsOfSession,
  getLtiPlatform,
  inTransaction,
  insertLtiProctoringAttempt,
  latestLtiProctoringAttempt,
  markLtiAssessmentStarted,
  refreshLtiProctoringAttempt,
  type DB,
  type LtiPlatform,
} from '@proctor/db';
import { LTI_KEY_ALG, ltiSigningKey } from '@proctor/recorder';
import { LTI_CLAIM, LTI_START_ASSESSMENT_TTL_SECONDS, type LtiLaunchClaims } from '../contract/api/lti.ts';
import type { LtiAccountsService, LearnerOutcome } from './lti-accounts.service.ts';
import { LtiError } from './lti-launch.service.ts';

export interface StartAssessmentMessage {
  /** The platform's start_assessment_url: the page form-posts `JWT` there. */
  url: string;
  jwt: string;
}

export class LtiProctoringService {
  constructor(private readonly deps: { db: Kysely<DB>; accounts: LtiAccountsService; now?: () => Date }) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** An LtiStartProctoring launch: the learner's session (as a resource-link launch) and the attempt, in one transaction. */
  async start(platform: LtiPlatform, c: LtiLaunchClaims, attemptNumber: number): Promise<LearnerOutcome> {
    const link = c[LTI_CLAIM.resourceLink]!;
    const sessionData = c[LTI_CLAIM.sessionData] ?? null;
    const fields = {
      deploymentId: c[LTI_CLAIM.deploymentId],
      sessionData,
      startAssessmentUrl: c[LTI_CLAIM.startAssessmentUrl]!,
      resourceLink: link as Record<string, unknown>,
      endAssessmentReturn: c[LTI_CLAIM.endAssessmentReturn] === true,
    };
    return this.deps.accounts.learner(platform, c, async (trx, sessionId) => {
      const latest = await latestLtiProctoringAttempt(trx, platform.id, c.sub, link.id);
      if (latest && attemptNumber < latest.attemptNumber) {
        throw new LtiError('attempt_invalid', `attempt ${attemptNumber} is older than attempt ${latest.attemptNumber} of ${c.sub} on ${link.id}`);
      }
      if (latest && attemptNumber === latest.attemptNumber) {
        if (latest.status === 'ended') throw new LtiError('attempt_invalid', `attempt ${attemptNumber} has ended`);
        if (latest.status === 'assessment' && !isDeepStrictEqual(latest.sessionData, sessionData)) {
          throw new LtiError('session_data_mismatch', `attempt ${attemptNumber} started its assessment with other session_data`);
        }
        await refreshLtiProctoringAttempt(trx, latest.id, { sessionId, ...fields });
      } else {
        await insertLtiProctoringAttempt(trx, { platformId: platform.id, sub: c.sub, resourceLinkId: link.id, attemptNumber, sessionId, ...fields });
      }
    });
  }

  /** Is this session an LTI proctored attempt that is still open? Its start_assessment_url, then. */
  async openAttemptUrl(sessionId: string): Promise<string | null> {
    const attempt = await currentLtiProctoringAttempt(this.deps.db, sessionId);
    return attempt && attempt.status !== 'ended' ? attempt.startAssessmentUrl : null;
  }

  /**
   * Our LtiStartAssessment message for the session's open attempt, signed with the tool's
   * key (iss = our client id, aud = the platform), carrying back the attempt's session_data,
   * attempt number, resource link and deployment unchanged. The caller checked the learner
   * is live under proctoring. Asking for the end message makes the platform tell us (an
   * LtiEndAssessment launch) when its quiz is over.
   */
  async startAssessment(sessionId: string): Promise<StartAssessmentMessage> {
    const attempt = await currentLtiProctoringAttempt(this.deps.db, sessionId);
    if (!attempt || attempt.status === 'ended') throw new LtiError('attempt_invalid', `session ${sessionId} has no open proctoring attempt`);
    const platform = await getLtiPlatform(this.deps.db, attempt.platformId);
    if (!platform || platform.archivedAt) throw new LtiError('unknown_platform', `platform ${attempt.platformId} is gone or archived`);
    const now = this.#now();
    const signing = await ltiSigningKey(this.deps.db);
    const seconds = Math.floor(now.getTime() / 1000);
    const jwt = await new SignJWT({
      nonce: randomUUID(),
      [LTI_CLAIM.messageType]: 'LtiStartAssessment',
      [LTI_CLAIM.version]: '1.3.0',
      [LTI_CLAIM.deploymentId]: attempt.deploymentId,
      [LTI_CLAIM.resourceLink]: attempt.resourceLink,
      [LTI_CLAIM.attemptNumber]: attempt.attemptNumber,
      ...(attempt.sessionData !== null ? { [LTI_CLAIM.sessionData]: attempt.sessionData } : {}),
      [LTI_CLAIM.endAssessmentReturn]: true,
    })
      .setProtectedHeader({ alg: LTI_KEY_ALG, kid: signing.kid, typ: 'JWT' })
      .setIssuer(platform.clientId)
      .setAudience(platform.issuer)
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + LTI_START_ASSESSMENT_TTL_SECONDS)
      .sign(signing.key);
    await markLtiAssessmentStarted(this.deps.db, attempt.id, now);
    return { url: attempt.startAssessmentUrl, jwt };
  }

  /**
   * An LtiEndAssessment launch: the attempt it names ends (the page it lands on tells the
   * exam page around it, which hands the exam in). An unknown attempt, or session_data (when
   * the platform sends it) of another sitting, is refused.
   */
  async end(platform: LtiPlatform, c: LtiLaunchClaims, attemptNumber: number): Promise<{ sessionId: string }> {
    const link = c[LTI_CLAIM.resourceLink]!;
    return inTransaction(this.deps.db, async (trx) => {
      const latest = await latestLtiProctoringAttempt(trx, platform.id, c.sub, link.id);
      if (!latest || latest.attemptNumber !== attemptNumber) {
        throw new LtiError('attempt_invalid', `no attempt ${attemptNumber} of ${c.sub} on ${link.id} (latest: ${latest?.attemptNumber ?? 'none'})`);
      }
      const sent = c[LTI_CLAIM.sessionData];
      if (sent !== undefined && !isDeepStrictEqual(sent, latest.sessionData)) {
        throw new LtiError('session_data_mismatch', `end of attempt ${attemptNumber} names other session_data`);
      }
      const now = this.#now();
      if (await endLtiProctoringAttempt(trx, latest.id, 'platform', now)) {
        await appendAction(trx, {
          actorUserId: null,
          actorName: platform.name,
          actorIin: null,
          sessionId: latest.sessionId,
          action: 'lti.assessment_ended',
          details: { platformId: platform.id, attemptNumber },
        });
      }
      return { sessionId: latest.sessionId };
    });
  }

  /** The session finished here: its open attempts end (a later relaunch of them is refused). */
  async sessionFinished(sessionId: string): Promise<void> {
    await endLtiProctoringAttemptsOfSession(this.deps.db, sessionId, this.#now());
  }
}

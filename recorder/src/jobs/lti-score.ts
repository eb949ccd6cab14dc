/**
 * Sends a launched session's honesty % (score out of 100) and decision (comment) to the
 * platform's "Proctoring" line item (#13, AGS). Enqueued when the session finishes and when
 * its decision changes; it always sends the current values, so a late or repeated run is
 * harmless. Each run records its outcome on the grade target ('pending' while retries
 * remain, 'failed' after the last one), which the platform's admin page lists.
 */
import type { Logger } from 'pino';
import { getLtiGradeTarget, getLtiPlatform, recordLtiGradeOutcome, setLtiGradeTargetLineitem } from '@proctor/db';
import { VALUE_LABELS, type Decision } from '@proctor/values';
import { UnrecoverableError } from 'bullmq';
import type { Db } from '../db.ts';
import type { JobContext } from '../queue.ts';
import type { LtiScorePayload } from './types.ts';
import { AGS_SCOPES, AgsError, clientCredentialsToken, ensureProctoringLineItem, postScore } from '../lti/ags-client.ts';
import { ltiSigningKey } from '../lti/keys.ts';

export type LtiScoreOutcome = 'sent' | 'skipped';

const COMMENT = {
  en: (h: string, d: string) => `Proctoring: honesty ${h}, decision: ${d}`,
  ru: (h: string, d: string) => `Прокторинг: честность ${h}, решение: ${d}`,
  kk: (h: string, d: string) => `Прокторинг: адалдық ${h}, шешім: ${d}`,
} as const;

export async function sendLtiScore(deps: { db: Db; logger: Logger; now?: () => Date }, payload: LtiScorePayload, ctx: JobContext): Promise<LtiScoreOutcome> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const target = await getLtiGradeTarget(db, payload.sessionId);
  if (!target) return 'skipped';
  const session = await db.selectFrom('examSessions').select(['honesty', 'decision', 'status']).where('id', '=', payload.sessionId).executeTakeFirst();
  const platform = await getLtiPlatform(db, target.platformId);
  if (!session || !platform || platform.archivedAt) return 'skipped';
  try {
    const canCreate = target.scopes.includes(AGS_SCOPES.lineitem);
    if (!target.scopes.includes(AGS_SCOPES.score)) throw new AgsError('the platform did not grant the score scope for this link', false);
    if (!target.lineitemUrl && !(canCreate || target.scopes.includes(AGS_SCOPES.lineitemReadonly))) throw new AgsError('no line item and no scope to find one', false);
    const scopes = [AGS_SCOPES.score, ...(canCreate ? [AGS_SCOPES.lineitem] : target.scopes.includes(AGS_SCOPES.lineitemReadonly) ? [AGS_SCOPES.lineitemReadonly] : [])];
    const token = await clientCredentialsToken(platform, await ltiSigningKey(db), scopes);
    let lineitem = target.lineitemUrl;
    if (!lineitem) {
      lineitem = await ensureProctoringLineItem(target.lineitemsUrl!, target.resourceLinkId, token, canCreate);
      await setLtiGradeTargetLineitem(db, payload.sessionId, lineitem);
    }
    const honesty = session.honesty === null ? null : Math.round(session.honesty);
    const decision = session.decision as Decision;
    const locale = target.locale;
    const comment = COMMENT[locale](honesty === null ? '—' : `${honesty} %`, VALUE_LABELS[locale].decision[decision]);
    await postScore(lineitem, { userId: target.sub, scoreGiven: honesty, comment, timestamp: now }, token);
    await recordLtiGradeOutcome(db, payload.sessionId, { status: 'sent', score: honesty, decision }, now);
    deps.logger.info({ sessionId: payload.sessionId, platformId: platform.id, honesty, decision }, 'LTI score sent');
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const final = ctx.isFinalAttempt || (err instanceof AgsError && !err.retryable);
    await recordLtiGradeOutcome(db, payload.sessionId, { status: final ? 'failed' : 'pending', error: message }, now);
    deps.logger.warn({ sessionId: payload.sessionId, platformId: platform.id, attempt: ctx.attempt, final, err: message }, 'LTI score not delivered');
    if (err instanceof AgsError && !err.retryable) throw new UnrecoverableError(message);
    throw err;
  }
}

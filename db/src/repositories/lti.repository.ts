/**
 * LTI 1.3 tool (#13): platforms, one-use login state/nonce pairs, our key pairs, resource
 * links → exams, platform users → our candidates/accounts, and where sessions' scores go.
 * The launch logic (what to create for a learner or an instructor) is the signaling
 * service's; these are its queries.
 */
import { sql, type Kysely } from 'kysely';
import type { Locale } from '@proctor/values';
import type { DB, LtiGradeStatus, LtiGradeTarget, LtiKey, LtiPlatform } from '../schema.ts';

export interface LtiPlatformFields {
  name: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: string[];
}

export interface LtiPlatformListItem extends LtiPlatform {
  launchCount: number;
  gradeFailures: number;
}

export async function listLtiPlatforms(db: Kysely<DB>): Promise<LtiPlatformListItem[]> {
  const rows = await db
    .selectFrom('ltiPlatforms as p')
    .selectAll('p')
    .select((eb) => [
      eb.selectFrom('ltiGradeTargets as g').whereRef('g.platformId', '=', 'p.id').select((e) => e.fn.countAll<string>().as('n')).as('launchCount'),
      eb
        .selectFrom('ltiGradeTargets as g')
        .whereRef('g.platformId', '=', 'p.id')
        .where('g.status', '=', 'failed')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('gradeFailures'),
    ])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({ ...r, launchCount: Number(r.launchCount ?? 0), gradeFailures: Number(r.gradeFailures ?? 0) }));
}

export async function getLtiPlatform(db: Kysely<DB>, id: string): Promise<LtiPlatform | undefined> {
  return db.selectFrom('ltiPlatforms').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Live platforms with this issuer (and client id, when the platform sent one). */
export async function findLtiPlatforms(db: Kysely<DB>, issuer: string, clientId?: string): Promise<LtiPlatform[]> {
  let q = db.selectFrom('ltiPlatforms').selectAll().where('issuer', '=', issuer).where('archivedAt', 'is', null);
  if (clientId !== undefined) q = q.where('clientId', '=', clientId);
  return q.execute();
}

export async function createLtiPlatform(db: Kysely<DB>, fields: LtiPlatformFields): Promise<string> {
  const row = await db.insertInto('ltiPlatforms').values(fields).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLtiPlatform(db: Kysely<DB>, id: string, fields: LtiPlatformFields): Promise<boolean> {
  const r = await db.updateTable('ltiPlatforms').set({ ...fields, updatedAt: new Date() }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function setLtiPlatformArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const r = await db.updateTable('ltiPlatforms').set({ archivedAt, updatedAt: new Date() }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

// --- login state / nonce -------------------------------------------------------------

export async function insertLtiNonce(db: Kysely<DB>, row: { state: string; nonce: string; platformId: string; targetLinkUri: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('ltiNonces').values(row).execute();
}

/** Takes the pair of this state away (so it works once); undefined when unknown. Expiry is the caller's check. */
export async function consumeLtiNonce(db: Kysely<DB>, state: string): Promise<{ nonce: string; platformId: string; targetLinkUri: string; expiresAt: Date } | undefined> {
  return db.deleteFrom('ltiNonces').where('state', '=', state).returning(['nonce', 'platformId', 'targetLinkUri', 'expiresAt']).executeTakeFirst();
}

export async function deleteExpiredLtiNonces(db: Kysely<DB>, before: Date): Promise<number> {
  const r = await db.deleteFrom('ltiNonces').where('expiresAt', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// --- our keys --------------------------------------------------------------------------

/** The active key and the previous one (both published in the JWKS), newest first. */
export async function listPublishedLtiKeys(db: Kysely<DB>): Promise<LtiKey[]> {
  return db.selectFrom('ltiKeys').selectAll().where('status', 'in', ['active', 'previous']).orderBy('createdAt', 'desc').execute();
}

export async function getActiveLtiKey(db: Kysely<DB>): Promise<LtiKey | undefined> {
  return db.selectFrom('ltiKeys').selectAll().where('status', '=', 'active').executeTakeFirst();
}

/**
 * Makes this key the active one: the active key becomes 'previous', the previous one
 * 'retired'. Run in a transaction; the unique index keeps one active key even under a race.
 */
export async function activateLtiKey(db: Kysely<DB>, key: { kid: string; publicJwk: object; privateJwk: object }, now: Date): Promise<void> {
  await db.updateTable('ltiKeys').set({ status: 'retired', rotatedAt: now }).where('status', '=', 'previous').execute();
  await db.updateTable('ltiKeys').set({ status: 'previous', rotatedAt: now }).where('status', '=', 'active').execute();
  await db
    .insertInto('ltiKeys')
    .values({ kid: key.kid, publicJwk: JSON.stringify(key.publicJwk), privateJwk: JSON.stringify(key.privateJwk), status: 'active' })
    .execute();
}

/** Serialises key creation across nodes (the first JWKS request of two nodes at once). */
export async function lockLtiKeys(db: Kysely<DB>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended('lti-keys', 0))`.execute(db);
}

// --- resource links, users ---------------------------------------------------------------

export async function findLtiLinkExam(db: Kysely<DB>, platformId: string, resourceLinkId: string): Promise<string | undefined> {
  const row = await db.selectFrom('ltiLinks').select('examId').where('platformId', '=', platformId).where('resourceLinkId', '=', resourceLinkId).executeTakeFirst();
  return row?.examId;
}

export async function upsertLtiLink(
  db: Kysely<DB>,
  link: { platformId: string; resourceLinkId: string; examId: string; contextId: string | null; contextTitle: string | null; title: string | null },
): Promise<void> {
  await db
    .insertInto('ltiLinks')
    .values(link)
    .onConflict((oc) =>
      oc.columns(['platformId', 'resourceLinkId']).doUpdateSet((eb) => ({
        examId: eb.ref('excluded.examId'),
        contextId: eb.ref('excluded.contextId'),
        contextTitle: eb.ref('excluded.contextTitle'),
        title: eb.ref('excluded.title'),
      })),
    )
    .execute();
}

export interface LtiLinkListItem {
  resourceLinkId: string;
  contextTitle: string | null;
  title: string | null;
  examId: string;
  examName: string;
  createdAt: Date;
}

export async function listLtiLinks(db: Kysely<DB>, platformId: string): Promise<LtiLinkListItem[]> {
  return db
    .selectFrom('ltiLinks as l')
    .innerJoin('exams as e', 'e.id', 'l.examId')
    .select(['l.resourceLinkId', 'l.contextTitle', 'l.title', 'l.examId', 'e.name as examName', 'l.createdAt'])
    .where('l.platformId', '=', platformId)
    .orderBy('l.createdAt', 'desc')
    .limit(200)
    .execute();
}

export async function findLtiUser(db: Kysely<DB>, platformId: string, kind: 'candidate' | 'user', sub: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ltiUsers')
    .select(['candidateId', 'userId'])
    .where('platformId', '=', platformId)
    .where('kind', '=', kind)
    .where('sub', '=', sub)
    .executeTakeFirst();
  return (kind === 'candidate' ? row?.candidateId : row?.userId) ?? undefined;
}

export async function linkLtiUser(db: Kysely<DB>, platformId: string, kind: 'candidate' | 'user', sub: string, localId: string): Promise<void> {
  await db
    .insertInto('ltiUsers')
    .values({ platformId, kind, sub, candidateId: kind === 'candidate' ? localId : null, userId: kind === 'user' ? localId : null })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Points a platform user at another of our rows (the linked candidate was erased). */
export async function relinkLtiUser(db: Kysely<DB>, platformId: string, kind: 'candidate' | 'user', sub: string, localId: string): Promise<void> {
  await db
    .insertInto('ltiUsers')
    .values({ platformId, kind, sub, candidateId: kind === 'candidate' ? localId : null, userId: kind === 'user' ? localId : null })
    .onConflict((oc) =>
      oc.columns(['platformId', 'kind', 'sub']).doUpdateSet({ candidateId: kind === 'candidate' ? localId : null, userId: kind === 'user' ? localId : null }),
    )
    .execute();
}

/** Serialises the first launches of one platform user (two tabs must create one candidate). */
export async function lockLtiSub(db: Kysely<DB>, platformId: string, sub: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`lti/${platformId}/${sub}`}, 0))`.execute(db);
}

// --- grade targets (AGS) -------------------------------------------------------------------

export async function upsertLtiGradeTarget(
  db: Kysely<DB>,
  t: { sessionId: string; platformId: string; sub: string; resourceLinkId: string; lineitemsUrl: string | null; lineitemUrl: string | null; scopes: string[]; locale: Locale },
): Promise<void> {
  await db
    .insertInto('ltiGradeTargets')
    .values(t)
    .onConflict((oc) =>
      oc.column('sessionId').doUpdateSet((eb) => ({
        platformId: eb.ref('excluded.platformId'),
        sub: eb.ref('excluded.sub'),
        resourceLinkId: eb.ref('excluded.resourceLinkId'),
        lineitemsUrl: eb.ref('excluded.lineitemsUrl'),
        lineitemUrl: eb.ref('excluded.lineitemUrl'),
        scopes: eb.ref('excluded.scopes'),
        locale: eb.ref('excluded.locale'),
      })),
    )
    .execute();
}

export async function getLtiGradeTarget(db: Kysely<DB>, sessionId: string): Promise<LtiGradeTarget | undefined> {
  return db.selectFrom('ltiGradeTargets').selectAll().where('sessionId', '=', sessionId).executeTakeFirst();
}

export async function setLtiGradeTargetLineitem(db: Kysely<DB>, sessionId: string, lineitemUrl: string): Promise<void> {
  await db.updateTable('ltiGradeTargets').set({ lineitemUrl }).where('sessionId', '=', sessionId).execute();
}

export async function recordLtiGradeOutcome(
  db: Kysely<DB>,
  sessionId: string,
  outcome: { status: LtiGradeStatus; error?: string | null; score?: number | null; decision?: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('ltiGradeTargets')
    .set((eb) => ({
      status: outcome.status,
      lastError: outcome.error ? outcome.error.slice(0, 2000) : null,
      lastAttemptAt: now,
      attempts: eb('attempts', '+', 1),
      ...(outcome.status === 'sent' ? { sentAt: now, sentScore: outcome.score ?? null, sentDecision: outcome.decision ?? null } : {}),
    }))
    .where('sessionId', '=', sessionId)
    .execute();
}

/** A delivery was queued (after a finish or a decision change). */
export async function markLtiGradeQueued(db: Kysely<DB>, sessionId: string): Promise<boolean> {
  const r = await db.updateTable('ltiGradeTargets').set({ status: 'pending' }).where('sessionId', '=', sessionId).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface LtiGradeFailure {
  sessionId: string;
  candidateName: string;
  examName: string;
  lastError: string | null;
  attempts: number;
  lastAttemptAt: Date | null;
}

/** Scores that could not be delivered, newest first (the platform's admin page). */
export async function listLtiGradeFailures(db: Kysely<DB>, platformId: string): Promise<LtiGradeFailure[]> {
  return db
    .selectFrom('ltiGradeTargets as g')
    .innerJoin('examSessions as s', 's.id', 'g.sessionId')
    .select(['g.sessionId', 's.candidateName', 's.examName', 'g.lastError', 'g.attempts', 'g.lastAttemptAt'])
    .where('g.platformId', '=', platformId)
    .where('g.status', '=', 'failed')
    .orderBy('g.lastAttemptAt', 'desc')
    .limit(100)
    .execute();
}

// --- deep linking ----------------------------------------------------------------------------

export async function insertLtiDeepLink(
  db: Kysely<DB>,
  row: { id: string; platformId: string; userId: string; deploymentId: string; returnUrl: string; data: string | null; expiresAt: Date },
): Promise<void> {
  await db.insertInto('ltiDeepLinks').values(row).execute();
}

export async function getLtiDeepLink(db: Kysely<DB>, id: string) {
  return db.selectFrom('ltiDeepLinks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks it used; false when it was used already (two clicks, a replay). */
export async function useLtiDeepLink(db: Kysely<DB>, id: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('ltiDeepLinks').set({ usedAt: now }).where('id', '=', id).where('usedAt', 'is', null).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteExpiredLtiDeepLinks(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('ltiDeepLinks').where('expiresAt', '<', before).execute();
}

/** Exams an instructor may place (live, newest first). */
export async function listPlaceableExams(db: Kysely<DB>, limit = 200): Promise<{ id: string; name: string; startsAt: Date; endsAt: Date }[]> {
  return db.selectFrom('exams').select(['id', 'name', 'startsAt', 'endsAt']).where('archivedAt', 'is', null).orderBy('startsAt', 'desc').limit(limit).execute();
}

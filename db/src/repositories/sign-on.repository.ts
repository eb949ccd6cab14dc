/**
 * Sign-on links (#10): used token ids, and the external systems' ids of our candidates,
 * groups and exams. The upsert itself (which rows to create or update) is the signaling
 * service's; these are its queries.
 */
import { sql, type Kysely } from 'kysely';
import type { DB, ExternalRefKind } from '../schema.ts';

/**
 * Records that the link with this token id was used. False when it was used before (a
 * replay). Run inside the transaction that acts on the link, so a failure releases the id.
 */
export async function claimSignOnUse(db: Kysely<DB>, use: { integrationId: string; jti: string; expiresAt: Date }): Promise<boolean> {
  const row = await db
    .insertInto('signOnUses')
    .values(use)
    .onConflict((oc) => oc.columns(['integrationId', 'jti']).doNothing())
    .returning('jti')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setSignOnUseSession(db: Kysely<DB>, integrationId: string, jti: string, sessionId: string): Promise<void> {
  await db.updateTable('signOnUses').set({ sessionId }).where('integrationId', '=', integrationId).where('jti', '=', jti).execute();
}

/** Forgets token ids whose tokens have expired (they are refused as expired from then on). */
export async function deleteExpiredSignOnUses(db: Kysely<DB>, before: Date): Promise<number> {
  const result = await db.deleteFrom('signOnUses').where('expiresAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Serialises work on one external id within the transaction (two first links of the same
 * candidate at once must create one candidate, not two).
 */
export async function lockExternalId(db: Kysely<DB>, integrationId: string, kind: ExternalRefKind, externalId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${integrationId}/${kind}/${externalId}`}, 0))`.execute(db);
}

const LOCAL_COLUMN = { candidate: 'candidateId', group: 'groupId', exam: 'examId' } as const;

/** Our row's id for an external id, if it was linked before. */
export async function findExternalRef(db: Kysely<DB>, integrationId: string, kind: ExternalRefKind, externalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('externalRefs')
    .select(LOCAL_COLUMN[kind])
    .where('integrationId', '=', integrationId)
    .where('kind', '=', kind)
    .where('externalId', '=', externalId)
    .executeTakeFirst();
  return (row as Record<string, string | null> | undefined)?.[LOCAL_COLUMN[kind]] ?? undefined;
}

/** Links an external id to our row (idempotent; an existing link is kept). */
export async function linkExternalRef(db: Kysely<DB>, ref: { integrationId: string; kind: ExternalRefKind; externalId: string; localId: string }): Promise<void> {
  await db
    .insertInto('externalRefs')
    .values({
      integrationId: ref.integrationId,
      kind: ref.kind,
      externalId: ref.externalId,
      candidateId: ref.kind === 'candidate' ? ref.localId : null,
      groupId: ref.kind === 'group' ? ref.localId : null,
      examId: ref.kind === 'exam' ? ref.localId : null,
    })
    .onConflict((oc) => oc.columns(['integrationId', 'kind', 'externalId']).doNothing())
    .execute();
}

/** Where "Finish" sends the candidate of this session (null: nowhere). */
export async function setSessionReturnUrl(db: Kysely<DB>, sessionId: string, returnUrl: string | null): Promise<void> {
  await db.updateTable('examSessions').set({ returnUrl }).where('id', '=', sessionId).execute();
}

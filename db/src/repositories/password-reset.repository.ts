import type { Kysely } from 'kysely';
import type { DB, PasswordReset } from '../schema.ts';

export async function createPasswordReset(
  db: Kysely<DB>,
  input: { userId: string; tokenHash: string; createdAt: Date; expiresAt: Date },
): Promise<string> {
  const row = await db.insertInto('passwordResets').values(input).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** How many reset links the user was sent since `since` (to stop mail flooding). */
export async function countPasswordResetsSince(db: Kysely<DB>, userId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('passwordResets')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('userId', '=', userId)
    .where('createdAt', '>=', since)
    .executeTakeFirstOrThrow();
  return row.count;
}

/**
 * Marks the unused, unexpired reset with this token hash as used and returns its user id.
 * One UPDATE, so two concurrent uses of the same link cannot both succeed.
 */
export async function consumePasswordReset(db: Kysely<DB>, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('passwordResets')
    .set({ usedAt: now })
    .where('tokenHash', '=', tokenHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returning('userId')
    .executeTakeFirst();
  return row?.userId;
}

/** Any reset with this token hash, used or expired ones included (to say why it failed). */
export function getPasswordResetByTokenHash(db: Kysely<DB>, tokenHash: string): Promise<PasswordReset | undefined> {
  return db.selectFrom('passwordResets').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

/** Voids the user's other outstanding links once one of them has been used. */
export async function voidPasswordResetsOfUser(db: Kysely<DB>, userId: string, now: Date): Promise<void> {
  await db.updateTable('passwordResets').set({ usedAt: now }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
}

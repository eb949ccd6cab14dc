import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

export async function recordLoginFailure(db: Kysely<DB>, input: { email: string; ip: string | null; at: Date }): Promise<void> {
  await db.insertInto('loginFailures').values(input).execute();
}

export interface LoginFailureWindow {
  count: number;
  /** Oldest failure in the window: the lock lifts when it falls out. null when count is 0. */
  oldest: Date | null;
}

/** Failed sign-ins for this e-mail (case-insensitive) since `since`. */
export async function loginFailuresSince(db: Kysely<DB>, email: string, since: Date): Promise<LoginFailureWindow> {
  const row = await db
    .selectFrom('loginFailures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min<Date | null>('at').as('oldest')])
    .where('email', '=', email)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return row;
}

/** Forgets the failures of this e-mail (after a successful sign-in or a password reset). */
export async function clearLoginFailures(db: Kysely<DB>, email: string): Promise<void> {
  await db.deleteFrom('loginFailures').where('email', '=', email).execute();
}

/** Drops failures that no longer count towards any lock-out. */
export async function deleteLoginFailuresBefore(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('loginFailures').where('at', '<', before).execute();
}
